/// OIDs the X.509 and key parsers must recognise structurally. Algorithm names and statuses are NOT here:
/// those come from the catalog (`PQCatalog`); this namespace only knows what decides how bytes are read.
enum X509OID {
    /// rsaEncryption, RFC 8017 appendix C; SPKI holds RSAPublicKey.
    static let rsaEncryption = "1.2.840.113549.1.1.1"
    /// id-RSASSA-PSS, RFC 4055 §3.1; SPKI holds RSAPublicKey too.
    static let rsassaPSS = "1.2.840.113549.1.1.10"
    /// RSAES-OAEP, RFC 4055 §4.1.
    static let rsaesOAEP = "1.2.840.113549.1.1.7"
    /// id-ecPublicKey, RFC 5480 §2.1.1; parameters = namedCurve OID.
    static let ecPublicKey = "1.2.840.10045.2.1"
    /// id-dsa, RFC 3279 §2.3.2; parameters = Dss-Parms { p, q, g }.
    static let dsa = "1.2.840.10040.4.1"
    /// dhpublicnumber (X9.42), RFC 3279 §2.3.3; parameters = DomainParameters { p, g, q, ... }.
    static let dhX942 = "1.2.840.10046.2.1"
    /// dhKeyAgreement (PKCS #3); parameters = DHParameter { p, g, ... }.
    static let dhPKCS3 = "1.2.840.113549.1.3.1"

    /// Attribute types of a Name (RFC 4519; RFC 4514 §3 short names; PKCS #9 emailAddress).
    static let attributeShortNames: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "STREET",
        "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.5": "serialNumber", "2.5.4.4": "SN", "2.5.4.42": "GN",
        "2.5.4.12": "title", "1.2.840.113549.1.9.1": "emailAddress",
        "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
    ]
}
