import Foundation
import PQModel
import Testing

@testable import PQReports

/// The CBOM's certificate and key components written from asset cursors (`ReportInput.assetSource`, as
/// `report --format cbom` reads the store) are the bytes of the CBOM made from every asset and finding in memory,
/// with many certificates sharing keys, keys with and without findings of their own, and findings the report
/// order cannot tell apart (their recording order decides which algorithm a component points at).
@Suite("CBOM from asset cursors: the same bytes as from assets in memory")
struct CBOMAssetStreamTests {
    static let keyCount = 40

    static func certificate(_ number: Int) -> Asset {
        // Ids out of numeric order, some differing only in case.
        let id = String(format: "%@%04x", number % 3 == 0 ? "A" : "a", (number * 7919) % 65_536)
        return Asset(
            id: id, kind: .certificate, algorithm: "1.2.840.10045.2.1", canonical: "ECDSA", keyBits: 256 + number % 2,
            curve: "P-256",
            certificate: CertificateDetails(
                subject: "CN=host\(number)", issuer: "CN=CA", serial: "\(number)",
                notBefore: Date(timeIntervalSince1970: 1_700_000_000),
                notAfter: Date(timeIntervalSince1970: 1_800_000_000),
                signatureOID: "1.2.840.10045.4.3.2", signatureAlgorithm: "ECDSA-SHA256",
                publicKeyOID: "1.2.840.10045.2.1", sha256: String(repeating: "AB", count: 32),
                publicKeyID: "pk\(number % keyCount)", isCA: nil, selfSigned: false))
    }

    /// 300 certificates over 40 keys; a key asset for every fourth key (every eighth with findings of its own),
    /// a service; each certificate with a public-key and a signature finding in its file, and in every fifth a
    /// second public-key finding at the same place that the order cannot tell from the first but for its size.
    static func inventory() -> (assets: [Asset], findings: [Finding]) {
        var assets: [Asset] = []
        var findings: [Finding] = []
        for number in 0..<300 {
            let asset = certificate(number)
            assets.append(asset)
            let path = ScanPath("certs/\(number % 50)/c\(number).pem")
            func finding(_ usage: Usage, line: Int?, bits: Int) -> Finding {
                Finding(
                    path: path, line: line, source: .x509, setting: usage.rawValue, usage: usage,
                    algorithm: "ECDSA", canonical: "ECDSA", keyBits: bits, quantumStatus: .vulnerable,
                    asset: asset.id)
            }
            findings.append(finding(.signature, line: 2, bits: 256))
            findings.append(finding(.publicKey, line: nil, bits: 256 + number % 3))
            if number % 5 == 0 { findings.append(finding(.publicKey, line: nil, bits: 300 + number % 7)) }
        }
        for key in stride(from: 0, to: keyCount, by: 4) {
            assets.append(
                Asset(
                    id: "pk\(key)", kind: .publicKey, algorithm: "RSA", canonical: "RSA", keyBits: 2048,
                    key: KeyDetails(format: "pem", isPrivate: false, encrypted: false)))
            if key % 8 == 0 {
                findings.append(
                    Finding(
                        path: ScanPath("keys/k\(key).pem"), line: nil, source: .x509, setting: "key",
                        usage: .keyExchange, algorithm: "RSA", canonical: "RSA", keyBits: 2048,
                        quantumStatus: .vulnerable, asset: "pk\(key)"))
            }
        }
        assets.append(Asset(id: "service:web", kind: .service, algorithm: "TLS"))
        return (assets.shuffled(), findings.shuffled())
    }

    /// The store's order: path bytes, line with none first, then recording order.
    static func storeOrder(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted {
            if $0.element.path != $1.element.path { return $0.element.path < $1.element.path }
            if $0.element.line != $1.element.line { return ($0.element.line ?? 0) < ($1.element.line ?? 0) }
            return $0.offset < $1.offset
        }.map(\.element)
    }

    @Test("certificates and keys from cursors equal the in-memory CBOM", arguments: [CBOMSpecVersion.v1_6, .v1_7])
    func sameBytes(spec: CBOMSpecVersion) throws {
        let (assets, findings) = Self.inventory()
        let scan = ScanRecord(
            id: 1, roots: ["/"], host: "h", toolVersion: "t", startedAt: Date(timeIntervalSince1970: 1_794_990_000),
            finishedAt: nil, status: .complete, counts: ScanCounts())
        // The in-memory CBOM lists a key's certificates in the order given: give them by id, as the store does.
        let byID = assets.sorted { $0.id < $1.id }
        let whole = ReportInput(scan: scan, findings: findings, assets: byID)
        var streamed = ReportInput(scan: scan, findings: [])
        let ordered = Self.storeOrder(findings)
        streamed.findingSource = .storeOrdered { body in for finding in ordered { try body(finding) } }
        @Sendable func named(_ asset: Asset, usage: Usage? = nil) -> [Finding] {
            ordered.filter { $0.asset == asset.id && (usage == nil || $0.usage == usage) }
        }
        func keyID(_ asset: Asset) -> String? { asset.kind == .certificate ? asset.certificate?.publicKeyID : asset.id }
        let keyOrder = byID.filter { keyID($0) != nil }.sorted {
            (keyID($0)!, $0.kind == .certificate ? 1 : 0, $0.id) < (keyID($1)!, $1.kind == .certificate ? 1 : 0, $1.id)
        }
        streamed.assetSource = .stored(
            certificates: { body in
                for asset in byID where asset.kind == .certificate { try body(asset, named(asset)) }
            },
            keys: { body in
                for asset in keyOrder {
                    try body(asset, named(asset, usage: asset.kind == .certificate ? .publicKey : nil))
                }
            })
        let renderer = CycloneDXRenderer(spec: spec)
        let expected = try renderer.render(whole, context: Fixtures.context)
        #expect(try renderer.render(streamed, context: Fixtures.context) == expected)
        let document = try JSONValue.parse(expected)
        let components = document["components"]?.arrayValue ?? []
        let refs = components.compactMap { $0["bom-ref"]?.stringValue }
        #expect(refs == refs.sorted())
        #expect(refs.filter { $0.hasPrefix("certificate:") }.count == 300)
        #expect(refs.filter { $0.hasPrefix("key:") }.count == Self.keyCount + 1)
    }
}
