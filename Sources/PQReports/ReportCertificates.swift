import Foundation
import PQModel

/// A scan's certificates as the reports list them, one at a time: the soonest to expire first (a certificate
/// without details last), then by id; with how many certificates and assets the scan saw. From memory (tests,
/// small inputs) or from a store cursor that gives that order (`InventoryStore.forEachCertificate`), so a report
/// holds the certificates it shows (HTML: at most `maxRows`) or none (Markdown writes each as it comes), never
/// every asset.
public struct ReportCertificates: Sendable {
    /// Hands the certificates in report order to `body`, at most `limit` of them when given.
    public typealias Cursor = @Sendable (_ limit: Int?, _ body: (Asset) throws -> Void) throws -> Void

    /// Certificates in the scan.
    public let count: Int
    /// Assets of every kind in the scan, certificates included.
    public let assetCount: Int
    private let cursor: Cursor

    private init(count: Int, assetCount: Int, cursor: @escaping Cursor) {
        self.count = count
        self.assetCount = assetCount
        self.cursor = cursor
    }

    /// Calls `body` with each certificate in report order, the first `limit` only when given.
    public func walk(limit: Int? = nil, _ body: (Asset) throws -> Void) throws { try cursor(limit, body) }

    /// The certificates among assets held in memory, sorted once.
    public static func array(_ assets: [Asset]) -> ReportCertificates {
        let certificates = assets.filter { $0.kind == .certificate }.sorted(by: ReportOrder.certificate)
        return ReportCertificates(count: certificates.count, assetCount: assets.count) { limit, body in
            for asset in certificates.prefix(max(0, limit ?? certificates.count)) { try body(asset) }
        }
    }

    /// Certificates from a cursor that already gives report order, with the counts the store answered.
    public static func stored(count: Int, assetCount: Int, _ cursor: @escaping Cursor) -> ReportCertificates {
        ReportCertificates(count: count, assetCount: assetCount, cursor: cursor)
    }
}

extension ReportOrder {
    /// Soonest `notAfter` first, a certificate without details last, then by id.
    static func certificate(_ a: Asset, _ b: Asset) -> Bool {
        (a.certificate?.notAfter ?? .distantFuture, a.id) < (b.certificate?.notAfter ?? .distantFuture, b.id)
    }
}
