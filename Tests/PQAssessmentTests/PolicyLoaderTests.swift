import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("Custom policy and waiver YAML: schema, and errors with file, line and valid choices")
struct PolicyLoaderTests {
    static let custom = """
        id: acme-2029
        title: ACME internal PQC deadline
        authority: ACME security office
        document: ACME crypto standard v3, 2026-10
        binding: true
        scope: ACME production systems
        verification: internal policy; dates decided by the CISO
        rules:
          - id: rsa-any
            summary: RSA of any size
            match:
              families: [RSA]
            deprecatedFrom: 2028-01-01
            disallowedFrom: 2030-01-01
            source: ACME crypto standard v3 §4.2 ✅
            example: {algorithm: RSA, usage: public-key, keyBits: 4096}
          - id: ml-kem-768-hybrids
            summary: hybrids with ML-KEM-768 need review
            match:
              algorithms: ["ML-KEM-768+*"]
            disallowedFrom: 2032-01-01
            source: ACME crypto standard v3 §4.3 ✅
        """

    @Test("a custom policy may state preferences; a verdict reports them without changing its state")
    func customPreferences() throws {
        let yaml =
            Self.custom + """

                preferences:
                  - purpose: key-establishment
                    prefer: ["ML-KEM-1024", "ML-KEM-*+P-384"]
                    summary: ML-KEM-1024, pure or with P-384
                    source: ACME crypto standard v3 §5 ✅
                """
        let profile = try PolicyLoader.profile(yaml: yaml, file: "acme.yaml")
        #expect(profile.preferences.count == 1)
        let evaluator = try PolicyEvaluator(profile: profile)
        let day = Fixture.day("2027-01-01")
        let hybrid = evaluator.evaluate(
            Fixture.finding("SecP384r1MLKEM1024", usage: .group, source: "nginx"), asOf: day)
        #expect(hybrid.preferred == true)
        let other = evaluator.evaluate(Fixture.finding("X25519MLKEM768", usage: .group, source: "nginx"), asOf: day)
        #expect(other.preferred == false)
        #expect(other.explanation.contains("prefers ML-KEM-1024, pure or with P-384"))
        let cipher = evaluator.evaluate(Fixture.finding("AES-256-GCM", usage: .cipher), asOf: day)
        #expect(cipher.preferred == nil)
        let bad = Self.custom + "\npreferences:\n  - purpose: kex\n    prefer: [X]\n    summary: s\n    source: s\n"
        #expect(throws: AssessmentError.self) { try PolicyLoader.profile(yaml: bad, file: "acme.yaml") }
    }

