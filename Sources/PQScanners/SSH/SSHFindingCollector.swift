import PQCatalog
import PQModel

/// Turns parsed SSH keys and certificates into findings and assets for one file, judging each against the
/// catalog. Assets are listed once per file however often a key repeats (a host key on many known_hosts lines).
struct SSHFindingCollector {
    let path: ScanPath
    let catalog: Catalog
    var output = ScanOutput()
    private var assetIDs: Set<String> = []

    static let notInCatalog = "not in the catalog; assumed quantum-vulnerable until classified"

    init(path: ScanPath, catalog: Catalog) {
        self.path = path
        self.catalog = catalog
    }

    /// Interprets one key line's blob. Returns a short phrase when the blob is malformed.
    mutating func add(_ keyLine: SSHKeyLine, line: Int) -> String? {
        let lineNote = Self.note(for: keyLine)
        if SSHKeyType.isCertificateName(keyLine.typeName) {
            switch SSHCertificate.parse(blob: keyLine.blob, writtenAs: keyLine.typeName) {
            case .success(let certificate):
                add(certificate, writtenAs: keyLine.typeName, line: line, context: keyLine.context, note: lineNote)
            case .failure(let error) where error.code == "unsupported":
                // Kept by name: a future certificate type is still an algorithm in use.
                let id = SSHKeyFingerprint.assetID(of: keyLine.blob)
                addAsset(
                    id: id, kind: .sshCertificate, algorithm: keyLine.typeName, keyType: nil, bits: nil, curve: nil)
                output.findings.append(
                    keyFinding(
                        algorithm: keyLine.typeName, keyType: nil, bits: nil, curve: nil, line: line,
                        source: .sshCertificate, setting: "certificate", context: keyLine.context, asset: id,
                        notes: [lineNote, "certificate of a key type not known field by field; body not read"]))
            case .failure(let error):
                return error.reason
            }
            return nil
        }
        switch SSHPublicKey.parse(blob: keyLine.blob, writtenAs: keyLine.typeName) {
        case .success(let key):
            addAsset(
                id: key.assetID, kind: .sshKey, algorithm: keyLine.typeName, keyType: key.keyType, bits: key.keyBits,
                curve: key.curve)
            output.findings.append(
                keyFinding(
                    algorithm: keyLine.typeName, keyType: key.keyType, bits: key.keyBits, curve: key.curve, line: line,
                    source: .sshKey, setting: Self.setting(for: keyLine.kind), context: keyLine.context,
                    asset: key.assetID, notes: [lineNote, Self.securityKeyNote(key.keyType, key.application)]))
            return nil
        case .failure(let error):
            return error.reason
        }
    }

    /// Records the public half of an OpenSSH private key, with whether the private half is encrypted.
    mutating func add(privateKey: OpenSSHPrivateKey, publicKey key: SSHPublicKey) {
        let details = KeyDetails(format: "openssh", isPrivate: true, encrypted: privateKey.isEncrypted)
        addAsset(
            id: key.assetID, kind: .sshKey, algorithm: key.typeName, keyType: key.keyType, bits: key.keyBits,
            curve: key.curve, details: details)
        var protection = "unencrypted private key"
        if privateKey.isEncrypted {
            let rounds = privateKey.kdfRounds.map { ", \($0) rounds" } ?? ""
            protection = "encrypted private key (\(privateKey.cipherName), \(privateKey.kdfName) KDF\(rounds))"
        }
        output.findings.append(
            keyFinding(
                algorithm: key.typeName, keyType: key.keyType, bits: key.keyBits, curve: key.curve,
                line: privateKey.line, source: .sshKey, setting: "privateKey", context: nil, asset: key.assetID,
                notes: [protection, Self.securityKeyNote(key.keyType, key.application)]))
    }

    // MARK: - Certificates

    private mutating func add(
        _ certificate: SSHCertificate, writtenAs: String, line: Int, context: String?, note: String?
    ) {
        let caKey = certificate.signatureKey
        addAsset(
            id: certificate.assetID, kind: .sshCertificate, algorithm: writtenAs, keyType: certificate.keyType,
            bits: certificate.keyBits, curve: certificate.curve)
        addAsset(
            id: caKey.assetID, kind: .sshKey, algorithm: caKey.typeName, keyType: caKey.keyType, bits: caKey.keyBits,
            curve: caKey.curve)

        output.findings.append(
            keyFinding(
                algorithm: writtenAs, keyType: certificate.keyType, bits: certificate.keyBits,
                curve: certificate.curve, line: line, source: .sshCertificate, setting: "certificate",
                context: context, asset: certificate.assetID,
                notes: [
                    note, Self.describe(certificate),
                    Self.securityKeyNote(certificate.keyType, certificate.application),
                ]))
        output.findings.append(
            keyFinding(
                algorithm: caKey.typeName, keyType: caKey.keyType, bits: caKey.keyBits, curve: caKey.curve, line: line,
                source: .sshCertificate, setting: "signatureKey", context: context, asset: caKey.assetID,
                notes: ["key of the CA that signed the certificate (\(caKey.fingerprint))"]))

        let judged = judge(
            tableName: SSHSignatureAlgorithm.canonicalNames[certificate.signatureAlgorithm],
            written: certificate.signatureAlgorithm, keyBits: caKey.keyBits)
        output.findings.append(
            Finding(
                path: path, line: line, source: .sshCertificate, setting: "signature", usage: .signature,
                algorithm: certificate.signatureAlgorithm, canonical: judged.canonical, keyBits: caKey.keyBits,
                curve: caKey.curve, quantumStatus: judged.status, context: context, asset: certificate.assetID,
                note: Self.join(["CA signature on the certificate", judged.note])))
    }

