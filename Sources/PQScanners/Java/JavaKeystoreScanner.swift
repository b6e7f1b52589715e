import PQCatalog
import PQModel

/// Recognises Java's own keystore formats, JKS (magic `FEEDFEED`) and JCEKS (magic `CECECECE`), as
/// `sun.security.provider.JavaKeyStore` and `com.sun.crypto.provider.JceKeyStore` write them.
///
/// Certificates in both formats are stored in the clear, so without a password the scanner reports every
/// certificate (trusted entries and the chains of private-key entries, via the X.509 parser) and, for each
/// private-key entry, the key's algorithm taken from its certificate. The private keys themselves are
/// encrypted (JKS with Sun's SHA-1 keystream "KeyProtector", JCEKS with PBEWithMD5AndTripleDES), and the
/// keystore's integrity check is keyed SHA-1: the format finding says so and recommends PKCS#12. A JCEKS
/// secret-key entry is a serialised Java object the scanner does not decode; reading stops there with a
/// diagnostic, keeping what came before. PKCS#12 keystores (the JDK default since 9) are read by the
/// certificate scanner through OpenSSL.
public struct JavaKeystoreScanner: FileScanner {
    public let id = "java-keystore"
    public let sources: [FindingSource] = [.javaKeystore]
    let catalog: Catalog

