import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("OpenSSH release data, list assembly and line splitting")
struct OpenSSHReleasesTests {
    static func release(_ major: Int, _ minor: Int) throws -> OpenSSHRelease {
        let found = OpenSSHReleases.all.first { $0.number == OpenSSHVersion(major: major, minor: minor) }
        return try #require(found, "no data for \(major).\(minor)")
    }

    @Test("data covers 8.9, 9.2, 9.6, 9.9 and every 10.x release to 10.5")
    func coverage() throws {
        for (major, minor) in [(8, 9), (9, 2), (9, 6), (9, 9), (10, 0), (10, 1), (10, 2), (10, 3), (10, 4), (10, 5)] {
            let release = try Self.release(major, minor)
            #expect(!release.serverKex.isEmpty && !release.supportedKeyTypes.isEmpty)
            #expect(release.tag == "V_\(major)_\(minor)_P1")
        }
    }

    @Test("when the hybrid key exchanges entered and became default (myproposal.h)")
    func hybridHistory() throws {
        #expect(try Self.release(8, 9).serverKex.contains("sntrup761x25519-sha512@openssh.com"))
        #expect(try Self.release(8, 9).serverKex.first == "curve25519-sha256")
        #expect(try Self.release(9, 0).serverKex.first == "sntrup761x25519-sha512@openssh.com")
        #expect(!(try Self.release(9, 6).supportedKex.contains("mlkem768x25519-sha256")))
        #expect(try Self.release(9, 9).serverKex.firstIndex(of: "mlkem768x25519-sha256") == 2)
        #expect(try Self.release(10, 0).serverKex.first == "mlkem768x25519-sha256")
        #expect(!(try Self.release(10, 0).serverKex.contains { $0.hasPrefix("diffie-hellman") }))
        #expect(try Self.release(10, 0).clientKex.contains("diffie-hellman-group14-sha256"))
        #expect(try Self.release(10, 5).supportedKex.contains("mlkem768nistp256-sha256"))
        #expect(!(try Self.release(10, 4).supportedKex.contains("mlkem768nistp256-sha256")))
    }

    @Test("the PQ host key type is known from 10.4 but in no default list; DSA leaves with 9.8")
    func hostKeyTypes() throws {
        #expect(try Self.release(10, 4).supportedKeyTypes.contains("ssh-mldsa44-ed25519@openssh.com"))
        #expect(!(try Self.release(10, 3).supportedKeyTypes.contains("ssh-mldsa44-ed25519@openssh.com")))
        #expect(!(try Self.release(10, 5).publicKey.contains("ssh-mldsa44-ed25519@openssh.com")))
        #expect(try Self.release(9, 7).supportedKeyTypes.contains("ssh-dss"))
        #expect(!(try Self.release(9, 8).supportedKeyTypes.contains("ssh-dss")))
    }

    @Test("versions parse from package versions and banners; between releases the older data applies")
    func versions() {
        #expect(OpenSSHVersion("1:9.2p1-2+deb12u10") == OpenSSHVersion(major: 9, minor: 2))
        #expect(OpenSSHVersion("OpenSSH_10.0p2") == OpenSSHVersion(major: 10, minor: 0))
        #expect(OpenSSHVersion("9.6_p1-r2") == OpenSSHVersion(major: 9, minor: 6))
        #expect(OpenSSHVersion("banana") == nil)
        #expect(OpenSSHReleases.release(for: OpenSSHVersion(major: 9, minor: 3))?.version == "9.3")
        #expect(OpenSSHReleases.release(for: OpenSSHVersion(major: 8, minor: 4))?.version == "8.9")
        #expect(OpenSSHReleases.release(for: OpenSSHVersion(major: 11, minor: 0))?.version == "10.5")
    }

    @Test("the Debian backport applies from deb12u4 on")
    func debianPatch() throws {
        let patch = try #require(OpenSSHReleases.patches.first)
        #expect(patch.applies(to: "1:9.2p1-2+deb12u4"))
        #expect(patch.applies(to: "1:9.2p1-2+deb12u10"))
        #expect(!patch.applies(to: "1:9.2p1-2+deb12u3"))
        #expect(!patch.applies(to: "1:9.2p1-2"))
    }

