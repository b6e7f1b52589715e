import Foundation
import PQScanners
import PQStore

// pqscout-bench parse FILE [REPEAT]   certificates/s of CertificateParser (OpenSSL shim), DER back to back
// pqscout-bench inserts COUNT         findings/s into a fresh store (prepared statements, batched)
// pqscout-bench concurrent-inserts LOCATION SCANS COUNT
//                                     findings/s of SCANS scans written at once into one store (a PostgreSQL URL)

/// Splits a file of back-to-back DER SEQUENCEs, as Benchmarks/cert-parse/d2i_loop.c does.
func loadConcatenatedDER(_ path: String) -> [[UInt8]] {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("pqscout-bench: cannot read \(path)\n".utf8))
        exit(2)
    }
    let bytes = [UInt8](data)
    var certificates: [[UInt8]] = []
    var index = 0
    while index + 2 <= bytes.count, bytes[index] == 0x30 {
        var length = Int(bytes[index + 1])
        var header = 2
        if length & 0x80 != 0 {
            let octets = length & 0x7F
            guard (1...4).contains(octets), index + 2 + octets <= bytes.count else { break }
            length = bytes[(index + 2)..<(index + 2 + octets)].reduce(0) { $0 << 8 | Int($1) }
            header += octets
        }
        guard index + header + length <= bytes.count else { break }
        certificates.append(Array(bytes[index..<(index + header + length)]))
        index += header + length
    }
    return certificates
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "parse" where arguments.count >= 3:
    let certificates = loadConcatenatedDER(arguments[2])
    let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
    var parsed = 0
    var bits = 0
    let start = Date()
    for _ in 0..<rounds {
        for der in certificates {
            if let certificate = try? CertificateParser.parse(der: der) {
                parsed += 1
                bits &+= certificate.publicKey.keyBits ?? 0
            }
        }
    }
    let seconds = Date().timeIntervalSince(start)
    print(
        String(
            format: "shim-parse certs=%d seconds=%.3f certs_per_s=%.0f checksum=%d", parsed, seconds,
            Double(parsed) / seconds, bits))
case "inserts" where arguments.count >= 3:
    let count = Int(arguments[2]) ?? 200_000
    do {
        let rate = try InventoryStore.benchmarkInserts(count: count)
        print(String(format: "store-inserts findings=%d findings_per_s=%.0f", count, rate))
    } catch {
        FileHandle.standardError.write(Data("pqscout-bench: \(error)\n".utf8))
        exit(2)
    }
case "concurrent-inserts" where arguments.count >= 5:
    let scans = Int(arguments[3]) ?? 4
    let count = Int(arguments[4]) ?? 200_000
    do {
        let rate = try InventoryStore.benchmarkConcurrentScans(location: arguments[2], scans: scans, count: count)
        print(String(format: "concurrent-inserts scans=%d findings=%d findings_per_s=%.0f", scans, scans * count, rate))
    } catch {
        FileHandle.standardError.write(Data("pqscout-bench: \(error)\n".utf8))
        exit(2)
    }
default:
    FileHandle.standardError.write(
        Data(
            "usage: pqscout-bench parse FILE [REPEAT] | inserts COUNT | concurrent-inserts URL SCANS COUNT\n".utf8))
    exit(64)
}
