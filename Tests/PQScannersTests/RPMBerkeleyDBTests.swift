import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

/// The rpm database of RHEL 7 and 8 (Berkeley DB hash, `var/lib/rpm/Packages`), read from its pages and held to rpm's
/// own read-only Berkeley DB backend (`rpm --define '_db_backend bdb_ro' -qa`). The databases are made here by
/// Berkeley DB's own `db5.3_load` (Debian's db-util) from headers built by `rpmHeader`; the tests skip where the
/// tools are absent (CI installs rpm and db-util).
@Suite("rpm's Berkeley DB database: what rpm -qa lists, and hostile pages")
struct RPMBerkeleyDBTests {
    static let load = "/usr/bin/db5.3_load"
    static let rpm = "/usr/bin/rpm"
    static var toolsPresent: Bool {
        FileManager.default.isExecutableFile(atPath: load) && FileManager.default.isExecutableFile(atPath: rpm)
    }

    /// Packages of every size: a few bytes of summary stay in the hash page, kilobytes go to overflow chains.
    static func packages(_ count: Int) -> [(name: String, version: String, release: String, epoch: UInt32?, pad: Int)] {
        var generator = SeededGenerator(seed: 8)
        var list: [(String, String, String, UInt32?, Int)] = [
            ("openssl-libs", "1.1.1k", "12.el8_9", 1, 9_000), ("openssh-server", "8.0p1", "19.el8_9", nil, 30_000),
            ("bash", "4.4.20", "4.el8", nil, 20),
        ]
        for index in 0..<count {
            let pad = [0, 50, 700, 3_000, 12_000][Int.random(in: 0..<5, using: &generator)]
            list.append(("pkg\(index)", "1.\(index)", "\(index % 7).el8", index % 3 == 0 ? 2 : nil, pad))
        }
        return list
    }

    static func header(_ package: (name: String, version: String, release: String, epoch: UInt32?, pad: Int))
        -> [UInt8]
    {
        rpmHeader(
            name: package.name, version: package.version, release: package.release, epoch: package.epoch,
            summaryLength: package.pad)
    }

    /// A Berkeley DB hash database holding `headers` under record numbers 1... and rpm's key 0, made by db_load.
    static func database(_ headers: [[UInt8]], pageSize: Int, in directory: URL) throws -> [UInt8] {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        var dump = "VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=\(pageSize)\nHEADER=END\n"
        dump += " 00000000\n \(hex([UInt8(headers.count + 1), 0, 0, 0]))\n"
        for (index, header) in headers.enumerated() {
            let key = UInt32(index + 1)
            dump += " \(hex([UInt8(key & 0xFF), UInt8(key >> 8 & 0xFF), 0, 0]))\n \(hex(header))\n"
        }
        dump += "DATA=END\n"
        let dumpFile = directory.appendingPathComponent("dump.txt")
        try dump.write(to: dumpFile, atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("Packages")
        let made = OpenSSHTestSupport.run(Self.load, ["-f", dumpFile.path, database.path])
        try #require(made?.status == 0, "db_load: \(made?.error ?? "did not start")")
        return Array(try Data(contentsOf: database))
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-bdb-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test(
        "every package rpm -qa lists, with its epoch, on pages of 512, 4,096 and 16,384 bytes",
        .enabled(if: toolsPresent), arguments: [512, 4_096, 16_384])
    func sameAsRPM(pageSize: Int) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = try Self.database(Self.packages(60).map(Self.header), pageSize: pageSize, in: directory)
        let blobs = try RPMBerkeleyDB.headerBlobs(bytes).get()
        let ours = blobs.compactMap {
            InstalledSoftware.parseRPMHeader($0, sourcePath: InstalledSoftware.rpmBerkeleyDB)
        }
        #expect(ours.count == blobs.count, "key 0 and every header: nothing read that is not a header")
        let listed = try #require(
            OpenSSHTestSupport.run(
                Self.rpm,
                [
                    "--dbpath", directory.path, "--define", "_db_backend bdb_ro", "-qa", "--qf",
                    "%{NAME} %|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\\n",
                ]))
        try #require(listed.status == 0, "rpm: \(listed.error)")
        let rpmSays = listed.output.split(separator: "\n").map(String.init).sorted()
        #expect(rpmSays.count == 63)
        #expect(ours.map { "\($0.name) \($0.version)" }.sorted() == rpmSays)
    }

