import PQCatalog
import PQModel

/// Reads strongSwan's IKE configuration: legacy `ipsec.conf` (ipsec.conf(5)) and `swanctl.conf` (swanctl.conf(5)).
///
/// Every algorithm of every IKE and ESP/AH proposal becomes one finding with the connection as its context:
/// encryption, integrity, PRF and each key exchange, including ML-KEM (FIPS 203) as strongSwan 6 spells it and
/// the RFC 9370 additional key exchanges (`ke1_mlkem768`). In `ipsec.conf` a proposal list without the trailing
/// `!` is not strict: strongSwan appends its default proposals, whose algorithms are then reported too (origin
/// `default`). `conn %default` and `also=` are resolved (own settings win over `also=`, which win over
/// `%default`), `include` is followed through the scanned tree, and a connection with `auto=ignore` is reported
/// as not in force. In `swanctl.conf` the keyword `default` in a list stands for the default proposals.
public struct StrongSwanScanner: FileScanner {
    public let id = "strongswan"
    public let sources: [FindingSource] = [.strongswan]
    /// A configuration may set nothing cryptographic; its own parse failures are reported by the scan.
    public let nothingFoundIsMalformed = false
    let catalog: Catalog

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// strongSwan's built-in IKE proposal set (`proposal_create_default` and `_aead` in `proposal.c`, 5.9/6.0),
    /// flattened into one list of keywords. Classical key exchanges only: ML-KEM must be configured.
    static let defaultIKE =
        "aes128-aes192-aes256-aes128gcm16-aes192gcm16-aes256gcm16-chacha20poly1305-sha256-sha384-sha512-"
        + "prfsha256-prfsha384-prfsha512-ecp256-ecp384-ecp521-curve25519-curve448-modp3072-modp4096-modp6144-"
        + "modp8192-modp2048"
    /// strongSwan's built-in ESP proposal set, flattened (no key exchange before 6.0.2, i.e. no PFS).
    static let defaultESP =
        "aes128gcm16-aes192gcm16-aes256gcm16-chacha20poly1305-aes128-aes192-aes256-sha256-sha384-sha512"
    static let defaultNote = "strongSwan's default proposal (proposal.c; the exact list depends on version and plugins)"

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard ByteSearch.isText(head) else { return .none }
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        if name == "ipsec.conf" || name == "swanctl.conf" || Self.mainName(forFragment: path) != nil { return .name }
        return .none
    }

    /// For a file of `ipsec.d/` or `swanctl/conf.d/`, the main file that includes it.
    static func mainName(forFragment path: ScanPath) -> String? {
        guard path.lowercasedExtension == "conf", ByteSearch.contains(path.bytes, Array(".d/".utf8)) else { return nil }
        let text = path.display
        guard text.hasSuffix(".conf") else { return nil }
        if text.contains("swanctl/conf.d/") { return "swanctl.conf" }
        if text.contains("ipsec.d/") { return "ipsec.conf" }
        return nil
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        guard input.looksLikeText else {
            var out = ConfigFindings(path: input.path, source: .strongswan, catalog: catalog)
            out.problem("binary content in a strongSwan configuration", line: nil)
            return out.finish()
        }
        let name = String(decoding: input.path.lastComponent, as: UTF8.self)
        let tree = input.context.tree
        guard let mainName = Self.mainName(forFragment: input.path), name != "ipsec.conf", name != "swanctl.conf"
        else {
            var out = evaluate(input.path, input.bytes, swanctl: name == "swanctl.conf", tree: tree)
            // Included files this scanner claims on their own report themselves; others stay with the main file.
            let fragments = out.included.filter { Self.mainName(forFragment: $0) != nil }
            return ConfigOwnership.keep(out.finish(), for: input.path, isMain: true, fragments: fragments)
        }
        if let (owner, bytes) = ConfigOwnership.owner(of: input.path, mainName: mainName, tree: tree) {
            var out = evaluate(owner, bytes, swanctl: mainName == "swanctl.conf", tree: tree)
            if out.included.contains(input.path) {
                return ConfigOwnership.keep(out.finish(), for: input.path, isMain: false, fragments: out.included)
            }
        }
        var out = evaluate(input.path, input.bytes, swanctl: mainName == "swanctl.conf", tree: tree)
        return ConfigOwnership.orphan(out.finish(), mainName: mainName)
    }

    private func evaluate(_ path: ScanPath, _ bytes: [UInt8], swanctl: Bool, tree: (any TreeReader)?) -> ConfigFindings
    {
        var out = ConfigFindings(path: path, source: .strongswan, catalog: catalog)
        out.service(path.display, protocol: "IKEv2")
        let input = ScanInput(path: path, bytes: bytes, context: ScanContext(tree: tree))
        if swanctl {
            SwanctlConf.scan(input, scanner: self, &out)
        } else {
            IPsecConf.scan(input, scanner: self, &out)
        }
        return out
    }

    // MARK: - Proposals to findings

    /// Findings for one proposal list as written (`aes256-sha256-modp3072,aes128-sha1-modp2048!`).
    func emit(
        list: String, setting: String, place: ConfigFindings.Place, defaultList: String, strictByDefault: Bool,
        _ out: inout ConfigFindings
    ) {
        var text = list.trimmingWhitespace()
        var strict = strictByDefault
        if text.hasSuffix("!") {
            strict = true
            text.removeLast()
        }
        var appendDefault = !strict
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) where !item.isEmpty {
            if item.lowercased() == "default" {
                appendDefault = true
                continue
            }
            emit(proposal: IKEProposal(String(item)), setting: setting, place: place, note: nil, &out)
        }
        if appendDefault {
            var defaultPlace = place
            defaultPlace.origin = .default
            let why = strict ? Self.defaultNote : Self.defaultNote + "; appended because the list is not strict (no !)"
            emit(proposal: IKEProposal(defaultList), setting: setting, place: defaultPlace, note: why, &out)
        }
    }

    func emit(
        proposal: IKEProposal, setting: String, place: ConfigFindings.Place, note: String?, _ out: inout ConfigFindings
    ) {
        let exchanges = proposal.transforms.filter { $0.kind == .keyExchange && $0.keyword != "none" }
        let pqRounds = exchanges.filter { Self.isPostQuantum($0.keyword) }
        let classical = exchanges.filter { !Self.isPostQuantum($0.keyword) }
        for transform in proposal.transforms {
            if transform.kind == .esn || transform.keyword == "none" || transform.keyword == "modpnone" { continue }
            let entry = IKEProposal.entry(transform, catalog: catalog)
            var notes: [String] = []
            if let note { notes.append(note) }
            let usage: Usage
            var keyBits: Int?
            var curve: String?
            switch transform.kind {
            case .encryption: usage = .cipher
            case .integrity: usage = .mac
            case .prf:
                usage = .mac
                notes.append("pseudo-random function")
            case .keyExchange, .esn:
                usage = .keyExchange
                if transform.keyword.hasPrefix("modp") {
                    keyBits = Int(transform.keyword.dropFirst(4).prefix { $0.isNumber })
                } else if let entry, entry.primitive == .curve {
                    curve = entry.canonical
                }
                if transform.round > 0 {
                    var text = "additional key exchange \(transform.round) (RFC 9370)"
                    if proposal.transforms.contains(where: { $0.round == transform.round && $0.keyword == "none" }) {
                        text += ", optional (ke\(transform.round)_none)"
                    }
                    notes.append(text)
                }
                if Self.isPostQuantum(transform.keyword), !classical.isEmpty {
                    notes.append("hybrid with \(classical.map(\.written).joined(separator: "/")) in this proposal")
                } else if !Self.isPostQuantum(transform.keyword), !pqRounds.isEmpty {
                    notes.append(
                        "combined with \(pqRounds.map(\.written).joined(separator: "/")) (RFC 9370): recorded "
                            + "traffic stays protected while ML-KEM holds")
                }
            }
            if note == nil { notes.insert("proposal \(proposal.written.prefix(160))", at: 0) }
            out.add(
                at: place, setting: setting, usage: usage, algorithm: transform.written, entry: entry,
                keyBits: keyBits, curve: curve, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
        }
    }

    static func isPostQuantum(_ keyword: String) -> Bool {
        ["mlkem", "kyber", "ntru", "frodo", "hqc", "bike", "saber"].contains { keyword.hasPrefix($0) }
    }

    // MARK: - Examples

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "ipsec.conf: strict hybrid IKE proposal", path: "etc/ipsec.conf",
                contents: Array(
                    """
                    conn office
                        keyexchange=ikev2
                        ike=aes256gcm16-prfsha384-x25519-ke1_mlkem768!
                        esp=aes256gcm16-ecp384!
                        auto=start

                    """.utf8),
                expectedAlgorithms: ["aes256gcm16", "x25519", "ke1_mlkem768", "ecp384"]),
            ScannerExample(
                name: "swanctl.conf: proposals in a connection", path: "etc/swanctl/swanctl.conf",
                contents: Array(
                    """
                    connections {
                        rw {
                            proposals = aes128-sha256-modp2048
                            children {
                                net { esp_proposals = aes128gcm16 }
                            }
                        }
                    }

                    """.utf8),
                expectedAlgorithms: ["modp2048", "sha256"]),
            ScannerExample(
                name: "swanctl.conf: unbalanced braces", path: "etc/swanctl/swanctl.conf",
                contents: Array("connections {\n  rw {\n    proposals = aes128-sha256-ecp256\n".utf8),
                expectedAlgorithms: ["ecp256"], expectsDiagnostic: true),
        ]
    }
}
