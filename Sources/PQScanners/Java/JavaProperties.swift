/// A `java.util.Properties` text file (`java.security`): `key=value`, `key: value` or `key value`, a trailing
/// backslash continues the line, `#` and `!` start comment lines, backslash escapes (`\uXXXX`, `\t`, `\=`).
struct JavaProperties {
    struct Value {
        var text: String
        var line: Int
    }

    private(set) var values: [String: Value] = [:]

    init(_ bytes: [UInt8]) {
        var pending: (line: Int, text: String)?
        for (number, raw) in ConfigLines.split(bytes) {
            var text = String(raw.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
            if pending == nil, text.hasPrefix("#") || text.hasPrefix("!") || text.isEmpty { continue }
            let continues = Self.endsWithOddBackslashes(text)
            if continues { text.removeLast() }
            if var open = pending {
                open.text += text
                pending = open
            } else {
                pending = (number, text)
            }
            if !continues, let done = pending {
                store(done.text, line: done.line)
                pending = nil
            }
        }
        if let done = pending { store(done.text, line: done.line) }
    }

    subscript(_ key: String) -> Value? { values[key] }

    private mutating func store(_ logical: String, line: Int) {
        var key = ""
        var index = logical.startIndex
        while index < logical.endIndex {
            let character = logical[index]
            if character == "\\" {
                index = logical.index(after: index)
                if index < logical.endIndex { key.append(logical[index]) }
                if index < logical.endIndex { index = logical.index(after: index) }
                continue
            }
            if character == "=" || character == ":" || character == " " || character == "\t" { break }
            key.append(character)
            index = logical.index(after: index)
        }
        var rest = logical[index...].drop { $0 == " " || $0 == "\t" }
        if let first = rest.first, first == "=" || first == ":" { rest = rest.dropFirst() }
        rest = rest.drop { $0 == " " || $0 == "\t" }
        guard !key.isEmpty else { return }
        values[key] = Value(text: Self.unescape(rest), line: line)
    }

    static func endsWithOddBackslashes(_ text: String) -> Bool {
        var count = 0
        for character in text.reversed() {
            guard character == "\\" else { break }
            count += 1
        }
        return count % 2 == 1
    }

    static func unescape(_ text: Substring) -> String {
        var result = ""
        var iterator = Array(text)
        var index = 0
        while index < iterator.count {
            let character = iterator[index]
            guard character == "\\", index + 1 < iterator.count else {
                result.append(character)
                index += 1
                continue
            }
            let next = iterator[index + 1]
            switch next {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "f": result.append("\u{0C}")
            case "u":
                let digits = String(iterator[min(index + 2, iterator.count)..<min(index + 6, iterator.count)])
                if digits.count == 4, let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) {
                    result.unicodeScalars.append(scalar)
                    index += 6
                    continue
                }
                result.append("u")
            default: result.append(next)
            }
            index += 2
        }
        iterator.removeAll()
        return result
    }
}
