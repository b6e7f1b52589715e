import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQReports
import Testing

@testable import PQScoutKit

/// Issue 20 point 1: with `--output`, a certificate list's rows are parked on disk as the planner makes them and
/// the plan keeps a few of them. The documents and the CSV files must be the bytes the whole plan gives.
@Suite("Plan asset lists parked as they are made: the same documents and CSV files as the whole plan")
struct PlanParkedAssetListTests {
    static let asOf = CalendarDay("2026-11-27")!

    /// `count` certificates over a few groups (issuers and key sizes interleaved), two findings each; every 7th
    /// shares a bundle's place with the others, every 11th is found in a second file.
    static func input(_ count: Int) throws -> PlanInput {
        var findings: [Finding] = []
        var assets: [Asset] = []
        func finding(_ algorithm: String, usage: Usage, path: String, line: Int?, bits: Int?, asset: String)
            -> Finding
        {
            let entry = Catalog.shared.entry(named: algorithm)
            return Finding(
                path: ScanPath(path), line: line, source: "x509",
                setting: usage == .signature ? "signatureAlgorithm" : "subjectPublicKey", usage: usage,
                algorithm: algorithm, canonical: entry?.canonical, keyBits: bits,
                quantumStatus: entry?.status(keyBits: bits) ?? .vulnerable, asset: asset)
        }
        for number in 0..<count {
            let id = "sha256:cert\(number)"
            let bits = [2048, 3072][number % 2]
            let signature = number % 5 == 0 ? "RSA-SHA1" : "RSA-SHA256"
            assets.append(
                Asset(
                    id: id, kind: .certificate, algorithm: "RSA", canonical: "RSA", keyBits: bits,
                    certificate: CertificateDetails(
                        subject: "CN=host\((number * 37) % count).example.org, O=\"a,b\"",
                        issuer: ["CN=ca1", "CN=ca2"][number % 3 == 0 ? 1 : 0], serial: "01",
                        notBefore: Date(timeIntervalSince1970: 0),
                        notAfter: CalendarDay("2029-01-01")!.date, signatureOID: "1.2.840.113549.1.1.11",
                        signatureAlgorithm: signature, publicKeyOID: "1.2.840.113549.1.1.1", sha256: id,
                        publicKeyID: id, isCA: false, selfSigned: false)))
            var places: [(String, Int?)] = [
                number % 7 == 0 ? ("etc/ssl/bundle.p7b", nil) : ("etc/ssl/host\(number).pem", 1)
            ]
            if number % 11 == 0 { places.append(("srv/copy/host\(number).pem", 3)) }
            for (path, line) in places {
                findings.append(finding("RSA", usage: .publicKey, path: path, line: line, bits: bits, asset: id))
                findings.append(finding(signature, usage: .signature, path: path, line: line, bits: nil, asset: id))
            }
        }
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(
                scan: ScanRecord(
                    id: 1, roots: ["/srv"], host: "test", toolVersion: "test",
                    startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1),
                    status: .complete, counts: ScanCounts(filesExamined: count, filesWithFindings: count)),
                findings: findings, assets: assets),
            options: AssessmentOptions(profile: policy, asOf: asOf))
        return PlanInput(findings: findings, assets: assets, assessment: result, profile: policy)
    }

    static func written(_ files: [PlanAssetFile], rows: PlanAssetSpill?) throws -> [String: Data] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-parked-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = try PlanUseCase.writeAssetFiles(files, to: folder.path, rows: rows)
        var out: [String: Data] = [:]
        for name in names { out[name] = try Data(contentsOf: folder.appendingPathComponent(name)) }
        return out
    }

    @Test("Markdown, HTML, JSON and every CSV file: the bytes of the whole plan's, while the plan holds a few rows")
    func sameBytes() throws {
        var input = try Self.input(300)
        var whole = MigrationPlanner.plan(input)
        let rows = PlanAssetSpill()
        input.assetRows = rows
        var parked = MigrationPlanner.plan(input)
        #expect(rows.error == nil)
        // The parked plan holds the examples only: what makes its memory independent of the certificates.
        let long = parked.actions.filter { ($0.assetList?.count ?? 0) > 20 }
        #expect(long.count >= 2)
        for action in long {
            #expect(action.assetList?.assets?.count == PlanAssetList.inlineLimit)
            #expect(action.locations.count < action.placeCount && action.retires.count < action.retireCount)
        }
        let wholeFiles = PlanUseCase.listAssets(&whole, shownAs: "plan-assets")
        let parkedFiles = PlanUseCase.listAssets(&parked, shownAs: "plan-assets", rows: rows)
        #expect(parkedFiles.map(\.name) == wholeFiles.map(\.name))
        #expect(parkedFiles.map(\.count) == wholeFiles.map(\.count))
        #expect(parkedFiles.filter { $0.parked != nil }.count == parkedFiles.count)
        #expect(Presentation.planMarkdown(parked) == Presentation.planMarkdown(whole))
        #expect(Presentation.planHTML(parked) == Presentation.planHTML(whole))
        #expect(try Presentation.planJSON(parked) == Presentation.planJSON(whole))
        let expected = try Self.written(wholeFiles, rows: nil)
        #expect(expected.count == wholeFiles.count)
        #expect(try Self.written(parkedFiles, rows: rows) == expected)
        // Written twice from the same parked rows: reading them back leaves them whole.
        #expect(try Self.written(parkedFiles, rows: rows) == expected)
    }

    @Test("a parked list written without its rows is refused, not written empty")
    func missingRows() throws {
        var input = try Self.input(40)
        let rows = PlanAssetSpill()
        input.assetRows = rows
        var plan = MigrationPlanner.plan(input)
        let files = PlanUseCase.listAssets(&plan, shownAs: "plan-assets", rows: rows)
        #expect(files.contains { $0.parked != nil })
        #expect(throws: PQScoutError.self) { try Self.written(files, rows: nil) }
    }
}
