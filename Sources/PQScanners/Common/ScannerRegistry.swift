import PQModel

/// The scanners a scan runs, and the one place a file is matched to them.
public struct ScannerRegistry: Sendable {
    /// How many leading bytes the scanners see when they claim a file.
    public static let headSize = 16 * 1024

    public let scanners: [any FileScanner]

    public init(scanners: [any FileScanner]) {
        self.scanners = scanners
    }

    /// The finding sources this registry's scanners write, each once, in scanner order.
    public var sources: [FindingSource] {
        var seen = Set<FindingSource>()
        return scanners.flatMap(\.sources).filter { seen.insert($0).inserted }
    }

    /// Which scanners want this file, strongest claim first.
    public func claims(path: ScanPath, head: ArraySlice<UInt8>) -> [(scanner: any FileScanner, claim: Claim)] {
        scanners.compactMap { scanner -> (scanner: any FileScanner, claim: Claim)? in
            let claim = scanner.claim(path: path, head: head)
            return claim == .none ? nil : (scanner, claim)
        }
        .sorted { $0.claim > $1.claim }
    }

    /// Runs every scanner that claims the file. A claimed file that yields nothing at all gets one
    /// diagnostic, so a `.pem` full of garbage is never silently "nothing found".
    /// - Parameter claimed: the claims already made on the file's head, when the caller has them.
    public func scan(_ input: ScanInput, claimed known: [(scanner: any FileScanner, claim: Claim)]? = nil) -> ScanOutput
    {
        let claimed = known ?? claims(path: input.path, head: input.bytes.prefix(Self.headSize))
        guard !claimed.isEmpty else { return ScanOutput() }
        var output = ScanOutput()
        for (scanner, _) in claimed {
            output.append(scanner.scan(input))
        }
        ListDuplicates.collapse(&output)
        if output.isEmpty, claimed.contains(where: { $0.scanner.nothingFoundIsMalformed }) {
            if input.bytes.isEmpty {
                output.diagnostics.append(Diagnostic(path: input.path, reason: .empty, detail: "the file is empty"))
            } else {
                let names = claimed.map(\.scanner.id).joined(separator: ", ")
                output.diagnostics.append(
                    Diagnostic(
                        path: input.path, reason: .malformed,
                        detail: "looked like \(names) input, but nothing in it could be read"))
            }
        }
        return output
    }
}
