import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// Issue 15's acceptance table: (finding, profile, as-of) → (verdict, date, rule, source), through the whole
/// `Assessor` so a finding is judged with the rest of its system (groups in force, the certificate behind RSA key
/// transport, the PQ half of a hybrid). Each case cites the source of its expectation.
@Suite("Verdicts an auditor can sign: the acceptance table")
struct VerdictTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The judged finding is the first; the others are its system's context.
        var findings: [Finding]
        var assets: [Asset] = []
        var profile: String = "nist-ir-8547"
        var asOf: String
        var overrides: [SystemOverride] = []
        var dataLifetimeYears: Int = 10
        var state: PolicyState
        /// `since` for deprecated/disallowed, `deadline` for due; nil when no date applies.
        var date: String?
        var rule: String?
        var source: String?
        var tier: RiskTier?
        var expired: String?
        var preferred: Bool?
        var reasonAbsent: String?
        /// The system the judged finding is scored under (item 9).
        var system: String?
        /// A dimension of that system's agility score and its points (items 1 and 2).
        var dimension: String?
        var points: Int?

        var testDescription: String { name }
    }

    static func f(
        _ algorithm: String, _ usage: Usage, _ source: FindingSource = "nginx", path: String? = nil, line: Int? = 3,
        keyBits: Int? = nil, context: String? = nil, setting: String? = nil, asset: String? = nil
    ) -> Finding {
        let defaultPath: String
        switch source.rawValue {
        case "nginx": defaultPath = "etc/nginx/nginx.conf"
        case "openssh": defaultPath = "etc/ssh/sshd_config"
        case "strongswan": defaultPath = "etc/ipsec.conf"
        case "wireguard": defaultPath = "etc/wireguard/wg0.conf"
        default: defaultPath = "etc/ssl/certs/a.pem"
        }
        return Fixture.finding(
            algorithm, usage: usage, source: source, path: path ?? defaultPath, line: line, keyBits: keyBits,
            context: context, asset: asset, setting: setting)
    }

    static func noted(_ finding: Finding, _ note: String) -> Finding {
        var out = finding
        out.note = note
        return out
    }

    static let cases: [Case] = [
        // MARK: Items 1, 2 and 9, the score's inputs
        // openssl-ciphers(1): a PSK suite needs a PSK callback to negotiate; it is not PQ key establishment, so a
        // Postfix offering TLS_PSK_* and X25519 earns no hybrid credit (Docs/scoring.md).
        Case(
            name: "Postfix PSK suites earn no hybrid credit",
            findings: [
                f("PSK", .keyExchange, "postfix", path: "etc/postfix/main.cf", context: "smtpd"),
                f("X25519", .group, "postfix", path: "etc/postfix/main.cf", line: 4, context: "smtpd"),
            ], asOf: "2026-06-01", state: .allowed, system: "postfix:etc/postfix", dimension: "hybrid-pq-offered",
            points: -20),
        // draft-ietf-tls-ecdhe-mlkem (standards.md §7): X25519MLKEM768 in force is hybrid PQ key establishment.
        Case(
            name: "nginx with X25519MLKEM768 in force earns the hybrid credit",
            findings: [f("X25519MLKEM768", .group), f("X25519", .group)], asOf: "2026-06-01", state: .allowed,
            system: "nginx:etc/nginx", dimension: "hybrid-pq-offered", points: 20),
        // WireGuard (wireguard.com/protocol): Noise_IKpsk2 fixes every algorithm; nothing to configure.
        Case(
            name: "WireGuard earns no configured-choice",
            findings: [f("X25519", .keyExchange, "wireguard", line: 5, context: "[Interface]", setting: "PrivateKey")],
            asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128",
            system: "wireguard:etc/wireguard/wg0.conf", dimension: "configured-choice", points: 0),
        // sshd_config(5) Include: a drop-in is part of the one sshd; it is scored with the main file.
        Case(
            name: "an sshd drop-in belongs to the sshd",
            findings: [
                f("curve25519-sha256", .keyExchange, "openssh", path: "etc/ssh/sshd_config.d/10-hardening.conf")
            ],
            asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128",
            system: "openssh:etc/ssh/sshd_config"),
        // openvpn(8): one configuration file is one instance; its blocks are not separate systems.
        Case(
            name: "an OpenVPN instance is one system",
            findings: [
                f("X25519", .group, "openvpn", path: "etc/openvpn/server/office.conf", context: "openvpn"),
                f("X25519", .group, "openvpn", path: "etc/openvpn/server/office.conf", line: 9),
            ], asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128",
            system: "openvpn:etc/openvpn/server/office.conf"),
        // FIPS 204: an ML-DSA-65 leaf is already post-quantum; a long validity pins nothing classical.
        Case(
            name: "a long-lived ML-DSA-65 leaf is not penalised",
            findings: [f("ML-DSA-65", .publicKey, "x509", asset: "pq")],
            assets: [
                Fixture.certificateAsset(
                    id: "pq", algorithm: "ML-DSA-65", keyBits: 0, curve: nil, from: "2026-01-01", until: "2029-01-01")
            ], asOf: "2026-06-01", state: .allowed, system: "store:etc/ssl/certs", dimension: "certificate-lifetime",
            points: 10),

        // MARK: Item 3, classical retirement dates (standards.md §7b)
        // SP 800-131A Rev. 2: TDEA encryption disallowed from 2024-01-01.
        Case(
            name: "3DES, NIST, 2026", findings: [f("3DES-CBC", .cipher)], asOf: "2026-06-01", state: .disallowed,
            date: "2024-01-01", rule: "nist-ir-8547/3des", source: "SP 800-131A Rev. 2"),
        // Same source: before 2024 it was still only due.
        Case(
            name: "3DES, NIST, 2023", findings: [f("3DES-CBC", .cipher)], asOf: "2023-06-01", state: .due,
            date: "2024-01-01", rule: "nist-ir-8547/3des", source: "SP 800-131A Rev. 2"),
        // Same fact under the EU roadmap profile.
        Case(
            name: "3DES, EU, 2026", findings: [f("3DES-CBC", .cipher)], profile: "eu-pqc-roadmap", asOf: "2026-06-01",
            state: .disallowed, date: "2024-01-01", rule: "eu-pqc-roadmap/3des", source: "SP 800-131A Rev. 2"),
        // NIST, 15 Dec 2022: SHA-1 retired for all applications by 2030-12-31 (SSH hmac-sha1).
        Case(
            name: "hmac-sha1 (SSH), NIST, 2026", findings: [f("hmac-sha1", .mac, "openssh")], asOf: "2026-06-01",
            state: .due, date: "2031-01-01", rule: "nist-ir-8547/sha1-hmac-kdf", source: "15 Dec 2022"),
        Case(
            name: "hmac-sha1 (SSH), NIST, 2031", findings: [f("hmac-sha1", .mac, "openssh")], asOf: "2031-06-01",
            state: .disallowed, date: "2031-01-01", rule: "nist-ir-8547/sha1-hmac-kdf", source: "15 Dec 2022"),
        // Same source: IKE's HMAC-SHA1 (strongSwan sha1_160).
        Case(
            name: "IKE sha1_160, NIST, 2026", findings: [f("sha1_160", .mac, "strongswan")], asOf: "2026-06-01",
            state: .due, date: "2031-01-01", rule: "nist-ir-8547/sha1-hmac-kdf", source: "SHA-1"),
        // Same source under the UK NCSC profile.
        Case(
            name: "hmac-sha1, UK, 2032", findings: [f("hmac-sha1", .mac, "openssh")], profile: "uk-ncsc",
            asOf: "2032-01-01", state: .disallowed, date: "2031-01-01", rule: "uk-ncsc/sha1-hmac-kdf",
            source: "SHA-1"),
        // RFC 9151 (CNSA 1.0): ECDH/ECDSA on P-384 only, so P-256 was never compliant under CNSA.
        Case(
            name: "P-256, CNSA 2.0, 2026", findings: [f("P-256", .group)], profile: "cnsa-2.0", asOf: "2026-06-01",
            state: .disallowed, date: "2022-04-01", rule: "cnsa-2.0/below-cnsa-1.0-ecc", source: "RFC 9151"),
        // Same: X25519 is not a CNSA curve.
        Case(
            name: "X25519, CNSA 2.0, 2026", findings: [f("X25519", .group)], profile: "cnsa-2.0", asOf: "2026-06-01",
            state: .disallowed, date: "2022-04-01", rule: "cnsa-2.0/below-cnsa-1.0-ecc", source: "RFC 9151"),
        // Same: EdDSA is not in CNSA 1.0.
        Case(
            name: "Ed25519, CNSA 2.0, 2026", findings: [f("ssh-ed25519", .signature, "openssh")], profile: "cnsa-2.0",
            asOf: "2026-06-01", state: .disallowed, date: "2022-04-01", rule: "cnsa-2.0/not-cnsa-1.0-family",
            source: "RFC 9151"),
        // Same: RSA below 3072 bits.
        Case(
            name: "RSA-2048, CNSA 2.0, 2026", findings: [f("RSA", .publicKey, "x509", keyBits: 2048)],
            profile: "cnsa-2.0", asOf: "2026-06-01", state: .disallowed, date: "2022-04-01",
            rule: "cnsa-2.0/below-cnsa-1.0-rsa-dh", source: "RFC 9151"),
        // Same: DH-2048 (ffdhe2048, 112 bits).
        Case(
            name: "ffdhe2048, CNSA 2.0, 2026", findings: [f("ffdhe2048", .group)], profile: "cnsa-2.0",
            asOf: "2026-06-01", state: .disallowed, date: "2022-04-01", rule: "cnsa-2.0/below-cnsa-1.0-rsa-dh",
            source: "RFC 9151"),
        // Same: AES-128.
        Case(
            name: "AES-128-GCM, CNSA 2.0, 2026", findings: [f("AES-128-GCM", .cipher)], profile: "cnsa-2.0",
            asOf: "2026-06-01", state: .disallowed, date: "2022-04-01", rule: "cnsa-2.0/symmetric-not-aes-256",
            source: "RFC 9151"),
        // Same: SHA-256.
        Case(
            name: "SHA-256, CNSA 2.0, 2026", findings: [f("SHA-256", .hash, "x509")], profile: "cnsa-2.0",
            asOf: "2026-06-01", state: .disallowed, date: "2022-04-01", rule: "cnsa-2.0/hash-not-sha-384-512",
            source: "RFC 9151"),
        // Same, and a MAC is judged like its hash: HMAC-SHA-256.
        Case(
            name: "hmac-sha2-256, CNSA 2.0, 2026", findings: [f("hmac-sha2-256", .mac, "openssh")],
            profile: "cnsa-2.0", asOf: "2026-06-01", state: .disallowed, date: "2022-04-01",
            rule: "cnsa-2.0/mac-not-hmac-sha-384-512", source: "RFC 9151"),
        // CNSA 2.0 table (standards.md §1.2): HMAC-SHA-512 is in the suite.
        Case(
            name: "hmac-sha2-512, CNSA 2.0, 2026", findings: [f("hmac-sha2-512", .mac, "openssh")],
            profile: "cnsa-2.0", asOf: "2026-06-01", state: .allowed),
        // RFC 9151 §5: TLS 1.3 with TLS_AES_256_GCM_SHA384 only.
        Case(
            name: "TLS_AES_128_GCM_SHA256, CNSA 2.0", findings: [f("TLS_AES_128_GCM_SHA256", .cipherSuite)],
            profile: "cnsa-2.0", asOf: "2026-06-01", state: .disallowed, date: "2022-04-01",
            rule: "cnsa-2.0/tls13-suite-not-aes-256", source: "RFC 9151"),
        // CNSA 2.0 web/cloud: support and prefer by 2025, exclusive by 2033 (standards.md §1.2): P-384 is in transition.
        Case(
            name: "P-384, CNSA 2.0 web, 2026", findings: [f("P-384", .group)], profile: "cnsa-2.0", asOf: "2026-06-01",
            state: .deprecated, date: "2026-01-01", rule: "cnsa-2.0/quantum-vulnerable-public-key",
            source: "CNSA 2.0"),
        // Same for RSA-3072.
        Case(
            name: "RSA-3072, CNSA 2.0 web, 2034", findings: [f("RSA", .publicKey, "x509", keyBits: 3072)],
            profile: "cnsa-2.0", asOf: "2034-02-01", state: .disallowed, date: "2034-01-01",
            rule: "cnsa-2.0/quantum-vulnerable-public-key", source: "CNSA 2.0"),
        // RFC 8996 deprecates TLS 1.0 and 1.1 (March 2021), not SP 800-131A.
        Case(
            name: "TLS 1.0, NIST", findings: [f("TLSv1", .protocolVersion)], asOf: "2026-06-01", state: .disallowed,
            date: "2021-03-01", rule: "nist-ir-8547/tls-1.0-1.1", source: "RFC 8996"),
        Case(
            name: "TLS 1.1, CNSA 2.0", findings: [f("TLSv1.1", .protocolVersion)], profile: "cnsa-2.0",
            asOf: "2026-06-01", state: .disallowed, date: "2021-03-01", rule: "cnsa-2.0/tls-1.0-1.1",
            source: "RFC 8996"),
        // RFC 7568 deprecates SSL 3.0 (June 2015).
        Case(
            name: "SSLv3, NIST", findings: [f("SSLv3", .protocolVersion)], asOf: "2026-06-01", state: .disallowed,
            date: "2015-06-01", rule: "nist-ir-8547/sslv3", source: "RFC 7568"),
        // RFC 7465 prohibits RC4 in TLS (February 2015).
        Case(
            name: "RC4, EU", findings: [f("RC4", .cipher)], profile: "eu-pqc-roadmap", asOf: "2026-06-01",
            state: .disallowed, date: "2015-02-01", rule: "eu-pqc-roadmap/rc4", source: "RFC 7465"),
        // RFC 9941 (Informational) / FIPS 203: sntrup761 is no NIST KEM; its X25519 half falls in 2035 (IR 8547).
        Case(
            name: "sntrup761x25519, NIST, 2026",
            findings: [f("sntrup761x25519-sha512@openssh.com", .keyExchange, "openssh")],
            asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/non-nist-kem-hybrid",
            source: "RFC 9941"),
        Case(
            name: "sntrup761x25519, NIST, 2036", findings: [f("sntrup761x25519-sha512", .keyExchange, "openssh")],
            asOf: "2036-01-01", state: .disallowed, date: "2036-01-01", rule: "nist-ir-8547/non-nist-kem-hybrid",
            source: "RFC 9941"),
        // standards.md §4.1: the 0x6399 draft code point is obsolete since FIPS 203 (Aug 2024).
        Case(
            name: "X25519Kyber768Draft00, NIST, 2026", findings: [f("X25519Kyber768Draft00", .group)],
            asOf: "2026-06-01", state: .deprecated, date: "2024-08-13", rule: "nist-ir-8547/kyber-draft-hybrid",
            source: "FIPS 203"),
        // SP 800-57 Pt 1 Table 2: P-192 is 80 bits, below the 112-bit floor of SP 800-131A.
        Case(
            name: "P-192 (80 bits), NIST", findings: [f("P-192", .group)], asOf: "2026-06-01", state: .disallowed,
            date: "2014-01-01", rule: "nist-ir-8547/below-112-bits", source: "80"),
        // SP 800-131A: MD5 signatures are broken, disallowed after 2013.
        Case(
            name: "RSA-MD5 signature, NIST", findings: [f("RSA-MD5", .signature, "x509")], asOf: "2026-06-01",
            state: .disallowed, date: "2014-01-01", rule: "nist-ir-8547/classically-broken", source: "SP 800-131A"),
        // IR 8547 ipd: hybrids on ML-KEM match no rule (standards.md §1.1).
        Case(
            name: "X25519MLKEM768, NIST, 2036", findings: [f("X25519MLKEM768", .group)], asOf: "2036-06-01",
            state: .allowed),

        // MARK: Item 4, one key exchange judged by its parts in force
        // IR 8547 Table 4: ECDH ≥128 bits disallowed after 2035, not deprecated in 2031; the groups in force
        // (X25519, P-256: 128 bits, SP 800-57) decide Kx=ECDH.
        Case(
            name: "Kx=ECDH with X25519 and P-256 in force, NIST, 2031",
            findings: [f("ECDHE", .keyExchange), f("X25519", .group, line: 4), f("P-256", .group, line: 4)],
            asOf: "2031-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4"),
        // Same table; with no group recorded it is judged at 112 bits (the conservative reading), and says so.
        Case(
            name: "Kx=ECDH with no group recorded, NIST, 2031", findings: [f("ECDHE", .keyExchange)],
            asOf: "2031-06-01", state: .deprecated, date: "2031-01-01", rule: "nist-ir-8547/ecdh-112",
            source: "Table 4"),
        // SP 800-131A: RSA below 2048 bits is broken; TLS_RSA_* over an RSA-1024 certificate is broken now.
        Case(
            name: "TLS_RSA key transport over RSA-1024, NIST, 2026",
            findings: [
                f("RSA-KEX", .keyExchange), f("RSA", .publicKey, line: 9, keyBits: 1024, setting: "ssl_certificate"),
            ],
            asOf: "2026-06-01", state: .disallowed, date: "2014-01-01", rule: "nist-ir-8547/classically-broken",
            source: "SP 800-131A", tier: .harvestNowDecryptLater),
        // IR 8547 Table 4: RSA key transport at 112 bits (RSA-2048) deprecated after 2030.
        Case(
            name: "TLS_RSA key transport over RSA-2048, NIST, 2031",
            findings: [
                f("RSA-KEX", .keyExchange), f("RSA", .publicKey, line: 9, keyBits: 2048, setting: "ssl_certificate"),
            ],
            asOf: "2031-06-01", state: .deprecated, date: "2031-01-01", rule: "nist-ir-8547/rsa-kt-112",
            source: "Table 4"),
        // Same table: the key of the suite's own server block decides, not another server's RSA-1024 key.
        Case(
            name: "TLS_RSA in a server with RSA-2048, beside a server with RSA-1024, NIST, 2031",
            findings: [
                f("RSA-KEX", .keyExchange, context: "server www:443"),
                f("RSA", .publicKey, line: 9, keyBits: 2048, context: "server www:443", setting: "ssl_certificate"),
                f("RSA", .publicKey, line: 19, keyBits: 1024, context: "server old:443", setting: "ssl_certificate"),
            ],
            asOf: "2031-06-01", state: .deprecated, date: "2031-01-01", rule: "nist-ir-8547/rsa-kt-112",
            source: "Table 4"),
        // openssl-ciphers(1) (standards.md §4.5): DES-CBC3, RC4 and EXP suites are broken; an unexpandable list is
        // judged by those parts, not as one unknown "vulnerable 2036" finding. They are RSA key transport suites,
        // so broken key establishment ranks first (harvest-now-decrypt-later, +10 broken).
        Case(
            name: "unexpandable DES-CBC3-SHA:RC4-SHA:EXP-RC4-MD5, NIST",
            findings: [f("DES-CBC3-SHA:RC4-SHA:EXP-RC4-MD5", .cipherSuite)], asOf: "2026-06-01",
            state: .disallowed, date: "2014-01-01", rule: "nist-ir-8547/classically-broken", source: "SP 800-131A",
            tier: .harvestNowDecryptLater),

        // MARK: Item 5, the classical half of a hybrid carries the hybrid's risk
        // RFC 9370 additional key exchanges: strongSwan's x25519-ke1_mlkem768 combines both in one IKE exchange
        // (the scanner records ke1_mlkem768 with canonical ML-KEM-768; the fixture names it by its canonical).
        Case(
            name: "strongSwan x25519 beside ke1_mlkem768",
            findings: [
                f("x25519", .keyExchange, "strongswan", line: 12, context: "conn hq-pq", setting: "ike"),
                f("ML-KEM-768", .keyExchange, "strongswan", line: 12, context: "conn hq-pq", setting: "ike"),
            ], asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4",
            tier: .low),
        // Same, ecp384 beside ke1_mlkem1024.
        Case(
            name: "strongSwan ecp384 beside ke1_mlkem1024",
            findings: [
                f("ecp384", .keyExchange, "strongswan", line: 12, context: "conn hq-pq", setting: "ike"),
                f("ML-KEM-1024", .keyExchange, "strongswan", line: 12, context: "conn hq-pq", setting: "ike"),
            ], asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4",
            tier: .low),
        // strongSwan proposals separated by a comma are alternatives (ipsec.conf(5) ike=): the modp2048 of the
        // classical-only proposal is negotiated alone and stays exposed.
        Case(
            name: "strongSwan modp2048 in a second, classical proposal",
            findings: [
                Self.noted(
                    f("modp2048", .keyExchange, "strongswan", line: 12, context: "conn hq-pq", setting: "ike"),
                    "proposal aes128-sha256-modp2048"),
                Self.noted(
                    f("ML-KEM-768", .keyExchange, "strongswan", line: 12, context: "conn hq-pq", setting: "ike"),
                    "proposal aes256-sha256-x25519-ke1_mlkem768; additional key exchange 1"),
            ], asOf: "2026-06-01", state: .due, date: "2031-01-01", rule: "nist-ir-8547/ffdh-112", source: "Table 4",
            tier: .harvestNowDecryptLater),
        // WireGuard's Noise_IKpsk2 mixes a peer's PresharedKey into the handshake (wireguard.com/protocol).
        Case(
            name: "WireGuard peer X25519 with a PresharedKey",
            findings: [
                f("X25519", .keyExchange, "wireguard", line: 9, context: "[Peer] #1", setting: "PublicKey"),
                f("PSK", .keyExchange, "wireguard", line: 10, context: "[Peer] #1", setting: "PresharedKey"),
            ], asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4",
            tier: .low),
        // Same protocol: a peer without one is exposed to harvest-now-decrypt-later (Mosca, x = 10).
        Case(
            name: "WireGuard peer X25519 without a PresharedKey",
            findings: [
                f("X25519", .keyExchange, "wireguard", line: 15, context: "[Peer] #2", setting: "PublicKey"),
                f("PSK", .keyExchange, "wireguard", line: 10, context: "[Peer] #1", setting: "PresharedKey"),
            ], asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4",
            tier: .harvestNowDecryptLater),
        // A TLS group list offers alternatives (SSL_CONF_cmd, standards.md §4.2): X25519 next to X25519MLKEM768 is
        // negotiated alone by a classical client, so it stays exposed.
        Case(
            name: "nginx X25519 listed beside X25519MLKEM768",
            findings: [
                f("X25519", .group, setting: "ssl_ecdh_curve"), f("X25519MLKEM768", .group, setting: "ssl_ecdh_curve"),
            ], asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4",
            tier: .harvestNowDecryptLater),

        // MARK: Item 6, expired certificates
        // RFC 5280 §4.1.2.5: a certificate is invalid after notAfter (the sample's www expired on 2026-07-04).
        Case(
            name: "expired leaf is flagged",
            findings: [f("ECDSA", .publicKey, "x509", keyBits: 256, asset: "www")],
            assets: [Fixture.certificateAsset(id: "www", from: "2025-07-04", until: "2026-07-04")],
            asOf: "2026-12-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdsa-128", source: "Table 2",
            expired: "2026-07-04"),
        // Same: valid through its last day.
        Case(
            name: "a leaf on its last day is not expired",
            findings: [f("ECDSA", .publicKey, "x509", keyBits: 256, asset: "www")],
            assets: [Fixture.certificateAsset(id: "www", from: "2025-07-04", until: "2026-07-04")],
            asOf: "2026-07-04", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdsa-128", source: "Table 2"),
        // A self-signed CA:FALSE certificate is a leaf (RFC 5280 §4.2.1.9): no "+15: a CA" risk.
        Case(
            name: "self-signed CA:FALSE leaf is not scored as a CA",
            findings: [f("ECDSA", .publicKey, "x509", keyBits: 256, asset: "self")],
            assets: [
                Fixture.certificateAsset(
                    id: "self", from: "2026-01-01", until: "2026-12-31", isCA: false, selfSigned: true)
            ], asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdsa-128",
            source: "Table 2", tier: .authentication, reasonAbsent: "a CA"),

        // MARK: Item 7, Mosca's inequality
        // Mosca (2018): x = 0 means confidentiality does not matter: no harvest-now-decrypt-later term.
        Case(
            name: "x = 0 removes the HNDL term", findings: [f("curve25519-sha256", .keyExchange, "openssh")],
            asOf: "2026-06-01", dataLifetimeYears: 0, state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128",
            source: "Table 4", tier: .authentication),
        // Same, per system: --system-data-lifetime sets x for one system only.
        Case(
            name: "x = 0 for one system", findings: [f("curve25519-sha256", .keyExchange, "openssh")],
            asOf: "2026-06-01", overrides: [SystemOverride(selector: "sshd_config", dataLifetimeYears: 0)],
            state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4", tier: .authentication),
        // Same: x = 10, y = 5 > z = 2035 − 2026 = 9: exposed.
        Case(
            name: "x = 10 keeps the HNDL term", findings: [f("curve25519-sha256", .keyExchange, "openssh")],
            asOf: "2026-06-01", state: .due, date: "2036-01-01", rule: "nist-ir-8547/ecdh-128", source: "Table 4",
            tier: .harvestNowDecryptLater),

        // MARK: Item 8, what profiles prefer, and the EU tracks per system
        // CNSA 2.0 table (standards.md §1.2): key establishment is ML-KEM-1024.
        Case(
            name: "ML-KEM-1024 under CNSA 2.0 is preferred", findings: [f("MLKEM1024", .group)], profile: "cnsa-2.0",
            asOf: "2026-06-01", state: .allowed, preferred: true),
        // Same: a hybrid with ML-KEM-1024 is tolerated, not what CNSA 2.0 prefers.
        Case(
            name: "SecP384r1MLKEM1024 under CNSA 2.0 is allowed, not preferred",
            findings: [f("SecP384r1MLKEM1024", .group)], profile: "cnsa-2.0", asOf: "2026-06-01", state: .allowed,
            preferred: false),
        // BSI TR-02102-1 / ANSSI (Docs/policies.md): hybrids preferred.
        Case(
            name: "X25519MLKEM768 under the EU profile is preferred", findings: [f("X25519MLKEM768", .group)],
            profile: "eu-pqc-roadmap", asOf: "2026-06-01", state: .allowed, preferred: true),
        Case(
            name: "pure ML-KEM-768 under the EU profile is not preferred", findings: [f("MLKEM768", .group)],
            profile: "eu-pqc-roadmap", asOf: "2026-06-01", state: .allowed, preferred: false),
        // EU roadmap (standards.md §1.3): high-risk use cases migrated by 31 Dec 2030.
        Case(
            name: "EU high-risk track set for one system", findings: [f("X25519", .group)],
            profile: "eu-pqc-roadmap", asOf: "2031-06-01",
            overrides: [SystemOverride(selector: "nginx:etc/nginx", category: "high-risk")], state: .disallowed,
            date: "2031-01-01", rule: "eu-pqc-roadmap/quantum-vulnerable", source: "31 Dec 2030"),
        // Same roadmap: medium-risk by 31 Dec 2035 (the default track).
        Case(
            name: "EU medium-risk track by default", findings: [f("X25519", .group)], profile: "eu-pqc-roadmap",
            asOf: "2031-06-01", state: .due, date: "2036-01-01", rule: "eu-pqc-roadmap/quantum-vulnerable",
            source: "31 Dec 2035"),
    ]

    @Test("the table holds at least 40 cases")
    func enoughCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test("each finding gets its verdict, date, rule and source", arguments: cases)
    func verdict(_ testCase: Case) throws {
        let profile = try PolicyProfile.bundled(testCase.profile)
        let input = AssessmentInput(scan: Fixture.scan(), findings: testCase.findings, assets: testCase.assets)
        let options = AssessmentOptions(
            profile: profile, asOf: Fixture.day(testCase.asOf), dataLifetimeYears: testCase.dataLifetimeYears,
            systemOverrides: testCase.overrides)
        let result = try Assessor.assess(input, options: options)
        let judged = try #require(result.findings.first { $0.finding.index == 0 })
        let verdict = judged.verdict
        #expect(verdict.state == testCase.state, "\(verdict.explanation)")
        if let date = testCase.date {
            let shown = verdict.state == .due ? verdict.deadline : verdict.since
            #expect(shown == Fixture.day(date), "\(verdict.explanation)")
        }
        #expect(verdict.rule == testCase.rule)
        if let source = testCase.source {
            #expect(
                verdict.source.contains(source) || verdict.explanation.contains(source),
                "source \(verdict.source)")
        }
        if let tier = testCase.tier { #expect(judged.risk.tier == tier, "\(judged.risk.reasons)") }
        #expect(judged.expired == testCase.expired.map(Fixture.day))
        if let preferred = testCase.preferred { #expect(verdict.preferred == preferred) }
        if let system = testCase.system { #expect(judged.system == system) }
        if let dimension = testCase.dimension {
            let score = try #require(result.systems.first { $0.system.id == judged.system })
            let adjustment = score.adjustments.first { $0.dimension == dimension }
            #expect(adjustment?.points == testCase.points, "\(score.adjustments.map(\.reason))")
        }
        if let absent = testCase.reasonAbsent {
            #expect(!judged.risk.reasons.contains { $0.contains(absent) }, "\(judged.risk.reasons)")
        }
    }
}
