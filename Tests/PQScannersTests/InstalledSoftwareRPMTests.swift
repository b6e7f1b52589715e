import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

/// Builds an rpm header blob as rpm stores it (index count, data length, entries, data): the epoch first, so its
/// INT32 data is aligned to 4 bytes as rpm requires (rpm -qa refuses a header where it is not), and a summary
/// (tag 1004) of `summaryLength` bytes when asked, to make the header as large as wanted.
func rpmHeader(name: String, version: String, release: String, epoch: UInt32? = nil, summaryLength: Int = 0)
    -> [UInt8]
{
    func be(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
    var entries: [(tag: UInt32, type: UInt32, data: [UInt8])] = []
    if let epoch { entries.append((1003, 4, be(epoch))) }
    entries += [
        (1000, 6, Array(name.utf8) + [0]), (1001, 6, Array(version.utf8) + [0]), (1002, 6, Array(release.utf8) + [0]),
    ]
    if summaryLength > 0 { entries.append((1004, 6, Array(repeating: UInt8(ascii: "s"), count: summaryLength) + [0])) }
    var index: [UInt8] = []
    var data: [UInt8] = []
    for entry in entries {
        index += be(entry.tag) + be(entry.type) + be(UInt32(data.count)) + be(1)
        data += entry.data
    }
    return be(UInt32(entries.count)) + be(UInt32(data.count)) + index + data
}

@Suite("InstalledSoftware: rpm package headers")
struct InstalledSoftwareRPMTests {
    let source = ScanPath("var/lib/rpm/rpmdb.sqlite")

    @Test("name, version and release become one dpkg-style version, with the epoch when there is one")
    func header() {
        let plain = InstalledSoftware.parseRPMHeader(
            rpmHeader(name: "openssh-server", version: "8.7p1", release: "38.el9"), sourcePath: source)
        #expect(plain == Software(name: "openssh-server", version: "8.7p1-38.el9", sourcePath: source))
        let withEpoch = InstalledSoftware.parseRPMHeader(
            rpmHeader(name: "openssl-libs", version: "3.2.2", release: "6.el9", epoch: 1), sourcePath: source)
        #expect(withEpoch?.version == "1:3.2.2-6.el9")
    }

    @Test("every truncation of a header, and random bytes, give nil, never a crash")
    func hostile() {
        let blob = rpmHeader(name: "openssh", version: "9.9p1", release: "1.fc41")
        for length in 0..<blob.count {
            #expect(InstalledSoftware.parseRPMHeader(Array(blob.prefix(length)), sourcePath: source) == nil)
        }
        var generator = SeededGenerator(seed: 8547)
        for _ in 0..<500 {
            let noise = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            _ = InstalledSoftware.parseRPMHeader(noise, sourcePath: source)
        }
    }
}
