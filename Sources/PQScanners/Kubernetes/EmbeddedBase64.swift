import Foundation

/// One base64 value found under a well-known key in a YAML or JSON document.
struct EmbeddedValue: Sendable, Hashable {
    /// The key as written (`tls.crt`, `client-key-data`).
    var key: String
    /// 1-based line of the key.
    var line: Int
    /// 0-based index of the YAML document (`---` separated) holding it; 0 for JSON.
    var document: Int
    /// The value's characters with quotes and line breaks removed (still base64 text).
    var text: [UInt8]
}

/// Finds base64 values under well-known keys in YAML (block maps, flow maps, `|` block scalars, several
/// documents) and JSON, without a YAML parser: keys are matched as whole words followed by `:`, values are
/// single base64 tokens. Work is linear in the file: one pass per key over the bytes.
///
/// Why no full parser: these documents come from tools (`kubectl`, `kubeadm`, Helm) that write each value on
/// one line or as a literal block; a complete YAML composer would add recursion and alias expansion to a
/// scanner that needs neither (issue 21, item 2).
enum EmbeddedBase64 {
    static func values(in bytes: [UInt8], keys: [String]) -> [EmbeddedValue] {
        // Claims run this on the head of every file in a tree: leave at once when no key occurs at all.
        let needles = keys.map { Array($0.utf8) }
        guard needles.contains(where: { ByteSearch.contains(bytes, $0) }) else { return [] }
        let lineStarts = lineStarts(bytes)
        let documentStarts = documentStarts(bytes, lineStarts)
        var found: [EmbeddedValue] = []
        for key in keys {
            let needle = Array(key.utf8)
            var from = 0
            while from < bytes.count, let offset = ByteSearch.firstIndex(of: needle, in: bytes[from...]) {
                let at = from + offset  // firstIndex counts from the slice's start
                from = at + needle.count
                guard isKeyStart(bytes, at), let valueStart = afterColon(bytes, at + needle.count) else { continue }
                guard let text = value(bytes, valueStart, keyIndent: indentation(bytes, lineStart(lineStarts, at)))
                else { continue }
                let line = lineIndex(lineStarts, at)
                let document = documentStarts.lastIndex(where: { $0 <= at }) ?? 0
                found.append(EmbeddedValue(key: key, line: line + 1, document: document, text: text))
            }
        }
        return found.sorted { ($0.line, $0.key) < ($1.line, $1.key) }
    }

    /// Strict base64 (RFC 4648 §4) of a value's text; nil when it is not.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        guard !text.isEmpty, let data = Data(base64Encoded: Data(text)) else { return nil }
        return [UInt8](data)
    }

    // MARK: - Matching

    private static func isKeyStart(_ bytes: [UInt8], _ at: Int) -> Bool {
        guard at > 0 else { return true }
        // A key starts a line, follows indentation or a list dash and space, a quote, or a JSON/flow separator;
        // `my-tls.crt` or `x.tls.crt` are other keys.
        return [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x7B, 0x2C].contains(bytes[at - 1])
    }

    /// The index just after `"`, spaces and `:` following a key; nil when no colon follows.
    private static func afterColon(_ bytes: [UInt8], _ index: Int) -> Int? {
        var i = index
        if i < bytes.count, bytes[i] == 0x22 || bytes[i] == 0x27 { i += 1 }
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2B || byte == 0x2F || byte == 0x3D
    }

    /// The value at `start`: a quoted or bare token on the same line, or a `|`/`>` block of deeper-indented
    /// lines. nil when empty or not a base64 token (a PEM block under `stringData` is the PEM scanners').
    private static func value(_ bytes: [UInt8], _ start: Int, keyIndent: Int) -> [UInt8]? {
        var i = start
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "|") || bytes[i] == UInt8(ascii: ">") {
            while i < bytes.count, bytes[i] != 0x0A { i += 1 }
            var text: [UInt8] = []
            while i < bytes.count {
                i += 1  // past the newline
                let lineStart = i
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                let line = bytes[lineStart..<i].filter { $0 != 0x0D }
                let content = line.drop(while: { $0 == 0x20 })
                if content.isEmpty { continue }
                guard line.count - content.count > keyIndent else { break }
                guard content.allSatisfy(isBase64) else { return nil }
                text += content
            }
            return text.isEmpty ? nil : text
        }
        var quote: UInt8?
        if bytes[i] == 0x22 || bytes[i] == 0x27 {
            quote = bytes[i]
            i += 1
        }
        let tokenStart = i
        while i < bytes.count, isBase64(bytes[i]) { i += 1 }
        guard i > tokenStart else { return nil }
        if let quote, i >= bytes.count || bytes[i] != quote { return nil }
        if quote == nil, i < bytes.count, ![0x0A, 0x0D, 0x20, 0x09, 0x2C, 0x7D].contains(bytes[i]) { return nil }
        return Array(bytes[tokenStart..<i])
    }

    // MARK: - Lines and documents

    private static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A { starts.append(index + 1) }
        return starts
    }

    private static func lineIndex(_ starts: [Int], _ offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    private static func lineStart(_ starts: [Int], _ offset: Int) -> Int { starts[lineIndex(starts, offset)] }

    private static func indentation(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x2D { i += 1 }
        return i - start
    }

    /// Offsets where YAML documents begin: 0 and every line that is `---` (optionally followed by text).
    private static func documentStarts(_ bytes: [UInt8], _ lineStarts: [Int]) -> [Int] {
        var starts = [0]
        for start in lineStarts where start > 0 && start + 3 <= bytes.count {
            if bytes[start] == 0x2D, bytes[start + 1] == 0x2D, bytes[start + 2] == 0x2D,
                start + 3 == bytes.count || [0x0A, 0x0D, 0x20].contains(bytes[start + 3])
            {
                starts.append(start)
            }
        }
        return starts
    }

    /// The text of document `index` (for its `kind` and `metadata.name`).
    static func document(_ bytes: [UInt8], _ index: Int) -> ArraySlice<UInt8> {
        let starts = documentStarts(bytes, lineStarts(bytes))
        guard index < starts.count else { return [] }
        let end = index + 1 < starts.count ? starts[index + 1] : bytes.count
        return bytes[starts[index]..<end]
    }
}
