import Foundation
import PQModel
import Testing

@testable import PQReports

/// The HTML and Markdown reports read the certificates from `ReportInput.certificates` (a store cursor in report
/// order) instead of every asset: the same bytes as from the assets in memory, the HTML asking for the rows it
/// lists only, the Markdown for every certificate.
@Suite("Certificates from a cursor: the same reports, only the rows listed read")
struct CertificateSourceTests {
    /// The sample's assets and `extra` certificates expiring in an order that is not their ids'.
    static func input(extra: Int) throws -> ReportInput {
        var input = try Fixtures.sample()
        let template = try #require(input.assets.first { $0.certificate != nil })
        for number in 0..<extra {
            var asset = template
            asset.id = "sha256:" + String(format: "%064x", (number * 7_919) % 1_000)
            asset.certificate?.subject = "CN=host\(number).example.org"
            asset.certificate?.notAfter = Date(
                timeIntervalSince1970: 1_800_000_000 + Double((number * 37) % 11) * 86_400)
            if number % 13 == 0 { asset.certificate = nil }
            input.assets.append(asset)
        }
        return input
    }

    /// `input` with its assets replaced by a cursor over them in report order that records each limit it is
    /// asked for.
    final class Reads: @unchecked Sendable {
        var limits: [Int?] = []
        var rows = 0
    }

    static func streamed(_ input: ReportInput, reads: Reads) -> ReportInput {
        let sorted = input.assets.filter { $0.kind == .certificate }.sorted(by: ReportOrder.certificate)
        var streamed = input
        streamed.assets = []
        streamed.certificateSource = .stored(count: sorted.count, assetCount: input.assets.count) { limit, body in
            reads.limits.append(limit)
            for asset in sorted.prefix(limit ?? sorted.count) {
                reads.rows += 1
                try body(asset)
            }
        }
        return streamed
    }

    @Test(
        "HTML and Markdown from the cursor are the bytes made from every asset",
        arguments: [
            HTMLRenderer(maxRows: 7), HTMLRenderer(), MarkdownRenderer(),
        ] as [any ReportRenderer])
    func sameBytes(renderer: any ReportRenderer) throws {
        let input = try Self.input(extra: 40)
        #expect(input.assets.filter { $0.kind == .certificate }.count > 40)
        #expect(renderer.streamsCertificates)
        let reads = Reads()
        let streamed = Self.streamed(input, reads: reads)
        let expected = try renderer.render(input, context: Fixtures.context)
        let actual = try ReportOutput.collect { try renderer.write(streamed, context: Fixtures.context, to: $0) }
        #expect(actual == expected, "\(renderer.format.rawValue): the report from the cursor differs")
        if let html = renderer as? HTMLRenderer {
            // Twice: the listed certificates' ids before the walk of the findings, then the table's rows.
            #expect(reads.limits == [html.maxRows, html.maxRows])
            #expect(reads.rows == 2 * min(html.maxRows, input.certificates.count))
        } else {
            #expect(reads.limits == [nil])
            #expect(reads.rows == input.certificates.count)
        }
    }

    @Test("the certificate order: soonest expiry first, then id, a certificate without details last")
    func order() throws {
        let input = try Self.input(extra: 40)
        var walked: [Asset] = []
        try input.certificates.walk { walked.append($0) }
        #expect(walked.count == input.certificates.count)
        for (a, b) in zip(walked, walked.dropFirst()) {
            let (x, y) = (a.certificate?.notAfter ?? .distantFuture, b.certificate?.notAfter ?? .distantFuture)
            #expect(x < y || (x == y && a.id < b.id))
        }
        #expect(walked.last?.certificate == nil)
    }
}
