import PQCatalog
import PQModel
import Testing

@testable import PQScanners

@Suite("GroupList: OpenSSL group-list syntax and what each release does with it")
struct GroupListTests {
    let v30 = OpenSSLVersion(3, 0, 13)
    let v33 = OpenSSLVersion(3, 3, 1)
    let v35 = OpenSSLVersion(3, 5, 1)

    @Test("prefixes, tuples and separators are split as SSL_CONF_cmd(3) describes")
    func syntax() {
        let list = GroupList("?*X25519MLKEM768 / ?*X25519:?secp256r1 / -ffdhe2048")
        #expect(list.elements.map(\.name) == ["X25519MLKEM768", "X25519", "secp256r1", "ffdhe2048"])
        #expect(list.elements.map(\.tuple) == [0, 1, 1, 2])
        #expect(list.elements[0].optional && list.elements[0].keyShare)
        #expect(list.elements[3].removal)
        #expect(list.usesTupleSyntax)
        #expect(!GroupList("X25519:prime256v1").usesTupleSyntax)
    }

    @Test("hybrid groups are hybrid, pure ML-KEM resistant, classical ECDHE/FFDHE vulnerable")
    func classification() {
        let groups = GroupList(
            "X25519MLKEM768:SecP256r1MLKEM768:SecP384r1MLKEM1024:MLKEM512:MLKEM768:MLKEM1024:X25519:secp384r1:ffdhe3072"
        ).resolve(for: v35).groups
        #expect(
            groups.map { $0.entry?.quantumStatus } == [
                .hybrid, .hybrid, .hybrid, .resistant, .resistant, .resistant, .vulnerable, .vulnerable, .vulnerable,
            ])
        #expect(groups.allSatisfy { $0.offered })
        #expect(groups[0].entry?.tlsCodePointValue == 0x11EC)
    }

    @Test("X25519Kyber768Draft00 is catalogued as an obsolete hybrid but no OpenSSL release offers it")
    func kyberDraft() {
        let resolution = GroupList("?X25519Kyber768Draft00:X25519").resolve(for: v35)
        #expect(resolution.groups[0].entry?.quantumStatus == .hybrid)
        #expect(!resolution.groups[0].offered)
        #expect(resolution.groups[0].note?.contains("dead configuration") == true)
        #expect(resolution.groups[1].offered)
        #expect(resolution.rejection == nil)
    }

    @Test("on OpenSSL 3.0 a PQ group makes the whole list fail")
    func deadOn30() {
        let resolution = GroupList("X25519MLKEM768:X25519").resolve(for: v30)
        #expect(resolution.rejection?.contains("added in 3.5") == true)
        #expect(resolution.groups.allSatisfy { !$0.offered })
    }

    @Test("'?' is accepted from 3.3 and rejected before")
    func optionalMark() {
        #expect(GroupList("?X25519MLKEM768:X25519").resolve(for: v30).rejection != nil)
        let on33 = GroupList("?X25519MLKEM768:X25519").resolve(for: v33)
        #expect(on33.rejection == nil)
        #expect(on33.groups.map(\.offered) == [false, true])
    }

    @Test("DEFAULT expands to the release's list; '-' removes from it")
    func defaultAndRemoval() {
        let groups = GroupList("DEFAULT:-ffdhe2048:-ffdhe3072").resolve(for: v35).groups
        #expect(groups.map(\.name) == ["X25519MLKEM768", "X25519", "secp256r1", "X448", "secp384r1", "secp521r1"])
        #expect(groups[0].keyShare && groups[1].keyShare && !groups[2].keyShare)
        #expect(GroupList("DEFAULT").resolve(for: v30).rejection != nil)
    }

    @Test("the 3.5 default offers X25519MLKEM768 first; the 3.0 default offers no PQ group")
    func defaults() {
        let d35 = GroupList(TLSDefaults.groupList(for: v35)).resolve(for: v35)
        #expect(d35.groups.first?.name == "X25519MLKEM768" && d35.groups.first?.offered == true)
        let d30 = GroupList(TLSDefaults.groupList(for: v30)).resolve(for: v30)
        #expect(d30.groups.allSatisfy { $0.entry?.quantumStatus == .vulnerable })
        #expect(d30.rejection == nil)
    }

    @Test("hostile lists do not crash")
    func hostile() {
        _ = GroupList(String(repeating: "?*-/:", count: 20_000)).resolve(for: v35)
        _ = GroupList("").resolve(for: v30)
        _ = GroupList("DEFAULT:DEFAULT:DEFAULT").resolve(for: v35)
    }
}

@Suite("OpenSSLVersion: versions from packages and the option")
struct OpenSSLVersionTests {
    @Test(
        "package versions parse",
        arguments: [
            ("3.0.15-1~deb12u1", "3.0.15"), ("1:3.2.2-3.el10", "3.2.2"), ("3.5.1-1", "3.5.1"),
            ("OpenSSL 3.0.19 27 Jan 2026", "3.0.19"), ("1.1.1w-0+deb11u1", "1.1.1"), ("3.5", "3.5.0"),
        ])
    func parse(text: String, expected: String) {
        #expect(OpenSSLVersion(parsing: text)?.description == expected)
    }

    @Test("garbage does not parse")
    func garbage() {
        #expect(OpenSSLVersion(parsing: "") == nil)
        #expect(OpenSSLVersion(parsing: "abc") == nil)
        #expect(OpenSSLVersion(parsing: "99999999999.1") == nil)
    }

    @Test("package beats option beats assumption")
    func resolve() {
        let packages = [Software(name: "libssl3t64", version: "3.5.1-1", sourcePath: ScanPath("var/lib/dpkg/status"))]
        #expect(OpenSSLInForce.resolve(software: packages, option: "3.0").basis == .package)
        #expect(OpenSSLInForce.resolve(software: [], option: "3.3.0").version == OpenSSLVersion(3, 3, 0))
        let assumed = OpenSSLInForce.resolve(software: [])
        #expect(assumed.basis == .assumed && assumed.version == OpenSSLVersion.assumed)
        #expect(assumed.phrase.contains("assumed"))
    }
}
