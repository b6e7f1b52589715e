import Foundation
import PQModel
import Testing

@testable import PQReports

/// Issue 21: `scan --format json` writes the document piece by piece; the bytes must equal the whole-document form.
@Suite("Streamed inventory JSON")
struct InventoryJSONStreamTests {
    func streamed(_ document: InventoryDocument) throws -> String {
        var out = ""
        try InventoryJSON.stream(
            scan: document.scan,
            diagnostics: { body in for diagnostic in document.diagnostics { try body(diagnostic) } },
            aliases: document.aliases, write: { out += $0 },
            findings: { body in for finding in document.findings { try body(finding) } })
        return out
    }

    @Test("the streamed document is byte-for-byte the rendered one, with findings, without, and with hostile text")
    func sameBytes() throws {
        let hostile = Fixtures.hostile()
        let diagnostics = [
            Diagnostic(path: ScanPath("a\r\nb"), reason: .malformed, detail: "line 1: \"x\""),
            Diagnostic(path: ScanPath("b.pem"), reason: .empty, detail: "no bytes"),
        ]
        for document in [
            InventoryDocument(scan: hostile.scan, findings: hostile.findings, diagnostics: diagnostics),
            InventoryDocument(scan: hostile.scan, findings: [], diagnostics: []),
            InventoryDocument(
                scan: hostile.scan, findings: [], diagnostics: [],
                aliases: [
                    PathAlias(
                        path: ScanPath("etc/ssl/certs/ab12.0"), target: ScanPath("etc/ssl/certs/a.pem"), kind: .file)
                ]),
            InventoryDocument(scan: hostile.scan, findings: Array(hostile.findings.prefix(1)), diagnostics: []),
            InventoryDocument(scan: hostile.scan, findings: [], diagnostics: Array(diagnostics.prefix(1))),
        ] {
            #expect(try streamed(document) == (try InventoryJSON.render(document)))
        }
    }
}
