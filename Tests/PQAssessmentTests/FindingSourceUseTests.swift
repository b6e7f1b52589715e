import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// Every family and group the assessment and vendor check use comes from `FindingSourceDescription.all`: a source
/// nothing describes (`exim`, `libreswan`: no scanner) is in no group.
@Suite("Assessment groups read the finding-source descriptions")
struct FindingSourceUseTests {
    static let configuration = FindingSourceDescription.holding(.configuration).map(\.source.rawValue)

    @Test("coverage lists exactly the described configuration formats, dovecot and wireguard included")
    func coverageFormats() {
        #expect(CoverageAnalyzer.configurationFormats.map(\.source) == Self.configuration)
        #expect(Self.configuration.contains("dovecot") && Self.configuration.contains("wireguard"))
        let scan = ScanRecord(
            id: 1, roots: ["."], host: "h", toolVersion: "t", startedAt: .init(timeIntervalSince1970: 0),
            finishedAt: nil, status: .complete, counts: ScanCounts())
        let coverage = CoverageAnalyzer.analyze(
            scan: scan, findings: [], diagnostics: [], software: [], scannedSources: nil)
        #expect(coverage.gaps.filter { $0.kind == "format" }.map(\.subject).sorted() == Self.configuration.sorted())
    }

    @Test("vendor evidence is chosen by each description's claims, and by nothing else")
    func evidenceGroups() {
        for protocolUse in ClaimedProtocol.allCases {
            for described in FindingSourceDescription.all {
                #expect(
                    EvidenceSelector.source(described.source, configures: protocolUse)
                        == described.claims.contains(protocolUse), "\(described.source) \(protocolUse)")
            }
            for unscanned in ["exim", "libreswan"] {
                #expect(!EvidenceSelector.source(FindingSource(rawValue: unscanned), configures: protocolUse))
            }
        }
        #expect(FindingSource.openvpn.described?.claims == [.ipsec])
        #expect(FindingSource.openvpn.described?.protocolFamily == .tls)
    }

    @Test("a claim's stand-in source for category inference is a described source")
    func standIns() {
        for protocolUse in ClaimedProtocol.allCases {
            #expect(FindingSource(rawValue: ProcurementChecklist.sourceOf(protocolUse)).described != nil)
        }
        #expect(ProcurementChecklist.sourceOf(.dataAtRest) == "openssl-conf")
        #expect(ProcurementChecklist.sourceOf(.tlsServer) == "nginx")
    }

    @Test("every source a bundled policy's categoryBySource names is described")
    func policySources() throws {
        for profile in try PolicyProfile.allBundled() {
            for source in profile.categoryBySource.keys {
                #expect(FindingSource(rawValue: source).described != nil, "\(profile.id): \(source)")
            }
        }
    }

    /// A source left out of CNSA 2.0's map falls to `custom-legacy`, the latest deadline: a mail server or a VPN
    /// judged that way would be told it has until 2034 when its category ends in 2031 or 2034. Only material whose
    /// file does not say what it serves (a bare key, DH parameters) may fall to the default.
    @Test("CNSA 2.0 places every source whose file tells its use")
    func cnsaCategoriesCoverSources() throws {
        let profile = try PolicyProfile.bundled("cnsa-2.0")
        let useUnknown: Set<String> = ["public-key", "private-key", "dh-parameters"]
        for described in FindingSourceDescription.all where !useUnknown.contains(described.source.rawValue) {
            #expect(profile.categoryBySource[described.source.rawValue] != nil, "\(described.source)")
        }
        #expect(profile.categoryBySource["dovecot"] == "web-cloud")
        #expect(profile.categoryBySource["wireguard"] == "networking")
    }

    @Test("material sources group by directory, configuration by its description's instance")
    func systems() {
        for described in FindingSourceDescription.all {
            let finding = Finding(
                path: ScanPath("etc/\(described.source.rawValue)/x.conf"), line: 1, source: described.source,
                setting: "s", usage: .cipher, algorithm: "AES-128-GCM", quantumStatus: .weakened)
            let system = AssessedSystems.system(of: finding)
            #expect((system.kind != .configuration) == described.isMaterial, "\(described.source)")
        }
    }
}
