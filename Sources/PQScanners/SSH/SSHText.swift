/// Line and token helpers shared by the SSH text formats (authorized_keys, known_hosts, *.pub).
enum SSHText {
    /// Lines with their 1-based numbers; a trailing CR is dropped (files copied from Windows).
    static func lines(_ bytes: [UInt8]) -> [(number: Int, text: ArraySlice<UInt8>)] {
        var out: [(number: Int, text: ArraySlice<UInt8>)] = []
        var start = 0
        var number = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            number += 1
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            out.append((number, line))
            start = end + 1
        }
        return out
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var line = line.drop(while: isSpace)
        while let last = line.last, isSpace(last) { line = line.dropLast() }
        return line
    }

    /// True for lines sshd and ssh skip: empty, blank, or starting with `#` (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
    static func isCommentOrBlank(_ line: ArraySlice<UInt8>) -> Bool {
        let rest = line.drop(while: isSpace)
        return rest.isEmpty || rest.first == UInt8(ascii: "#")
    }

    /// Splits off the next space-separated token; returns it and the rest with leading space removed.
    static func nextToken(_ text: ArraySlice<UInt8>) -> (token: ArraySlice<UInt8>, rest: ArraySlice<UInt8>) {
        let start = text.drop(while: isSpace)
        let end = start.firstIndex(where: isSpace) ?? start.endIndex
        return (start[start.startIndex..<end], start[end...].drop(while: isSpace))
    }

    /// Splits off an authorized_keys options field: it ends at the first space or tab outside double quotes,
    /// and `\"` inside it does not toggle quoting (sshd(8): "No spaces are permitted, except within double
    /// quotes"; "A quote may be included in the command by quoting it with a backslash").
    /// Returns nil for an unterminated quote.
    static func optionsField(_ text: ArraySlice<UInt8>) -> (options: ArraySlice<UInt8>, rest: ArraySlice<UInt8>)? {
        let start = text.drop(while: isSpace)
        var index = start.startIndex
        var quoted = false
        while index < start.endIndex, quoted || !isSpace(start[index]) {
            if start[index] == UInt8(ascii: "\\"), start.index(after: index) < start.endIndex,
                start[start.index(after: index)] == UInt8(ascii: "\"")
            {
                index = start.index(after: index)
            } else if start[index] == UInt8(ascii: "\"") {
                quoted.toggle()
            }
            index = start.index(after: index)
        }
        if quoted { return nil }
        return (start[start.startIndex..<index], start[index...].drop(while: isSpace))
    }

    /// The option keywords of an options field, values dropped: `command="x, y",no-pty` → `command,no-pty`.
    /// Values are left out on purpose: `environment=` and `command=` can hold secrets.
    static func optionNames(_ options: ArraySlice<UInt8>) -> [String] {
        var names: [String] = []
        var current: [UInt8] = []
        var inValue = false
        var quoted = false
        var index = options.startIndex
        while index < options.endIndex {
            let byte = options[index]
            if quoted {
                if byte == UInt8(ascii: "\\"), options.index(after: index) < options.endIndex {
                    index = options.index(after: index)
                } else if byte == UInt8(ascii: "\"") {
                    quoted = false
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                names.append(String(decoding: current, as: UTF8.self))
                current = []
                inValue = false
            } else if byte == UInt8(ascii: "=") {
                inValue = true
            } else if !inValue {
                current.append(byte)
            }
            index = options.index(after: index)
        }
        if !current.isEmpty || !names.isEmpty { names.append(String(decoding: current, as: UTF8.self)) }
        return names.filter { !$0.isEmpty }
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
