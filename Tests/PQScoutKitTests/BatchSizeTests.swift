import Testing

@testable import PQScoutKit

/// The batches of a scan cover every file once, never exceed the limit, and end small: the last batch is written
/// while no file is left to scan, so its size is the scan's tail (issue 20).
@Suite("Batch sizes: every file once, at most the limit, a small last batch")
struct BatchSizeTests {
    static func batches(_ files: Int, limit: Int) -> [Int] {
        var sizes: [Int] = []
        var start = 0
        while start < files {
            let size = ScanUseCase.nextBatchSize(remaining: files - start, limit: limit)
            sizes.append(size)
            start += size
        }
        return sizes
    }

    @Test(
        "sizes add up to the files, none over the limit, the last at most 64",
        arguments: [1, 2, 63, 64, 65, 1_000, 1_024, 4_125, 50_000, 1_000_003])
    func sizes(files: Int) {
        let sizes = Self.batches(files, limit: 1_024)
        #expect(sizes.reduce(0, +) == files)
        #expect(sizes.allSatisfy { $0 >= 1 && $0 <= 1_024 })
        #expect((sizes.last ?? 0) <= 64)
        // Shrinking adds only a few batches beyond files / limit.
        #expect(sizes.count <= files / 1_024 + 16)
    }

    @Test("a limit below 64 is kept (the tests' one file per batch)")
    func smallLimit() {
        #expect(Self.batches(5, limit: 1) == [1, 1, 1, 1, 1])
        #expect(Self.batches(10, limit: 4) == [4, 4, 2])
    }

    @Test("4,125 files (30 copies of /etc): full batches first, then a quarter of what remains")
    func realisticTree() {
        #expect(Array(Self.batches(4_125, limit: 1_024).prefix(3)) == [1_024, 775, 581])
    }
}
