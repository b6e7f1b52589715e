import Foundation
import Testing

@testable import PQReports

/// A report parks its rendered components in a spill file about the output's size (a 1M-file CBOM: tens of GB). A
/// report killed half-way left it in the temporary directory: it is unlinked as soon as it is open.
@Suite("SpillFile: nothing left in the temporary directory, however the report ends")
struct SpillFileTests {
    @Test("no file is there while text is parked, and the parked text reads back in any order")
    func unlinkedWhileOpen() throws {
        let spill = try SpillFile()
        #expect(spill.url.path.hasPrefix(FileManager.default.temporaryDirectory.path))
        let first = try spill.append("first,")
        let second = try spill.append(String(repeating: "x", count: 3 << 20))
        #expect(!FileManager.default.fileExists(atPath: spill.url.path))
        let data = try ReportOutput.collect { output in
            try spill.copy(second, to: output)
            try spill.copy(first, to: output)
        }
        #expect(data.count == (3 << 20) + 6)
        #expect(data.suffix(6) == Data("first,".utf8))
        spill.remove()
        #expect(!FileManager.default.fileExists(atPath: spill.url.path))
    }
}
