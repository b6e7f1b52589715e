import PQModel
import Testing

@testable import PQAssessment

/// The planner's findings can be parked outside the heap as bytes (`PlanFindingCoding`, issue 20): every field
/// must come back equal, or the plan made from them would differ from the plan made in memory.
@Suite("A kept finding as bytes and back")
struct PlanFindingCodingTests {
    /// Findings that set and leave out every optional field, with a path that is not UTF-8, text that is not ASCII,
    /// long strings (lengths past one LEB128 byte) and numbers of every sign and size.
    static var findings: [Finding] {
        var all: [Finding] = []
        let paths = [
            ScanPath("etc/ssh/sshd_config"), ScanPath(bytes: [0x65, 0xFF, 0x00, 0x2F, 0x80]), ScanPath(""),
            ScanPath(String(repeating: "deep/", count: 60) + "leaf.pem"),
        ]
        for (number, path) in paths.enumerated() {
            for usage in Usage.allCases {
                let status = QuantumStatus.allCases[(number + all.count) % QuantumStatus.allCases.count]
                let origin = Origin.allCases[all.count % Origin.allCases.count]
                let even = all.count % 2 == 0
                all.append(
                    Finding(
                        path: path, line: even ? nil : [1, 0, -3, Int.max, Int.min][all.count % 5],
                        source: FindingSource(rawValue: ["x509", "openssh", "nginx", ""][number]),
                        setting: even ? "KexAlgorithms" : "", usage: usage, algorithm: "curve25519-sha256é",
                        canonical: even ? nil : "X25519", oid: even ? "1.2.840.113549.1.1.11" : nil,
                        keyBits: even ? 3072 : nil, curve: even ? nil : "P-256", quantumStatus: status,
                        context: even ? "Match User \"bäckup\"\n" + String(repeating: "x", count: 300) : nil,
                        effective: !even, origin: origin,
                        asset: even ? nil : "sha256:" + String(repeating: "ab", count: 32), note: even ? "" : nil))
            }
        }
        return all
    }

    @Test("every field comes back equal, one finding after another in one buffer")
    func roundTrip() throws {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for finding in Self.findings {
            starts.append(bytes.count)
            PlanFindingCoding.encode(finding, into: &bytes)
        }
        starts.append(bytes.count)
        for (index, finding) in Self.findings.enumerated() {
            let decoded = bytes.withUnsafeBytes {
                PlanFindingCoding.decode(UnsafeRawBufferPointer(rebasing: $0[starts[index]..<starts[index + 1]]))
            }
            #expect(decoded == finding)
        }
    }

    @Test("bytes cut short, or naming a value the model does not know, decode to nothing")
    func refused() throws {
        let finding = Self.findings[1]
        var bytes: [UInt8] = []
        PlanFindingCoding.encode(finding, into: &bytes)
        for end in 0..<bytes.count {
            let cut = bytes.withUnsafeBytes { PlanFindingCoding.decode(UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
            #expect(cut == nil)
        }
        var unknown = Array(bytes)
        let usage = Array(finding.usage.rawValue.utf8)
        let at = try #require(
            (0..<unknown.count - usage.count).first { Array(unknown[$0..<$0 + usage.count]) == usage })
        unknown[at] = UInt8(ascii: "Z")
        #expect(unknown.withUnsafeBytes { PlanFindingCoding.decode($0) } == nil)
    }
}
