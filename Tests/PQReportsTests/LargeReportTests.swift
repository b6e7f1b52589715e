import Foundation
import PQModel
import PQReports
import Testing

/// A report of 100,000 findings stays a page a browser opens: grouped, bounded in size and time.
@Suite("Large inventories")
struct LargeReportTests {
    static func large(_ count: Int) -> ReportInput {
        let names = ["RSA", "ECDSA", "Ed25519", "ML-DSA-65", "AES-128-GCM", "SHA-1"]
        let statuses: [QuantumStatus] = [.vulnerable, .vulnerable, .vulnerable, .resistant, .weakened, .broken]
        var findings: [Finding] = []
        findings.reserveCapacity(count)
        for index in 0..<count {
            let kind = index % names.count
            findings.append(
                Finding(
                    path: ScanPath("srv/app\(index % 2000)/conf/file\(index / 2000).conf"), line: index % 500 + 1,
                    source: "nginx", setting: "ssl_certificate", usage: .publicKey, algorithm: names[kind],
                    canonical: names[kind], quantumStatus: statuses[kind]))
        }
        var counts = ScanCounts(filesExamined: count / 2, filesWithFindings: count / 2, findings: count)
        counts.byStatus = Dictionary(grouping: findings, by: \.quantumStatus.rawValue).mapValues(\.count)
        return ReportInput(scan: Fixtures.fixedScan(counts), findings: findings, history: [Fixtures.fixedScan(counts)])
    }

    @Test("100,000 findings render as HTML in bounded size and time, grouped and collapsible")
    func html() throws {
        let input = Self.large(100_000)
        let start = Date()
        let html = try HTMLRenderer().html(input, context: Fixtures.context)
        let seconds = Date().timeIntervalSince(start)
        let bytes = html.utf8.count
        #expect(bytes < 8_000_000, "the page is \(bytes) bytes")
        #expect(seconds < 60, "rendering took \(seconds) s")
        #expect(html.contains("100000 findings") || html.contains("Findings (100000)"))
        #expect(html.contains("more in this group are not listed here"))
        let tables = html.components(separatedBy: "<table").count - 1
        #expect(tables < 40, "\(tables) tables: findings must be grouped, not one giant table each")
        #expect(html.components(separatedBy: "<details").count - 1 >= 6)
    }

    @Test("100,000 findings stay complete in the CSV and the CBOM")
    func complete() throws {
        let input = Self.large(100_000)
        let csv = try CSVReportRenderer().render(input, context: Fixtures.context)
        #expect(csv.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } == 100_001)
        let cbom = try CycloneDXRenderer().document(input, context: Fixtures.context)
        let occurrences = cbom["components"]?.arrayValue.reduce(0) { total, component in
            component["cryptoProperties"]?["assetType"]?.stringValue == "algorithm"
                ? total + (component["evidence"]?["occurrences"]?.arrayValue.count ?? 0) : total
        }
        #expect(occurrences == 100_000)
    }
}
