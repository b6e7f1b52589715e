import PQCatalog
import PQModel

/// `/etc/ssh/moduli`: the primes sshd offers for Diffie-Hellman group exchange (`diffie-hellman-group-exchange-*`).
///
/// Format (moduli(5); dh.c `parse_prime`, OpenSSH 9.2): `timestamp type tests trials size generator modulus`, with
/// `size` one less than the prime's bit length (`dhg->size++`). sshd picks a prime between the client's minimum and
/// maximum (dh.c `choose_dh`); with no readable file it falls back to the fixed groups 14, 16 or 18
/// (`dh_new_group_fallback`, "WARNING: could not open ... using fixed modulus").
enum OpenSSHModuli {
    /// True for `…/ssh/moduli`.
    static func isModuli(_ path: ScanPath) -> Bool {
        // Bytes, not the escaped display: this runs for every file of a tree.
        path.bytes.elementsEqual(moduli.dropFirst()) || path.bytes.suffix(moduli.count).elementsEqual(moduli)
    }

    private static let moduli = Array("/etc/ssh/moduli".utf8)

    /// One finding per prime size, on the line of its first prime, judged as DH group exchange of that size.
    static func scan(_ input: ScanInput, catalog: Catalog) -> ScanOutput {
        var sizes: [Int: (line: Int, count: Int)] = [:]
        var malformed: [Int] = []
        var lineNumber = 0
        for raw in input.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let text = String(decoding: raw, as: UTF8.self).trimmingWhitespace()
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 7, let listed = Int(fields[4]), listed > 0, listed < 64 * 1024 else {
                malformed.append(lineNumber)
                continue
            }
            let bits = listed + 1
            sizes[bits] = sizes[bits].map { ($0.line, $0.count + 1) } ?? (lineNumber, 1)
        }
        var output = ScanOutput()
        if !malformed.isEmpty {
            output.diagnostics.append(
                Diagnostic(
                    path: input.path, reason: .malformed,
                    detail: "\(malformed.count) line(s) not in moduli(5) form (first: line \(malformed[0])); "
                        + "sshd skips them"))
        }
        let entry = catalog.entry(named: "diffie-hellman-group-exchange-sha256")
        for (bits, place) in sizes.sorted(by: { $0.key < $1.key }) {
            output.findings.append(
                Finding(
                    path: input.path, line: place.line, source: .openssh, setting: "moduli", usage: .keyExchange,
                    algorithm: "diffie-hellman-group-exchange", canonical: entry?.canonical, keyBits: bits,
                    quantumStatus: entry?.status(keyBits: bits) ?? .vulnerable, effective: true, origin: .file,
                    note: "\(place.count) prime(s) of \(bits) bits that sshd can offer for DH group exchange"))
        }
        return output
    }
}
