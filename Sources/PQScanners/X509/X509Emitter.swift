import PQCatalog
import PQModel

/// Builds one file's `ScanOutput` for the certificate and key scanners: findings, de-duplicated assets, and
/// at most one diagnostic (a bad file costs one diagnostic, ARCHITECTURE.md), whose detail lists what failed.
struct X509Emitter {
    let path: ScanPath
    let classifier: AlgorithmClassifier
    var output = ScanOutput()
    private var failures: [String] = []
    private var assetIDs: Set<String> = []
    private var diagnosed = false

    init(path: ScanPath, classifier: AlgorithmClassifier) {
        self.path = path
        self.classifier = classifier
    }

    /// Records one thing that could not be read; `finish()` turns all of them into one diagnostic.
    mutating func fail(_ detail: String) {
        failures.append(detail)
    }

    mutating func diagnose(_ reason: Diagnostic.Reason, _ detail: String) {
        guard !diagnosed else { return }
        diagnosed = true
        output.diagnostics.append(Diagnostic(path: path, reason: reason, detail: detail))
    }

    /// The output, with one `.malformed` diagnostic when anything failed.
    mutating func finish() -> ScanOutput {
        if !failures.isEmpty {
            var detail = failures.prefix(3).joined(separator: "; ")
            if failures.count > 3 { detail += "; and \(failures.count - 3) more" }
            diagnose(.malformed, detail)
        }
        return output
    }

    mutating func asset(_ asset: Asset) {
        guard assetIDs.insert(asset.id).inserted else { return }
        output.assets.append(asset)
    }

    // MARK: - Certificates

    /// Two findings (signature algorithm, subject public key) and two assets (certificate, public key).
    mutating func certificate(_ cert: ParsedCertificate, line: Int?, source: FindingSource) {
        let key = cert.publicKey
        let signature = classifier.classify(oid: cert.signatureOID, keyBits: nil)
        let keyVerdict = classifier.classify(oid: key.algorithmOID, keyBits: key.keyBits)
        let curve = classifier.curveName(oid: key.curveOID, fallback: key.curve)
        let certificateID = cert.assetID
        output.findings.append(
            Finding(
                path: path, line: line, source: source, setting: "signatureAlgorithm", usage: .signature,
                algorithm: cert.signatureOID, canonical: signature.canonical, oid: cert.signatureOID,
                quantumStatus: signature.status, asset: certificateID, note: signature.note))
        output.findings.append(
            Finding(
                path: path, line: line, source: source, setting: "subjectPublicKey", usage: .publicKey,
                algorithm: key.algorithmOID, canonical: keyVerdict.canonical, oid: key.algorithmOID,
                keyBits: key.keyBits, curve: curve, quantumStatus: keyVerdict.status, asset: certificateID,
                note: keyVerdict.note))
        let details = CertificateDetails(
            subject: cert.subject, issuer: cert.issuer, serial: cert.serial, notBefore: cert.notBefore,
            notAfter: cert.notAfter, signatureOID: cert.signatureOID, signatureAlgorithm: signature.canonical,
            publicKeyOID: key.algorithmOID, sha256: cert.sha256, publicKeyID: key.assetID, isCA: cert.isCA,
            selfSigned: cert.selfSigned)
        asset(
            Asset(
                id: certificateID, kind: .certificate, algorithm: key.algorithmOID, canonical: keyVerdict.canonical,
                oid: key.algorithmOID, keyBits: key.keyBits, curve: curve, certificate: details))
        publicKeyAsset(key, canonical: keyVerdict.canonical, curve: curve)
    }

    mutating func publicKeyAsset(_ key: PublicKeyInfo, canonical: String?, curve: String?) {
        asset(
            Asset(
                id: key.assetID, kind: .publicKey, algorithm: key.algorithmOID, canonical: canonical,
                oid: key.algorithmOID, keyBits: key.keyBits, curve: curve,
                key: KeyDetails(format: "spki", isPrivate: false, encrypted: false)))
    }

    // MARK: - Keys

    /// A public key on its own (PEM `PUBLIC KEY`, `RSA PUBLIC KEY`).
    mutating func publicKey(_ key: PublicKeyInfo, line: Int?, format: String) {
        let verdict = classifier.classify(oid: key.algorithmOID, keyBits: key.keyBits)
        let curve = classifier.curveName(oid: key.curveOID, fallback: key.curve)
        output.findings.append(
            Finding(
                path: path, line: line, source: .publicKey, setting: "subjectPublicKey", usage: .publicKey,
                algorithm: key.algorithmOID, canonical: verdict.canonical, oid: key.algorithmOID, keyBits: key.keyBits,
                curve: curve, quantumStatus: verdict.status, asset: key.assetID, note: verdict.note))
        asset(
            Asset(
                id: key.assetID, kind: .publicKey, algorithm: key.algorithmOID, canonical: verdict.canonical,
                oid: key.algorithmOID, keyBits: key.keyBits, curve: curve,
                key: KeyDetails(format: format, isPrivate: false, encrypted: false)))
    }

    /// What is known of a private key, from OpenSSL or from its PKCS#8 structure.
    struct PrivateKeyFacts {
        /// As written: a dotted OID, or the PEM label's algorithm word (`RSA`) for legacy encrypted PEM.
        var algorithm: String
        var oid: String?
        var keyBits: Int?
        var curveOID: String?
        var curve: String?
        /// Lower-case hex SHA-256 of the public half's SPKI, when it could be derived.
        var spkiSHA256: String?
        var format: String
        var encrypted: Bool
        var note: String?
        /// Forces `canonical = nil` and the unknown-algorithm status (encrypted PKCS#8 hides the algorithm).
        var hidden = false
    }

