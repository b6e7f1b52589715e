/// An SSH public key read from its wire blob (`string type, key fields...`): what an inventory needs of it.
///
/// Built by `parse(blob:writtenAs:)`, which checks every length and, for the types in `SSHKeyType.known`, every
/// field: the blob must hold exactly the fields its type defines, nothing more.
public struct SSHPublicKey: Sendable, Hashable {
    /// The type name as carried inside the blob.
    public let typeName: String
    /// The table row for the type; nil for a type this scanner does not know (kept by name).
    public let keyType: SSHKeyType?
    /// Modulus bits (RSA), bits of p (DSA), the curve's size (ECDSA), or the type's fixed size; nil if unknown.
    public let keyBits: Int?
    /// Catalog spelling of the named curve (`P-256`), where the type has one.
    public let curve: String?
    /// FIDO application string (`ssh:`), for security keys only.
    public let application: String?
    /// `sha256:<hex>` over the blob: the inventory's asset id for this key.
    public let assetID: String
    /// OpenSSH's `SHA256:<base64>` fingerprint of the blob, as `ssh-keygen -l` prints it.
    public let fingerprint: String

    /// Reads a plain (non-certificate) public key blob.
    ///
    /// - Parameters:
    ///   - blob: the decoded base64 of a key line, or a certificate's signature key field.
    ///   - writtenAs: the type name the text put before the base64, if any; the blob must agree with it
    ///     (a key whose embedded type differs from its text type is malformed).
    /// - Returns: the key, or why it is malformed.
    public static func parse<Bytes: Collection>(
        blob: Bytes, writtenAs: String? = nil
    ) -> Result<SSHPublicKey, SSHWireError> where Bytes.Element == UInt8 {
        let bytes = [UInt8](blob)
        var reader = SSHWireReader(bytes)
        do throws(SSHWireError) {
            let typeName = try reader.text("key type")
            let keyType = try checkedType(writtenAs: writtenAs, wireName: typeName, certificate: false)
            if SSHKeyType.isCertificateName(typeName) {
                throw SSHWireError("bad-value", "\(typeName) is a certificate, not a plain key")
            }
            var fields = SSHKeyFields()
            if let keyType {
                fields = try SSHKeyFields.read(keyType, from: &reader)
                try reader.expectEnd("\(typeName) key")
            }
            return .success(
                SSHPublicKey(
                    typeName: typeName, keyType: keyType, keyBits: fields.bits ?? keyType?.fixedBits,
                    curve: keyType?.curve, application: fields.application,
                    assetID: SSHKeyFingerprint.assetID(of: bytes), fingerprint: SSHKeyFingerprint.openSSH(of: bytes)))
        } catch {
            return .failure(error)
        }
    }

    /// The table row for a blob, after checking the blob's embedded name against the text's.
    static func checkedType(
        writtenAs: String?, wireName: String, certificate: Bool
    ) throws(SSHWireError) -> SSHKeyType? {
        let written = writtenAs ?? wireName
        let keyType = certificate ? SSHKeyType.certified(by: written) : SSHKeyType.plain(written)
        let agrees = keyType.map { $0.acceptsWireName(wireName, asCertificate: certificate) } ?? (written == wireName)
        guard agrees else {
            throw SSHWireError("type-mismatch", "the text says \(written) but the key blob says \(wireName)")
        }
        return keyType
    }
}

/// The fields of a known key type that the inventory keeps, read per `SSHKeyLayout`.
struct SSHKeyFields {
    var bits: Int?
    var application: String?

    /// Reads the fields after the type name (and, in a certificate, after the nonce).
    static func read(_ type: SSHKeyType, from reader: inout SSHWireReader) throws(SSHWireError) -> SSHKeyFields {
        var fields = SSHKeyFields()
        switch type.layout {
        case .rsa:
            _ = try reader.positiveMPIntBits("RSA public exponent")
            fields.bits = try reader.positiveMPIntBits("RSA modulus")
        case .dsa:
            fields.bits = try reader.positiveMPIntBits("DSA p")
            _ = try reader.positiveMPIntBits("DSA q")
            _ = try reader.positiveMPIntBits("DSA g")
            _ = try reader.positiveMPIntBits("DSA y")
        case .ecdsa(let curveID):
            try readECDSA(curveID: curveID, from: &reader)
        case .fixed(let length):
            let key = try reader.string("\(type.name) public key")
            guard key.count == length else {
                throw SSHWireError("bad-length", "\(type.name) public key is \(key.count) bytes, not \(length)")
            }
        case .securityKeyECDSA(let curveID):
            try readECDSA(curveID: curveID, from: &reader)
            fields.application = try reader.lenientText("FIDO application")
        case .securityKeyEd25519:
            let key = try reader.string("Ed25519 public key")
            guard key.count == 32 else {
                throw SSHWireError("bad-length", "Ed25519 public key is \(key.count) bytes, not 32")
            }
            fields.application = try reader.lenientText("FIDO application")
        }
        return fields
    }

    /// RFC 5656 section 3.1: the curve identifier must match the type; Q is an uncompressed SEC1 point
    /// (0x04 ‖ X ‖ Y), the only form OpenSSH writes.
    private static func readECDSA(curveID: String, from reader: inout SSHWireReader) throws(SSHWireError) {
        let curve = try reader.text("ECDSA curve identifier")
        guard curve == curveID else {
            throw SSHWireError("type-mismatch", "ECDSA curve \(curve) does not match the key type's \(curveID)")
        }
        let point = try reader.string("ECDSA point")
        let coordinate = curveID == "nistp521" ? 66 : (curveID == "nistp384" ? 48 : 32)
        guard point.count == 1 + 2 * coordinate, point.first == 0x04 else {
            throw SSHWireError("bad-value", "ECDSA point is not an uncompressed \(curveID) point")
        }
    }
}

extension SSHWireReader {
    /// A `string` read as text for display (key ids, principals, FIDO application): invalid UTF-8 and control
    /// characters are replaced rather than refused, because OpenSSH only requires them to hold no NUL.
    mutating func lenientText(_ what: String) throws(SSHWireError) -> String {
        let body = try string(what)
        let text = String(decoding: body, as: UTF8.self)
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : $0 }))
    }
}
