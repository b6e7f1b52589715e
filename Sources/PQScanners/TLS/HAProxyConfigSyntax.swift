import PQModel

/// How HAProxy reads its configuration's lines and sections, as its sources at each release tag do.
enum HAProxyConfigSyntax {
    /// A line's words, and whether a quote is left open at its end.
    struct Words {
        var words: [String]
        var unmatchedQuote: Bool
        /// Words holding an environment variable whose value the configuration does not give, by index: the
        /// variable's name. Such a word is kept as written.
        var fromEnvironment: [Int: String] = [:]
        /// HAProxy's error for a variable it cannot read ("forbidden first char in environment variable name"),
        /// which stops it.
        var variableError: String?
    }

    /// What the configuration itself says of haproxy's environment: `setenv`, `presetenv`, `unsetenv` and
    /// `resetenv` in `global`, applied as HAProxy reads each line (cfgparse-global.c, v2.6.0), so a later line's
    /// `"${NAME}"` sees them. Everything else in the environment comes from outside the tree (the service unit, a
    /// container's settings, the shell) and is not known.
    struct Environment {
        enum Value: Equatable {
            case set(String)
            case unset
            case notKnown
        }

        private var values: [String: Value] = [:]
        /// After `resetenv`, every variable it does not name is gone.
        private var othersUnset = false

        func value(_ name: String) -> Value { values[name] ?? (othersUnset ? .unset : .notKnown) }

        /// Applies a `global` line's words when it is one of the four environment keywords.
        mutating func apply(_ words: [String]) {
            guard let keyword = words.first?.lowercased() else { return }
            switch keyword {
            case "setenv" where words.count >= 3:
                values[words[1]] = .set(words[2])
            case "presetenv" where words.count >= 3:
                // Only when the environment does not have it already, which is not known unless it was emptied.
                if value(words[1]) == .unset { values[words[1]] = .set(words[2]) }
            case "unsetenv":
                for name in words.dropFirst() { values[name] = .unset }
            case "resetenv":
                let kept = Set(words.dropFirst())
                var next: [String: Value] = [:]
                for name in kept { next[name] = value(name) }
                values = next
                othersUnset = true
            default: break
            }
        }
    }

