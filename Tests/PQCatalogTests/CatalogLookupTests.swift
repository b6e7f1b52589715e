import PQCatalog
import PQModel
import Testing

/// Spot checks against /work/shared/reference/standards.md and the typed lookups scanners use.
@Suite("Catalog lookups")
struct CatalogLookupTests {
    let catalog = Catalog.shared

    struct OIDCase: Sendable, CustomTestStringConvertible {
        let oid: String
        let canonical: String
        let status: QuantumStatus
        var testDescription: String { "\(oid) → \(canonical)" }
    }

    static let oidCases: [OIDCase] = [
        .init(oid: "2.16.840.1.101.3.4.3.18", canonical: "ML-DSA-65", status: .resistant),
        .init(oid: "1.2.840.113549.1.1.11", canonical: "RSA-SHA256", status: .vulnerable),
        .init(oid: "1.2.840.113549.1.1.5", canonical: "RSA-SHA1", status: .broken),
        .init(oid: "1.2.840.113549.1.1.1", canonical: "RSA", status: .vulnerable),
        .init(oid: "1.2.840.10045.2.1", canonical: "ECDSA", status: .vulnerable),
        .init(oid: "1.3.101.112", canonical: "Ed25519", status: .vulnerable),
        .init(oid: "2.16.840.1.101.3.4.4.2", canonical: "ML-KEM-768", status: .resistant),
        .init(oid: "2.16.840.1.101.3.4.3.33", canonical: "HashML-DSA-65", status: .resistant),
        .init(oid: "2.16.840.1.101.3.4.3.31", canonical: "SLH-DSA-SHAKE-256f", status: .resistant),
        .init(oid: "2.16.840.1.101.3.4.3.46", canonical: "HashSLH-DSA-SHAKE-256f", status: .resistant),
        .init(oid: "1.2.840.113549.1.9.16.3.17", canonical: "LMS", status: .resistant),
        .init(oid: "1.3.6.1.5.5.7.6.37", canonical: "ML-DSA-44+RSA-2048-PSS-SHA256", status: .hybrid),
        .init(oid: "1.3.6.1.5.5.7.6.54", canonical: "ML-DSA-87+ECDSA-P521-SHA512", status: .hybrid),
        .init(oid: "2.16.840.1.114027.80.8.1.1", canonical: "ML-DSA-44+RSA-2048-PSS-SHA256", status: .hybrid),
        .init(oid: "2.16.840.1.114027.80.8.1.5", canonical: "ML-DSA-44+ECDSA-brainpoolP256r1-SHA256", status: .hybrid),
        .init(oid: "1.2.156.10197.1.501", canonical: "SM2-SM3", status: .vulnerable),
        .init(oid: "1.2.643.7.1.1.3.2", canonical: "GOST-R-34.10-2012-256", status: .vulnerable),
        .init(oid: "1.3.14.3.2.26", canonical: "SHA-1", status: .broken),
        .init(oid: "2.16.840.1.101.3.4.2.1", canonical: "SHA-256", status: .resistant),
        .init(oid: "1.2.840.113549.2.5", canonical: "MD5", status: .broken),
    ]

    @Test("OIDs from standards.md §3 resolve to the right entry and status", arguments: oidCases)
    func oids(_ c: OIDCase) throws {
        let entry = try #require(catalog.entry(oid: c.oid))
        #expect(entry.canonical == c.canonical)
        #expect(entry.quantumStatus == c.status)
    }

    @Test("ML-DSA-65 is NIST category 3; ML-DSA-44 is 2; ML-KEM-1024 is 5")
    func categories() {
        #expect(catalog.entry(oid: "2.16.840.1.101.3.4.3.18")?.nistCategory == 3)
        #expect(catalog.entry(named: "ML-DSA-44")?.nistCategory == 2)
        #expect(catalog.entry(named: "MLKEM1024")?.nistCategory == 5)
    }

    struct NameCase: Sendable, CustomTestStringConvertible {
        let name: String
        let canonical: String
        let status: QuantumStatus
        var testDescription: String { "\(name) → \(canonical)" }
    }

