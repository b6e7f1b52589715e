import Foundation
import PQModel
import PQScoutKit
import Testing

/// A vendor's CBOM as the claim: read through the reports' CBOM import, checked like a claims file.
@Suite("Vendor check: a CycloneDX CBOM as the claim")
struct VendorCBOMClaimsTests {
    static let vendors = repositoryRoot.appendingPathComponent("sample-inventories/vendors")

    @Test("a PQScout CBOM of the honest appliance reads as claims its own evidence bears out")
    func cbomClaims() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-vendor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("v.db").path
        let evidence = Self.vendors.appendingPathComponent("evidence/edgegate").path
        _ = try ScanUseCase().run(ScanRequest(roots: [evidence], storePath: db))
        let cbom = work.appendingPathComponent("edgegate.cdx.json")
        try ReportUseCase.render(
            ReportRequest(storePath: db, format: .cbom, generatedAt: Date(timeIntervalSince1970: 0))
        )
        .write(to: cbom)
        let outcome = try VendorCheckUseCase.run(
            VendorCheckRequest(
                claimsFiles: [cbom.path], evidencePaths: [evidence], profile: "cnsa-2.0",
                asOf: CalendarDay("2026-11-27")))
        let vendor = try #require(outcome.assessments.first)
        #expect(vendor.claims.origin == .cbom)
        #expect(vendor.claims.protocols.map(\.protocol).contains(.firmwareSigning))
        #expect(vendor.checks.first { $0.requirement == "cbom-delivered" }?.verdict == .meets)
        #expect(vendor.checks.first { $0.requirement == "pq-signature-path" }?.verdict == .meets)
        #expect(vendor.contradictions.isEmpty, "\(vendor.contradictions.map(\.sentence))")
    }

    @Test("a JSON file that is not a CycloneDX CBOM is refused as input")
    func notCBOM() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-vendor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("claims.json")
        try Data(#"{"vendor": "A"}"#.utf8).write(to: file)
        do {
            _ = try VendorCheckUseCase.run(VendorCheckRequest(claimsFiles: [file.path]))
            Issue.record("a non-CBOM JSON file was accepted")
        } catch {
            #expect(error.kind == .input && error.code == "vendor.not-cbom")
        }
    }
}
