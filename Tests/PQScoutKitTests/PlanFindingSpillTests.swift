import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQTestSupport
import Testing

@testable import PQScoutKit

/// Issue 20: `plan` parks the findings it keeps in a temporary file (`PlanFindingSpill`) and asks the store for a
/// scanned file's digest when it reads the file, instead of holding every kept finding and the scan's file table.
@Suite("Plan findings parked on disk, file digests asked of the store")
struct PlanFindingSpillTests {
    /// Findings of varied sizes: a long context now and then, so findings straddle the spill's blocks.
    static func findings(_ count: Int) -> [Finding] {
        (0..<count).map { number in
            let odd: [UInt8] = number % 9 == 0 ? [0xFF] : []
            let context: String? = number % 13 == 0 ? String(repeating: "block \(number) ", count: 40) : nil
            let source: FindingSource = number % 3 == 0 ? "openssh" : "x509"
            let usage: Usage = number % 2 == 0 ? .publicKey : .signature
            return Finding(
                path: ScanPath(bytes: Array("etc/ssl/host\(number).pem".utf8) + odd),
                line: number % 4 == 0 ? nil : number, source: source, setting: "subjectPublicKey", usage: usage,
                algorithm: "RSA", canonical: number % 5 == 0 ? nil : "RSA", keyBits: number % 2 == 0 ? 2048 : nil,
                quantumStatus: .vulnerable, context: context, effective: number % 7 != 0, asset: "sha256:\(number)")
        }
    }

    @Test("every finding reads back equal, in any order, from the file's blocks and from the unwritten tail")
    func readBack() throws {
        let findings = Self.findings(400)
        let spill = PlanFindingSpill(blockSize: 300)
        for (index, finding) in findings.enumerated() {
            spill.append(finding)
            // Reads between appends: of the tail not yet written, and of blocks written before.
            if index % 50 == 49 {
                #expect(spill.finding(at: index) == finding)
                #expect(spill.finding(at: index / 2) == findings[index / 2])
            }
        }
        #expect(spill.count == findings.count)
        let table = PlanFindings(spill)
        #expect(Array(table) == findings)
        #expect(Array(table.reversed()) == Array(findings.reversed()))
        var order = Array(findings.indices)
        var generator = SeededGenerator(seed: 20)
        order.shuffle(using: &generator)
        for index in order { #expect(table[index] == findings[index]) }
        #expect(spill.error == nil)
    }

    @Test("a plan made from parked findings is the plan made from the same findings in memory")
    func samePlan() throws {
        var input = try PlanParkedAssetListTests.input(120)
        let whole = MigrationPlanner.plan(input)
        let spill = PlanFindingSpill(blockSize: 1000)
        for finding in input.findings { spill.append(finding) }
        input.findings = PlanFindings(spill)
        #expect(MigrationPlanner.plan(input) == whole)
        #expect(spill.error == nil)
    }

    @Test("plan keeps its findings in the spill and reads the scanned files' digests through the store")
    func planUsesSpill() throws {
        let (work, tree) = try PlanUseCaseTests.copiedTree()
        defer { try? FileManager.default.removeItem(at: work) }
        let storePath = work.appendingPathComponent("plan.db").path
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: storePath, opensshVersion: "9.2"))
        let request = PlanRequest(storePath: storePath, asOf: PlanUseCaseTests.day, opensshVersion: "9.2")
        let store = try StoreAccess.open(storePath, create: false)
        let (plan, files, input) = try PlanUseCase.planScan(
            1, store: store, request: request, profile: try PolicyProfile.bundled("nist-ir-8547"),
            asOf: PlanUseCaseTests.day!, registry: .standard, readFiles: true)
        #expect(input.findings.table is PlanFindingSpill)
        #expect(input.findings.count > 10)
        #expect(plan.actions.contains { $0.patch != nil })
        #expect(files is ScannedTreeFiles)
    }

    @Test("a digest the store cannot give means no bytes, and the error is kept for the caller")
    func lookupFailure() throws {
        struct Broken: Error {}
        let (work, tree) = try PlanUseCaseTests.copiedTree()
        defer { try? FileManager.default.removeItem(at: work) }
        let path = ScanPath("etc/ssh/sshd_config")
        let good = ScannedTreeFiles(roots: [tree.path]) { _ in nil }
        #expect(good.bytes(of: path) != nil)
        #expect(good.failures.first == nil)
        let wrong = ScannedTreeFiles(roots: [tree.path]) { _ in String(repeating: "1", count: 64) }
        #expect(wrong.bytes(of: path) == nil)
        #expect(wrong.failures.first == nil)
        let broken = ScannedTreeFiles(roots: [tree.path]) { _ in throw Broken() }
        #expect(broken.bytes(of: path) == nil)
        #expect(broken.failures.first is Broken)
    }
}