    static let nameCases: [NameCase] = [
        .init(name: "X25519MLKEM768", canonical: "ML-KEM-768+X25519", status: .hybrid),
        .init(name: "mlkem768x25519-sha256", canonical: "ML-KEM-768+X25519", status: .hybrid),
        .init(name: "mlkem768nistp256-sha256", canonical: "ML-KEM-768+P-256", status: .hybrid),
        .init(name: "sntrup761x25519-sha512@openssh.com", canonical: "sntrup761+X25519", status: .hybrid),
        .init(name: "sntrup761x25519-sha512", canonical: "sntrup761+X25519", status: .hybrid),
        .init(name: "X25519Kyber768Draft00", canonical: "Kyber-768+X25519", status: .hybrid),
        .init(name: "diffie-hellman-group1-sha1", canonical: "MODP-1024", status: .broken),
        .init(name: "diffie-hellman-group14-sha256", canonical: "MODP-2048", status: .vulnerable),
        .init(name: "curve25519-sha256@libssh.org", canonical: "X25519", status: .vulnerable),
        .init(name: "aes128-ctr", canonical: "AES-128-CTR", status: .weakened),
        .init(name: "aes256-gcm@openssh.com", canonical: "AES-256-GCM", status: .resistant),
        .init(name: "chacha20-poly1305@openssh.com", canonical: "ChaCha20-Poly1305", status: .resistant),
        .init(name: "arcfour256", canonical: "RC4", status: .broken),
        .init(name: "blowfish-cbc", canonical: "Blowfish-CBC", status: .broken),
        .init(name: "3des-cbc", canonical: "3DES-CBC", status: .broken),
        .init(name: "hmac-sha2-256-etm@openssh.com", canonical: "HMAC-SHA256", status: .resistant),
        .init(name: "hmac-sha1", canonical: "HMAC-SHA1", status: .weakened),
        .init(name: "umac-64-etm@openssh.com", canonical: "UMAC-64", status: .weakened),
        .init(name: "hmac-ripemd160@openssh.com", canonical: "HMAC-RIPEMD160", status: .weakened),
        .init(name: "ssh-ed25519-cert-v01@openssh.com", canonical: "Ed25519", status: .vulnerable),
        .init(name: "sk-ssh-ed25519@openssh.com", canonical: "SK-Ed25519", status: .vulnerable),
        .init(name: "rsa-sha2-512", canonical: "RSA-SHA512", status: .vulnerable),
        .init(name: "ssh-rsa", canonical: "RSA-SHA1", status: .broken),
        .init(name: "ssh-dss", canonical: "DSA-SHA1", status: .broken),
        .init(name: "ecdsa-sha2-nistp384", canonical: "ECDSA-P384-SHA384", status: .vulnerable),
        .init(name: "ecdh-sha2-nistp256", canonical: "P-256", status: .vulnerable),
        .init(name: "SSH-1", canonical: "SSH-1", status: .broken),
        .init(name: "SSLv3", canonical: "SSLv3", status: .broken),
        .init(name: "TLSv1.0", canonical: "TLSv1", status: .broken),
        .init(name: "TLSv1.1", canonical: "TLSv1.1", status: .broken),
        .init(name: "TLSv1.2", canonical: "TLSv1.2", status: .vulnerable),
        .init(name: "TLSv1.3", canonical: "TLSv1.3", status: .resistant),
        .init(name: "kRSA", canonical: "RSA-KEX", status: .vulnerable),
        .init(name: "aNULL", canonical: "Anonymous", status: .broken),
        .init(name: "eNULL", canonical: "NULL", status: .broken),
        .init(name: "Enc=AESGCM(128)", canonical: "AES-128-GCM", status: .weakened),
        .init(name: "Kx=ECDH", canonical: "ECDHE", status: .vulnerable),
        .init(name: "aes128gcm16", canonical: "AES-128-GCM", status: .weakened),
        .init(name: "aes256", canonical: "AES-256-CBC", status: .resistant),
        .init(name: "modp1024", canonical: "MODP-1024", status: .broken),
        .init(name: "ecp384", canonical: "P-384", status: .vulnerable),
        .init(name: "mlkem768", canonical: "ML-KEM-768", status: .resistant),
        .init(name: "prfsha256", canonical: "HMAC-SHA256", status: .resistant),
        .init(name: "3des", canonical: "3DES-CBC", status: .broken),
        .init(name: "mldsa65", canonical: "ML-DSA-65", status: .resistant),
        .init(name: "id-MLDSA65-ECDSA-P384-SHA512", canonical: "ML-DSA-65+ECDSA-P384-SHA512", status: .hybrid),
    ]

