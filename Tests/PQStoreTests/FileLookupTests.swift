import Foundation
import PQModel
import Testing

@testable import PQStore

/// `plan` asks the store for the record of each file it patches (`file(scanID:path:)`) instead of holding the scan's
/// file table, which grew with the tree (issue 20). The lookup answers what the whole table says, on both backends,
/// for a path that is not UTF-8 and for a scan that shares another's rows.
@Suite("One scanned file's record by its path")
struct FileLookupTests {
    @Test("each path's record is the table's, a path not scanned has none", arguments: StoreKind.available)
    func lookup(kind: StoreKind) throws {
        let store = try kind.make()
        let odd = ScanPath(bytes: Array("etc/ssl/".utf8) + [0xFF, 0x41] + Array(".pem".utf8))
        var other = Sample.file("etc/ssh/sshd_config")
        other.sha256 = String(repeating: "fedcba9876543210", count: 4)
        other.size = 7
        let files = [Sample.file("etc/nginx/nginx.conf"), Sample.file(odd), other]
        let id = try Sample.begin(store)
        try store.record(scanID: id, batch: ScanBatch(files: files, output: ScanOutput()))
        try store.finishScan(scanID: id, finishedAt: Sample.finished, counts: store.counts(scanID: id), complete: true)
        let table = try store.files(scanID: id)
        #expect(table.count == 3)
        for record in table {
            #expect(try store.file(scanID: id, path: record.path) == record)
        }
        #expect(try store.file(scanID: id, path: other.path)?.sha256 == other.sha256)
        #expect(try store.file(scanID: id, path: ScanPath("etc/ssl/missing.pem")) == nil)
        #expect(try store.file(scanID: id, path: ScanPath(bytes: Array("etc/ssl/".utf8))) == nil)
        #expect(try store.file(scanID: id + 100, path: other.path) == nil)

        // A rescan that shares the scan's rows answers with the same records.
        let sharing = try SharedScanRowsTests.sharingScan(store, of: id)
        for record in table {
            #expect(try store.file(scanID: sharing, path: record.path) == record)
        }
    }
}
