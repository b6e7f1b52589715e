import Foundation
import PQCatalog
import PQModel

@testable import PQAssessment

/// Builds findings the way scanners do: canonical name and status from the catalog.
enum Fixture {
    static func finding(
        _ algorithm: String, usage: Usage, source: FindingSource = "x509", path: String = "etc/ssl/certs/a.pem",
        line: Int? = nil, keyBits: Int? = nil, curve: String? = nil, context: String? = nil,
        origin: Origin = .file, effective: Bool = true, asset: String? = nil, setting: String? = nil
    ) -> Finding {
        let entry = Catalog.shared.entry(named: algorithm)
        return Finding(
            path: ScanPath(path), line: line, source: source, setting: setting ?? usage.rawValue, usage: usage,
            algorithm: algorithm, canonical: entry?.canonical, keyBits: keyBits, curve: curve,
            quantumStatus: entry?.status(keyBits: keyBits) ?? .vulnerable, context: context, effective: effective,
            origin: origin, asset: asset,
            note: entry == nil ? "not in the catalog; assumed quantum-vulnerable until classified" : nil)
    }

    static func finding(example: RuleExample) -> Finding {
        finding(
            example.algorithm, usage: example.usage, source: FindingSource(rawValue: example.source ?? "x509"),
            keyBits: example.keyBits, curve: example.curve)
    }

    static func day(_ text: String) -> CalendarDay {
        CalendarDay(text) ?? CalendarDay(Date(timeIntervalSince1970: 0))
    }

    static func dayBefore(_ day: CalendarDay) -> CalendarDay {
        CalendarDay(day.date.addingTimeInterval(-86_400))
    }

    static func scan(
        id: Int64 = 1, status: ScanRecord.Status = .complete, files: Int = 10, withFindings: Int = 5
    ) -> ScanRecord {
        ScanRecord(
            id: id, roots: ["/srv"], host: "test", toolVersion: "test", startedAt: Date(timeIntervalSince1970: 0),
            finishedAt: Date(timeIntervalSince1970: 1), status: status,
            counts: ScanCounts(filesExamined: files, filesWithFindings: withFindings))
    }

    /// A certificate asset valid from `from` to `until`.
    static func certificateAsset(
        id: String, algorithm: String = "ECDSA", keyBits: Int = 256, curve: String? = "P-256", from: String,
        until: String, isCA: Bool = false, selfSigned: Bool = false, subject: String = "CN=leaf",
        issuer: String = "CN=ca"
    ) -> Asset {
        Asset(
            id: id, kind: .certificate, algorithm: algorithm, canonical: algorithm, keyBits: keyBits, curve: curve,
            certificate: CertificateDetails(
                subject: subject, issuer: issuer, serial: "01", notBefore: day(from).date, notAfter: day(until).date,
                signatureOID: "1.2.840.10045.4.3.2", signatureAlgorithm: "ECDSA-SHA256",
                publicKeyOID: "1.2.840.10045.2.1", sha256: id, publicKeyID: "key-" + id, isCA: isCA,
                selfSigned: selfSigned))
    }
}