    @Test("names from OpenSSH, TLS, OpenSSL and strongSwan resolve", arguments: nameCases)
    func names(_ c: NameCase) throws {
        let entry = try #require(catalog.entry(named: c.name))
        #expect(entry.canonical == c.canonical)
        #expect(entry.quantumStatus == c.status)
    }

    @Test("X25519MLKEM768 is hybrid with code point 0x11EC, found by name and by code point")
    func x25519MLKEM768() throws {
        let entry = try #require(catalog.entry(named: "X25519MLKEM768"))
        #expect(entry.quantumStatus == .hybrid)
        #expect(entry.tlsCodePoint == "0x11EC")
        #expect(catalog.tlsGroup(codePoint: 0x11EC)?.canonical == "ML-KEM-768+X25519")
    }

    @Test("TLS registries that reuse a number stay apart: 0x0201 is MLKEM768 as a group, rsa_pkcs1_sha1 as a scheme")
    func codePointRegistries() {
        #expect(catalog.tlsGroup(codePoint: 0x0201)?.canonical == "ML-KEM-768")
        #expect(catalog.tlsSignatureScheme(codePoint: 0x0201)?.canonical == "RSA-SHA1")
        #expect(catalog.tlsSignatureScheme(codePoint: 0x0905)?.canonical == "ML-DSA-65")
        #expect(catalog.tlsGroup(codePoint: 0x0017)?.canonical == "P-256")
        #expect(catalog.tlsCipherSuite(codePoint: 0x1302)?.canonical == "TLS_AES_256_GCM_SHA384")
        #expect(catalog.tlsGroup(codePoint: 0xFFFF) == nil)
    }

    @Test("P-384 is found by secp384r1, nistp384, its OID and as a curve; prime384v1 is not a real name")
    func p384() {
        #expect(catalog.entry(named: "secp384r1")?.canonical == "P-384")
        #expect(catalog.entry(named: "nistp384")?.canonical == "P-384")
        #expect(catalog.entry(oid: "1.3.132.0.34")?.canonical == "P-384")
        #expect(catalog.curve(oid: "1.3.132.0.34")?.classicalBits == 192)
        #expect(catalog.curve(named: "prime256v1")?.canonical == "P-256")
        #expect(catalog.entry(named: "prime384v1") == nil)
    }

    @Test("curve lookups refuse entries that are not curves")
    func curveOnly() {
        #expect(catalog.curve(named: "RSA") == nil)
        #expect(catalog.curve(oid: "1.2.840.113549.1.1.1") == nil)
    }

    @Test("RSA and DH below 2048 bits are broken; at 2048 and above they are vulnerable")
    func keySizes() throws {
        let rsa = try #require(catalog.entry(named: "RSA"))
        #expect(rsa.status(keyBits: 1024) == .broken)
        #expect(rsa.status(keyBits: 2048) == .vulnerable)
        #expect(rsa.status(keyBits: nil) == .vulnerable)
        let dh = try #require(catalog.entry(named: "dhKeyAgreement"))
        #expect(dh.status(keyBits: 1536) == .broken)
    }

    @Test("lookups ignore case and surrounding whitespace")
    func caseInsensitive() {
        #expect(catalog.entry(named: "ML-KEM-768+x25519")?.canonical == "ML-KEM-768+X25519")
        #expect(catalog.entry(named: "x25519mlkem768")?.canonical == "ML-KEM-768+X25519")
        #expect(catalog.entry(named: "  SECP384R1 ")?.canonical == "P-384")
        #expect(catalog.entry(named: "AES128-CTR")?.canonical == "AES-128-CTR")
        #expect(catalog.entry(nameOrOID: " 1.3.132.0.34 ")?.canonical == "P-384")
    }