    @Test("modifiers: + appends, - removes by pattern, ^ prepends, wildcards expand in table order")
    func assembly() {
        let defaults = ["a-1", "b-1", "c-1"]
        let supported = ["z-9", "a-1", "b-1", "c-1", "b-2"]
        func run(_ value: String, wildcards: Bool = true) -> [String] {
            OpenSSHAlgorithmList.assemble(value, defaults: defaults, supported: supported, wildcardsAllowed: wildcards)
                .algorithms
        }
        #expect(run("+z-9") == ["a-1", "b-1", "c-1", "z-9"])
        #expect(run("+a-1") == ["a-1", "b-1", "c-1"])
        #expect(run("-b*") == ["a-1", "c-1"])
        #expect(run("^c-1,z-9") == ["c-1", "z-9", "a-1", "b-1"])
        #expect(run("b-*") == ["b-1", "b-2"])
        #expect(run("c-1,a-1") == ["c-1", "a-1"])
        let unknown = OpenSSHAlgorithmList.assemble(
            "a-1,nope", defaults: defaults, supported: supported, wildcardsAllowed: false)
        #expect(unknown.unsupported == ["nope"])
        #expect(unknown.algorithms == ["a-1"])
    }

    @Test("patterns: * and ?, lists with negation, case folding for host names")
    func patterns() {
        #expect(OpenSSHPattern.matches("ecdh-sha2-nistp256", pattern: "ecdh-*"))
        #expect(OpenSSHPattern.matches("abc", pattern: "a?c"))
        #expect(!OpenSSHPattern.matches("abc", pattern: "a?"))
        #expect(OpenSSHPattern.matchesList("www.example.org", list: "*.example.org,!bad.example.org"))
        #expect(!OpenSSHPattern.matchesList("bad.example.org", list: "*.example.org,!bad.example.org"))
        #expect(OpenSSHPattern.matchesList("WWW.Example.ORG", list: "*.example.org", caseInsensitive: true))
        #expect(OpenSSHMatch.addressMatches("10.1.2.3", "10.0.0.0/8"))
        #expect(!OpenSSHMatch.addressMatches("11.1.2.3", "10.0.0.0/8"))
        #expect(OpenSSHMatch.addressMatches("2001:db8::1", "2001:db8::/32"))
        #expect(!OpenSSHMatch.addressMatches("10.1.2.3", "10.0.0.0/8,!10.1.0.0/16"))
    }

    @Test("lines split as OpenSSH splits them: =, quotes, escapes, comments, CR")
    func lines() {
        func parse(_ text: String) -> OpenSSHConfigLine? {
            guard case .success(let line)? = OpenSSHConfigLine.parse(Substring(text)) else { return nil }
            return line
        }
        #expect(parse("KexAlgorithms=a,b\r")?.arguments == ["a,b"])
        #expect(parse("  Ciphers = x # comment")?.arguments == ["x"])
        #expect(parse("Match User \"a b\" Host c")?.arguments == ["User", "a b", "Host", "c"])
        #expect(parse("Include a\\ b.conf")?.arguments == ["a b.conf"])
        #expect(parse("KEXALGORITHMS x")?.key == "kexalgorithms")
        #expect(OpenSSHConfigLine.parse("   # only a comment") == nil)
        #expect(OpenSSHConfigLine.parse("") == nil)
        #expect(OpenSSHConfigLine.parse("Ciphers") == .failure(.noArgument(keyword: "Ciphers")))
        #expect(OpenSSHConfigLine.parse("Ciphers 'x") == .failure(.badQuotes))
    }

    @Test("installed software: dpkg keeps installed packages, apk reads P: and V:")
    func packages() {
        let apk = InstalledSoftware.parseApkInstalled(
            Array("C:Q1abc=\nP:openssh-server\nV:9.9_p2-r0\n\nP:musl\nV:1.2.5-r1\n".utf8),
            sourcePath: InstalledSoftware.apkInstalled)
        #expect(apk.map(\.name) == ["openssh-server", "musl"])
        #expect(apk.first?.version == "9.9_p2-r0")
        let dpkg = InstalledSoftware.parseDpkgStatus(
            Array("Package: a\nStatus: install ok installed\nVersion: 1\nDescription: x\n more\n\nPackage: b\n".utf8),
            sourcePath: InstalledSoftware.dpkgStatus)
        #expect(dpkg == [Software(name: "a", version: "1", sourcePath: InstalledSoftware.dpkgStatus)])
        #expect(
            InstalledSoftware.parseDpkgStatus(Array("\u{0}\u{1}garbage".utf8), sourcePath: InstalledSoftware.dpkgStatus)
                .isEmpty)
    }
}
