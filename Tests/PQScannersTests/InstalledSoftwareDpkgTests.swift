import Foundation
import PQModel
import Testing

@testable import PQScanners

/// dpkg's status file read as dpkg itself reads it: `dpkg-query --admindir` over the same bytes is the oracle.
@Suite("InstalledSoftware: dpkg's status file against dpkg-query")
struct InstalledSoftwareDpkgTests {
    static let dpkgQuery = "/usr/bin/dpkg-query"
    static var hasDpkgQuery: Bool { FileManager.default.isExecutableFile(atPath: dpkgQuery) }

    /// `name<TAB>version` of every package `dpkg-query` reports as installed from `directory/status`, sorted.
    static func installed(admindir directory: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dpkgQuery)
        process.arguments = [
            "--admindir=\(directory)", "-W", "-f=${Package}\t${Version}\t${db:Status-Status}\n",
        ]
        let out = Pipe()
        process.standardOutput = out
        // dpkg-query warns about every field a hand-made paragraph lacks (kept in a file, shown on failure).
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-dpkg-\(UUID()).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(
            process.terminationStatus == 0,
            "\(String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self).suffix(600))")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[2] == "installed" else { return nil }
            return "\(fields[0])\t\(fields[1])"
        }.sorted()
    }

    static func parsed(_ bytes: [UInt8]) -> [String] {
        InstalledSoftware.parseDpkgStatus(bytes, sourcePath: InstalledSoftware.dpkgStatus).map {
            "\($0.name)\t\($0.version)"
        }.sorted()
    }

    /// Field names in any case, fields in any order, continuation lines (a description's `.` and text), states
    /// other than installed (held, half-installed, config-files), a Version before its Package, CRLF line
    /// ends (dpkg reads them; the text splitter this replaced did not), runs of blank lines, blanks around values.
    static let handMade = """
        Package: zeta
        Status: install ok installed
        Priority: optional
        Version: 1:2.0-1+deb12u3
        Description: first line
         continuation: with a colon
         .
         Version: 9.9 (a continuation line, not a field)

        package: alpha
        STATUS: hold ok installed
        vErSiOn: 3.0~rc1

        Package: gone
        Status: deinstall ok config-files
        Version: 1.0


        Package: half
        Status: install reinstreq half-installed
        Version: 0.1

        Version: 2.0-1
        Package: late-name
        Status: install ok installed

        Package: crlf\r
        Status: install ok installed\r
        Version: 7.1\r

        Package:   spaced\t
        Status: install ok installed \t
        Version:\t4.2\u{20}\u{20}

        """

    @Test("a hand-made status file lists what dpkg-query lists", .enabled(if: hasDpkgQuery))
    func handMadeStatus() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-dpkg-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = Array(Self.handMade.utf8)
        try Data(bytes).write(to: directory.appendingPathComponent("status"))
        let expected = try Self.installed(admindir: directory.path)
        #expect(expected.count == 5, "the oracle itself: \(expected)")
        #expect(Self.parsed(bytes) == expected)
    }

    @Test(
        "this host's own status file lists what dpkg-query lists",
        .enabled(if: hasDpkgQuery && FileManager.default.fileExists(atPath: "/var/lib/dpkg/status")))
    func hostStatus() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "/var/lib/dpkg/status")))
        let expected = try Self.installed(admindir: "/var/lib/dpkg")
        #expect(!expected.isEmpty)
        #expect(Self.parsed(bytes) == expected)
    }
}
