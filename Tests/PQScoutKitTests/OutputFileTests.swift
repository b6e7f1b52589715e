import Foundation
import PQScoutKit
import Testing

@Suite("OutputFile: every file written for a reader")
struct OutputFileTests {
    @Test("a link planted under the target's name is replaced, and what it pointed at is left alone")
    func plantedLink() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appendingPathComponent("victim").path
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: victim))
        let target = folder.appendingPathComponent("report.html").path
        try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: victim)
        try OutputFile.write("<p>report</p>\n", to: target, code: "report.write")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "<p>report</p>\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    }

    @Test("a folder that does not exist is a one-line input error with the code given")
    func missingFolder() {
        do {
            try OutputFile.write("x", to: "/nonexistent-\(UUID().uuidString)/r.md", code: "report.write")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "report.write" && error.kind == .input)
            #expect(error.reason.hasSuffix("No such file or directory"), "\(error.reason)")
            #expect(!error.reason.contains("\n"))
        }
    }
}
