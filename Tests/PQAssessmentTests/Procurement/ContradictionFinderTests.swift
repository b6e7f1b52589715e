import Foundation
import PQModel
import Testing

@testable import PQAssessment

@Suite("Claims against evidence: every contradiction kind, with its proof")
struct ContradictionFinderTests {
    let finder = ContradictionFinder()

    func claims(_ protocols: [ProtocolClaim]) -> VendorClaims {
        VendorClaims(vendor: "V", product: "P", protocols: protocols, file: "v.yaml")
    }

    func nginx(_ algorithm: String, line: Int = 41) -> Finding {
        Fixture.finding(
            algorithm, usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", line: line,
            setting: "ssl_ecdh_curve")
    }

    func sshd(_ algorithm: String, usage: Usage = .keyExchange, line: Int = 5, setting: String = "KexAlgorithms")
        -> Finding
    {
        Fixture.finding(
            algorithm, usage: usage, source: "openssh", path: "etc/ssh/sshd_config", line: line, setting: setting)
    }

    @Test("a default not in force: the proof cites the file, line and setting (issue 9's example)")
    func defaultNotInForce() {
        let claim = ProtocolClaim(
            protocol: .tlsServer, supported: ["X25519MLKEM768", "P-256"], defaults: ["X25519MLKEM768"])
        let found = finder.contradictions(claims([claim]), evidence: [nginx("prime256v1")])
        #expect(found.map(\.kind) == [.defaultNotInForce])
        #expect(
            found.first?.sentence
                == "claims X25519MLKEM768 on by default for tls-server; `etc/nginx/nginx.conf:41` sets "
                + "`ssl_ecdh_curve prime256v1`")
        #expect(found.first?.path == "etc/nginx/nginx.conf" && found.first?.line == 41)
    }

    @Test("a default spelt another way, and in force, is no contradiction")
    func defaultInForce() {
        let claim = ProtocolClaim(
            protocol: .ssh, supported: ["X25519MLKEM768", "X25519"], defaults: ["X25519MLKEM768"], hybrid: true)
        let evidence = [sshd("mlkem768x25519-sha256"), sshd("curve25519-sha256")]
        #expect(finder.contradictions(claims([claim]), evidence: evidence).isEmpty)
    }

    @Test("hybrid claimed, none in force")
    func hybridNotOffered() {
        let claim = ProtocolClaim(protocol: .ssh, supported: ["X25519", "P-256"], hybrid: true)
        let found = finder.contradictions(
            claims([claim]), evidence: [sshd("curve25519-sha256"), sshd("ecdh-sha2-nistp256")])
        #expect(found.map(\.kind).contains(.hybridNotOffered))
        #expect(
            found.first?.proof.contains(
                "`etc/ssh/sshd_config:5` sets `KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256`") == true)
    }

    @Test("ML-DSA firmware signing claimed; the signing certificate is RSA-2048 (issue 9's example)")
    func classicalSigningKey() {
        let claim = ProtocolClaim(
            protocol: .firmwareSigning, supported: ["ML-DSA-87"], defaults: ["ML-DSA-87"], evidence: ["fw/*"])
        let rsa = Fixture.finding("RSA", usage: .publicKey, source: "x509", path: "fw/signer.pem", keyBits: 2048)
        let found = finder.contradictions(claims([claim]), evidence: [rsa])
        #expect(found.map(\.kind) == [.classicalSigningKey])
        #expect(
            found.first?.sentence
                == "claims ML-DSA-87 firmware signing; the signing certificate `fw/signer.pem` is RSA-2048")
        let mldsa = Fixture.finding("ML-DSA-87", usage: .publicKey, source: "x509", path: "fw/signer.pem")
        #expect(finder.contradictions(claims([claim]), evidence: [mldsa]).isEmpty)
        let key = Fixture.finding("ECDSA", usage: .publicKey, source: "private-key", path: "fw/k.pem", curve: "P-256")
        #expect(
            finder.contradictions(claims([claim]), evidence: [key]).first?.proof
                == "the signing key `fw/k.pem` is ECDSA P-256")
    }

    @Test("an algorithm in force that the claim does not name, for a job the claim lists")
    func unclaimedAlgorithm() {
        let claim = ProtocolClaim(protocol: .ssh, supported: ["curve25519-sha256", "aes256-gcm@openssh.com"])
        let evidence = [
            sshd("curve25519-sha256"), sshd("ecdh-sha2-nistp256"),
            sshd("hmac-sha2-256", usage: .mac, line: 8, setting: "MACs"),
        ]
        let found = finder.contradictions(claims([claim]), evidence: evidence)
        #expect(found.map(\.kind) == [.unclaimedAlgorithm])
        #expect(found.first?.proof == "`etc/ssh/sshd_config:5` sets `KexAlgorithms ecdh-sha2-nistp256` (P-256)")
        #expect(found.first?.claim == "claims ssh key exchange is limited to curve25519-sha256")
    }

    @Test("a classically broken algorithm in force that the claim does not name")
    func brokenInForce() {
        let claim = ProtocolClaim(protocol: .ssh, supported: ["ssh-ed25519"])
        let found = finder.contradictions(
            claims([claim]), evidence: [sshd("ssh-rsa", usage: .signature, line: 6, setting: "HostKeyAlgorithms")])
        #expect(found.map(\.kind) == [.brokenInForce])
        #expect(
            found.first?.proof
                == "`etc/ssh/sshd_config:6` sets `HostKeyAlgorithms ssh-rsa` (SHA-1 with RSA, classically broken)")
    }

    @Test("findings not in force, and defaults where the vendor wrote a setting, prove nothing")
    func onlyInForce() {
        let claim = ProtocolClaim(protocol: .ssh, supported: ["curve25519-sha256"], defaults: ["curve25519-sha256"])
        var stale = sshd("ecdh-sha2-nistp256", line: 9)
        stale.effective = false
        let gss = Fixture.finding(
            "gss-group14-sha1-", usage: .keyExchange, source: "openssh", path: "etc/ssh/sshd_config",
            origin: .default, setting: "GSSAPIKexAlgorithms")
        #expect(finder.contradictions(claims([claim]), evidence: [sshd("curve25519-sha256"), stale, gss]).isEmpty)
    }

    @Test("a default-origin setting is cited as a default, not as a line the vendor wrote")
    func defaultProof() {
        let claim = ProtocolClaim(
            protocol: .ssh, supported: ["mlkem768x25519-sha256"], defaults: ["mlkem768x25519-sha256"])
        let fallback = Fixture.finding(
            "curve25519-sha256", usage: .keyExchange, source: "openssh", path: "etc/ssh/sshd_config",
            origin: .default, setting: "KexAlgorithms")
        let found = finder.contradictions(claims([claim]), evidence: [fallback])
        #expect(
            found.first?.proof == "`etc/ssh/sshd_config` leaves `KexAlgorithms` unset, so its default "
                + "`curve25519-sha256` is in force")
    }

    @Test("evidence is chosen by source, or by the claim's paths, so a new scanner's source just works")
    func selection() {
        let tls = ProtocolClaim(protocol: .tlsServer, supported: ["X25519"], defaults: ["X25519"])
        let future = Fixture.finding(
            "prime256v1", usage: .group, source: "lighttpd-tls", path: "etc/lighttpd.conf", line: 3,
            setting: "ssl.ec-curve")
        #expect(
            finder.contradictions(claims([tls]), evidence: [future]).map(\.kind) == [
                .defaultNotInForce, .unclaimedAlgorithm,
            ])
        var pinned = tls
        pinned.evidence = ["opt/app/*"]
        #expect(finder.contradictions(claims([pinned]), evidence: [future]).isEmpty)
        let unknown = Fixture.finding(
            "prime256v1", usage: .group, source: "appd", path: "opt/app/conf", line: 2, setting: "curves")
        #expect(
            finder.contradictions(claims([pinned]), evidence: [unknown]).map(\.kind) == [
                .defaultNotInForce, .unclaimedAlgorithm,
            ])
        #expect(PathPattern("fw").matches(display: "fw/signer.pem"))
        #expect(PathPattern("fw/*.pem").matches(display: "fw/a/b.pem"))
        #expect(!PathPattern("fw").matches(display: "fwx/a.pem"))
    }
}

