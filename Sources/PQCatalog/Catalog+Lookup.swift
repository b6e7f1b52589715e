import PQModel

// MARK: - Lookups beyond a single name or OID

extension Catalog {
    /// Every entry of one family (`RSA`, `ECDSA`, `ML-KEM`, `AES`, `FFDH`, ...), case-insensitively, in catalog order.
    ///
    /// - Parameter family: the family as the catalog spells it (CycloneDX 1.7 `algorithmFamily` where one fits).
    /// - Returns: the matching entries; empty when the family is unknown.
    public func entries(family: String) -> [AlgorithmEntry] {
        let key = Catalog.normalise(family)
        return entries.filter { Catalog.normalise($0.family) == key }
    }

    /// Every entry of one primitive, in catalog order.
    public func entries(primitive: Primitive) -> [AlgorithmEntry] {
        entries.filter { $0.primitive == primitive }
    }

    /// Every entry with one quantum status, in catalog order.
    public func entries(status: QuantumStatus) -> [AlgorithmEntry] {
        entries.filter { $0.quantumStatus == status }
    }

    /// The named curve or finite-field group for a spelling (`secp384r1`, `P-384`, `nistp384`, `ecp384`, `ffdhe2048`).
    ///
    /// Returns nil when the name is unknown or names something other than a curve or group, so a caller filling
    /// a finding's `curve` never receives an algorithm by mistake.
    public func curve(named name: String) -> AlgorithmEntry? {
        entry(named: name).flatMap { $0.primitive == .curve ? $0 : nil }
    }

    /// The named curve for an ECParameters `namedCurve` OID (RFC 5480 §2.1.1.1), e.g. 1.3.132.0.34 → `P-384`.
    public func curve(oid: String) -> AlgorithmEntry? {
        entry(oid: oid).flatMap { $0.primitive == .curve ? $0 : nil }
    }

    /// The name and field size of the named curve an ECParameters `namedCurve` OID gives (RFC 5480 §2.1.1.1).
    public func namedCurveKey(oid: String) -> (name: String, bits: Int)? {
        guard let entry = curve(oid: oid), let bits = entry.keyBits else { return nil }
        return (entry.canonical, bits)
    }

    /// The key size a key algorithm's OID fixes (Ed25519: 256 on Curve25519; ML-KEM-768: 9472), or nil when the
    /// size is read from the key itself.
    public func fixedKeySize(oid: String) -> (bits: Int, curve: String?)? {
        guard let entry = entry(oid: oid), entry.primitive != .curve, let bits = entry.keyBits else { return nil }
        return (bits, entry.keyCurve)
    }

    /// The entry for an IANA TLS Supported Groups code point (RFC 8446 §4.2.7), e.g. 0x11EC → `ML-KEM-768+X25519`.
    ///
    /// TLS registries reuse numbers (0x0201 is both MLKEM768 and rsa_pkcs1_sha1), so each registry has its own lookup.
    public func tlsGroup(codePoint: UInt16) -> AlgorithmEntry? {
        entries.first { $0.tlsCodePointValue == codePoint && $0.isTLSGroup }
    }

    /// The entry for an IANA TLS SignatureScheme code point (RFC 8446 §4.2.3), e.g. 0x0905 → `ML-DSA-65`.
    public func tlsSignatureScheme(codePoint: UInt16) -> AlgorithmEntry? {
        entries.first { $0.tlsCodePointValue == codePoint && $0.primitive == .signature && !$0.isTLSGroup }
    }

    /// The entry for an IANA TLS cipher-suite code point (TLS 1.3 suites, RFC 8446 Appendix B.4), e.g. 0x1302.
    public func tlsCipherSuite(codePoint: UInt16) -> AlgorithmEntry? {
        entries.first { $0.tlsCodePointValue == codePoint && $0.primitive == .protocol }
    }

    /// Resolves a MAC token as configuration files write it.
    ///
    /// OpenSSL cipher strings (`Mac=SHA1` in `openssl ciphers -v`) and strongSwan proposals (`sha256`, `md5`) name the
    /// hash where they mean HMAC over that hash (RFC 2104; RFC 4868 for IKEv2). Because one spelling has one owner in
    /// the catalog, a bare hash name finds the hash entry; this lookup then moves to `HMAC-<hash>` when the catalog
    /// has it, so `sha1` as an integrity algorithm is judged as HMAC-SHA1 (weakened), not as SHA-1 (broken).
    ///
    /// - Parameter token: the MAC as written (`hmac-sha2-256-etm@openssh.com`, `Mac=SHA384`, `sha1`, `AEAD`).
    /// - Returns: the MAC entry, the hash entry when no HMAC row exists, or nil when the token is unknown.
    public func entry(mac token: String) -> AlgorithmEntry? {
        guard let found = entry(named: token) else { return nil }
        guard found.primitive == .hash else { return found }
        let hmacName = "HMAC-" + found.canonical.replacingOccurrences(of: "-", with: "")
        return entry(named: hmacName) ?? found
    }
}

// MARK: - Code points

extension AlgorithmEntry {
    /// `tlsCodePoint` as a number ("0x11EC" → 4588), or nil when absent or not hexadecimal.
    public var tlsCodePointValue: UInt16? {
        guard let text = tlsCodePoint else { return nil }
        let digits = text.lowercased().hasPrefix("0x") ? String(text.dropFirst(2)) : text
        return UInt16(digits, radix: 16)
    }

    /// True for rows whose code point is in the TLS Supported Groups registry: curves, finite-field groups, KEMs
    /// and key agreements. Signature schemes and cipher suites live in other registries.
    var isTLSGroup: Bool {
        switch primitive {
        case .curve, .kem, .keyAgree: true
        default: false
        }
    }
}
