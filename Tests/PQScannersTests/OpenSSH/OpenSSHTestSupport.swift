import Foundation
import PQModel
import Testing

@testable import PQScanners

/// A throwaway scan root in /tmp, with the files a test writes, walked the way a scan walks it.
final class OpenSSHTempRoot {
    let url: URL

    init(files: [String: String]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-openssh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (path, contents) in files { try write(path, Data(contents.utf8)) }
    }

    func write(_ path: String, _ data: Data) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    /// The walked tree over the root, as a scan would hand it to scanners.
    func tree() throws -> WalkedTree {
        let result = try TreeWalker().walk(root: url.path).get()
        return WalkedTree(files: result.files, maxFileSize: WalkOptions.defaultMaxFileSize)
    }

    func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url.appendingPathComponent(path)))
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

enum OpenSSHTestSupport {
    /// Runs a program and returns its standard output, or nil when it cannot be started or fails.
    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String, error: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errors, as: UTF8.self)
        )
    }

    /// Scans one config file of a temp root with the OpenSSH scanner and the tree as context.
    static func scan(
        _ root: OpenSSHTempRoot, _ path: String, software: [Software] = [], version: String? = "9.2"
    ) throws -> ScanOutput {
        let input = ScanInput(
            path: ScanPath(path), bytes: try root.bytes(path), options: ScanOptions(opensshVersion: version),
            context: ScanContext(tree: try root.tree(), software: software))
        return OpenSSHConfigScanner().scan(input)
    }
}
