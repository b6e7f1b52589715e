/// One line of an OpenSSH configuration file, split as OpenSSH splits it.
///
/// OpenSSH (`servconf.c` `process_server_config_line_depth`, `readconf.c` `process_config_line_depth`, `misc.c`
/// `strdelim` and `argv_split`): trailing whitespace (including CR and form feed) is dropped; the keyword ends at
/// whitespace or at one `=`; a line whose keyword starts with `#` is a comment; the arguments are split on
/// whitespace, with `"` or `'` quoting (the quotes removed), `\` escaping a quote, a backslash or a space, and an
/// unquoted `#` at the start of an argument ending the line.
struct OpenSSHConfigLine: Sendable, Hashable {
    /// The keyword as written (`KexAlgorithms`, `kexalgorithms`).
    let keyword: String
    /// The arguments after the keyword, unquoted.
    let arguments: [String]

    /// Lower-case keyword: OpenSSH keywords are case-insensitive.
    var key: String { keyword.lowercased() }

    /// Why a line could not be split.
    enum Problem: Error, Hashable {
        case noArgument(keyword: String)
        case badQuotes
    }

    /// Splits one line; nil for blank and comment lines.
    static func parse(_ text: Substring) -> Result<OpenSSHConfigLine, Problem>? {
        let whitespace: Set<Character> = [" ", "\t", "\r", "\n", "\u{0C}"]
        var trimmed = text
        while let last = trimmed.last, whitespace.contains(last) { trimmed = trimmed.dropLast() }
        var rest = trimmed.drop { whitespace.contains($0) }
        guard let first = rest.first, first != "#" else { return nil }
        let keyword = rest.prefix { !whitespace.contains($0) && $0 != "=" && $0 != "\"" }
        guard !keyword.isEmpty else { return .failure(.badQuotes) }
        rest = rest.dropFirst(keyword.count).drop { whitespace.contains($0) }
        if rest.first == "=" { rest = rest.dropFirst().drop { whitespace.contains($0) } }
        guard !rest.isEmpty else { return .failure(.noArgument(keyword: String(keyword))) }
        guard let arguments = splitArguments(rest) else { return .failure(.badQuotes) }
        guard !arguments.isEmpty else { return .failure(.noArgument(keyword: String(keyword))) }
        return .success(OpenSSHConfigLine(keyword: String(keyword), arguments: arguments))
    }

    /// OpenSSH `argv_split(s, ..., terminate_on_comment = 1)`; nil for an unterminated quote.
    static func splitArguments(_ text: Substring) -> [String]? {
        var arguments: [String] = []
        var characters = Array(text)
        characters.append(" ")
        var index = 0
        while index < characters.count {
            while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
            guard index < characters.count else { break }
            if characters[index] == "#" { break }
            var argument = ""
            var quote: Character?
            var ended = false
            while index < characters.count {
                let character = characters[index]
                if character == "\\", index + 1 < characters.count {
                    let next = characters[index + 1]
                    if next == "'" || next == "\"" || next == "\\" || (quote == nil && next == " ") {
                        argument.append(next)
                        index += 2
                        continue
                    }
                    argument.append(character)
                } else if quote == nil, character == "\"" || character == "'" {
                    quote = character
                } else if let open = quote, character == open {
                    quote = nil
                } else if quote == nil, character == " " || character == "\t" {
                    ended = true
                    break
                } else {
                    argument.append(character)
                }
                index += 1
            }
            guard quote == nil else { return nil }
            arguments.append(argument)
            if !ended { break }
        }
        return arguments
    }
}
