/// Plain-text tables that fit a terminal: columns shrink (long cells are cut with "…") to fit `width`.
public struct TextTable {
    public var headers: [String]
    public var rows: [[String]]
    /// Columns that may be shortened; the others keep their natural width.
    public var flexible: Set<Int>
    /// Flexible columns cut in the middle rather than at the end (paths: the file name matters most, then the top
    /// folders), so two rows never look alike only because their directories were cut away.
    public var keepEnd: Set<Int>

    public init(headers: [String], rows: [[String]], flexible: Set<Int>, keepEnd: Set<Int> = []) {
        self.headers = headers
        self.rows = rows
        self.flexible = flexible
        self.keepEnd = keepEnd
    }

    public func render(width: Int = 80) -> String {
        var widths = headers.map(Self.displayWidth)
        for row in rows { Self.widen(&widths, row) }
        widths = fitted(widths, width: width)
        var lines = [line(headers, widths)]
        for row in rows { lines.append(line(row, widths)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The bytes of `render`, written a line at a time from rows made twice by `rows` (which calls its argument
    /// with each row, in order, every time it is called): once to measure the columns, once to write them. The
    /// table's own `rows` are not used. Memory: one row.
    public func write(width: Int = 80, rows: ((_ row: [String]) throws -> Void) throws -> Void, to output: ReportOutput)
        throws
    {
        var widths = headers.map(Self.displayWidth)
        try rows { Self.widen(&widths, $0) }
        widths = fitted(widths, width: width)
        try output.write(line(headers, widths))
        try rows { try output.write("\n" + line($0, widths)) }
        try output.write("\n")
    }

    /// `widths` grown to hold `row`'s cells (a missing cell is empty).
    private static func widen(_ widths: inout [Int], _ row: [String]) {
        for column in widths.indices where column < row.count {
            widths[column] = max(widths[column], displayWidth(row[column]))
        }
    }

    /// The natural widths shrunk, the widest flexible column one step at a time, until the table fits `width`.
    private func fitted(_ natural: [Int], width: Int) -> [Int] {
        var widths = natural
        let separators = 2 * (widths.count - 1)
        var total = widths.reduce(0, +) + separators
        while total > width {
            guard
                let widest = widths.indices.filter({ flexible.contains($0) && widths[$0] > 8 })
                    .max(by: { widths[$0] < widths[$1] })
            else { break }
            widths[widest] -= 1
            total -= 1
        }
        return widths
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var parts: [String] = []
        for (column, width) in widths.enumerated() {
            let cell = column < cells.count ? Self.clean(cells[column]) : ""
            let fitted = keepEnd.contains(column) ? Self.fitKeepingEnd(cell, width) : Self.fit(cell, width)
            parts.append(column == widths.count - 1 ? fitted : fitted.padding(width))
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    static func displayWidth(_ text: String) -> Int { clean(text).count }

    /// Control characters from file names must not reach the terminal.
    static func clean(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }

    /// Cuts a path in the middle: the last component whole where it fits, then as much of the start as is left.
    static func fitKeepingEnd(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.suffix(width)) }
        guard let slash = text.lastIndex(of: "/"), text.distance(from: slash, to: text.endIndex) < width else {
            return "…" + String(text.suffix(width - 1))
        }
        let tail = text[slash...]
        let head = text.prefix(width - 1 - tail.count)
        return head + "…" + tail
    }

    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 1)) + "…"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
