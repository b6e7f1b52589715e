import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("TLSSuiteDecomposer: suites into kx, auth, cipher and MAC")
struct TLSSuiteDecomposerTests {
    let decomposer = TLSSuiteDecomposer()

    func suite(_ name: String) throws -> TLSCipherSuite {
        try #require(CipherStringExpander.expand(cipherString: name, ciphersuites: "").get().suites.first)
    }

    @Test("an ECDHE-RSA GCM suite has four catalogued parts and is quantum-vulnerable")
    func ecdheRSA() throws {
        let parts = decomposer.components(of: try suite("ECDHE-RSA-AES256-GCM-SHA384"))
        #expect(parts.map(\.canonical) == ["ECDHE", "RSA", "AES-256-GCM", "AEAD"])
        #expect(parts.map(\.usage) == [.keyExchange, .signature, .cipher, .mac])
        #expect(decomposer.status(of: try suite("ECDHE-RSA-AES256-GCM-SHA384")).status == .vulnerable)
    }

    @Test("static RSA, anonymous and SHA-1 MAC suites decompose to their catalog rows")
    func legacyParts() throws {
        #expect(
            decomposer.components(of: try suite("AES128-SHA")).map(\.canonical) == [
                "RSA-KEX", "RSA", "AES-128-CBC", "HMAC-SHA1",
            ])
        let anonymous = try suite("ADH-AES256-GCM-SHA384:@SECLEVEL=0")
        #expect(decomposer.status(of: anonymous).status == .broken)
    }

    @Test("a pure-PSK suite is not weakened by Shor, a TLS 1.3 suite omits kx and auth")
    func pskAndTLS13() throws {
        #expect(decomposer.status(of: try suite("PSK-AES256-GCM-SHA384")).status == .resistant)
        let tls13 = try #require(
            CipherStringExpander.expand(cipherString: nil, ciphersuites: "TLS_AES_256_GCM_SHA384").get().tls13.first)
        #expect(decomposer.components(of: tls13).map(\.usage) == [.cipher, .mac])
        #expect(decomposer.status(of: tls13).canonical == "TLS_AES_256_GCM_SHA384")
    }

    @Test("an unknown token follows the unknown-algorithm rule")
    func unknownToken() {
        let odd = TLSCipherSuite(
            name: "X", standardName: "X", codePoint: 0, minimumProtocol: "TLSv1.2", keyExchange: "Kx=GOST",
            authentication: "Au=GOST01", encryption: "Enc=GOST89(256)", mac: "Mac=GOST89IMIT")
        let parts = decomposer.components(of: odd)
        #expect(parts.allSatisfy { $0.canonical == nil && $0.status == .vulnerable })
        #expect(parts.allSatisfy { $0.note == "not in the catalog; assumed quantum-vulnerable until classified" })
    }
}