    @Test("read from a tree's var/lib/rpm/Packages when there is no rpmdb.sqlite", .enabled(if: toolsPresent))
    func installedSoftware() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = try Self.database(Self.packages(5).map(Self.header), pageSize: 4_096, in: directory)
        let found = InstalledSoftware.read(from: MemoryTree(contents: [InstalledSoftware.rpmBerkeleyDB: bytes]))
        #expect(found.diagnostics.isEmpty)
        #expect(found.software.first { $0.name == "openssl-libs" }?.version == "1:1.1.1k-12.el8_9")
        #expect(OpenSSLInForce.resolve(software: found.software).isRedHatBuild)
        // Beside an rpmdb.sqlite (rpm 4.16 and later), the Berkeley DB file is a leftover: rpm reads the sqlite one.
        let both = InstalledSoftware.read(
            from: MemoryTree(contents: [InstalledSoftware.rpmBerkeleyDB: bytes, InstalledSoftware.rpmSQLite: [1]]))
        #expect(both.software.isEmpty)
    }

    @Test("truncations, flipped bytes, a looping chain, repeated items: no crash, never more bytes than the file")
    func hostile() throws {
        // Made by hand when db_load is absent: one metadata page, one hash page whose data item points to an
        // overflow page that points to itself.
        var looping = [UInt8](repeating: 0, count: 3 * 512)
        looping.replaceSubrange(12..<16, with: [0x61, 0x15, 0x06, 0x00])
        looping.replaceSubrange(20..<24, with: [0x00, 0x02, 0x00, 0x00])
        looping[32] = 2
        looping[512 + 20] = 2  // two items
        looping[512 + 25] = 13
        looping.replaceSubrange((512 + 26)..<(512 + 30), with: [0xF0, 0x01, 0xE0, 0x01])  // key at 496, data at 480
        looping[512 + 496] = 1
        looping[512 + 480] = 3
        looping[512 + 484] = 2  // overflow page 2
        looping.replaceSubrange((512 + 488)..<(512 + 492), with: [0x00, 0x10, 0x00, 0x00])  // 4,096 bytes
        looping[1_024 + 16] = 2  // next: itself
        looping[1_024 + 22] = 100
        looping[1_024 + 25] = 7
        #expect(try RPMBerkeleyDB.headerBlobs(looping).get().isEmpty)
        // One 64 KiB hash page whose 32,000 item offsets name the same bytes again and again: one blob, not 8,000.
        var repeating = [UInt8](repeating: 0, count: 2 * 65_536)
        repeating.replaceSubrange(12..<16, with: [0x61, 0x15, 0x06, 0x00])
        repeating.replaceSubrange(20..<24, with: [0x00, 0x00, 0x01, 0x00])
        repeating[32] = 1
        let page = 65_536
        repeating.replaceSubrange((page + 20)..<(page + 22), with: [0x00, 0x7D])  // 32,000 items
        repeating[page + 25] = 13
        for index in 0..<32_000 {
            // A pair taken (key 65,000, data 64,100: 900 bytes), then a pair whose data lies above its key and is
            // skipped (64,000, 65,500), which lets the next pair start high again: each taken pair the same bytes.
            let offset: UInt16 = [65_000, 64_100, 64_000, 65_500][index % 4]
            repeating[page + 26 + 2 * index] = UInt8(offset & 0xFF)
            repeating[page + 26 + 2 * index + 1] = UInt8(offset >> 8)
        }
        repeating[page + 65_000] = 1
        repeating[page + 65_001] = 7
        repeating[page + 64_100] = 1
        repeating[page + 64_000] = 1
        let fromRepeats = try RPMBerkeleyDB.headerBlobs(repeating).get()
        #expect(fromRepeats.count <= 1)
        #expect(fromRepeats.reduce(0) { $0 + $1.count } <= repeating.count)
        var inputs = [looping]
        if Self.toolsPresent {
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            inputs.append(try Self.database(Self.packages(8).map(Self.header), pageSize: 512, in: directory))
        }
        var generator = SeededGenerator(seed: 8547)
        for bytes in inputs {
            for length in stride(from: 0, to: bytes.count, by: 97) {
                if case .success(let blobs) = RPMBerkeleyDB.headerBlobs(Array(bytes.prefix(length))) {
                    #expect(blobs.reduce(0) { $0 + $1.count } <= length)
                }
            }
            for _ in 0..<300 {
                var damaged = bytes
                for _ in 0..<8 {
                    damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
                if case .success(let blobs) = RPMBerkeleyDB.headerBlobs(damaged) {
                    #expect(blobs.reduce(0) { $0 + $1.count } <= damaged.count)
                }
            }
        }
        #expect(throws: RPMBerkeleyDB.Failure.self) {
            try RPMBerkeleyDB.headerBlobs(Array(repeating: 0, count: 4_096)).get()
        }
    }
}
