import Foundation
import Testing

@testable import PQScanners

/// `CertificateParser` (the shim's template decoder plus PQScout's rules) against `d2i_X509` and its getters,
/// field by field: on every fixture certificate, and on certificates the `openssl` command makes for each key
/// type with the shapes that break parsers (v1, negative and zero serials, no extensions, SKI without AKI,
/// long and multi-valued names, UTF8/BMP/T61 strings, escaping, GeneralizedTime after 2050).
@Suite("Certificate parser against d2i_X509")
struct CertificateDifferentialTests {
    /// Every field both readers give, compared exactly; names also through OpenSSL's own RFC 2253 text.
    static func compare(_ name: String, _ der: [UInt8]) throws {
        let parsed = try CertificateParser.parse(der: der)
        let openssl = try OpenSSLCertificateFields.read(der: der).get()
        #expect(parsed.version == openssl.version, "\(name)")
        #expect(parsed.signatureOID == openssl.signatureOID, "\(name)")
        #expect(parsed.tbsSignatureOID == openssl.tbsSignatureOID, "\(name)")
        #expect(parsed.publicKey.algorithmOID == openssl.keyOID, "\(name)")
        #expect((parsed.publicKey.curveOID ?? "") == openssl.curveOID, "\(name)")
        #expect(parsed.serial == openssl.serial, "\(name)")
        #expect(Int64(parsed.notBefore.timeIntervalSince1970) == openssl.notBefore, "\(name)")
        #expect(Int64(parsed.notAfter.timeIntervalSince1970) == openssl.notAfter, "\(name)")
        #expect(parsed.sha256 == openssl.sha256, "\(name)")
        #expect(parsed.derLength == der.count, "\(name)")
        #expect(parsed.publicKey.sha256 == openssl.spkiSHA256, "\(name)")
        #expect(parsed.isCA == openssl.isCA, "\(name)")
        #expect(parsed.subjectKeyIdentifier == openssl.subjectKeyIdentifier, "\(name)")
        #expect(parsed.authorityKeyIdentifier == openssl.authorityKeyIdentifier, "\(name)")
        let subjectDER = try #require(openssl.subjectDER, "\(name)")
        let issuerDER = try #require(openssl.issuerDER, "\(name)")
        #expect(try parsed.subject == subjectDER.withUnsafeBufferPointer { try DistinguishedName.render(der: $0) })
        #expect(try parsed.issuer == issuerDER.withUnsafeBufferPointer { try DistinguishedName.render(der: $0) })
        #expect(loose(parsed.subject) == loose(openssl.subject), "\(name)")
        #expect(loose(parsed.issuer) == loose(openssl.issuer), "\(name)")
        // OpenSSL sizes RSA, EC and DSA keys as we do; it reports 253 for Ed25519 (we give the key size, 256)
        // and nothing for PQ keys 3.0 cannot decode.
        let sizedByOpenSSL = [X509OID.rsaEncryption, X509OID.rsassaPSS, X509OID.ecPublicKey, X509OID.dsa]
        if sizedByOpenSSL.contains(openssl.keyOID) {
            #expect(parsed.publicKey.keyBits == openssl.keyBits, "\(name)")
        }
    }

