import PQModel
import Testing

@testable import PQScanners

@Suite("ScannerRegistry: a claimed file that yields nothing")
struct ScannerRegistryTests {
    @Test("a certificate file with nothing readable is one malformed diagnostic")
    func garbageCertificate() {
        let input = ScanInput(
            path: ScanPath("ssl/bad.pem"),
            bytes: Array("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".utf8))
        let output = ScannerRegistry.standard.scan(input)
        #expect(output.findings.isEmpty)
        #expect(output.diagnostics.map(\.reason) == [.malformed])
    }

    @Test("an empty certificate file is one empty diagnostic")
    func emptyCertificate() {
        let output = ScannerRegistry.standard.scan(ScanInput(path: ScanPath("ssl/empty.crt"), bytes: []))
        #expect(output.diagnostics.map(\.reason) == [.empty])
    }

    @Test("a valid configuration that sets no TLS (plain-HTTP nginx) is neither a finding nor a diagnostic")
    func plainConfiguration() {
        let input = ScanInput(
            path: ScanPath("etc/nginx/nginx.conf"), bytes: Array("events {}\nhttp { server { listen 80; } }\n".utf8))
        let output = ScannerRegistry.standard.scan(input)
        #expect(output.isEmpty)
    }
}
