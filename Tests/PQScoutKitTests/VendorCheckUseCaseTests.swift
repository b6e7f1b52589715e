import Foundation
import PQModel
import PQScoutKit
import Testing

/// `pqscout vendor check` over the sample vendors in sample-inventories/vendors.
@Suite("Vendor check use case: the sample vendors, evidence scans and refusals")
struct VendorCheckUseCaseTests {
    static let vendors = repositoryRoot.appendingPathComponent("sample-inventories/vendors")
    static let honest = vendors.appendingPathComponent("northwind-edgegate.claims.yaml").path
    static let shady = vendors.appendingPathComponent("boxwall-securebox.claims.yaml").path
    static let asOf = CalendarDay("2026-11-27")

    static func evidence(_ name: String) -> String { vendors.appendingPathComponent("evidence/\(name)").path }

    func refusal(_ request: VendorCheckRequest) -> PQScoutError? {
        do {
            _ = try VendorCheckUseCase.run(request)
            return nil
        } catch {
            return error
        }
    }

    @Test("the honest vendor's evidence bears its claims out; the other's contradicts every kind")
    func sampleVendors() throws {
        let outcome = try VendorCheckUseCase.run(
            VendorCheckRequest(
                claimsFiles: [Self.honest, Self.shady],
                evidencePaths: [Self.evidence("edgegate"), Self.evidence("boxwall")],
                profile: "cnsa-2.0", asOf: Self.asOf))
        #expect(outcome.assessments.count == 2)
        let honest = try #require(outcome.assessments.first)
        #expect(honest.contradictions.isEmpty, "\(honest.contradictions.map(\.sentence))")
        #expect(honest.evidence?.contains("evidence/edgegate") == true)
        let shady = try #require(outcome.assessments.last)
        #expect(Set(shady.contradictions.map(\.kind)) == Set(ContradictionKind.allCases))
        let sentences = shady.contradictions.map(\.sentence)
        #expect(
            sentences.contains(
                "claims ML-DSA-87 firmware signing; the signing certificate `fw/signer.pem` is RSA-2048"))
        #expect(
            sentences.contains(
                "claims mlkem768x25519-sha256 on by default for ssh; `etc/ssh/sshd_config:5` sets "
                    + "`KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256`"))
        #expect(
            sentences.contains(
                "claims X25519MLKEM768 on by default for tls-server; `etc/nginx/nginx.conf:41` sets "
                    + "`ssl_ecdh_curve prime256v1` in `server _:443`"))
        for verdict in RequirementVerdict.allCases {
            #expect(shady.checks.contains { $0.verdict == verdict }, "no \(verdict) for the shady vendor")
        }
        // The four states, and a contradicted row never meets (issue 17: the table read "meets" over lies).
        for state in ClaimState.allCases {
            #expect(
                outcome.comparison.rows.contains { row in
                    outcome.comparison.vendors.indices.contains {
                        outcome.comparison.state(row: row, vendor: $0) == state
                    }
                }, "no \(state) cell")
        }
        #expect(shady.checks.filter { $0.state == .contradicted }.allSatisfy { $0.verdict != .meets })
        #expect(!honest.checks.contains { $0.state == .contradicted })
        #expect(outcome.comparison.standings.map(\.rank) == [1, 2])
        #expect(
            sentences.contains(
                "claims tls-server never uses SHA-1; the 2nd certificate (below the leaf) in "
                    + "`etc/nginx/ui-fullchain.pem`, line 19 is signed with SHA-1 with RSA"))
        let support = try #require(shady.checks.first { $0.requirement == "pq-within-support" })
        #expect(support.explanation.contains("never PQ-ready in its life"))
        let promised = try #require(honest.checks.first { $0.requirement == "hybrid-ml-kem" && $0.protocol == .ipsec })
        #expect(promised.verdict == .gap && promised.promiseInTime == true)
        #expect(outcome.comparison.rows.contains("cbom-delivered"))
        #expect(outcome.comparison.cell(row: "cbom-delivered", vendor: 1)?.verdict == .gap)
    }

    @Test("without evidence there are no contradictions, and the report says none was examined")
    func noEvidence() throws {
        let outcome = try VendorCheckUseCase.run(VendorCheckRequest(claimsFiles: [Self.shady], asOf: Self.asOf))
        #expect(outcome.assessments.first?.evidence == nil)
        #expect(outcome.assessments.first?.contradictions.isEmpty == true)
        #expect(Presentation.vendorMarkdown(outcome.comparison).contains("No evidence was examined."))
    }

    @Test("--scan reads evidence already in the store")
    func storedScan() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-vendor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("v.db").path
        let record = try ScanUseCase().run(ScanRequest(roots: [Self.evidence("boxwall")], storePath: db))
        let outcome = try VendorCheckUseCase.run(
            VendorCheckRequest(claimsFiles: [Self.shady], scanIDs: [record.id], storePath: db, asOf: Self.asOf))
        #expect(outcome.assessments.first?.contradictions.contains { $0.kind == .classicalSigningKey } == true)
        #expect(
            refusal(VendorCheckRequest(claimsFiles: [Self.shady], scanIDs: [99], storePath: db))?.code
                == "vendor.no-scan")
    }

    @Test("refusals: no claims, both evidence kinds, unpaired evidence, unknown profile or category, bad files")
    func refusals() throws {
        #expect(refusal(VendorCheckRequest(claimsFiles: []))?.kind == .usage)
        #expect(
            refusal(VendorCheckRequest(claimsFiles: [Self.shady], evidencePaths: ["a"], scanIDs: [1]))?.code
                == "vendor.evidence-and-scan")
        #expect(
            refusal(VendorCheckRequest(claimsFiles: [Self.shady, Self.honest], evidencePaths: ["a"]))?.code
                == "vendor.unpaired")
        #expect(refusal(VendorCheckRequest(claimsFiles: [Self.shady], profile: "nope"))?.kind == .usage)
        #expect(
            refusal(VendorCheckRequest(claimsFiles: [Self.shady], profile: "cnsa-2.0", category: "toasters"))?.kind
                == .usage)
        #expect(refusal(VendorCheckRequest(claimsFiles: ["/nonexistent/claims.yaml"]))?.kind == .input)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-vendor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let cbom = work.appendingPathComponent("vendor.cdx.json")
        try Data(#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#.utf8).write(to: cbom)
        #expect(refusal(VendorCheckRequest(claimsFiles: [cbom.path]))?.code == "vendor.cbom-empty")
        let bad = work.appendingPathComponent("bad.yaml")
        try Data("vendor: A\nproduct: B\nprotocols:\n  ssh:\n    hybird: true\n".utf8).write(to: bad)
        let error = refusal(VendorCheckRequest(claimsFiles: [bad.path]))
        #expect(error?.kind == .input)
        #expect(error?.reason.contains("bad.yaml:5: unknown key 'hybird'") == true)
        #expect(
            refusal(VendorCheckRequest(claimsFiles: [Self.shady], evidencePaths: ["/nonexistent/tree"]))?.kind
                == .input)
    }
}