    @Test("a custom policy parses and judges like a bundled one")
    func customPolicy() throws {
        let profile = try PolicyLoader.profile(yaml: Self.custom, file: "acme.yaml")
        #expect(profile.id == "acme-2029")
        #expect(profile.binding)
        let evaluator = try PolicyEvaluator(profile: profile)
        let verdict = evaluator.evaluate(
            Fixture.finding("RSA", usage: .publicKey, keyBits: 4096), asOf: Fixture.day("2028-06-01"))
        #expect(verdict.state == .deprecated)
        #expect(verdict.rule == "acme-2029/rsa-any")
        #expect(verdict.binding)
        #expect(verdict.scope == "ACME production systems")
        let hybrid = evaluator.evaluate(
            Fixture.finding("X25519MLKEM768", usage: .group), asOf: Fixture.day("2032-01-01"))
        #expect(hybrid.state == .disallowed)
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try PolicyLoader.profile(yaml: yaml, file: "p.yaml")
            return ""
        } catch {
            return error.reason
        }
    }

    @Test("a misspelt key names the file, the line and the valid keys")
    func misspeltKey() {
        let message = error(Self.custom.replacingOccurrences(of: "families:", with: "familes:"))
        #expect(message.hasPrefix("p.yaml:12: unknown key 'familes'"), "\(message)")
        #expect(message.contains("valid choices: algorithms, exceptAlgorithms, families"))
    }

    @Test("a misspelt value names the line and the valid values")
    func misspeltValue() {
        let family = error(Self.custom.replacingOccurrences(of: "[RSA]", with: "[RSAA]"))
        #expect(family.hasPrefix("p.yaml:12: 'RSAA' is not a valid families"), "\(family)")
        #expect(family.contains("ECDSA"))
        let usage = error(Self.custom.replacingOccurrences(of: "usage: public-key", with: "usage: pubkey"))
        #expect(usage.contains("p.yaml:16:"), "\(usage)")
        #expect(usage.contains("key-exchange"))
        let algorithm = error(Self.custom.replacingOccurrences(of: "\"ML-KEM-768+*\"", with: "ML-KEM-786"))
        #expect(algorithm.contains("p.yaml:20:"), "\(algorithm)")
        #expect(algorithm.contains("did you mean: ml-kem-768"))
    }

    @Test("bad dates, missing keys, rules that never fire and YAML syntax errors are refused with a line")
    func otherErrors() {
        #expect(error(Self.custom.replacingOccurrences(of: "2028-01-01", with: "2028-13-01")).contains("p.yaml:13:"))
        #expect(error(Self.custom.replacingOccurrences(of: "binding: true\n", with: "")).contains("'binding'"))
        #expect(
            error(Self.custom.replacingOccurrences(of: "    disallowedFrom: 2032-01-01\n", with: "")).contains(
                "would never fire"))
        #expect(error("id: [unclosed").contains("p.yaml: line"))
        #expect(error("").contains("empty"))
        let categories = error(
            Self.custom.replacingOccurrences(
                of: "    source: ACME crypto standard v3 §4.2 ✅", with: "    categories: [web]\n    source: x"))
        #expect(categories.contains("names category 'web'"), "\(categories)")
    }

    @Test("hostile YAML: deep nesting and a binary blob are refused with one error, never a crash")
    func hostile() {
        #expect(error("id: " + String(repeating: "[", count: 200_000)).contains("nested deeper than 64"))
        #expect(error(String(repeating: " ", count: 200) + "id: x").contains("p.yaml:1:"))
        let noise = String(decoding: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, as: UTF8.self)
        #expect(!error(noise).isEmpty)
        do {
            _ = try PolicyLoader.waivers(yaml: "waivers: {" + String(repeating: "{", count: 1000), file: "w.yaml")
            Issue.record("deep waivers accepted")
        } catch {
            #expect(error.code == "yaml.too-deep")
        }
    }

    static let waivers = """
        waivers:
          - id: legacy-intranet
            selector:
              path: etc/ssl/certs/intranet-legacy.crt
              algorithm: RSA-SHA1
            owner: pki-team@example.org
            reason: replaced by the new intranet CA in Q2 2027
            expires: 2027-06-30
        """

    @Test("a waiver file parses, and a misspelt selector key is refused with its line")
    func waiverFile() throws {
        let waivers = try PolicyLoader.waivers(yaml: Self.waivers, file: "w.yaml")
        #expect(waivers.count == 1)
        #expect(waivers.first?.expires == Fixture.day("2027-06-30"))
        do {
            _ = try PolicyLoader.waivers(
                yaml: Self.waivers.replacingOccurrences(of: "algorithm:", with: "algo:"), file: "w.yaml")
            Issue.record("a misspelt selector key was accepted")
        } catch {
            #expect(error.reason.hasPrefix("w.yaml:5: unknown key 'algo'"), "\(error.reason)")
            #expect(error.reason.contains("path, rule, setting, source, system, usage"))
        }
        do {
            _ = try PolicyLoader.waivers(
                yaml: Self.waivers.replacingOccurrences(of: "expires: 2027-06-30", with: "expires: soon"),
                file: "w.yaml")
            Issue.record("a bad expiry was accepted")
        } catch {
            #expect(error.reason.contains("w.yaml:8:"), "\(error.reason)")
        }
    }

    @Test("the sample files under sample-inventories/ parse")
    func samples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-inventories")
        let policy = try PolicyLoader.profile(file: root.appendingPathComponent("policies/custom-example.yaml").path)
        #expect(!policy.rules.isEmpty)
        let waivers = try PolicyLoader.waivers(file: root.appendingPathComponent("waivers-example.yaml").path)
        #expect(!waivers.isEmpty)
    }
}
