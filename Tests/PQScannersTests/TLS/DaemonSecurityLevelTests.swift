import PQModel
import Testing

@testable import PQScanners

/// A daemon that sets the security level itself (Postfix, OpenVPN) is modelled by asking OpenSSL with the
/// `@SECLEVEL` commands taken out of the strings its level overrides. Held to OpenSSL: the string without them must
/// select the same suites, in the same order, and leave the level where it was set.
@Suite("A daemon's own security level: @SECLEVEL taken out as OpenSSL reads it")
struct DaemonSecurityLevelTests {
    static let strings = [
        "DEFAULT:@SECLEVEL=0", "HIGH@SECLEVEL=2", "@SECLEVEL=1:ECDHE+AESGCM", "aNULL:-aNULL:HIGH:MEDIUM:@STRENGTH",
        "DEFAULT,@SECLEVEL=3 ALL;@SECLEVEL=0", "HIGH@SECLEVEL=2@STRENGTH", "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
        "MEDIUM@STRENGTH:HIGH@SECLEVEL=1",
    ]

    @Test(
        "without its @SECLEVEL commands a string selects the same suites and leaves the level set", arguments: strings)
    func sameSuites(cipherString: String) throws {
        let original = try TLSServerProbe.suites(
            base: nil, cipherString: cipherString, ciphersuites: nil, securityLevel: 4, minimum: nil, maximum: nil
        ).get()
        let stripped = try #require(TLSSuiteUsability.removingSecurityLevel(cipherString))
        #expect(!stripped.contains("@SECLEVEL"))
        let without = try TLSServerProbe.suites(
            base: nil, cipherString: stripped, ciphersuites: nil, securityLevel: 4, minimum: nil, maximum: nil
        ).get()
        #expect(without.suites.map(\.suite.name) == original.suites.map(\.suite.name), "\(cipherString) → \(stripped)")
        #expect(without.securityLevel == 4, "\(stripped)")
    }

    @Test("a string of nothing but @SECLEVEL leaves nothing")
    func nothingLeft() {
        #expect(TLSSuiteUsability.removingSecurityLevel("@SECLEVEL=2") == nil)
        // OpenSSL reads the command's name case-sensitively: a lower-case one is not a level, and stays.
        #expect(TLSSuiteUsability.removingSecurityLevel("DEFAULT:@seclevel=0") == "DEFAULT:@seclevel=0")
    }
}