    /// `user certificate, key id "alice", serial 7, principals alice,bob, valid ... to ...; critical options: ...`.
    private static func describe(_ certificate: SSHCertificate) -> String {
        var parts = [
            "\(certificate.role == .user ? "user" : "host") certificate", "key id \"\(certificate.keyID)\"",
            "serial \(certificate.serial)",
        ]
        if certificate.principals.isEmpty {
            parts.append("any principal")
        } else {
            let shown = certificate.principals.prefix(5).joined(separator: ",")
            parts.append("principals \(shown)\(certificate.principals.count > 5 ? ",…" : "")")
        }
        parts.append("valid \(certificate.validityDescription)")
        var text = parts.joined(separator: ", ")
        if !certificate.criticalOptions.isEmpty {
            text += "; critical options: " + certificate.criticalOptions.joined(separator: ",")
        }
        return text
    }

    // MARK: - Findings and assets

    private func keyFinding(
        algorithm: String, keyType: SSHKeyType?, bits: Int?, curve: String?, line: Int, source: FindingSource,
        setting: String, context: String?, asset: String, notes: [String?]
    ) -> Finding {
        let judged = judge(tableName: keyType?.canonicalKey, written: algorithm, keyBits: bits)
        return Finding(
            path: path, line: line, source: source, setting: setting, usage: .publicKey, algorithm: algorithm,
            canonical: judged.canonical, keyBits: bits, curve: curve, quantumStatus: judged.status, context: context,
            asset: asset, note: Self.join(notes + [judged.note]))
    }

    /// Looks the table's canonical name up in the catalog; a name the table does not know is looked up as
    /// written (the catalog may list a new OpenSSH type before this scanner does).
    private func judge(
        tableName: String?, written: String, keyBits: Int?
    ) -> (canonical: String?, status: QuantumStatus, note: String?) {
        let entry = tableName.map { catalog.entry(named: $0) } ?? catalog.entry(named: written)
        guard let entry else { return (nil, .vulnerable, Self.notInCatalog) }
        return (entry.canonical, entry.status(keyBits: keyBits), nil)
    }

    private mutating func addAsset(
        id: String, kind: Asset.Kind, algorithm: String, keyType: SSHKeyType?, bits: Int?, curve: String?,
        details: KeyDetails = KeyDetails(format: "ssh-public", isPrivate: false, encrypted: false)
    ) {
        guard assetIDs.insert(id).inserted else { return }
        let canonical = judge(tableName: keyType?.canonicalKey, written: algorithm, keyBits: bits).canonical
        output.assets.append(
            Asset(
                id: id, kind: kind, algorithm: algorithm, canonical: canonical, keyBits: bits, curve: curve,
                key: details))
    }

    private static func setting(for kind: SSHKeyFileKind) -> String {
        switch kind {
        case .authorizedKeys: "authorizedKey"
        case .knownHosts: "knownHost"
        case .publicKey, .unknown: "publicKey"
        }
    }

    /// What a marker or option does to the key, in words.
    private static func note(for keyLine: SSHKeyLine) -> String? {
        switch keyLine.marker {
        case "@revoked": return "revoked: ssh refuses this key"
        case "@cert-authority": return "trusted as a certificate authority for host certificates"
        default: break
        }
        if keyLine.options.contains(where: { $0.lowercased() == "cert-authority" }) {
            return "trusted as a certificate authority for user certificates"
        }
        return nil
    }

    private static func securityKeyNote(_ keyType: SSHKeyType?, _ application: String?) -> String? {
        guard keyType?.isSecurityKey == true else { return nil }
        return "FIDO security key" + (application.map { " (application \($0))" } ?? "")
    }

    private static func join(_ notes: [String?]) -> String? {
        let present = notes.compactMap { $0 }.filter { !$0.isEmpty }
        return present.isEmpty ? nil : present.joined(separator: "; ")
    }
}
