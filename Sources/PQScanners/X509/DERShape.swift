/// What a DER blob looks like from its first elements, so each scanner takes only its own files.
///
/// Only the outer two levels are read (bounded work), and every read is checked, so a truncated head still
/// classifies when its first headers are present.
enum DERShape: Sendable, Equatable {
    /// Certificate ::= SEQUENCE { SEQUENCE tbs, SEQUENCE alg, BIT STRING } (RFC 5280 §4.1)
    case certificate
    /// ContentInfo { OID signedData 1.2.840.113549.1.7.2, [0] ... } (RFC 2315 §7)
    case pkcs7
    /// PFX { INTEGER 3, ContentInfo ... } (RFC 7292 §4)
    case pkcs12
    /// PrivateKeyInfo { INTEGER 0|1, AlgorithmIdentifier, OCTET STRING } (RFC 5958 §2)
    case pkcs8
    /// EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING } (RFC 5958 §3)
    case encryptedPKCS8
    /// RSAPrivateKey / ECPrivateKey / DSA private key: SEQUENCE { INTEGER small, INTEGER or OCTET STRING ... }
    case traditionalPrivateKey
    /// SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING }
    case subjectPublicKeyInfo
    case unknown

    private static let signedData: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]

    static func classify(_ bytes: ArraySlice<UInt8>) -> DERShape {
        let array = Array(bytes.prefix(4096))
        return array.withUnsafeBufferPointer { classify($0) }
    }

    /// Classifies a possibly truncated head of a DER file.
    static func classify(_ buffer: UnsafeBufferPointer<UInt8>) -> DERShape {
        guard buffer.count >= 2, buffer[0] == DERTag.sequence else { return .unknown }
        guard let outerContent = headerEnd(buffer, 0) else { return .unknown }
        guard let firstTag = byte(buffer, outerContent), let firstContent = headerEnd(buffer, outerContent) else {
            return .unknown
        }
        switch firstTag {
        case DERTag.oid:
            let oidLength = Int(buffer[outerContent + 1])
            guard oidLength == signedData.count, firstContent + oidLength <= buffer.count else { return .unknown }
            for index in 0..<oidLength where buffer[firstContent + index] != signedData[index] { return .unknown }
            return .pkcs7
        case DERTag.integer:
            let length = firstContent - outerContent >= 2 ? Int(buffer[outerContent + 1]) : 0
            guard length >= 1, let value = byte(buffer, firstContent) else { return .unknown }
            guard let secondStart = Optional(firstContent + length), let secondTag = byte(buffer, secondStart) else {
                return .unknown
            }
            if length == 1, value == 3, secondTag == DERTag.sequence { return .pkcs12 }
            if length == 1, value <= 1, secondTag == DERTag.sequence { return .pkcs8 }
            if length == 1, value <= 1, secondTag == DERTag.integer || secondTag == DERTag.octetString {
                return .traditionalPrivateKey
            }
            return .unknown
        case DERTag.sequence:
            // Inside: a SEQUENCE (tbsCertificate) or an OID (AlgorithmIdentifier).
            guard let innerTag = byte(buffer, firstContent) else { return .unknown }
            if innerTag == DERTag.sequence || innerTag == DERTag.contextConstructed(0) { return .certificate }
            if innerTag == DERTag.oid {
                guard let firstEnd = elementEnd(buffer, outerContent), let next = byte(buffer, firstEnd) else {
                    return .unknown
                }
                if next == DERTag.bitString { return .subjectPublicKeyInfo }
                if next == DERTag.octetString { return .encryptedPKCS8 }
            }
            return .unknown
        default:
            return .unknown
        }
    }

    private static func byte(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt8? {
        index >= 0 && index < buffer.count ? buffer[index] : nil
    }

    /// Offset of the content of the TLV at `index` (header checked, content not required to be present).
    private static func headerEnd(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int? {
        guard let first = byte(buffer, index + 1) else { return nil }
        if first < 0x80 { return index + 2 }
        let count = Int(first & 0x7F)
        guard count >= 1, count <= 4, index + 2 + count <= buffer.count else { return nil }
        return index + 2 + count
    }

    private static func elementEnd(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int? {
        guard let content = headerEnd(buffer, index), let first = byte(buffer, index + 1) else { return nil }
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            for offset in (index + 2)..<content { length = length << 8 | Int(buffer[offset]) }
        }
        return content + length
    }
}
