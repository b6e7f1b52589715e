import Foundation
import PQModel
import Testing

@Suite("One path pattern dialect")
struct PathPatternTests {
    @Test("fnmatch without flags: * crosses /, ? one character, classes, quoting")
    func syntax() {
        #expect(PathPattern("etc/*.pem").matches(display: "etc/ssl/private/a.pem"))
        #expect(PathPattern("etc/ss?/a").matches(display: "etc/ssl/a"))
        #expect(PathPattern("etc/[!x]sl/a").matches(display: "etc/ssl/a"))
        #expect(PathPattern("etc/[^x]sl/a").matches(display: "etc/ssl/a"))
        #expect(!PathPattern("etc/[!s]sl/a").matches(display: "etc/ssl/a"))
        #expect(PathPattern("a\\*b").matches(display: "a*b"))
        #expect(!PathPattern("a\\*b").matches(display: "axb"))
        #expect(!PathPattern("ETC/*").matches(display: "etc/ssl/a"), "case matters, as on the file system")
    }

    @Test("a pattern without / matches any one component")
    func anyComponent() {
        #expect(PathPattern("*.log").matches(display: "var/log/x.log"))
        #expect(PathPattern("sshd_config").matches(display: "etc/ssh/sshd_config"))
        #expect(PathPattern("proc").matches(display: "proc"))
        #expect(!PathPattern("sshd").matches(display: "etc/ssh/sshd_config"))
        #expect(!PathPattern("ssh/sshd_config").matches(display: "etc/ssh/sshd_config"), "with / it is from the root")
    }

    @Test("a path under a matching folder matches; a look-alike folder does not")
    func folders() {
        #expect(PathPattern("etc/ssl").matches(display: "etc/ssl/certs/a.pem"))
        #expect(PathPattern("etc/ssl/").matches(display: "etc/ssl/certs/a.pem"))
        #expect(PathPattern("cache").matches(display: "var/cache/x/y"))
        #expect(!PathPattern("etc/ssl").matches(display: "etc/ssl2/a.pem"))
        #expect(!PathPattern("fw").matches(display: "fwx/a.pem"))
        #expect(PathPattern("fw/*.pem").matches(display: "fw/a/b.pem"))
        #expect(!PathPattern("etc/ssl").matchesItself(display: "etc/ssl/a.pem"), "what a walk asks of one entry")
        #expect(PathPattern("etc/ssl").matchesItself(display: "etc/ssl"))
    }

    @Test("matched against the printed path: a path copied from a report selects it")
    func printedPath() {
        let path = ScanPath(bytes: Array("etc/ssl/ba".utf8) + [0xFF] + Array(".pem".utf8))
        #expect(PathPattern(path.display).matches(path) == false, "\\ in the printed form quotes in a pattern")
        #expect(PathPattern("etc/ssl/ba\\\\xFF.pem").matches(path))
        #expect(PathPattern("etc/ssl/ba*.pem").matches(path))
    }
}
