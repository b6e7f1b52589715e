import PQModel
import Testing

/// A reader sees the public citation only: the project's verification notes stay in the data.
@Suite("SourceCitation: public citations without the project's own notes")
struct SourceCitationTests {
    @Test(
        "notes and marks are dropped, public parentheses kept",
        arguments: [
            (
                "RFC 7568 (Jun 2015) deprecates SSL 3.0 (standards.md §7b ✅ RFC number; first of the month).",
                "RFC 7568 (Jun 2015) deprecates SSL 3.0."
            ),
            (
                "standards.md §4.1 (IANA TLS Supported Groups; OpenSSL tlsgroups.h); standards.md §5.1 (OpenSSH kex-names.c)",
                "IANA TLS Supported Groups; OpenSSL tlsgroups.h; OpenSSH kex-names.c"
            ),
            ("FIPS 203 ML-KEM (Aug 2024) ✅", "FIPS 203 ML-KEM (Aug 2024)"),
            ("standards.md §3.3 (OpenSSL objects); SP 800-131A r2 §2", "OpenSSL objects; SP 800-131A r2 §2"),
            ("CNSA 2.0 table ◐ (standards.md §1.2): ML-KEM-1024", "CNSA 2.0 table: ML-KEM-1024"),
            ("RFC 9151 (Apr 2022)", "RFC 9151 (Apr 2022)"),
        ])
    func citation(_ raw: String, _ expected: String) {
        let shown = SourceCitation.citation(raw)
        #expect(shown == expected)
        #expect(!shown.contains("standards.md"))
        #expect(!SourceCitation.isInternal(shown))
    }
}
