import PQCatalog
import PQModel

/// Turns the TLS settings of OpenSSL consumers that are not web servers (Postfix, Dovecot, OpenVPN) into
/// findings: enabled protocol versions, cipher strings, TLS 1.3 suites, groups, DH parameters and the
/// certificates and keys a setting names.
///
/// OpenSSL cipher strings (`HIGH:!aNULL`) are recorded as written, with `usage = cipher-suite` and a note that
/// they are not expanded here; the expansion belongs to the shared TLS code (one expander for the project).
struct TLSSettingsEmitter {
    let catalog: Catalog
    let tree: (any TreeReader)?

    /// Protocol versions OpenSSL knows, oldest first (the catalog's canonical names).
    static let versions = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    /// The canonical version for a spelling (`TLSv1.2`, `tls1_2`, `1.2`, `TLS1.2`), or nil.
    func version(_ token: String) -> String? {
        let bare = token.trimmingCharacters(in: .whitespaces)
        let map = ["1.0": "TLSv1", "1": "TLSv1", "1.1": "TLSv1.1", "1.2": "TLSv1.2", "1.3": "TLSv1.3"]
        if let mapped = map[bare] { return mapped }
        guard let entry = catalog.entry(named: bare), Self.versions.contains(entry.canonical) else { return nil }
        return entry.canonical
    }

    /// One finding per enabled version.
    func protocols(
        _ enabled: [String], setting: String, place: ConfigFindings.Place, note: String?, _ out: inout ConfigFindings
    ) {
        for version in enabled {
            out.add(
                at: place, setting: setting, usage: .protocolVersion, algorithm: version,
                entry: catalog.entry(named: version), note: note)
        }
    }

    /// Versions from `min` (inclusive) up, limited by `max` when given.
    func range(min: String?, max: String?) -> [String] {
        let low = min.flatMap { Self.versions.firstIndex(of: $0) } ?? 0
        let high = max.flatMap { Self.versions.firstIndex(of: $0) } ?? Self.versions.count - 1
        guard low <= high else { return [] }
        return Array(Self.versions[low...high])
    }

    /// An OpenSSL cipher string, recorded as written.
    func cipherString(
        _ value: String, setting: String, place: ConfigFindings.Place, note: String?, _ out: inout ConfigFindings
    ) {
        let why = "not expanded: OpenSSL cipher string recorded as written; judged quantum-vulnerable until expanded"
        out.add(
            at: place, setting: setting, usage: .cipherSuite, algorithm: value, entry: nil, status: .vulnerable,
            note: [note, why].compactMap { $0 }.joined(separator: "; "))
    }

    /// TLS 1.3 suites (`TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256`), one finding each.
    func suites(
        _ value: String, setting: String, place: ConfigFindings.Place, note: String?, _ out: inout ConfigFindings
    ) {
        for name in value.split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " }) where !name.isEmpty {
            out.add(
                at: place, setting: setting, usage: .cipherSuite, algorithm: String(name),
                entry: catalog.entry(named: String(name)), note: note)
        }
    }

    /// A group list (`X25519MLKEM768:X25519`, Postfix's `X25519 X448 prime256v1`), one finding per group.
    /// OpenSSL 3.5's `?` (ignore if unknown), `*` (key share) and `/` (tuples) are read; `-name` removes.
    func groups(
        _ value: String, setting: String, place: ConfigFindings.Place, note: String?, _ out: inout ConfigFindings
    ) {
        for raw in value.split(whereSeparator: { ":, /\t".contains($0) }) where !raw.isEmpty {
            var name = Substring(raw)
            if name.hasPrefix("-") { continue }
            var notes: [String] = []
            if let note { notes.append(note) }
            while let first = name.first, first == "?" || first == "*" {
                notes.append(first == "?" ? "ignored when the library lacks it (?)" : "key share sent first (*)")
                name = name.dropFirst()
            }
            if name.uppercased() == "DEFAULT" {
                notes.append("not expanded: OpenSSL's built-in group list")
                out.add(
                    at: place, setting: setting, usage: .group, algorithm: String(raw), entry: nil, status: .vulnerable,
                    note: notes.joined(separator: "; "))
                continue
            }
            let entry = catalog.entry(named: String(name))
            out.add(
                at: place, setting: setting, usage: .group, algorithm: String(raw), entry: entry,
                curve: entry?.primitive == .curve ? entry?.canonical : nil,
                note: notes.isEmpty ? nil : notes.joined(separator: "; "))
        }
    }

    // MARK: - Files a setting names

    /// Bit length of the prime in a PEM `DH PARAMETERS` text; nil when there is none.
    static func dhBits(_ bytes: [UInt8]) -> Int? {
        for block in PEM.blocks(in: bytes) where DHParametersScanner.labels.contains(block.label) {
            if let der = block.der, let bits = DHParametersScanner.primeBits(der) { return bits }
        }
        return nil
    }

    /// A DH parameter file named by a setting: its size decides the status (RFC 7919 §1: below 2048 bits is weak).
    func dhFile(
        _ written: String, from directory: String, setting: String, place: ConfigFindings.Place,
        _ out: inout ConfigFindings
    ) {
        let entry = catalog.entry(named: "DH")
        guard let tree, let target = ConfigLines.resolve(written, from: directory, tree: tree).first,
            let bytes = ConfigLines.read(target, tree: tree)
        else {
            out.add(
                at: place, setting: setting, usage: .keyExchange, algorithm: "DH", entry: entry,
                note: "finite-field DHE; parameter file \(written.prefix(200)) is not in the scanned tree: size unknown"
            )
            return
        }
        guard let bits = Self.dhBits(bytes) else {
            out.problem(
                "\(setting): \(target.display) holds no DH PARAMETERS block", line: place.line, file: place.path)
            return
        }
        dhParameters(bits: bits, setting: setting, place: place, note: "finite-field DHE, \(target.display)", &out)
    }

    func dhParameters(
        bits: Int, setting: String, place: ConfigFindings.Place, note: String?, _ out: inout ConfigFindings
    ) {
        out.add(
            at: place, setting: setting, usage: .keyExchange, algorithm: "DH", entry: catalog.entry(named: "DH"),
            keyBits: bits, note: note)
    }

    /// The public keys of the certificates in a file a setting names (`smtpd_tls_cert_file`, `ssl_cert = <`),
    /// re-stated at the setting with the certificate's asset id, so the service links to the certificate. The
    /// file's own findings come from the certificate scanner when the walk reaches it.
    func certificateFile(
        _ written: String, from directory: String, setting: String, place: ConfigFindings.Place,
        _ out: inout ConfigFindings
    ) {
        guard let tree, let target = ConfigLines.resolve(written, from: directory, tree: tree).first,
            let bytes = ConfigLines.read(target, tree: tree)
        else {
            out.add(
                at: place, setting: setting, usage: .publicKey, algorithm: "certificate", entry: nil,
                status: .vulnerable,
                note: "file \(written.prefix(200)) is not in the scanned tree; algorithm unknown, assumed vulnerable")
            return
        }
        let scanned = CertificateScanner(catalog: catalog).scan(ScanInput(path: target, bytes: bytes))
        let keys = scanned.findings.filter { $0.setting == "subjectPublicKey" }
        for key in keys.prefix(16) {
            var finding = key
            finding.path = place.path ?? out.path
            finding.line = place.line
            finding.source = out.source
            finding.setting = setting
            finding.context = place.context
            finding.effective = place.effective
            finding.origin = place.origin
            finding.note = ["certificate \(target.display)", key.note].compactMap { $0 }.joined(separator: "; ")
            out.output.findings.append(finding)
        }
    }
}