    static let jksMagic: [UInt8] = [0xFE, 0xED, 0xFE, 0xED]
    static let jceksMagic: [UInt8] = [0xCE, 0xCE, 0xCE, 0xCE]
    static let extensions: Set<String> = ["jks", "jceks", "keystore", "ks", "truststore"]
    /// Key entries decrypted per store: each costs up to a million MD5 rounds (JCEKS), so a hostile store that
    /// verifies with a guessed password cannot make the scan spin; later entries keep their certificate's algorithm.
    static let maxDecryptedKeys = 64

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let magic = Array(head.prefix(4))
        if magic == Self.jksMagic || magic == Self.jceksMagic { return .content }
        return .none
    }

    /// Reads big-endian fields with bounds checks; every failure is `nil`.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func u16() -> Int? {
            guard offset + 2 <= bytes.count else { return nil }
            defer { offset += 2 }
            return Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        }

        mutating func u32() -> Int? {
            guard offset + 4 <= bytes.count else { return nil }
            var value = 0
            for index in 0..<4 { value = value << 8 | Int(bytes[offset + index]) }
            offset += 4
            return value
        }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, count <= bytes.count - offset else { return nil }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }

        /// `DataOutputStream.writeUTF`: a 2-byte length and modified UTF-8.
        mutating func utf() -> String? {
            guard let length = u16(), let body = take(length) else { return nil }
            return String(decoding: body, as: UTF8.self)
        }
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var out = ConfigFindings(path: input.path, source: .javaKeystore, catalog: catalog)
        var emitter = X509Emitter(path: input.path, classifier: AlgorithmClassifier(catalog: catalog))
        let isJCEKS = Array(input.bytes.prefix(4)) == Self.jceksMagic
        let format = isJCEKS ? "JCEKS" : "JKS"
        var reader = Reader(bytes: input.bytes)
        reader.offset = 4
        guard let version = reader.u32(), version == 1 || version == 2, let count = reader.u32() else {
            out.problem("\(format) header is truncated or has an unknown version", line: nil)
            return out.finish()
        }
        // With the store password, the integrity check is verified and JKS keys are decrypted to their real
        // algorithm; the password itself is never recorded (only that one verified).
        let passwords = input.options.pkcs12Passwords
        let verified =
            passwords.isEmpty ? nil : JavaKeystoreCrypto.verifyingPassword(store: input.bytes, passwords: passwords)
        let keyPassword = verified.map { passwords[$0] }
        var counts = (keys: 0, trusted: 0, secret: 0)
        var stopped: String?
        entries: for index in 0..<min(count, 100_000) {
            guard let tag = reader.u32(), reader.utf() != nil, reader.take(8) != nil else {
                stopped = "entry \(index + 1) is truncated"
                break
            }
            switch tag {
            case 1:
                counts.keys += 1
                guard let length = reader.u32(), let protectedKey = reader.take(length), let chain = reader.u32(),
                    chain <= 64
                else {
                    stopped = "private-key entry \(index + 1) is truncated"
                    break entries
                }
                // Keys open with the store password when keytool's default (key password = store password) was
                // kept: Sun's KeyProtector in JKS, PBEWithMD5AndTripleDES in JCEKS (both decrypted in the shim).
                var decrypted: OpenSSLKeyInfo?
                if let keyPassword, counts.keys <= Self.maxDecryptedKeys,
                    case .success(let info) = JavaKeystoreCrypto.keyInfo(
                        protectedKey: Array(protectedKey), password: keyPassword)
                {
                    decrypted = info
                }
                for position in 0..<chain {
                    guard let der = certificate(&reader, version: version) else {
                        stopped = "certificate in entry \(index + 1) is truncated"
                        break entries
                    }
                    if !parse(der, emitter: &emitter, keyEntry: position == 0, decrypted: decrypted, &out) {
                        stopped = "certificate in entry \(index + 1) is not X.509"
                    }
                }
            case 2:
                counts.trusted += 1
                guard let der = certificate(&reader, version: version) else {
                    stopped = "trusted certificate entry \(index + 1) is truncated"
                    break entries
                }
                if !parse(der, emitter: &emitter, keyEntry: false, decrypted: nil, &out) {
                    stopped = "trusted certificate entry \(index + 1) is not X.509"
                }
            case 3 where isJCEKS:
                counts.secret += 1
                stopped = "secret-key entry \(index + 1) is a serialised Java object; entries after it were not read"
                break entries
            default:
                stopped = "entry \(index + 1) has unknown tag \(tag)"
                break entries
            }
        }
        let protection =
            isJCEKS
            ? "private keys sealed with PBEWithMD5AndTripleDES" : "private keys protected by Sun's SHA-1 keystream"
        let keystoreID = "sha256:" + Hex.lowercase(Digest.sha256(input.bytes))
        out.output.assets.append(
            Asset(
                id: keystoreID, kind: .keystore, algorithm: format,
                key: KeyDetails(format: format.lowercased(), isPrivate: counts.keys > 0, encrypted: true)))
        out.add(
            at: ConfigFindings.Place(line: nil), setting: "keystore", usage: .publicKey, algorithm: format, entry: nil,
            status: .broken,
            note: "\(format) keystore, entries: \(count) (\(counts.keys) private-key, \(counts.trusted) trusted "
                + "certificate\(isJCEKS ? ", \(counts.secret) secret-key" : "") read); \(protection) and a keyed "
                + "SHA-1 integrity check, \(verified == nil ? "not verified without the password" : "verified with a given password"); "
                + "migrate to PKCS#12", asset: keystoreID)
        var result = emitter.finish()
        result.findings = result.findings.map { finding in
            var copy = finding
            copy.source = .javaKeystore
            return copy
        }
        out.output.findings += result.findings
        out.output.assets += result.assets
        if let stopped { out.problem(stopped, line: nil) }
        if !passwords.isEmpty, verified == nil {
            let plural = passwords.count == 1 ? "" : "s"
            out.output.diagnostics.append(
                Diagnostic(
                    path: input.path, reason: .encrypted,
                    detail:
                        "\(format) integrity check: none of the \(passwords.count) given password\(plural) verifies it")
            )
        }
        for diagnostic in result.diagnostics { out.problem(diagnostic.detail, line: nil) }
        return out.finish()
    }

    private func certificate(_ reader: inout Reader, version: Int) -> [UInt8]? {
        if version == 2 { guard reader.utf() != nil else { return nil } }
        guard let length = reader.u32(), let der = reader.take(length) else { return nil }
        return Array(der)
    }

    /// Emits the certificate; for the first certificate of a key entry, also the private key's algorithm.
    private func parse(
        _ der: [UInt8], emitter: inout X509Emitter, keyEntry: Bool, decrypted: OpenSSLKeyInfo?,
        _ out: inout ConfigFindings
    ) -> Bool {
        guard let parsed = try? CertificateParser.parse(der: der) else { return false }
        emitter.certificate(parsed, line: nil, source: .javaKeystore)
        if keyEntry, let decrypted {
            let bits = catalog.fixedKeySize(oid: decrypted.oid)?.bits ?? decrypted.bits
            let curve = decrypted.curveOID.flatMap { catalog.entry(oid: $0)?.canonical } ?? decrypted.curveName
            out.add(
                at: ConfigFindings.Place(line: nil), setting: "privateKey", usage: .publicKey,
                algorithm: decrypted.oid, entry: catalog.entry(oid: decrypted.oid), keyBits: bits, curve: curve,
                oid: decrypted.oid, note: "decrypted with a given password",
                asset: decrypted.spkiSHA256.map { "sha256:" + $0 } ?? parsed.publicKey.assetID)
        } else if keyEntry {
            let key = parsed.publicKey
            let entry = catalog.entry(oid: key.algorithmOID)
            out.add(
                at: ConfigFindings.Place(line: nil), setting: "privateKey", usage: .publicKey,
                algorithm: key.algorithmOID,
                entry: entry, keyBits: key.keyBits,
                curve: key.curveOID.flatMap { catalog.entry(oid: $0)?.canonical } ?? key.curve,
                oid: key.algorithmOID, note: "encrypted in the keystore; algorithm from its certificate (key not read)",
                asset: key.assetID)
        }
        return true
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "an empty JKS keystore", path: "opt/app/keystore.jks",
                contents: Self.jksMagic + [0, 0, 0, 2, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 20),
                expectedAlgorithms: ["JKS"]),
            ScannerExample(
                name: "a truncated JCEKS keystore", path: "opt/app/keystore.jceks",
                contents: Self.jceksMagic + [0, 0, 0, 2, 0, 0, 0, 3, 0, 0], expectedAlgorithms: ["JCEKS"],
                expectsDiagnostic: true),
        ]
    }
}
