import Foundation
import PQModel
import PQReports
import Testing

/// The HTML report printed to PDF (`scripts/print-pdf`, headless Chromium) shows what the browser hides in collapsed
/// sections, and each section starts a page. Checked on the PDF's text (pdftotext) and pages (pdfinfo, pdftoppm).
@Suite(
    "The HTML report prints with every section expanded",
    .enabled(if: PrintTools.available, "chromium and poppler-utils (pdftotext, pdfinfo, pdftoppm) are not installed")
)
struct PrintTests {
    @Test("print-pdf: every section heading, the collapsed contents and one page per section")
    func printed() throws {
        let input = try Fixtures.assessed()
        let html = try HTMLRenderer().html(input, context: Fixtures.context)
        // The point of the test: these sit inside collapsed <details> on screen.
        let system = try #require(input.assessment?.systems.first)
        let collapsed = try #require(system.adjustments.first?.reason)
        #expect(html.contains("<details class=\"system\">"))
        let folder = Fixtures.temporaryPath("print")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let page = folder + "/report.html"
        let pdf = folder + "/report.pdf"
        try Data(html.utf8).write(to: URL(fileURLWithPath: page))
        let printed = try PrintTools.run(Fixtures.repositoryRoot.path + "/scripts/print-pdf", [page, pdf])
        #expect(printed.status == 0, "\(printed.output)")
        let text = try PrintTools.run("/usr/bin/pdftotext", [pdf, "-"]).output
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for heading in ["Summary", "Assessment", "Certificates", "Diagnostics"] {
            #expect(flat.contains(heading), "the PDF lacks the \(heading) section")
        }
        let probe = collapsed.split(whereSeparator: \.isWhitespace).prefix(6).joined(separator: " ")
        #expect(flat.contains(probe), "a collapsed score explanation is not printed: \(probe)")
        let info = try PrintTools.run("/usr/bin/pdfinfo", [pdf]).output
        let pages =
            info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        let sections = html.components(separatedBy: "<section id=").count - 1
        #expect(pages >= sections, "\(pages) pages for \(sections) sections: each section starts a page")
        let png = try PrintTools.run(
            "/usr/bin/pdftoppm", ["-png", "-r", "40", "-f", "1", "-l", "1", pdf, folder + "/p"])
        #expect(png.status == 0)
        let images = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }
        #expect(!images.isEmpty, "pdftoppm drew no page")
    }
}

enum PrintTools {
    static var available: Bool {
        let paths = ["/usr/bin/pdftotext", "/usr/bin/pdfinfo", "/usr/bin/pdftoppm"]
        let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return browser && paths.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
