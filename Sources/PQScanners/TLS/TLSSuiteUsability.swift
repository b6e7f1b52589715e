/// Why a suite a cipher string names is or is not negotiated by a server, in words that name the rule.
///
/// OpenSSL itself decides the security-level, version and PSK/SRP rules (`TLSServerProbe.suites`,
/// `SSL_get1_supported_ciphers`); this type only puts that verdict into words, from the suite's `-v` tokens and the
/// level's minimum strength (SSL_CTX_set_security_level(3): 80, 112, 128, 192, 256 bits for levels 1-5;
/// anonymous and MD5 suites need level 0; level 3 keeps forward-secret suites only; SHA-1 MACs need level <= 3).
/// What OpenSSL decides only inside a handshake, from what the server has (`Assets`: the certificate's key type,
/// DH parameters, an ECDHE group), is decided here (ssl/t1_lib.c `ssl_set_masks`: `aRSA`/`kRSA` need an RSA
/// certificate, `aECDSA` an EC or EdDSA one, `aDSS` a DSA one, `kDHE` DH parameters, `kECDHE` a shared group).
public enum TLSSuiteUsability {
    /// What a server has that decides which of OpenSSL's usable suites it can really negotiate.
    public struct Assets: Sendable, Hashable {
        /// OpenSSL key type names of the served certificates (`RSA`, `EC`, `ED25519`, `DSA`, `RSA-PSS`).
        public var keyTypes: Set<String>
        /// The key types were assumed (no certificate readable), not read.
        public var assumed: Bool
        /// DH parameters are set (a file, or the daemon's automatic ones).
        public var dhParameters: Bool
        /// At least one elliptic-curve group is in force.
        public var ecdheGroup: Bool

        public init(keyTypes: Set<String>, assumed: Bool, dhParameters: Bool, ecdheGroup: Bool) {
            self.keyTypes = keyTypes
            self.assumed = assumed
            self.dhParameters = dhParameters
            self.ecdheGroup = ecdheGroup
        }
    }