    /// One private-key finding and one private-key asset. The asset id is the public half's SPKI id when it
    /// can be derived (so the key links to its certificate's public-key asset), else `sha256:` of the file's
    /// DER (ciphertext for encrypted keys). Never the key's bytes.
    mutating func privateKey(_ facts: PrivateKeyFacts, line: Int?, source: FindingSource, fileDigest: [UInt8]) {
        var verdict = classifier.classify(oid: facts.oid, name: facts.algorithm, keyBits: facts.keyBits)
        if facts.hidden { verdict = .init(canonical: nil, status: .vulnerable, note: nil) }
        let curve = classifier.curveName(oid: facts.curveOID, fallback: facts.curve)
        let id = "sha256:" + (facts.spkiSHA256 ?? Hex.lowercase(fileDigest))
        let note = [facts.note, verdict.note].compactMap { $0 }.joined(separator: "; ")
        output.findings.append(
            Finding(
                path: path, line: line, source: source, setting: "privateKey", usage: .publicKey,
                algorithm: facts.algorithm, canonical: verdict.canonical, oid: facts.oid, keyBits: facts.keyBits,
                curve: curve, quantumStatus: verdict.status, asset: id, note: note.isEmpty ? nil : note))
        asset(
            Asset(
                id: id, kind: .privateKey, algorithm: facts.algorithm, canonical: verdict.canonical, oid: facts.oid,
                keyBits: facts.keyBits, curve: curve,
                key: KeyDetails(format: facts.format, isPrivate: true, encrypted: facts.encrypted)))
    }

    /// A private key OpenSSL decoded (PKCS#12 bag, PKCS#1, SEC1, PKCS#8).
    mutating func privateKey(
        _ info: OpenSSLKeyInfo, source: FindingSource, format: String, encrypted: Bool, fallbackID: [UInt8],
        line: Int? = nil, note: String? = nil
    ) {
        let fixed = Catalog.shared.fixedKeySize(oid: info.oid)
        let facts = PrivateKeyFacts(
            algorithm: info.oid.isEmpty ? "unknown key algorithm" : info.oid, oid: info.oid.isEmpty ? nil : info.oid,
            keyBits: fixed?.bits ?? info.bits, curveOID: info.curveOID,
            curve: info.curveOID.flatMap { Catalog.shared.namedCurveKey(oid: $0)?.name } ?? fixed?.curve
                ?? info.curveName,
            spkiSHA256: info.spkiSHA256, format: format, encrypted: encrypted, note: note)
        privateKey(facts, line: line, source: source, fileDigest: fallbackID)
    }

    /// A protected key that passwords were given for but none opened: one `.encrypted` diagnostic saying how many
    /// were tried (never which). With no password given, the finding's own note says the key stayed closed.
    mutating func notOpened(_ what: String, passwords: [String]) {
        guard !passwords.isEmpty else { return }
        let plural = passwords.count == 1 ? "" : "s"
        diagnose(.encrypted, "\(what) not opened: none of the \(passwords.count) given password\(plural) opened it")
    }

    /// A PKCS#12 none of the passwords opened: one finding saying so, one `.encrypted` diagnostic.
    mutating func encryptedKeystore(fileBytes: [UInt8], detail: String) {
        let id = "sha256:" + Hex.lowercase(Digest.sha256(fileBytes))
        let verdict = classifier.classify(oid: nil, name: "PKCS#12", keyBits: nil)
        output.findings.append(
            Finding(
                path: path, line: nil, source: .pkcs12, setting: "keystore", usage: .publicKey, algorithm: "PKCS#12",
                canonical: verdict.canonical, quantumStatus: verdict.status, asset: id,
                note: "encrypted keystore: contents not visible, assumed quantum-vulnerable; pass --pkcs12-password"))
        asset(
            Asset(
                id: id, kind: .keystore, algorithm: "PKCS#12", canonical: verdict.canonical,
                key: KeyDetails(format: "pkcs12", isPrivate: true, encrypted: true)))
        diagnose(.encrypted, "PKCS#12 not opened: \(detail); pass --pkcs12-password")
    }
}

// MARK: - Certificate requests

extension X509Emitter {
    /// Two findings (signature algorithm, requested public key) and the requested key as a public-key asset.
    /// The subject goes in the note: a request has no certificate asset of its own.
    mutating func request(_ request: CertificationRequest, line: Int?) {
        let key = request.publicKey
        let signature = classifier.classify(oid: request.signatureOID, keyBits: nil)
        let keyVerdict = classifier.classify(oid: key.algorithmOID, keyBits: key.keyBits)
        let curve = classifier.curveName(oid: key.curveOID, fallback: key.curve)
        let subject = request.subject.isEmpty ? "an empty subject" : request.subject
        let about = "PKCS#10 request for \(subject)"
        output.findings.append(
            Finding(
                path: path, line: line, source: .csr, setting: "signatureAlgorithm", usage: .signature,
                algorithm: request.signatureOID, canonical: signature.canonical, oid: request.signatureOID,
                quantumStatus: signature.status, asset: key.assetID,
                note: [about, signature.note].compactMap { $0 }.joined(separator: "; ")))
        output.findings.append(
            Finding(
                path: path, line: line, source: .csr, setting: "subjectPublicKey", usage: .publicKey,
                algorithm: key.algorithmOID, canonical: keyVerdict.canonical, oid: key.algorithmOID,
                keyBits: key.keyBits, curve: curve, quantumStatus: keyVerdict.status, asset: key.assetID,
                note: [about, keyVerdict.note].compactMap { $0 }.joined(separator: "; ")))
        publicKeyAsset(key, canonical: keyVerdict.canonical, curve: curve)
    }
}
