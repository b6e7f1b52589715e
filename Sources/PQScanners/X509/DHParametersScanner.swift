import PQCatalog
import PQModel

/// Finds finite-field Diffie-Hellman parameters: PEM `DH PARAMETERS` (PKCS #3 DHParameter) and
/// `X9.42 DH PARAMETERS` (RFC 3279 §2.3.3 DomainParameters). Both begin with the prime p, whose bit length
/// is the group size that decides the status (below 2048 bits is classically broken, per the catalog).
public struct DHParametersScanner: FileScanner {
    public let id = "dh-parameters"
    public let sources: [FindingSource] = [.dhParameters]
    let catalog: Catalog

    static let labels = ["DH PARAMETERS", "X9.42 DH PARAMETERS"]

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        ByteSearch.containsBegin(head, labels: Self.labels) ? .content : .none
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var emitter = X509Emitter(path: input.path, classifier: AlgorithmClassifier(catalog: catalog))
        for block in PEM.blocks(in: input.bytes) where Self.labels.contains(block.label) {
            guard let der = block.der else {
                emitter.fail("line \(block.line): \(block.label) block is not valid base64 or not terminated")
                continue
            }
            guard let bits = Self.primeBits(der), bits > 0 else {
                emitter.fail("line \(block.line): \(block.label) is not SEQUENCE { INTEGER p, INTEGER g, ... }")
                continue
            }
            let oid = block.label == "DH PARAMETERS" ? X509OID.dhPKCS3 : X509OID.dhX942
            let verdict = AlgorithmClassifier(catalog: catalog).classify(oid: oid, name: "DH", keyBits: bits)
            let id = "sha256:" + Hex.lowercase(Digest.sha256(der))
            emitter.output.findings.append(
                Finding(
                    path: input.path, line: block.line, source: .dhParameters, setting: "DHParameters",
                    usage: .keyExchange, algorithm: "DH", canonical: verdict.canonical, oid: oid, keyBits: bits,
                    quantumStatus: verdict.status, asset: id, note: verdict.note))
            emitter.asset(
                Asset(
                    id: id, kind: .dhParameters, algorithm: "DH", canonical: verdict.canonical, oid: oid, keyBits: bits)
            )
        }
        return emitter.finish()
    }

    /// Bit length of p in `SEQUENCE { INTEGER p, INTEGER g, ... }`; nil when the shape is wrong.
    static func primeBits(_ der: [UInt8]) -> Int? {
        der.withUnsafeBufferPointer { buffer in
            var top = DERReader(buffer)
            guard let sequence = try? top.read(tag: DERTag.sequence, "DH parameters"), top.isAtEnd,
                var fields = try? top.reader(into: sequence),
                let p = try? fields.read(tag: DERTag.integer, "p"),
                (try? fields.read(tag: DERTag.integer, "g")) != nil,
                p.contentCount > 0, buffer[p.contentStart] & 0x80 == 0
            else { return nil }
            return fields.unsignedBitLength(p)
        }
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "RFC 2409 group 2 (1024-bit) parameters", path: "etc/dhparam.pem",
                contents: Array(X509Examples.dh1024PEM.utf8), expectedAlgorithms: ["DH"]),
            ScannerExample(
                name: "no DH block", path: "etc/readme.pem", contents: Array("hello\n".utf8), expectsFindings: false),
        ]
    }
}
