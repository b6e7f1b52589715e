import Foundation

/// A temporary file a streaming renderer parks rendered text in when it cannot write it yet (a CBOM's components
/// come out sorted by reference, the findings in path order), read back in the order the output needs: memory
/// stays at what is written between two reads, the disk holds about the output's size. The file is unlinked as soon as
/// it is open, so a report killed half-way (a 1M-file CBOM parks tens of GB) leaves nothing behind; `remove()` closes
/// it, and the system frees the space.
final class SpillFile {
    /// Where some parked text lies in the file.
    struct Span {
        var offset: UInt64
        var length: Int
    }

    /// Where the file was made; gone from the directory once it is open.
    let url: URL
    private let handle: FileHandle
    private var end: UInt64 = 0

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-report-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        handle = try FileHandle(forUpdating: url)
        try? FileManager.default.removeItem(at: url)
    }

    /// Parks `text` at the end of the file.
    func append(_ text: String) throws -> Span {
        var text = text
        let bytes = text.withUTF8 { Data($0) }
        try handle.seek(toOffset: end)
        try handle.write(contentsOf: bytes)
        let span = Span(offset: end, length: bytes.count)
        end += UInt64(bytes.count)
        return span
    }

    /// Copies parked text to `output`.
    func copy(_ span: Span, to output: ReportOutput) throws {
        try handle.seek(toOffset: span.offset)
        var left = span.length
        while left > 0 {
            guard let chunk = try handle.read(upToCount: min(left, 1 << 20)), !chunk.isEmpty else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
            }
            try output.write(chunk)
            left -= chunk.count
        }
    }

    /// Copies everything parked so far to `output`.
    func copyAll(to output: ReportOutput) throws {
        try copy(Span(offset: 0, length: Int(end)), to: output)
    }

    func remove() {
        try? handle.close()
    }
}
