import PQCatalog
import PQModel

/// Reads the JDK's `java.security` file (`$JAVA_HOME/conf/security/java.security`) and override files
/// passed with `-Djava.security.properties`.
///
/// The disabled-algorithm properties list what the JDK refuses; what an inventory needs is what stays
/// *enabled*. For each property the scanner therefore walks the set of algorithms the JDK's providers offer
/// at that place (JSSE protocol versions, key exchanges, bulk ciphers, MACs and named groups for
/// `jdk.tls.disabledAlgorithms`; signature algorithms, digests and key types for `jdk.certpath` and
/// `jdk.jar`), removes what the property disables, and reports the rest, one finding each. A `keySize`
/// constraint becomes the smallest key size still accepted (so `RSA keySize < 1024` reports RSA from 1024
/// bits, classically broken); `jdkCA`, `usage` and `denyAfter` constraints leave the algorithm enabled with
/// the restriction in the note. `jdk.tls.legacyAlgorithms` entries are reported as negotiated last, and
/// `jdk.tls.namedGroups` (when set as a security property) replaces the default group list. In a file named
/// `java.security`, unset properties take JDK 21's values (origin `default`).
public struct JavaSecurityScanner: FileScanner {
    public let id = "java-security"
    public let sources: [FindingSource] = [.javaSecurity]
    /// A configuration may set nothing cryptographic; its own parse failures are reported by the scan.
    public let nothingFoundIsMalformed = false
    let catalog: Catalog

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// JDK 21 (LTS) `java.security` values for the properties read here.
    static let jdkDefaults: [String: String] = [
        "jdk.tls.disabledAlgorithms":
            "SSLv3, TLSv1, TLSv1.1, DTLSv1.0, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224, "
            + "3DES_EDE_CBC, anon, NULL, ECDH, include jdk.disabled.namedCurves",
        "jdk.certpath.disabledAlgorithms":
            "MD2, MD5, SHA1 jdkCA & usage TLSServer, RSA keySize < 1024, DSA keySize < 1024, EC keySize < 224, "
            + "SHA1 usage SignedJAR & denyAfter 2019-01-01, include jdk.disabled.namedCurves",
        "jdk.jar.disabledAlgorithms":
            "MD2, MD5, RSA keySize < 1024, DSA keySize < 1024, SHA1 denyAfter 2019-01-01, "
            + "include jdk.disabled.namedCurves",
        "jdk.tls.legacyAlgorithms": "NULL, anon, RC4, DES, 3DES_EDE_CBC",
        "jdk.disabled.namedCurves":
            "secp112r1, secp112r2, secp128r1, secp128r2, secp160k1, secp160r1, secp160r2, secp192k1, secp192r1, "
            + "secp224k1, secp224r1, secp256k1, sect113r1, sect113r2, sect131r1, sect131r2, sect163k1, sect163r1, "
            + "sect163r2, sect193r1, sect193r2, sect233k1, sect233r1, sect239k1, sect283k1, sect283r1, sect409k1, "
            + "sect409r1, sect571k1, sect571r1, X9.62 c2tnb191v1, X9.62 c2tnb191v2, X9.62 c2tnb191v3, "
            + "X9.62 c2tnb239v1, X9.62 c2tnb239v2, X9.62 c2tnb239v3, X9.62 c2tnb359v1, X9.62 c2tnb431r1, "
            + "X9.62 prime192v2, X9.62 prime192v3, X9.62 prime239v1, X9.62 prime239v2, X9.62 prime239v3, "
            + "brainpoolP256r1, brainpoolP320r1, brainpoolP384r1, brainpoolP512r1",
    ]
    /// JSSE's default named groups (JDK 21; JDK 27 puts X25519MLKEM768 first, JEP 527).
    static let defaultGroups =
        "x25519, secp256r1, secp384r1, secp521r1, x448, ffdhe2048, ffdhe3072, ffdhe4096, ffdhe6144, ffdhe8192"

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard ByteSearch.isText(head) else { return .none }
        if String(decoding: path.lastComponent, as: UTF8.self) == "java.security" { return .name }
        // The property must start a line: a mention in prose or a comment is not a security properties file.
        let markers = ["jdk.tls.disabledAlgorithms", "jdk.certpath.disabledAlgorithms", "jdk.jar.disabledAlgorithms"]
        let found = markers.contains { marker in
            head.starts(with: Array(marker.utf8)) || ByteSearch.contains(head, Array(("\n" + marker).utf8))
        }
        return found ? .content : .none
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var out = ConfigFindings(path: input.path, source: .javaSecurity, catalog: catalog)
        guard input.looksLikeText else {
            out.problem("binary content in a security properties file", line: nil)
            return out.finish()
        }
        out.service(input.path.display, protocol: "JSSE")
        let properties = JavaProperties(input.bytes)
        let useDefaults = String(decoding: input.path.lastComponent, as: UTF8.self) == "java.security"
        func text(_ key: String) -> String? {
            properties[key]?.text ?? (useDefaults ? Self.jdkDefaults[key] : nil)
        }
        func place(_ key: String) -> ConfigFindings.Place {
            if let value = properties[key] { return ConfigFindings.Place(line: value.line) }
            return ConfigFindings.Place(line: nil, origin: .default)
        }
        for property in ["jdk.tls.disabledAlgorithms", "jdk.certpath.disabledAlgorithms", "jdk.jar.disabledAlgorithms"]
        {
            guard let value = text(property) else { continue }
            let disabled = JavaDisabledAlgorithms(value, resolve: text)
            for part in disabled.malformed {
                out.problem("\(property): cannot read \"\(part.prefix(60))\"", line: properties[property]?.line)
            }
            let universe =
                property == "jdk.tls.disabledAlgorithms"
                ? tlsUniverse(text) : signatureUniverse(jar: property.hasPrefix("jdk.jar"))
            for item in universe {
                evaluate(item, disabled, property: property, place: place(property), &out)
            }
        }
        if let legacy = text("jdk.tls.legacyAlgorithms") {
            let disabled = JavaDisabledAlgorithms(text("jdk.tls.disabledAlgorithms") ?? "", resolve: text)
            for name in legacy.split(separator: ",").map({ $0.trimmingWhitespace() })
            where !name.isEmpty {
                let blocked = disabled.matching([name]).contains { $0.isUnconditional }
                var legacyPlace = place("jdk.tls.legacyAlgorithms")
                legacyPlace.effective = !blocked
                out.add(
                    at: legacyPlace, setting: "jdk.tls.legacyAlgorithms",
                    usage: Self.legacyUsage(name), algorithm: name,
                    entry: catalog.entry(named: Self.legacyLookup(name)),
                    note: blocked
                        ? "legacy and also disabled by jdk.tls.disabledAlgorithms: not negotiated"
                        : "legacy: negotiated only when nothing else is possible")
            }
        }
        return out.finish()
    }

    // MARK: - What the JDK offers

    struct Item {
        var written: String
        var lookup: String
        var usage: Usage
        /// Names a disabledAlgorithms entry may use for it (case-insensitive), components included.
        var names: [String]
        /// Key family a `keySize` constraint on it names (`RSA`, `DSA`, `EC`, `DH`), when it is a key.
        var keyFamily: String?
        /// The key size when fixed by the item (a named group), else nil.
        var fixedBits: Int?
        var setting: String?
        var note: String?
    }

    func tlsUniverse(_ text: (String) -> String?) -> [Item] {
        var items: [Item] = []
        for version in ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] {
            items.append(Item(written: version, lookup: version, usage: .protocolVersion, names: [version]))
        }
        items.append(Item(written: "DTLSv1.0", lookup: "TLSv1.1", usage: .protocolVersion, names: ["DTLSv1.0"]))
        items.append(Item(written: "DTLSv1.2", lookup: "TLSv1.2", usage: .protocolVersion, names: ["DTLSv1.2"]))
        let exchanges: [(String, String, [String])] = [
            ("RSA", "RSA-KEX", ["RSA", "TLS_RSA_*"]), ("DHE", "DHE", ["DHE", "DHE_RSA", "DHE_DSS", "DH"]),
            ("ECDHE", "ECDHE", ["ECDHE", "ECDHE_RSA", "ECDHE_ECDSA"]),
            ("ECDH", "ECDHE", ["ECDH", "ECDH_RSA", "ECDH_ECDSA"]),
            ("DH_anon", "Anonymous", ["DH_anon", "anon"]), ("ECDH_anon", "Anonymous", ["ECDH_anon", "anon"]),
        ]
        for (written, lookup, names) in exchanges {
            items.append(Item(written: written, lookup: lookup, usage: .keyExchange, names: names))
        }
        let ciphers: [(String, String, [String])] = [
            ("RC4_128", "RC4", ["RC4", "RC4_128"]), ("DES_CBC", "DES-CBC", ["DES", "DES_CBC"]),
            ("3DES_EDE_CBC", "3DES-CBC", ["3DES_EDE_CBC", "DESede"]),
            ("AES_128_CBC", "AES-128-CBC", ["AES_128_CBC", "AES"]),
            ("AES_256_CBC", "AES-256-CBC", ["AES_256_CBC", "AES"]),
            ("AES_128_GCM", "AES-128-GCM", ["AES_128_GCM", "AES"]),
            ("AES_256_GCM", "AES-256-GCM", ["AES_256_GCM", "AES"]),
            ("CHACHA20_POLY1305", "ChaCha20-Poly1305", ["CHACHA20_POLY1305", "ChaCha20-Poly1305"]),
            ("NULL", "NULL", ["NULL", "C_NULL"]),
        ]
        for (written, lookup, names) in ciphers {
            items.append(Item(written: written, lookup: lookup, usage: .cipher, names: names))
        }
        let macs: [(String, String, [String])] = [
            ("HmacMD5", "HMAC-MD5", ["MD5", "HmacMD5"]), ("HmacSHA1", "HMAC-SHA1", ["SHA1", "SHA-1", "HmacSHA1"]),
            ("HmacSHA256", "HMAC-SHA256", ["SHA256", "SHA-256", "HmacSHA256"]),
            ("HmacSHA384", "HMAC-SHA384", ["SHA384", "SHA-384", "HmacSHA384"]),
        ]
        for (written, lookup, names) in macs {
            items.append(Item(written: written, lookup: lookup, usage: .mac, names: names))
        }
        items += keyItems()
        let groups = text("jdk.tls.namedGroups")
        for name in (groups ?? Self.defaultGroups).split(separator: ",") {
            let group = name.trimmingWhitespace()
            guard !group.isEmpty else { continue }
            let lower = group.lowercased()
            var family: String?
            var bits: Int?
            if lower.hasPrefix("ffdhe") {
                family = "DH"
                bits = Int(lower.dropFirst(5))
            } else if lower.hasPrefix("secp") {
                family = "EC"
                bits = Int(lower.dropFirst(4).prefix { $0.isNumber })
            }
            items.append(
                Item(
                    written: group, lookup: group, usage: .group, names: [group], keyFamily: family, fixedBits: bits,
                    setting: "jdk.tls.namedGroups",
                    note: groups == nil ? "JDK 21 default named groups (JDK 27 adds X25519MLKEM768 first)" : nil))
        }
        return items
    }

    func keyItems() -> [Item] {
        [
            Item(written: "RSA", lookup: "RSA", usage: .publicKey, names: ["RSA"], keyFamily: "RSA"),
            Item(written: "DSA", lookup: "DSA", usage: .publicKey, names: ["DSA", "DSS"], keyFamily: "DSA"),
            Item(written: "EC", lookup: "ECDSA", usage: .publicKey, names: ["EC", "ECDSA"], keyFamily: "EC"),
            Item(written: "DH", lookup: "DH", usage: .keyExchange, names: ["DH", "DiffieHellman"], keyFamily: "DH"),
        ]
    }

    func signatureUniverse(jar: Bool) -> [Item] {
        var items: [Item] = []
        let signatures: [(String, String)] = [
            ("MD2withRSA", "RSA-MD2"), ("MD5withRSA", "RSA-MD5"), ("SHA1withRSA", "RSA-SHA1"),
            ("SHA1withDSA", "DSA-SHA1"),
            ("SHA1withECDSA", "ECDSA-SHA1"), ("SHA224withRSA", "RSA-SHA224"), ("SHA256withRSA", "RSA-SHA256"),
            ("SHA384withRSA", "RSA-SHA384"), ("SHA512withRSA", "RSA-SHA512"), ("SHA256withDSA", "DSA-SHA256"),
            ("SHA256withECDSA", "ECDSA-SHA256"), ("SHA384withECDSA", "ECDSA-SHA384"),
            ("SHA512withECDSA", "ECDSA-SHA512"),
            ("RSASSA-PSS", "RSA-PSS"), ("Ed25519", "Ed25519"), ("Ed448", "Ed448"), ("ML-DSA-44", "ML-DSA-44"),
            ("ML-DSA-65", "ML-DSA-65"), ("ML-DSA-87", "ML-DSA-87"),
        ]
        for (written, lookup) in signatures {
            var names = [written]
            if let range = written.range(of: "with") {
                let hash = String(written[written.startIndex..<range.lowerBound])
                names += [hash, String(written[range.upperBound...])]
                if hash.hasPrefix("SHA") { names.append("SHA-" + hash.dropFirst(3)) }
            }
            if written == "RSASSA-PSS" { names.append("RSA") }
            if written.hasPrefix("Ed") { names.append("EdDSA") }
            items.append(Item(written: written, lookup: lookup, usage: .signature, names: names))
        }
        if jar {
            for (written, lookup) in [
                ("MD5", "MD5"), ("SHA1", "SHA-1"), ("SHA-256", "SHA-256"), ("SHA-384", "SHA-384"),
                ("SHA-512", "SHA-512"),
            ] {
                items.append(
                    Item(
                        written: written, lookup: lookup, usage: .hash,
                        names: [written, lookup, written.replacingOccurrences(of: "-", with: "")]))
            }
        }
        return items + keyItems().filter { $0.keyFamily != "DH" }
    }

    // MARK: - Judging one item

    func evaluate(
        _ item: Item, _ disabled: JavaDisabledAlgorithms, property: String, place: ConfigFindings.Place,
        _ out: inout ConfigFindings
    ) {
        let matches = disabled.matching(item.names)
        if matches.contains(where: { $0.isUnconditional }) { return }
        var notes: [String] = []
        if let note = item.note { notes.append(note) }
        var keyBits = item.fixedBits
        let sizeRules = item.keyFamily.map { disabled.matching([$0]).filter { !$0.keySize.isEmpty } } ?? []
        if let fixed = item.fixedBits {
            if sizeRules.contains(where: { $0.restrictions.isEmpty && $0.disables(bits: fixed) }) { return }
        } else if item.keyFamily != nil {
            let floor = sizeRules.filter { $0.restrictions.isEmpty }.compactMap(\.minimumBits).max()
            keyBits = floor
            notes.append(
                floor.map { "keys from \($0) bits accepted (\(property))" }
                    ?? "no minimum key size in \(property)")
        }
        let restricted = matches.filter { !$0.restrictions.isEmpty }
        for entry in restricted {
            notes.append("restricted: \(entry.name) \(entry.restrictions.joined(separator: " & "))")
        }
        if restricted.isEmpty, item.keyFamily == nil || item.fixedBits != nil {
            notes.append("enabled: not disabled by \(property)")
        }
        let entry = catalog.entry(named: item.lookup)
        out.add(
            at: place, setting: item.setting ?? property, usage: item.usage, algorithm: item.written, entry: entry,
            keyBits: keyBits, curve: item.usage == .group && entry?.primitive == .curve ? entry?.canonical : nil,
            note: notes.joined(separator: "; "))
    }

    static func legacyLookup(_ name: String) -> String {
        switch name.lowercased() {
        case "anon", "dh_anon", "ecdh_anon": "Anonymous"
        case "rc4", "rc4_128", "rc4_40": "RC4"
        case "des", "des_cbc", "des40_cbc": "DES-CBC"
        case "3des_ede_cbc", "desede": "3DES-CBC"
        case "null", "c_null", "k_null", "m_null": "NULL"
        default: name
        }
    }

    static func legacyUsage(_ name: String) -> Usage {
        switch name.lowercased() {
        case "anon", "dh_anon", "ecdh_anon", "k_null": .keyExchange
        default: .cipher
        }
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "a tightened jdk.tls.disabledAlgorithms", path: "usr/lib/jvm/java-21/conf/security/java.security",
                contents: Array(
                    """
                    jdk.tls.disabledAlgorithms=SSLv3, TLSv1, TLSv1.1, RC4, DES, \\
                        MD5withRSA, DH keySize < 2048, EC keySize < 224, 3DES_EDE_CBC, anon, NULL
                    jdk.tls.namedGroups=x25519, secp256r1, ffdhe2048

                    """.utf8),
                expectedAlgorithms: ["TLSv1.2", "TLSv1.3", "ECDHE", "x25519", "ffdhe2048", "DH"]),
            ScannerExample(
                name: "a properties file without security properties", path: "opt/app/app.properties",
                contents: Array("# jdk.tls.disabledAlgorithms is mentioned only in a comment\n".utf8),
                expectsFindings: false),
        ]
    }
}
