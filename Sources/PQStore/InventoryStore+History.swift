import Foundation
import GRDB
import PQModel

extension InventoryStore {
    /// Every scan of exactly the same roots and host as scan `scanID`, oldest first, that scan included: the history
    /// a report's trend and `pqscout diff`'s default pair come from. Empty when there is no such scan. The host
    /// matters in a fleet's database, where every host's scan of `/` has the same roots.
    public func scans(sameRootsAs scanID: Int64) throws(StoreError) -> [ScanRecord] {
        let all = try scans()
        guard let target = all.first(where: { $0.id == scanID }) else { return [] }
        return all.filter { $0.roots == target.roots && $0.kind == target.kind && $0.host == target.host }
    }

    /// The latest scan of the same roots, host and kind started before scan `scanID` (complete ones preferred), or nil.
    public func previousScanID(sameRootsAs scanID: Int64) throws(StoreError) -> Int64? {
        let earlier = try scans(sameRootsAs: scanID).filter { $0.id < scanID }
        return earlier.last(where: { $0.status == .complete })?.id ?? earlier.last?.id
    }
}
