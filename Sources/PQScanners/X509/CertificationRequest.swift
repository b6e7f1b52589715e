/// What PQScout reads from a PKCS#10 certificate request (RFC 2986 §4): the requested key, the signature
/// algorithm and the subject. A CSR is the first sign of a key rollout (an ML-DSA request before any ML-DSA
/// certificate exists), so it is inventoried like a certificate's key, without an issuer or a validity.
struct CertificationRequest: Sendable, Hashable {
    /// The outer signatureAlgorithm OID (RFC 2986 §4.2), dotted.
    var signatureOID: String
    /// The subject as RFC 4514 text.
    var subject: String
    var publicKey: PublicKeyInfo
    /// Number of bytes of the outer SEQUENCE.
    var derLength: Int

    /// Parses one DER CertificationRequest:
    /// `SEQUENCE { SEQUENCE { INTEGER 0, Name, SubjectPublicKeyInfo, [0] Attributes }, AlgorithmIdentifier,
    /// BIT STRING }`.
    /// - Throws: `DERError` saying where the structure broke.
    static func parse(der: [UInt8]) throws(DERError) -> CertificationRequest {
        let result: Result<CertificationRequest, DERError> = der.withUnsafeBufferPointer { buffer in
            do throws(DERError) {
                return .success(try parse(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(DERError) -> CertificationRequest {
        var top = DERReader(buffer)
        let request = try top.read(tag: DERTag.sequence, "CertificationRequest")
        var outer = try top.reader(into: request)
        let info = try outer.read(tag: DERTag.sequence, "certificationRequestInfo")
        let algorithm = try outer.read(tag: DERTag.sequence, "signatureAlgorithm")
        _ = try outer.read(tag: DERTag.bitString, "signature")
        guard outer.isAtEnd else { throw DERError("csr.trailing", "CertificationRequest: data after signature") }
        var alg = try outer.reader(into: algorithm)
        let oidElement = try alg.read(tag: DERTag.oid, "signatureAlgorithm OID")
        guard let signatureOID = alg.oid(oidElement) else {
            throw DERError("der.oid", "signatureAlgorithm: malformed OID")
        }
        var fields = try outer.reader(into: info)
        let version = try fields.read(tag: DERTag.integer, "version")
        guard fields.smallInteger(version) == 0 else {
            throw DERError("csr.version", "certificationRequestInfo: version is not 0 (v1)")
        }
        let subject = try fields.read(tag: DERTag.sequence, "subject")
        let spki = try fields.read(tag: DERTag.sequence, "subjectPKInfo")
        // RFC 2986 makes attributes mandatory, but some writers omit an empty set; accept both.
        _ = try fields.readIfPresent(tag: DERTag.contextConstructed(0))
        guard fields.isAtEnd else {
            throw DERError("csr.trailing", "certificationRequestInfo: unexpected trailing field")
        }
        return CertificationRequest(
            signatureOID: signatureOID, subject: try DistinguishedName.render(fields, name: subject),
            publicKey: try PublicKeyInfo.parse(fields, spki), derLength: request.end - request.start)
    }

    /// Whether a (possibly truncated) DER head has a request's shape rather than a certificate's.
    ///
    /// Both open `SEQUENCE { SEQUENCE { ...`. A v3 certificate's TBS starts with `[0]`; a v1 one with INTEGER
    /// serial then an AlgorithmIdentifier (a SEQUENCE starting with an OID); a request with INTEGER 0 then a
    /// Name (a SEQUENCE that is empty or starts with a SET). Only the first bytes are read.
    static func looksLikeRequest(_ head: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(head.prefix(512))
        return bytes.withUnsafeBufferPointer { buffer in
            // Only headers are needed: read them by hand, since the head may end inside any element.
            guard let outer = header(buffer, 0), buffer[0] == DERTag.sequence,
                let info = header(buffer, outer), buffer[outer] == DERTag.sequence,
                let afterVersionStart = header(buffer, info), buffer[info] == DERTag.integer
            else { return false }
            let versionLength = Int(buffer[info + 1])
            guard versionLength == 1, afterVersionStart < buffer.count, buffer[afterVersionStart] == 0 else {
                return false
            }
            let name = afterVersionStart + 1
            guard name + 1 < buffer.count, buffer[name] == DERTag.sequence, let nameContent = header(buffer, name)
            else { return false }
            if buffer[name + 1] == 0 { return true }  // empty subject
            return nameContent < buffer.count && buffer[nameContent] == Self.setTag
        }
    }

    /// SET OF (X.690 §8.12, constructed): the RelativeDistinguishedName that opens a non-empty Name.
    private static let setTag: UInt8 = 0x31

    /// Offset of the content of the TLV at `index`, when its header lies inside the buffer.
    private static func header(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int? {
        guard index + 1 < buffer.count else { return nil }
        let first = buffer[index + 1]
        if first < 0x80 { return index + 2 }
        let count = Int(first & 0x7F)
        guard count >= 1, count <= 4, index + 2 + count <= buffer.count else { return nil }
        return index + 2 + count
    }
}
