import Foundation
import PQModel
import PQReports
import PQScoutKit
import Testing

@Suite("CBOM content: references, evidence, stable bom-refs, completeness")
struct CBOMContentTests {
    static func components(_ document: JSONValue) -> [JSONValue] { document["components"]?.arrayValue ?? [] }

    @Test(
        "every bom-ref is unique and every reference points at a component", arguments: CBOMSpecVersion.allCases)
    func references(_ spec: CBOMSpecVersion) throws {
        let document = try CycloneDXRenderer(spec: spec).document(try Fixtures.sample(), context: Fixtures.context)
        let refs = Self.components(document).compactMap { $0["bom-ref"]?.stringValue }
        #expect(Set(refs).count == refs.count)
        let known = Set(refs)
        var pointed: [String] = []
        for component in Self.components(document) {
            let crypto = component["cryptoProperties"]
            if let certificate = crypto?["certificateProperties"] {
                pointed += [certificate["signatureAlgorithmRef"], certificate["subjectPublicKeyRef"]].compactMap {
                    $0?.stringValue
                }
                pointed += (certificate["relatedCryptographicAssets"]?.arrayValue ?? []).compactMap {
                    $0["ref"]?.stringValue
                }
                // A certificate names both its signature algorithm and its public key.
                let count =
                    spec == .v1_6
                    ? [certificate["signatureAlgorithmRef"], certificate["subjectPublicKeyRef"]].compactMap { $0 }.count
                    : certificate["relatedCryptographicAssets"]?.arrayValue.count ?? 0
                #expect(count == 2, "\(component["name"]?.stringValue ?? "?")")
            }
            if let ref = crypto?["relatedCryptoMaterialProperties"]?["algorithmRef"]?.stringValue {
                pointed.append(ref)
            }
        }
        #expect(!pointed.isEmpty)
        for ref in pointed { #expect(known.contains(ref), "dangling reference \(ref)") }
        let keys = Self.components(document).filter {
            $0["cryptoProperties"]?["assetType"]?.stringValue == "related-crypto-material"
        }
        #expect(keys.allSatisfy { $0["cryptoProperties"]?["relatedCryptoMaterialProperties"]?["value"] == nil })
    }

    @Test("every finding is an occurrence with its file and line")
    func occurrences() throws {
        let input = try Fixtures.sample()
        let document = try CycloneDXRenderer().document(input, context: Fixtures.context)
        var places: [String] = []
        for component in Self.components(document)
        where component["cryptoProperties"]?["assetType"]?.stringValue == "algorithm" {
            for occurrence in component["evidence"]?["occurrences"]?.arrayValue ?? [] {
                places.append(
                    "\(occurrence["location"]?.stringValue ?? "?"):\(occurrence["line"]?.intValue.map(String.init) ?? "-")"
                )
            }
        }
        let expected = input.findings.map { "\($0.path.display):\($0.line.map(String.init) ?? "-")" }
        #expect(places.sorted() == expected.sorted())
    }

    @Test("two scans of the same tree give the same bom-refs")
    func stableRefs() throws {
        let store = Fixtures.temporaryPath("twice.db")
        let root = Fixtures.repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path
        let first = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        let second = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        func refs(_ id: Int64) throws -> [String] {
            let input = try ReportUseCase.input(storePath: store, scanID: id)
            return try Self.components(CycloneDXRenderer().document(input, context: Fixtures.context))
                .compactMap { $0["bom-ref"]?.stringValue }
        }
        #expect(try refs(first.id) == refs(second.id))
        #expect(
            try ReportUseCase.input(storePath: store, scanID: second.id).history.map(\.id) == [first.id, second.id])
    }

    @Test("compositions say incomplete when files were skipped, complete otherwise")
    func compositions() throws {
        func aggregate(_ input: ReportInput) throws -> String? {
            try CycloneDXRenderer().document(input, context: Fixtures.context)["compositions"]?.arrayValue.first?[
                "aggregate"]?
                .stringValue
        }
        #expect(try aggregate(try Fixtures.sample()) == "incomplete")
        #expect(try aggregate(Fixtures.tls()) == "complete")
        var stopped = Fixtures.tls()
        stopped.scan.status = .incomplete
        #expect(try aggregate(stopped) == "incomplete")
    }

    @Test("a TLS configuration is a protocol component with suites; 1.7 adds groups and signature schemes")
    func protocols() throws {
        for spec in CBOMSpecVersion.allCases {
            let document = try CycloneDXRenderer(spec: spec).document(Fixtures.tls(), context: Fixtures.context)
            let tls = try #require(
                Self.components(document).first { $0["cryptoProperties"]?["assetType"]?.stringValue == "protocol" })
            let properties = tls["cryptoProperties"]?["protocolProperties"]
            #expect(properties?["type"]?.stringValue == "tls")
            #expect(properties?["version"]?.stringValue == "TLSv1.2, TLSv1.3")
            let suites = properties?["cipherSuites"]?.arrayValue ?? []
            #expect(
                suites.compactMap { $0["name"]?.stringValue } == [
                    "ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_256_GCM_SHA384",
                ])
            let groups = suites.first?["tlsGroups"]?.arrayValue.compactMap(\.stringValue)
            #expect(spec == .v1_7 ? groups == ["X25519MLKEM768", "x25519"] : groups == nil)
            let schemes = suites.first?["tlsSignatureSchemes"]?.arrayValue.compactMap(\.stringValue)
            #expect(spec == .v1_7 ? schemes == ["ecdsa_secp256r1_sha256"] : schemes == nil)
        }
    }

    @Test("algorithm components carry OID, parameter set, security levels and curve")
    func algorithmProperties() throws {
        let document = try CycloneDXRenderer(spec: .v1_7).document(try Fixtures.sample(), context: Fixtures.context)
        // The sample's ECDSA P-256 keys: one component per (name, OID, size, curve, status).
        let ecdsa = try #require(
            Self.components(document).first {
                let properties = $0["cryptoProperties"]?["algorithmProperties"]
                return $0["name"]?.stringValue == "ECDSA"
                    && $0["cryptoProperties"]?["oid"]?.stringValue == "1.2.840.10045.2.1"
                    && properties?["parameterSetIdentifier"]?.stringValue == "256"
                    && properties?["ellipticCurve"]?.stringValue == "nist/P-256"
            })
        let properties = ecdsa["cryptoProperties"]?["algorithmProperties"]
        #expect(properties?["curve"] == nil, "1.7 names the curve in ellipticCurve, not the deprecated curve")
        #expect(properties?["classicalSecurityLevel"]?.intValue == 128)
        #expect(properties?["nistQuantumSecurityLevel"]?.intValue == 0)
        #expect(properties?["primitive"]?.stringValue == "signature")
        let mldsa = try #require(Self.components(document).first { $0["name"]?.stringValue == "ML-DSA-87" })
        #expect(mldsa["cryptoProperties"]?["algorithmProperties"]?["nistQuantumSecurityLevel"]?.intValue == 5)
    }
}