@Suite("Claims against evidence: what counts as post-quantum key exchange")
struct PQKeyExchangeTests {
    @Test("a PSK key exchange is quantum-resistant but not a hybrid: hybrid-not-offered still fires")
    func pskIsNotHybrid() {
        let claim = ProtocolClaim(protocol: .tlsServer, supported: ["X25519"], hybrid: true)
        let psk = Fixture.finding(
            "Kx=PSK", usage: .keyExchange, source: "nginx", path: "etc/nginx/nginx.conf", line: 38,
            setting: "ssl_ciphers")
        let found = ContradictionFinder().contradictions(
            VendorClaims(vendor: "V", product: "P", protocols: [claim], file: "v.yaml"), evidence: [psk])
        #expect(found.map(\.kind).contains(.hybridNotOffered))
    }
}

@Suite("Claims against evidence: suites by their parts, chains, exclusions, agility")
struct ContradictionPartsTests {
    let finder = ContradictionFinder()

    func claims(_ protocols: [ProtocolClaim]) -> VendorClaims {
        VendorClaims(vendor: "V", product: "P", protocols: protocols, file: "v.yaml")
    }

    func part(_ algorithm: String, _ usage: Usage) -> Finding {
        Fixture.finding(
            algorithm, usage: usage, source: "nginx", path: "etc/nginx/nginx.conf", line: 5, setting: "ssl_ciphers")
    }

