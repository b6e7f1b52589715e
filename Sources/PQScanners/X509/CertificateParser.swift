import Foundation

/// Every field PQScout reads from one X.509 certificate (RFC 5280 §4.1).
public struct ParsedCertificate: Sendable, Hashable {
    /// 1, 2 or 3 (the encoded value plus one).
    public var version: Int
    /// Serial number as signed upper-case hex of its magnitude, `-` first when negative (as OpenSSL's
    /// `BN_bn2hex` prints it): RFC 5280 §4.1.2.2 forbids negative serials, but they exist in the wild.
    public var serial: String
    /// The outer signatureAlgorithm OID (RFC 5280 §4.1.1.2), dotted.
    public var signatureOID: String
    /// The TBSCertificate's signature field; RFC 5280 requires it to equal `signatureOID`.
    public var tbsSignatureOID: String
    public var issuer: String
    public var subject: String
    public var notBefore: Date
    public var notAfter: Date
    public var publicKey: PublicKeyInfo
    /// basicConstraints cA (RFC 5280 §4.2.1.9); nil when the extension is absent.
    public var isCA: Bool?
    /// Upper-case hex keyIdentifiers of SubjectKeyIdentifier and AuthorityKeyIdentifier; an identifier longer
    /// than 64 octets keeps its first 64 and ends in "...".
    public var subjectKeyIdentifier: String?
    public var authorityKeyIdentifier: String?
    /// Issuer DER equals subject DER and, when both key identifiers are present, AKI keyid equals SKI.
    public var selfSigned: Bool
    /// Upper-case hex SHA-256 of the certificate DER.
    public var sha256: String
    /// Number of bytes of the certificate's outer SEQUENCE (a DER file may carry trailing bytes).
    public var derLength: Int

    /// Asset id of the certificate: `sha256:` and the lower-case hex SHA-256 of its DER.
    public var assetID: String { "sha256:" + sha256.lowercased() }
}

/// Parses X.509 certificates through the OpenSSL shim (`pqs_certificate_parse`), then applies PQScout's own
/// rules in Swift: attribute short names and escaping of names, key sizes from curve and fixed-size OIDs.
///
/// Why not `d2i_X509`: on OpenSSL 3.0 it decodes every public key through the providers (about 75% of its
/// cost), and an inventory needs only the key's OID, size and curve. The shim decodes with OpenSSL's ASN.1
/// templates and leaves the key a BIT STRING; the differential test holds the answers against `d2i_X509`.
public enum CertificateParser {
    /// Signed upper-case hex of a magnitude, as OpenSSL's `BN_bn2hex` prints it ("0" for zero, "-3039").
    static func serialHex(magnitude: [UInt8], negative: Bool) -> String {
        let significant = magnitude.drop(while: { $0 == 0 })
        guard !significant.isEmpty else { return "0" }
        return (negative ? "-" : "") + Hex.uppercase(Array(significant))
    }

    /// Seconds since 1970 of UTC calendar fields (year, month, day, hour, minute, second).
    static func seconds(_ fields: [Int]) -> Int64 {
        let days = DERTime.daysFromCivil(year: fields[0], month: fields[1], day: fields[2])
        return Int64(days) * 86_400 + Int64(fields[3] * 3600 + fields[4] * 60 + fields[5])
    }

    /// Upper-case hex of a key identifier; one the shim had to cut short ends in "...".
    static func keyIdentifierHex(_ bytes: [UInt8], fullLength: Int) -> String? {
        guard fullLength >= 0 else { return nil }
        let hex = Hex.uppercase(Array(bytes.prefix(fullLength)))
        return fullLength > bytes.count ? hex + "..." : hex
    }
}
