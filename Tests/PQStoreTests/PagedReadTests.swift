import Foundation
import PQModel
import Testing

@testable import PQStore

/// `forEachFilePage` and `forEachAssetPage`, what `push` copies a scan's files and assets with: page after page,
/// each read after the last key of the one before, together exactly what the whole reads return, in byte order
/// (ids that differ only in case, paths with bytes above 0x7f), on both backends.
@Suite("Paged reads: files and assets a page at a time, together the whole")
struct PagedReadTests {
    @Test(
        "pages of 1, 2 and 3 assets and files add up to the whole reads, details included",
        arguments: StoreKind.available)
    func pagesAddUp(kind: StoreKind) throws {
        let store = try AssessedFindingStreamTests.store(kind)
        let scanID = try AssetWalkTests.recorded(store)
        // More files, named by bytes a collation would reorder: upper case before lower, 0x80 and 0xff last.
        let odd = [ScanPath(bytes: Array("Z.conf".utf8)), ScanPath(bytes: [0x61, 0x80]), ScanPath(bytes: [0xFF])]
        try store.record(scanID: scanID, batch: ScanBatch(files: odd.map { Sample.file($0) }))
        let wholeFiles = try store.files(scanID: scanID)
        let wholeAssets = try store.assets(scanID: scanID)
        #expect(wholeFiles.count > 8 && wholeAssets.count == AssetWalkTests.assets.count)
        for size in [1, 2, 3] {
            var files: [FileRecord] = []
            var pages = 0
            try store.forEachFilePage(scanID: scanID, pageSize: size) { page in
                #expect(page.count <= size)
                files += page
                pages += 1
            }
            #expect(files == wholeFiles)
            #expect(pages == (wholeFiles.count + size - 1) / size)
            var assets: [Asset] = []
            try store.forEachAssetPage(scanID: scanID, pageSize: size) { assets += $0 }
            #expect(assets == wholeAssets)
        }
        #expect(wholeAssets.contains { $0.certificate != nil } && wholeAssets.contains { $0.key != nil })
    }
}
