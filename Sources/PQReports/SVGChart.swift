import Foundation

/// Small inline SVG charts for the HTML report: no script, no external font, text escaped like the page.
enum SVGChart {
    /// The opening tag: the chart takes the page's width (on screen and on paper) and keeps its proportions.
    static func open(title: String, width: Int, height: Int) -> String {
        "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\" width=\"100%\" "
            + "viewBox=\"0 0 \(width) \(height)\" preserveAspectRatio=\"xMinYMin meet\" "
            + "xmlns=\"http://www.w3.org/2000/svg\">"
    }

    struct Bar {
        var label: String
        var value: Int
        var color: String
    }

    /// Horizontal bars with their labels and values.
    static func bars(_ bars: [Bar], title: String, width: Int = 900) -> String {
        let rowHeight = 26
        let labelWidth = 150
        let height = max(1, bars.count) * rowHeight + 10
        let maxValue = max(1, bars.map(\.value).max() ?? 1)
        let room = width - labelWidth - 70
        var out =
            open(title: title, width: width, height: height)
        out += "<title>\(HTMLText.escape(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = 5 + index * rowHeight
            let length = bar.value == 0 ? 0 : max(2, room * bar.value / maxValue)
            out +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(HTMLText.escape(bar.label))</text>"
            out += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(length)\" height=\"18\" fill=\"\(bar.color)\"/>"
            out += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 17)\">\(bar.value)</text>"
        }
        return out + "</svg>"
    }

    struct Point {
        var label: String
        var value: Int
    }

    /// Columns over time (one per scan, oldest left), labelled below.
    static func columns(_ points: [Point], title: String, color: String, width: Int = 900) -> String {
        let height = 180
        let top = 20
        let bottom = 40
        let plot = height - top - bottom
        let maxValue = max(1, points.map(\.value).max() ?? 1)
        let slot = max(8, (width - 20) / max(1, points.count))
        let columnWidth = max(4, min(48, slot - 6))
        var out =
            open(title: title, width: width, height: height)
        out += "<title>\(HTMLText.escape(title))</title>"
        out += "<line x1=\"10\" y1=\"\(top + plot)\" x2=\"\(width - 10)\" y2=\"\(top + plot)\" stroke=\"#888\"/>"
        let showLabels = points.count <= 24
        for (index, point) in points.enumerated() {
            let x = 10 + index * slot + (slot - columnWidth) / 2
            let barHeight = point.value == 0 ? 0 : max(2, plot * point.value / maxValue)
            let y = top + plot - barHeight
            out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(columnWidth)\" height=\"\(barHeight)\" fill=\"\(color)\">"
            out += "<title>\(HTMLText.escape(point.label)): \(point.value)</title></rect>"
            if showLabels {
                out += "<text x=\"\(x + columnWidth / 2)\" y=\"\(y - 4)\" text-anchor=\"middle\">\(point.value)</text>"
                out += "<text x=\"\(x + columnWidth / 2)\" y=\"\(top + plot + 16)\" text-anchor=\"middle\" "
                out += "class=\"small\">\(HTMLText.escape(point.label))</text>"
            }
        }
        return out + "</svg>"
    }

    struct Mark {
        var date: Date
        var label: String
        var count: Int
        var color: String
    }

    /// Dated marks on a horizontal timeline from `start` to the last mark (deadlines), with a tick and a label for
    /// every year so near dates do not crowd "today" unread.
    static func timeline(_ marks: [Mark], start: Date, title: String, width: Int = 1000) -> String {
        let sorted = marks.sorted { $0.date < $1.date }
        let height = 70 + sorted.count * 18
        guard let last = sorted.last?.date else { return "" }
        let first = min(start, sorted.first?.date ?? start)
        let span = max(1, last.timeIntervalSince(first))
        let axisEnd = width - 220
        func x(_ date: Date) -> Int { 30 + Int(Double(axisEnd - 30) * date.timeIntervalSince(first) / span) }
        var out = open(title: title, width: width, height: height)
        out += "<title>\(HTMLText.escape(title))</title>"
        out += "<line x1=\"30\" y1=\"40\" x2=\"\(axisEnd)\" y2=\"40\" stroke=\"#888\"/>"
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let firstYear = calendar.component(.year, from: first) + 1
        let lastYear = calendar.component(.year, from: last)
        if firstYear <= lastYear {
            for year in firstYear...lastYear {
                guard let newYear = calendar.date(from: DateComponents(year: year, month: 1, day: 1)) else { continue }
                let tick = x(newYear)
                out += "<line x1=\"\(tick)\" y1=\"36\" x2=\"\(tick)\" y2=\"44\" stroke=\"#888\"/>"
                out += "<text x=\"\(tick)\" y=\"32\" text-anchor=\"middle\" class=\"small\">\(year)</text>"
            }
        }
        out += "<line x1=\"\(x(start))\" y1=\"14\" x2=\"\(x(start))\" y2=\"48\" stroke=\"#333\"/>"
        out += "<text x=\"\(x(start))\" y=\"11\" text-anchor=\"middle\" class=\"small\">today</text>"
        for (index, mark) in sorted.enumerated() {
            let markX = x(mark.date)
            let y = 65 + index * 18
            out += "<circle cx=\"\(markX)\" cy=\"40\" r=\"6\" fill=\"\(mark.color)\"/>"
            out += "<line x1=\"\(markX)\" y1=\"46\" x2=\"\(markX)\" y2=\"\(y - 4)\" stroke=\"#bbb\"/>"
            out += "<text x=\"\(markX + 4)\" y=\"\(y)\" class=\"small\">"
            out += "\(ReportDate.day(mark.date)) \(HTMLText.escape(mark.label)) (\(mark.count))</text>"
        }
        return out + "</svg>"
    }
}

/// Escaping for HTML text and attribute values: everything read from a scanned file passes through here.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": out += "\u{FFFD}"
            case _ where scalar.value == 0x7F: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
