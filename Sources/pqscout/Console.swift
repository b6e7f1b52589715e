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

    /// Terminal width for tables: $COLUMNS when set, else 80.
    static var width: Int {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value >= 40 {
            return value
        }
        return 80
    }
}