    /// Splits a line the way `parse_line` does (src/tools.c, v2.6.0), with the options the configuration reader
    /// passes (cfgparse.c `readcfgfile`: comments, both quotes, backslash escapes):
    /// - `#` outside quotes ends the line; inside either quote it is text;
    /// - `"` outside single quotes and `'` outside double quotes open and close a quote anywhere in a word
    ///   (`a"b c"d` is the one word `ab cd`);
    /// - outside single quotes, a backslash escapes a space, `\`, `#`, `'` and `"` (and `$` inside double quotes),
    ///   gives `\t`, `\n`, `\r`; before any other character it stays as written;
    /// - a quote still open at the end of the line is an error HAProxy stops on ("unmatched quote").
    ///
    /// Inside double quotes only (HAProxy 2.6 measured here: `$X` outside quotes and inside single quotes is text),
    /// `$NAME` and `${NAME}` are environment variables; `${NAME-default}` gives `default` when `NAME` is not set;
    /// `${NAME[*]}` splits the value into words at spaces; `$.LINE` is the line number (`.FILE` and `.SECTION`
    /// are taken as not known); a name must start with a letter, `_` or `.`, and a `{` needs its `}`: HAProxy
    /// stops at either fault. A variable `environment` does not know leaves its word as written, in
    /// `fromEnvironment`; one not set gives nothing.
    static func words(_ line: Substring, environment: Environment = Environment(), number: Int = 0) -> Words {
        var words: [String] = []
        var fromEnvironment: [Int: String] = [:]
        var current = ""
        var inWord = false
        var single = false
        var double = false
        var characters = line.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let held = pending {
                pending = nil
                return held
            }
            return characters.next()
        }
        func failed(_ error: String) -> Words {
            Words(words: words, unmatchedQuote: false, fromEnvironment: fromEnvironment, variableError: error)
        }
        while let character = next() {
            if character == "$", double {
                var written = "$"
                var name = ""
                var brace = false
                var splits = false
                var fallback: String?
                var following = next()
                if following == "{" {
                    brace = true
                    written.append("{")
                    following = next()
                }
                guard let first = following, first.isASCII, first.isLetter || first == "_" || first == "." else {
                    return failed("forbidden first char in environment variable name")
                }
                name.append(first)
                following = next()
                while let character = following, character.isASCII,
                    character.isLetter || character.isNumber
                        || character == "_"
                {
                    name.append(character)
                    following = next()
                }
                written += name
                if brace, following == "[" {
                    guard next() == "*", next() == "]" else { return failed("wrong expansion in environment variable") }
                    splits = true
                    written += "[*]"
                    following = next()
                }
                if brace {
                    if following == "-" {
                        var text = ""
                        following = next()
                        while let character = following, character != "}" {
                            text.append(character)
                            following = next()
                        }
                        fallback = text
                        written += "-" + text
                    }
                    guard following == "}" else { return failed("unmatched brace in environment variable name") }
                    written += "}"
                } else {
                    pending = following
                }
                inWord = true
                let value: Environment.Value =
                    name == ".LINE" ? .set(String(number)) : name.hasPrefix(".") ? .notKnown : environment.value(name)
                switch value {
                case .notKnown:
                    current += written
                    fromEnvironment[words.count] = name
                case .unset:
                    if let fallback { current += fallback }
                case .set(let text):
                    guard splits else {
                        current += text
                        continue
                    }
                    for character in text {
                        if character.isWhitespace {
                            if !current.isEmpty || inWord { words.append(current) }
                            current = ""
                            inWord = false
                        } else {
                            current.append(character)
                            inWord = true
                        }
                    }
                    inWord = true
                }
                continue
            }
            if character == "#", !single, !double { break }
            if character == "\"", !single {
                double.toggle()
                inWord = true
                continue
            }
            if character == "'", !double {
                single.toggle()
                inWord = true
                continue
            }
            if character == "\\", !single {
                guard let escaped = next() else {
                    current.append(character)
                    inWord = true
                    break
                }
                switch escaped {
                case " ", "\\", "#", "'", "\"": current.append(escaped)
                case "$" where double: current.append(escaped)
                case "t": current.append("\t")
                case "n": current.append("\n")
                case "r": current.append("\r")
                default:
                    current.append(character)
                    pending = escaped
                }
                inWord = true
                continue
            }
            if character == " " || character == "\t", !single, !double {
                if inWord { words.append(current) }
                current = ""
                inWord = false
                continue
            }
            current.append(character)
            inWord = true
        }
        if inWord { words.append(current) }
        return Words(words: words, unmatchedQuote: single || double, fromEnvironment: fromEnvironment)
    }

    /// A section keyword and the releases that know it: from `since` (nil: every release PQScout models) until
    /// before `removedIn`.
    struct Section {
        var since: OpenSSLVersion?
        var removedIn: OpenSSLVersion?
    }

    /// Every section keyword HAProxy has registered (`REGISTER_CONFIG_SECTION` / `cfg_register_section` in src/ at
    /// the tags v1.8.0 to v3.4.0): `cache` since 1.8, `program` 2.0 to 3.2, `fcgi-app` 2.1, `http-errors` and
    /// `ring` 2.2, `log-forward` 2.3, `crt-store` 3.0, `log-profile` and `traces` 3.1, `acme` 3.2, `healthcheck`
    /// 3.4. A line starting with a keyword the release does not know is read as a keyword of the section before
    /// (or out of any section), which it does not know either: HAProxy stops ("unknown keyword 'crt-store' in
    /// 'global' section", 2.6 here).
    static let sections: [String: Section] = [
        "global": Section(), "defaults": Section(), "frontend": Section(), "backend": Section(),
        "listen": Section(), "userlist": Section(), "peers": Section(), "resolvers": Section(),
        "mailers": Section(), "namespace_list": Section(),
        "cache": Section(since: OpenSSLVersion(1, 8)),
        "program": Section(since: OpenSSLVersion(2, 0), removedIn: OpenSSLVersion(3, 3)),
        "fcgi-app": Section(since: OpenSSLVersion(2, 1)),
        "http-errors": Section(since: OpenSSLVersion(2, 2)),
        "ring": Section(since: OpenSSLVersion(2, 2)),
        "log-forward": Section(since: OpenSSLVersion(2, 3)),
        "crt-store": Section(since: OpenSSLVersion(3, 0)),
        "log-profile": Section(since: OpenSSLVersion(3, 1)),
        "traces": Section(since: OpenSSLVersion(3, 1)),
        "acme": Section(since: OpenSSLVersion(3, 2)),
        "healthcheck": Section(since: OpenSSLVersion(3, 4)),
    ]

    /// Why `release` does not know the section `keyword` ("crt-store ... from 3.0"), or nil when it does, when
    /// `keyword` is no section, or when the release is not known (the newest is then assumed).
    static func unknownSection(_ keyword: String, release: OpenSSLVersion?) -> String? {
        guard let section = sections[keyword], let release else { return nil }
        if let since = section.since, release < since {
            return
                "HAProxy \(release) does not know the section '\(keyword)' (it comes with \(since.major).\(since.minor))"
        }
        if let removed = section.removedIn, release >= removed {
            return
                "HAProxy \(release) no longer knows the section '\(keyword)' (removed in \(removed.major).\(removed.minor))"
        }
        return nil
    }
}
