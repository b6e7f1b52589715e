import Foundation

/// stdout for results, stderr for everything else; progress only on a terminal.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }

    /// Writes to stderr without adding a newline (the progress line rewrites itself).
    static func status(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Width for tables: the terminal's own (TIOCGWINSZ) when stdout is one, else $COLUMNS when set, else no limit:
    /// output piped to a file or another program is never cut.
    static var width: Int {
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 {
            return Int(size.ws_col)
        }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value >= 40 {
            return value
        }
        return isatty(STDOUT_FILENO) == 1 ? 80 : Int.max
    }
}
