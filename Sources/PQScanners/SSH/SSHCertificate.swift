import Foundation

/// An OpenSSH certificate (`*-cert-v01@openssh.com`) read from its wire blob.
///
/// Layout from OpenSSH PROTOCOL.certkeys (rev 1.20, now draft-miller-ssh-cert) and PROTOCOL.u2f:
/// `string type, string nonce, <key fields of the certified type>, uint64 serial, uint32 type, string key id,
/// string valid principals, uint64 valid after, uint64 valid before, string critical options,
/// string extensions, string reserved, string signature key, string signature`.
/// The signature is not verified: the inventory records which algorithms are in use, not whether they hold.
public struct SSHCertificate: Sendable, Hashable {
    /// Whom the certificate identifies (SSH_CERT_TYPE_USER = 1, SSH_CERT_TYPE_HOST = 2).
    public enum Role: UInt32, Sendable, Hashable {
        case user = 1
        case host = 2
    }

    /// Seconds since 1970 that OpenSSH treats as "forever" in valid before.
    public static let forever = UInt64.max

    /// The certificate type name as carried in the blob.
    public let typeName: String
    /// The certified key's type, from the table.
    public let keyType: SSHKeyType
    public let keyBits: Int?
    public let curve: String?
    public let application: String?
    public let serial: UInt64
    public let role: Role
    public let keyID: String
    /// Empty means valid for any principal of its role.
    public let principals: [String]
    public let validAfter: UInt64
    public let validBefore: UInt64
    /// Names of the critical options (their values can hold commands and addresses; only names are kept).
    public let criticalOptions: [String]
    public let extensions: [String]
    /// The CA key that signed the certificate.
    public let signatureKey: SSHPublicKey
    /// The signature blob's algorithm name (`rsa-sha2-512`, `ssh-ed25519`).
    public let signatureAlgorithm: String
    /// `sha256:<hex>` over the whole certificate blob: the certificate's asset id.
    public let assetID: String

    /// Reads a certificate blob.
    ///
    /// - Parameters:
    ///   - blob: the decoded base64 of a `*-cert-v01@openssh.com` line.
    ///   - writtenAs: the type name written before the base64, if any; the blob must agree with it.
    /// - Returns: the certificate, or why it is malformed. A certificate type not in `SSHKeyType.known` is
    ///   `unsupported` (its key fields cannot be skipped without knowing them).
    public static func parse<Bytes: Collection>(
        blob: Bytes, writtenAs: String? = nil
    ) -> Result<SSHCertificate, SSHWireError> where Bytes.Element == UInt8 {
        let bytes = [UInt8](blob)
        var reader = SSHWireReader(bytes)
        do throws(SSHWireError) {
            let typeName = try reader.text("certificate type")
            guard
                let keyType = try SSHPublicKey.checkedType(writtenAs: writtenAs, wireName: typeName, certificate: true)
            else {
                throw SSHWireError("unsupported", "certificate type \(typeName) is not known field by field")
            }
            _ = try reader.string("nonce")
            let fields = try SSHKeyFields.read(keyType, from: &reader)
            let serial = try reader.uint64("serial")
            let roleValue = try reader.uint32("certificate type (user/host)")
            guard let role = Role(rawValue: roleValue) else {
                throw SSHWireError("bad-value", "certificate type \(roleValue) is neither user (1) nor host (2)")
            }
            let keyID = try reader.lenientText("key id")
            let principals = try nestedStrings(try reader.string("valid principals"), what: "principal")
            let validAfter = try reader.uint64("valid after")
            let validBefore = try reader.uint64("valid before")
            let critical = try optionNames(try reader.string("critical options"), what: "critical option")
            let extensions = try optionNames(try reader.string("extensions"), what: "extension")
            _ = try reader.string("reserved")
            let signatureKeyBlob = try reader.string("signature key")
            let signatureKey: SSHPublicKey
            switch SSHPublicKey.parse(blob: signatureKeyBlob) {
            case .success(let key): signatureKey = key
            case .failure(let error):
                throw SSHWireError(error.code, "signature key: \(error.reason)")
            }
            var signature = SSHWireReader(try reader.string("signature"))
            let signatureAlgorithm = try signature.text("signature algorithm")
            _ = try signature.string("signature value")
            try reader.expectEnd("certificate")
            return .success(
                SSHCertificate(
                    typeName: typeName, keyType: keyType, keyBits: fields.bits ?? keyType.fixedBits,
                    curve: keyType.curve, application: fields.application, serial: serial, role: role, keyID: keyID,
                    principals: principals, validAfter: validAfter, validBefore: validBefore,
                    criticalOptions: critical, extensions: extensions, signatureKey: signatureKey,
                    signatureAlgorithm: signatureAlgorithm, assetID: SSHKeyFingerprint.assetID(of: bytes)))
        } catch {
            return .failure(error)
        }
    }

    /// The validity period in words (`2024-01-01T00:00:00Z to forever`).
    public var validityDescription: String {
        func format(_ seconds: UInt64) -> String {
            guard seconds < 253_402_300_800 else { return "forever" }  // beyond 9999-12-31
            return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
        let start = validAfter == 0 ? "always" : format(validAfter)
        return "\(start) to \(format(validBefore))"
    }

    private static func nestedStrings(_ body: ArraySlice<UInt8>, what: String) throws(SSHWireError) -> [String] {
        var reader = SSHWireReader(body)
        var out: [String] = []
        while !reader.isAtEnd { out.append(try reader.lenientText(what)) }
        return out
    }

    /// PROTOCOL.certkeys "Critical options": a sequence of `string name, string data`; only names are kept.
    private static func optionNames(_ body: ArraySlice<UInt8>, what: String) throws(SSHWireError) -> [String] {
        var reader = SSHWireReader(body)
        var names: [String] = []
        while !reader.isAtEnd {
            names.append(try reader.lenientText("\(what) name"))
            _ = try reader.string("\(what) data")
        }
        return names
    }
}