    @Test("every alias of every entry finds its own entry")
    func everyAlias() {
        let misses = catalog.entries.flatMap { entry in
            ([entry.canonical] + entry.names.all).filter {
                catalog.entry(named: $0)?.canonical != entry.canonical
                    || catalog.entry(named: $0.uppercased())?.canonical != entry.canonical
            }
        }
        #expect(misses == [])
        let oidMisses = catalog.entries.flatMap { entry in
            entry.oids.filter { catalog.entry(oid: $0)?.canonical != entry.canonical }
        }
        #expect(oidMisses == [])
    }

    @Test("unknown names and OIDs return nil rather than a guess")
    func unknown() {
        #expect(catalog.entry(named: "rot13-cbc") == nil)
        #expect(catalog.entry(oid: "1.2.3.4.5") == nil)
        #expect(catalog.entry(named: "") == nil)
    }

    @Test("a bare hash name used as a MAC resolves to HMAC over that hash")
    func macTokens() {
        #expect(catalog.entry(named: "sha1")?.canonical == "SHA-1")
        #expect(catalog.entry(mac: "sha1")?.canonical == "HMAC-SHA1")
        #expect(catalog.entry(mac: "sha1")?.quantumStatus == .weakened)
        #expect(catalog.entry(mac: "SHA256")?.canonical == "HMAC-SHA256")
        #expect(catalog.entry(mac: "md5")?.canonical == "HMAC-MD5")
        #expect(catalog.entry(mac: "Mac=SHA384")?.canonical == "HMAC-SHA384")
        #expect(catalog.entry(mac: "hmac-sha2-512")?.canonical == "HMAC-SHA512")
        #expect(catalog.entry(mac: "AEAD")?.canonical == "AEAD")
        #expect(catalog.entry(mac: "SHA3-256")?.canonical == "SHA3-256")
        #expect(catalog.entry(mac: "nope") == nil)
    }

    @Test("families group related rows")
    func families() {
        let rsa = catalog.entries(family: "rsa").map(\.canonical)
        #expect(rsa.contains("RSA-SHA256"))
        #expect(rsa.contains("RSA-PSS"))
        #expect(!rsa.contains("ECDSA"))
        #expect(catalog.entries(family: "ML-KEM").count >= 6)
        #expect(catalog.entries(family: "no-such-family").isEmpty)
        #expect(catalog.entries(primitive: .curve).contains { $0.canonical == "P-256" })
        #expect(catalog.entries(status: .hybrid).allSatisfy { $0.quantumStatus == .hybrid })
    }

    @Test("TLS 1.2 and 1.3 carry the notes the assessment quotes")
    func protocolNotes() {
        #expect(catalog.entry(named: "TLSv1.2")?.note == "no post-quantum key exchange is defined for TLS 1.2")
        #expect(
            catalog.entry(named: "TLSv1.3")?.note
                == "admits post-quantum groups; key exchange is judged by the groups in force")
    }

    @Test("describe() names the entry, its status and its sources; tableRows() has one row per entry")
    func humanText() throws {
        let entry = try #require(catalog.entry(named: "X25519MLKEM768"))
        let text = catalog.describe(entry)
        #expect(text.hasPrefix("ML-KEM-768+X25519\n"))
        #expect(text.contains("quantum status:"))
        #expect(text.contains("hybrid"))
        #expect(text.contains("0x11EC"))
        #expect(text.contains("mlkem768x25519-sha256"))
        #expect(text.contains("source:"))
        let rows = catalog.tableRows()
        #expect(rows.count == catalog.entries.count)
        #expect(rows.allSatisfy { $0.count == Catalog.tableHeader.count })
        #expect(
            rows.first { $0[0] == "ML-DSA-65" } == [
                "ML-DSA-65", "ML-DSA", "signature", "resistant", "192", "3", "2.16.840.1.101.3.4.3.18", "",
            ])
    }
}