    /// A cipher string without its `@SECLEVEL=n` commands, for a daemon whose own level replaces theirs; nil when
    /// nothing else is left. As ssl_ciph.c `ssl_cipher_process_rulestr` reads them: elements are separated by `:`,
    /// `,`, `;` or space (`ITEM_SEP`); a command may follow a name directly (`HIGH@SECLEVEL=2`); its name is
    /// case-sensitive and takes one digit; and the rest of the element after a command is thrown away, so it goes
    /// with it. A malformed command (`@SECLEVEL=12`) stays: OpenSSL rejects the string either way.
    public static func removingSecurityLevel(_ cipherString: String) -> String? {
        func isNameCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || "-.=".contains(character))
        }
        var kept: [String] = []
        for element in cipherString.split(whereSeparator: { ":, ;".contains($0) }) {
            var text = element[...]
            if let command = text.range(of: "@SECLEVEL=") {
                let after = text[command.upperBound...]
                if let digit = after.first, digit.isASCII, digit.isNumber,
                    after.dropFirst().first.map(isNameCharacter) != true
                {
                    text = text[..<command.lowerBound]
                }
            }
            if !text.isEmpty { kept.append(String(text)) }
        }
        return kept.isEmpty ? nil : kept.joined(separator: ":")
    }

    /// Minimum symmetric strength per security level (SSL_CTX_set_security_level(3)).
    public static func minimumBits(level: Int) -> Int {
        [0, 80, 112, 128, 192, 256][max(0, min(level, 5))]
    }

    /// The default security level of an OpenSSL release: 1, and 2 since 3.2 (CHANGES.md 3.2.0).
    public static func defaultLevel(for version: OpenSSLVersion) -> Int {
        version >= OpenSSLVersion(3, 2) ? 2 : 1
    }

    /// The default security level of the OpenSSL in force: Ubuntu builds it with level 2 since 20.04 (1.1.1f and
    /// 3.x; Ubuntu's security documentation, "Disable legacy TLS"); otherwise the release's.
    public static func defaultLevel(for openssl: OpenSSLInForce) -> Int {
        openssl.isUbuntuBuild ? max(2, defaultLevel(for: openssl.version)) : defaultLevel(for: openssl.version)
    }

    /// The level at which TLS 1.0 and 1.1 are refused, as `serves` takes it: `level` where the OpenSSL in force
    /// refuses them at that level, 0 where it does not. OpenSSL 3.0 refuses them at level 1 and above (3.0.0's
    /// CHANGES: they "no longer work at the default security level of 1 and instead requires security level 0": their
    /// fixed MD5+SHA-1 and SHA-1 signatures); upstream 1.1.1 at no level; Ubuntu's 1.1.1 (20.04) at level 2 and
    /// above, a patch of its own.
    public static func legacySignatureLevel(level: Int, openssl: OpenSSLInForce) -> Int {
        if openssl.version >= OpenSSLVersion(3, 0) { return level }
        return openssl.isUbuntuBuild && level >= 2 ? level : 0
    }

    private static func value(_ token: String) -> Substring {
        guard let equals = token.firstIndex(of: "=") else { return token[...] }
        return token[token.index(after: equals)...]
    }

    /// The strength OpenSSL gives the bulk cipher (`Enc=AESGCM(128)` → 128; 3DES counts 112, NULL 0).
    static func strength(_ suite: TLSCipherSuite) -> Int {
        let enc = value(suite.encryption)
        if enc.uppercased().hasPrefix("3DES") { return 112 }
        guard let open = enc.firstIndex(of: "("), let close = enc.firstIndex(of: ")"), open < close else { return 0 }
        return Int(enc[enc.index(after: open)..<close]) ?? 0
    }

    /// Words for a suite OpenSSL dropped, naming the rule; `maximum` is the highest version the service enables.
    public static func dropReason(_ suite: TLSCipherSuite, level: Int, maximum: String?) -> String {
        let kx = value(suite.keyExchange).uppercased()
        let au = value(suite.authentication).uppercased()
        let mac = value(suite.mac).uppercased()
        let bits = strength(suite)
        let minimum = minimumBits(level: level)
        if kx.contains("PSK") || au == "PSK" { return "needs a PSK callback; none configured" }
        if kx == "SRP" || au == "SRP" { return "needs an SRP verifier file; none configured" }
        if suite.minimumProtocol == "TLSv1.2", let maximum, ["TLSv1", "TLSv1.1"].contains(maximum) {
            return "needs TLS 1.2, which this service does not enable"
        }
        if level >= 1, au == "NONE" {
            return "anonymous (no certificate): dropped at security level 1 and above (level \(level) in force)"
        }
        if level >= 1, value(suite.encryption).uppercased() == "NONE" {
            return "no encryption (NULL): below security level \(level)"
        }
        if level >= 1, mac == "MD5" { return "MD5 MAC: dropped at security level 1 and above (level \(level))" }
        if bits < minimum {
            return "\(bits)-bit cipher: below security level \(level) (needs \(minimum) bits)"
        }
        if level >= 3, !suite.isTLS13, !["ECDH", "DH", "ECDHEPSK", "DHEPSK"].contains(kx) {
            return "not forward-secret: security level \(level) keeps only ECDHE/DHE suites"
        }
        if minimum > 160, mac == "SHA1" { return "SHA-1 MAC: below security level \(level)" }
        return "dropped by OpenSSL at security level \(level)"
    }

    /// Does the suite authenticate the server with its certificate? Not PSK, SRP or anonymous suites.
    static func usesCertificate(_ suite: TLSCipherSuite) -> Bool {
        !["NONE", "PSK", "SRP"].contains(value(suite.authentication).uppercased())
    }

    /// Can the suite be negotiated at `version` under security level `level`? TLS 1.3 suites only at TLS 1.3, the
    /// others from their minimum version to TLS 1.2. In TLS 1.0 and 1.1 a certificate is only usable with the
    /// version's fixed signature algorithm, MD5+SHA-1 (RSA) or SHA-1 (ECDSA), which security level 1 and above
    /// refuse (ssl/t1_lib.c: "no suitable signature algorithm"), so no certificate-authenticated suite is left
    /// there, RSA key transport included (measured by in-memory handshakes against OpenSSL 3.0).
    public static func serves(_ suite: TLSCipherSuite, version: String, level: Int) -> Bool {
        if suite.isTLS13 || version == "TLSv1.3" { return suite.isTLS13 && version == "TLSv1.3" }
        let order = TLSProtocolChoice.all
        let minimum = suite.minimumProtocol == "SSLv3" ? "TLSv1" : suite.minimumProtocol
        guard let low = order.firstIndex(of: minimum), let at = order.firstIndex(of: version), at >= low else {
            return false
        }
        if level >= 1, version == "TLSv1" || version == "TLSv1.1", usesCertificate(suite) { return false }
        return true
    }

    /// Key types standing for "any certificate" when none was read: one of each family a suite can need.
    static let everyKeyType: Set<String> = ["RSA", "EC", "DSA"]

    /// Does the suite need the server's certificate to hold a key of one type (RSA, ECDSA or DSA authentication,
    /// RSA key transport)? TLS 1.3 suites do not (any certificate signs), nor PSK, SRP or anonymous ones.
    static func needsKeyOfOneType(_ suite: TLSCipherSuite) -> Bool {
        guard !suite.isTLS13 else { return false }
        let au = value(suite.authentication).uppercased()
        return ["RSA", "ECDSA", "DSS"].contains(au) || value(suite.keyExchange).uppercased() == "RSA"
    }

    /// The key type a suite of `needsKeyOfOneType` needs, in words ("RSA", "ECDSA", "DSA").
    static func keyNeeded(_ suite: TLSCipherSuite) -> String {
        switch value(suite.authentication).uppercased() {
        case "ECDSA": "ECDSA"
        case "DSS": "DSA"
        default: "RSA"
        }
    }

    /// Words for a suite OpenSSL keeps that this server still cannot negotiate; nil when it can.
    public static func serverReason(_ suite: TLSCipherSuite, assets: Assets) -> String? {
        let kx = value(suite.keyExchange).uppercased()
        let au = value(suite.authentication).uppercased()
        var servedWords: String {
            let served = assets.keyTypes.sorted().joined(separator: "/")
            return assets.assumed ? "\(served) (assumed: no certificate read)" : served
        }
        let rsa = assets.keyTypes.contains("RSA") || assets.keyTypes.contains("RSA-PSS")
        let ec = !assets.keyTypes.isDisjoint(with: ["EC", "ED25519", "ED448"])
        if suite.isTLS13 {
            return assets.keyTypes.isEmpty ? "needs a certificate; none configured" : nil
        }
        switch au {
        case "RSA" where !rsa: return "needs an RSA certificate; the service serves \(servedWords)"
        case "ECDSA" where !ec: return "needs an ECDSA certificate; the service serves \(servedWords)"
        case "DSS" where !assets.keyTypes.contains("DSA"):
            return "needs a DSA certificate; the service serves \(servedWords)"
        default: break
        }
        if kx == "RSA", !assets.keyTypes.contains("RSA") {
            return "RSA key transport needs an RSA certificate; the service serves \(servedWords)"
        }
        if kx == "DH", !assets.dhParameters { return "DHE needs DH parameters; none configured" }
        if kx == "ECDH", !assets.ecdheGroup { return "ECDHE needs an elliptic-curve group; none in force" }
        return nil
    }
}
