import Foundation
import Testing

@testable import PQScanners

#if canImport(Glibc)
    import Glibc
#endif

/// The directory descriptors a system root holds between reads: bounded, let go with the root, and never a way
/// around the rule that nothing is opened through a link.
@Suite("System root: held directories")
struct SystemRootHeldDirectoriesTests {
    final class Scratch {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-held-\(UUID().uuidString)")
        var path: String { url.path }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    /// The first bytes of a file as text, or nil with the open's errno in `failure`.
    static func read(_ root: SystemRoot, _ relative: String, failure: inout Int32) -> String? {
        let descriptor = root.openFile(Array(relative.utf8))
        guard descriptor >= 0 else {
            failure = errno
            return nil
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        return count >= 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    static func read(_ root: SystemRoot, _ relative: String) -> String? {
        var ignored: Int32 = 0
        return read(root, relative, failure: &ignored)
    }

    @Test("reading files in 200 directories holds at most the bound, and a root lets go of its own when it goes")
    func bounded() throws {
        let scratch = Scratch()
        for index in 0..<200 {
            let directory = scratch.url.appendingPathComponent("etc/d\(index)/sub")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("file \(index)".utf8).write(to: directory.appendingPathComponent("f.conf"))
        }
        var root: SystemRoot? = try #require(SystemRoot(path: scratch.path))
        let serial = root!.serial
        for pass in 0..<2 {
            for index in 0..<200 {
                #expect(Self.read(root!, "etc/d\(index)/sub/f.conf") == "file \(index)", "pass \(pass)")
                #expect(HeldDirectories.shared.count(root: serial) <= HeldDirectories.capacity)
            }
        }
        #expect(HeldDirectories.shared.count(root: serial) > 0)
        #expect(HeldDirectories.shared.count <= HeldDirectories.capacity)
        root = nil
        #expect(HeldDirectories.shared.count(root: serial) == 0)
    }

    @Test("a directory that is a link is never opened, held or not; one swapped after it was held still reads inside")
    func links() throws {
        let scratch = Scratch()
        let manager = FileManager.default
        try manager.createDirectory(
            at: scratch.url.appendingPathComponent("root/etc/d"), withIntermediateDirectories: true)
        try manager.createDirectory(
            at: scratch.url.appendingPathComponent("outside"), withIntermediateDirectories: true)
        try Data("inside".utf8).write(to: scratch.url.appendingPathComponent("root/etc/d/f"))
        try Data("outside".utf8).write(to: scratch.url.appendingPathComponent("outside/f"))
        try manager.createSymbolicLink(
            atPath: scratch.path + "/root/etc/link", withDestinationPath: scratch.path + "/outside")
        let root = try #require(SystemRoot(path: scratch.path + "/root"))

        var failure: Int32 = 0
        #expect(Self.read(root, "etc/link/f", failure: &failure) == nil)
        #expect(failure == ELOOP || failure == ENOTDIR)
        #expect(Self.read(root, "etc/d/f") == "inside")
        // Swapped for a link to the outside once held: the held descriptor still names the directory the
        // name had, now `d.real`, inside the root.
        try manager.moveItem(atPath: scratch.path + "/root/etc/d", toPath: scratch.path + "/root/etc/d.real")
        try manager.createSymbolicLink(
            atPath: scratch.path + "/root/etc/d", withDestinationPath: scratch.path + "/outside")
        #expect(Self.read(root, "etc/d/f") == "inside")
        #expect(Self.read(root, "etc/link/f") == nil)
        // A fresh root opens the name as it is now: a link, refused.
        let fresh = try #require(SystemRoot(path: scratch.path + "/root"))
        #expect(Self.read(fresh, "etc/d/f") == nil)
        // Resolved as a chroot would: the link's absolute target is looked for below the root, where it is not.
        #expect(fresh.resolve(Array("etc/d/f".utf8)) == .missing)
    }
}
