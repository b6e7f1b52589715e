import PQModel
import Testing

@testable import PQAssessment

@Suite("Unified diffs and directive lines: the patch text the planner writes")
struct UnifiedDiffTests {
    static func file(_ text: String) throws -> TextFileLines { try #require(TextFileLines(bytes: Array(text.utf8))) }

    @Test("a replaced line gives one hunk with three lines of context and correct counts")
    func replaceLine() throws {
        let text = try Self.file("a\nb\nc\nd\ne\nf\ng\nh\n")
        let diff = try #require(
            text.unifiedDiff(path: "etc/x", edits: [LineEdit(start: 4, removeCount: 1, insert: ["E"])]))
        #expect(diff == "--- a/etc/x\n+++ b/etc/x\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n")
    }

    @Test("an insertion at the top and a deletion far below make two hunks with shifted new line numbers")
    func twoHunks() throws {
        let lines = (1...20).map { "l\($0)" }
        let text = TextFileLines(lines: lines)
        let diff = try #require(
            text.unifiedDiff(
                path: "f", edits: [LineEdit(start: 0, insert: ["new1", "new2"]), LineEdit(start: 15, removeCount: 1)]))
        #expect(diff.contains("@@ -1,3 +1,5 @@\n+new1\n+new2\n l1\n l2\n l3\n"))
        #expect(diff.contains("@@ -13,7 +15,6 @@\n l13\n l14\n l15\n-l16\n l17\n"))
    }

    @Test("a file without a final newline: the marker follows the old last line, the new one gains a newline")
    func noFinalNewline() throws {
        let text = try Self.file("a\nb")
        #expect(!text.endsWithNewline)
        let diff = try #require(text.unifiedDiff(path: "f", edits: [LineEdit(start: 2, insert: ["c"])]))
        #expect(diff == "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n")
    }

    @Test("edits read back from a diff rebuild the same file")
    func editsRoundTrip() throws {
        let text = TextFileLines(lines: (1...30).map { "line \($0)" })
        let edits = [
            LineEdit(start: 2, removeCount: 1, insert: ["two"]), LineEdit(start: 10, insert: ["ten"]),
            LineEdit(start: 25, removeCount: 2),
        ]
        let diff = try #require(text.unifiedDiff(path: "f", edits: edits))
        #expect(text.applying(PlanPatcher.edits(of: diff)) == text.applying(edits))
    }

    @Test("a CRLF file splits into lines that keep their \\r, and a replaced line keeps CRLF")
    func crlf() throws {
        let text = try Self.file("K a\r\nL b\r\n")
        #expect(text.lines == ["K a\r", "L b\r"])
        #expect(text.usesCRLF)
        let line = try #require(ConfigDirectiveLine(text.lines[0], keyword: "K"))
        #expect(line.value == "a")
        let diff = try #require(
            text.unifiedDiff(path: "f", edits: [LineEdit(start: 0, removeCount: 1, insert: [line.with(value: "x")])]))
        #expect(diff == "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-K a\r\n+K x\r\n L b\r\n")
        #expect(PlanPatcher.edits(of: diff) == [LineEdit(start: 0, removeCount: 1, insert: ["K x\r"])])
    }

    @Test("binary or non-UTF-8 bytes are never treated as a patchable text file")
    func binaryRefused() {
        #expect(TextFileLines(bytes: [0x41, 0x00, 0x42]) == nil)
        #expect(TextFileLines(bytes: [0xFF, 0xFE, 0x41]) == nil)
    }

    @Test("a directive line keeps indentation, keyword spelling, separator and trailer when its value changes")
    func directiveLine() throws {
        let line = try #require(ConfigDirectiveLine("    kexAlgorithms=a,b\r", keyword: "KexAlgorithms"))
        #expect(line.with(value: "x") == "    kexAlgorithms=x\r")
        let nginx = try #require(ConfigDirectiveLine("\tssl_ecdh_curve X25519:prime256v1;  # c", terminator: ";"))
        #expect(nginx.value == "X25519:prime256v1")
        #expect(nginx.with(value: "X25519MLKEM768:X25519") == "\tssl_ecdh_curve X25519MLKEM768:X25519;  # c")
        #expect(ConfigDirectiveLine("# KexAlgorithms a") == nil)
        #expect(ConfigDirectiveLine("Ciphers a", keyword: "KexAlgorithms") == nil)
    }

    @Test("versions from package strings compare numerically")
    func versions() {
        #expect(SoftwareVersion("1:9.2p1-2+deb12u3") == SoftwareVersion([9, 2]))
        #expect(SoftwareVersion("3.0.11-1~deb12u2") == SoftwareVersion([3, 0, 11]))
        #expect((SoftwareVersion("9.10") ?? SoftwareVersion([0])) > SoftwareVersion([9, 9]))
        #expect(SoftwareVersion("garbage") == nil)
    }
}
