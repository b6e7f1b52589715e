import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQAssessment

/// The planner's certificates are held as bytes and numbers, not as assets: each must read back as the asset it
/// was, be found by its id, and order by name as its strings do.
@Suite("The plan's certificate table reads back what it was given")
struct PlanCertificatesTests {
    static let subjects = [
        "CN=b.example.org", "CN=a.example.org", "CN=Zürich CA", "CN=Zu\u{308}rich CA", "CN=émile", "CN=Émile", "",
        "CN=Ωmega", "CN=a.example.org",
    ]

    /// Even numbers a digest id (held as its 32 bytes; 6's in upper case, held as text), odd ones any other text.
    static func id(_ number: Int) -> String {
        guard number % 2 == 0 else { return "sha256:\(number)" }
        return "sha256:" + String(repeating: "0f", count: 31) + (number == 6 ? "A\(number)" : "a\(number)")
    }

    static func table() -> (PlanCertificates, [Asset]) {
        let assets = subjects.enumerated().map { number, subject in
            PlanRegressionTests.certificate(
                id(number), subject: subject, issuer: number % 2 == 0 ? "CN=root" : "CN=Zürich CA",
                ca: number % 3 == 0, until: "2031-05-05", bits: 2048 + number
            ).0
        }
        let key = Asset(id: "sha256:key", kind: .publicKey, algorithm: "RSA", canonical: "RSA", keyBits: 2048)
        // The same id again: the first asset of an id counts.
        var again = assets[1]
        again.certificate?.subject = "CN=later"
        return (PlanCertificates(assets + [key, again]), assets)
    }

    @Test("each certificate reads back as the asset it was; an asset without details is not held")
    func readsBack() throws {
        let made = Self.table()
        var table = made.0
        let assets = made.1
        #expect(table.count == assets.count + 1)
        for (number, asset) in assets.enumerated() {
            let held = try #require(PlanCertificate(asset))
            #expect(table[number] == held)
            #expect(table.number(of: asset.id) == number)
            #expect(table.subject(number) == held.subject)
            #expect(table.issuer(number) == held.issuer)
            #expect(table.current(number) == "RSA-\(2048 + number)")
            #expect(table.expires(number) == Fixture.day("2031-05-05"))
            #expect(table.name(number) == (held.subject.isEmpty ? asset.id : held.subject))
        }
        #expect(table.number(of: "sha256:1") == 1)
        #expect(table.id(0) == Self.id(0))
        #expect(PlanCertificates.packed(Self.id(0))?.count == 32)
        #expect(PlanCertificates.packed(Self.id(6)) == nil)
        #expect(table.number(of: "sha256:" + String(repeating: "0f", count: 31) + "a1") == nil)
        #expect(table.number(of: "sha256:key") == nil)
        #expect(table.number(of: "sha256:") == nil)
        #expect(table.number(of: "sha256:99") == nil)
    }

    @Test("names order and compare as strings do, beyond ASCII and canonically equal spellings included")
    func namesOrderAsStrings() {
        let (table, _) = Self.table()
        for left in 0..<table.count {
            for right in 0..<table.count {
                #expect(table.nameIsBefore(left, right) == (table.name(left) < table.name(right)), "\(left) \(right)")
                #expect(table.sameName(left, right) == (table.name(left) == table.name(right)), "\(left) \(right)")
            }
        }
        // The two spellings of Zürich are one name.
        #expect(table.sameName(2, 3))
    }
}