    @Test("ECDHE, ECDSA and AEAD suite parts are borne out by the claimed groups, signatures and ciphers")
    func suitePartsByFamily() {
        let claim = ProtocolClaim(
            protocol: .tlsServer, supported: ["X25519", "P-384", "ECDSA-SHA384", "AES-256-GCM"],
            defaults: ["X25519"])
        let parts = [
            part("Kx=ECDH", .keyExchange), part("Au=ECDSA", .signature), part("Enc=AESGCM(256)", .cipher),
            part("Mac=AEAD", .mac),
            Fixture.finding(
                "X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", line: 4,
                setting: "ssl_ecdh_curve"),
        ]
        #expect(finder.contradictions(claims([claim]), evidence: parts).isEmpty)
        // Finite-field DHE and RSA authentication are other families: not borne out by the claim.
        let found = finder.contradictions(
            claims([claim]), evidence: parts + [part("Kx=DH", .keyExchange), part("Au=RSA", .signature)])
        #expect(found.map(\.kind) == [.unclaimedAlgorithm, .unclaimedAlgorithm])
        #expect(found.contains { $0.proof == "`etc/nginx/nginx.conf:5` sets `ssl_ciphers Kx=DH` (DHE)" })
    }

    @Test("an excluded hash excludes the signatures built on it; the proof names it in words")
    func excludedHash() {
        let claim = ProtocolClaim(protocol: .tlsServer, supported: ["X25519"], excluded: ["SHA-1"])
        let intermediate = Finding(
            path: ScanPath("etc/ui-chain.pem"), line: 18, source: .x509, setting: "signatureAlgorithm",
            usage: .signature, algorithm: "1.2.840.113549.1.1.5", canonical: "RSA-SHA1", oid: "1.2.840.113549.1.1.5",
            quantumStatus: .broken)
        var pinned = claim
        pinned.evidence = ["etc/ui-chain.pem"]
        let found = finder.contradictions(claims([pinned]), evidence: [intermediate])
        #expect(found.map(\.kind) == [.excludedInForce])
        #expect(
            found.first?.proof == "the 1st certificate in `etc/ui-chain.pem`, line 18 is signed with SHA-1 with RSA")
        #expect(found.first?.requirement == "no-broken-crypto")
    }

    @Test("configurable claimed: WireGuard fixes its algorithms; an OpenSSL before 3.5 knows no PQ algorithm")
    func agility() {
        let vpn = ProtocolClaim(protocol: .ipsec, supported: ["X25519"], configurable: true)
        let wg = Fixture.finding(
            "X25519", usage: .keyExchange, source: "wireguard", path: "etc/wireguard/wg0.conf", line: 2,
            setting: "PrivateKey")
        #expect(finder.contradictions(claims([vpn]), evidence: [wg]).map(\.kind) == [.notConfigurable])
        var honest = vpn
        honest.configurable = false
        #expect(finder.contradictions(claims([honest]), evidence: [wg]).isEmpty)
        // A built-in list no setting can change, as a scanner marks it, is evidence against "configurable" too.
        let app = ProtocolClaim(protocol: .tlsServer, supported: ["AES-256-GCM"], configurable: true)
        var builtIn = Fixture.finding(
            "AES-256-GCM", usage: .cipher, source: "appd", path: "opt/app/appd.conf", origin: .default,
            setting: "ciphers")
        builtIn.note = "hard-coded in appd 2.1 (no setting)"
        var pinned = app
        pinned.evidence = ["opt/app/*"]
        let hardCoded = finder.contradictions(claims([pinned]), evidence: [builtIn])
        #expect(hardCoded.map(\.kind) == [.notConfigurable])
        #expect(hardCoded.first?.proof.contains("hard-coded in appd 2.1") == true)
        builtIn.note = nil
        #expect(finder.contradictions(claims([pinned]), evidence: [builtIn]).isEmpty)
        let tls = ProtocolClaim(protocol: .tlsServer, supported: ["X25519"], configurable: true)
        let group = Fixture.finding(
            "X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", line: 4, setting: "ssl_ecdh_curve")
        let old = [
            Software(name: "libssl1.1", version: "1.1.1w-0+deb11u1", sourcePath: ScanPath("var/lib/dpkg/status")),
            Software(name: "libssl3", version: "3.0.13-1", sourcePath: ScanPath("var/lib/dpkg/status")),
        ]
        let found = finder.contradictions(claims([tls]), evidence: [group], software: old)
        #expect(found.map(\.kind) == [.notConfigurable])
        #expect(found.first?.proof.contains("libssl3 3.0.13-1") == true)
        let new = old + [Software(name: "libssl3t64", version: "3.5.4-1", sourcePath: ScanPath("var/lib/dpkg/status"))]
        #expect(finder.contradictions(claims([tls]), evidence: [group], software: new).isEmpty)
    }

    @Test("protocol versions: a claimed TLS 1.3 default must be in force, and an unclaimed TLS 1.2 is named")
    func protocolVersions() {
        let claim = ProtocolClaim(protocol: .tlsServer, supported: ["TLSv1.3"], defaults: ["TLSv1.3"])
        func version(_ name: String) -> Finding {
            Fixture.finding(
                name, usage: .protocolVersion, source: "nginx", path: "etc/nginx/nginx.conf", line: 5,
                setting: "ssl_protocols")
        }
        #expect(finder.contradictions(claims([claim]), evidence: [version("TLSv1.3")]).isEmpty)
        let found = finder.contradictions(claims([claim]), evidence: [version("TLSv1.2"), version("TLSv1.3")])
        #expect(found.map(\.kind) == [.unclaimedAlgorithm])
        #expect(found.first?.claim == "claims tls-server protocol version is limited to TLSv1.3")
        #expect(
            finder.contradictions(claims([claim]), evidence: [version("TLSv1.2")]).map(\.kind).contains(
                .defaultNotInForce))
    }
}