    /// RFC 4514 and OpenSSL's RFC 2253 printing differ in escaping and spacing, and in the order of a
    /// multi-valued RDN's attributes (ours as the DER SET holds them, OpenSSL's as it inserted them): compare
    /// RDN by RDN with each RDN's attributes sorted.
    private static func loose(_ name: String) -> [[String]] {
        var rdns: [[String]] = [[]]
        var attribute = ""
        var escaped = false
        for character in name {
            if escaped {
                attribute.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "+" || character == "," {
                rdns[rdns.count - 1].append(attribute.replacingOccurrences(of: " ", with: "").lowercased())
                attribute = ""
                if character == "," { rdns.append([]) }
            } else {
                attribute.append(character)
            }
        }
        rdns[rdns.count - 1].append(attribute.replacingOccurrences(of: " ", with: "").lowercased())
        return rdns.map { $0.sorted() }
    }

    @Test("every fixture certificate reads the same as through d2i_X509")
    func fixtures() throws {
        let certificates = try X509Fixtures.allCertificates()
        #expect(certificates.count == 18)
        for (name, der) in certificates { try Self.compare(name, der) }
    }

    @Test(
        "certificates openssl makes for 14 key types and 8 shapes read the same as through d2i_X509",
        .enabled(if: CSRScannerTests.hasOpenSSL))
    func generated() throws {
        let made = try Self.makeCertificates()
        #expect(made.count == Self.keys.count * Self.shapes)
        for (name, der) in made { try Self.compare(name, der) }
    }

    static let keys: [(name: String, genpkey: String)] = [
        ("rsa1024", "-algorithm RSA -pkeyopt rsa_keygen_bits:1024"),
        ("rsa2048", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"),
        ("rsa3072", "-algorithm RSA -pkeyopt rsa_keygen_bits:3072"),
        ("rsa4096", "-algorithm RSA -pkeyopt rsa_keygen_bits:4096"),
        ("rsa2047", "-algorithm RSA -pkeyopt rsa_keygen_bits:2047"),
        ("rsapss", "-algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048"),
        ("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"),
        ("p384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384"),
        ("p521", "-algorithm EC -pkeyopt ec_paramgen_curve:P-521"),
        ("secp256k1", "-algorithm EC -pkeyopt ec_paramgen_curve:secp256k1"),
        ("brainpool", "-algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP384r1"),
        ("ed25519", "-algorithm ED25519"),
        ("ed448", "-algorithm ED448"),
        ("dsa", "-paramfile dsa.param"),
    ]
    static let shapes = 8

    /// One shell run of `openssl`: a P-256 CA, then for each key eight certificates in DER.
    static func makeCertificates() throws -> [(name: String, der: [UInt8])] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-x509diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = """
            [req]
            distinguished_name = dn
            [dn]
            [none]
            [ca]
            basicConstraints = critical,CA:TRUE,pathlen:1
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid:always
            [ee]
            basicConstraints = CA:FALSE
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid,issuer
            keyUsage = digitalSignature
            [skionly]
            subjectKeyIdentifier = hash
            [akionly]
            authorityKeyIdentifier = keyid:always
            [bconly]
            basicConstraints = CA:TRUE

            """
        // o.cnf keeps OpenSSL's default string mask (PrintableString, T61String, BMPString); u.cnf asks for UTF8String.
        try Data(config.utf8).write(to: folder.appendingPathComponent("o.cnf"))
        let utf8Config = config.replacingOccurrences(of: "[req]\n", with: "[req]\nstring_mask = utf8only\n")
        try Data(utf8Config.utf8).write(to: folder.appendingPathComponent("u.cnf"))
        // X.520 caps CN at 64 characters (OpenSSL enforces it), so length comes from many attributes instead.
        let longCN = (1...6).map { "/CN=" + String(repeating: "long-name-\($0)-", count: 5) }.joined()
        let special = #"/CN=\#\#lead\, comma+OU=plus \+ sign/O=quote \" semi; lt< gt> back\\\\ /C=DE"#
        let many = (1...20).map { "/OU=unit \($0)" }.joined() + longCN + "/DC=example/DC=org"
        var script = """
            set -eu
            o() { openssl "$@" 2>err.txt || { echo "openssl $*" >&2; cat err.txt >&2; exit 1; }; }
            o genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa.param
            o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
            o req -x509 -new -key ca.key -subj "/CN=Differential CA/O=PQScout" -set_serial 1 -days 30 \\
              -config o.cnf -extensions ca -out ca.pem

            """
        for (name, genpkey) in keys {
            script += """
                o genpkey \(genpkey) -out \(name).key
                o req -new -key \(name).key -subj "/CN=\(name)" -config o.cnf -out \(name).csr
                self() { o req -x509 -new -key \(name).key -outform DER "$@"; }
                issued() { o x509 -req -in \(name).csr -CA ca.pem -CAkey ca.key -extfile o.cnf -outform DER "$@"; }
                self -subj "/CN=\(name) CA/O=Example" -set_serial 0x00FF00112233445566778899AABBCCDDEEFF0011 \\
                  -days 3650 -config o.cnf -extensions ca -utf8 -out \(name)-1-ca.der
                self -subj "/CN=Zoë ü 日本/O=Ä+OU=b" -multivalue-rdn -set_serial -12345 -days 20000 \\
                  -config o.cnf -extensions none -utf8 -out \(name)-2-v1-negative-bmp.der
                self -subj "/CN=Zoë ü/O=Straße" -set_serial 0 -days 1 -config o.cnf -extensions none -utf8 \\
                  -out \(name)-3-v1-zero-t61.der
                issued -set_serial 4096 -days 365 -extensions ee -subj '\(special)' -out \(name)-4-ee-escaped.der
                issued -set_serial -1 -days 365 -extensions skionly -subj "\(many)" -out \(name)-5-ski-long.der
                issued -set_serial 0x80 -days 365 -extensions akionly -out \(name)-6-aki.der
                issued -set_serial 127 -days 30000 -extensions bconly -out \(name)-7-bc-2100.der
                self -subj "/CN=\(name) UTF8/O=Ünïcödé 中文" -set_serial 65535 -days 10 \\
                  -config u.cnf -extensions ca -utf8 -out \(name)-8-utf8.der

                """
        }
        let result = try #require(OpenSSHTestSupport.run("/bin/sh", ["-c", "cd '\(folder.path)' && " + script]))
        try #require(result.status == 0, "openssl script: \(result.error)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".der") }
        return try files.sorted().map { name in
            (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}
