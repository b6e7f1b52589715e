import Foundation
import PQCatalog
import PQModel
import PQTestSupport
import Testing

@testable import PQAssessment

/// The roots of a distribution's trust store are their CAs', not the organisation's: the plan gave each a
/// "Re-issue the root CA ... with ML-DSA-87" (a key ceremony for someone else's root). Now one action per store
/// says what can be done; a root of the organisation's own, found also outside the store, keeps its re-issue.
@Suite("Trust store anchors: one action per store, no re-issue of third parties' roots")
struct TrustStorePlanTests {
    /// A certificate's two findings at `path:line`.
    static func certificate(_ id: String, subject: String, ca: Bool, at places: [(String, Int)]) -> (Asset, [Finding]) {
        let (asset, findings) = PlanRegressionTests.certificate(
            id, subject: subject, issuer: ca ? subject : "CN=Own Root", ca: ca, until: "2040-01-01")
        let placed = places.flatMap { place in
            findings.map { finding in
                var copy = finding
                copy.path = ScanPath(place.0)
                copy.line = place.1
                return copy
            }
        }
        return (asset, placed)
    }

    /// A trusted entry of a Java `cacerts`, as the keystore scanner reports it.
    static func javaEntry(_ id: String, subject: String, at path: String) -> (Asset, [Finding]) {
        let (asset, findings) = certificate(id, subject: subject, ca: true, at: [(path, 0)])
        return (
            asset,
            findings.map { finding in
                var copy = finding
                copy.source = .javaKeystore
                copy.line = nil
                return copy
            }
        )
    }

    @Test("three distribution roots in ca-certificates.crt: one store action; the own root and its leaf re-issued")
    func storeRootsAreNotReissued() throws {
        let bundle = "1-web/etc/ssl/certs/ca-certificates.crt"
        let all = [
            Self.certificate("a", subject: "CN=Vendor Root A", ca: true, at: [(bundle, 1)]),
            Self.certificate("b", subject: "CN=Vendor Root B", ca: true, at: [(bundle, 30)]),
            Self.certificate(
                "c", subject: "CN=Vendor Root C", ca: true, at: [("usr/share/ca-certificates/mozilla/C.crt", 1)]),
            // update-ca-certificates put the organisation's root in the bundle too.
            Self.certificate(
                "own", subject: "CN=Own Root", ca: true,
                at: [(bundle, 60), ("1-web/usr/local/share/ca-certificates/own.crt", 1)]),
            Self.certificate("leaf", subject: "CN=www.example.org", ca: false, at: [("1-web/etc/ssl/www.pem", 1)]),
            Self.javaEntry("d", subject: "CN=Vendor Root D", at: "usr/lib/jvm/java-17-openjdk/lib/security/cacerts"),
        ]
        let plan = try PlanRegressionTests.plan(all.flatMap(\.1), assets: all.map(\.0))
        #expect(!plan.actions.contains { $0.id.contains("Vendor Root") }, "\(plan.actions.map(\.id))")
        let store = try #require(plan.action("replace-algorithm:trust-store:\(bundle):signatures"))
        #expect(Set(store.retires.map(\.line)) == [1, 30])
        #expect(store.retires.count == 4 && store.patch == nil && store.phase == .signatures)
        #expect(store.title.contains("2 CA certificate(s)"))
        #expect(plan.action("replace-algorithm:trust-store:usr/share/ca-certificates/mozilla/C.crt:signatures") != nil)
        let java = try #require(
            plan.action("replace-algorithm:trust-store:usr/lib/jvm/java-17-openjdk/lib/security/cacerts:signatures"))
        #expect(java.retires.count == 2 && java.change.contains("Java"))
        #expect(plan.action("certificate-reissue:CN=Own Root") != nil)
        #expect(plan.action("certificate-reissue:CN=www.example.org") != nil)
        // Every finding that needs action is still in some action.
        let planned = Set(plan.actions.flatMap { $0.retires.map(\.index) + $0.keeps.map(\.index) })
        #expect(planned.count == all.flatMap(\.1).count)
    }

    /// A CA of the organisation's own that update-ca-certificates put in the bundle, its source file not in the
    /// scan, was taken for a distribution root. Where the scan read the packages' roots (Debian's
    /// `usr/share/ca-certificates`) in the same root, it is not among them and keeps its re-issue; without them the
    /// store's action says its roots were taken for the distribution's unchecked.
    @Test("a root in the bundle but not among the packages' roots of its own scan root is the organisation's")
    func ownRootOnlyInBundle() throws {
        let web = "1-web/etc/ssl/certs/ca-certificates.crt"
        let db = "2-db/etc/ssl/certs/ca-certificates.crt"
        let all = [
            Self.certificate(
                "a", subject: "CN=Vendor Root A", ca: true,
                at: [(web, 1), (db, 1), ("1-web/usr/share/ca-certificates/mozilla/A.crt", 1)]),
            // Only in the bundles: the organisation's on 1-web, whose package roots were read; unknown on 2-db.
            Self.certificate("own", subject: "CN=Own Root", ca: true, at: [(web, 30), (db, 30)]),
        ]
        let plan = try PlanRegressionTests.plan(all.flatMap(\.1), assets: all.map(\.0))
        let checked = try #require(plan.action("replace-algorithm:trust-store:\(web):signatures"))
        #expect(checked.title.contains("1 CA certificate(s) of the distribution's trust store"), "\(checked.title)")
        #expect(checked.change.hasPrefix("each is among the packages' roots"))
        let unchecked = try #require(plan.action("replace-algorithm:trust-store:\(db):signatures"))
        #expect(unchecked.title.contains("taken for the distribution's"), "\(unchecked.title)")
        #expect(unchecked.change.contains("not told apart"))
        // The own root is re-issued by its own action, and so leaves the 2-db store's count as well.
        let own = try #require(plan.action("certificate-reissue:CN=Own Root"), "\(plan.actions.map(\.id))")
        #expect(Set(own.retires.map(\.line)) == [30])
        #expect(unchecked.title.contains("1 CA certificate(s)") && Set(unchecked.retires.map(\.line)) == [1])
        let planned = Set(plan.actions.flatMap { $0.retires.map(\.index) + $0.keeps.map(\.index) })
        #expect(planned.count == all.flatMap(\.1).count)
    }

    @Test("the store paths, under a root label or not; an administrator's anchors are not a store")
    func storePaths() {
        for path in [
            "etc/ssl/certs/ca-certificates.crt", "2-db/etc/pki/tls/certs/ca-bundle.crt",
            "etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "usr/lib/jvm/java-17-openjdk/lib/security/cacerts",
            "var/lib/ca-certificates/ca-bundle.pem", "usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt",
        ] {
            #expect(TrustStoreAnchors.isStore(path), "\(path)")
        }
        for path in [
            "usr/local/share/ca-certificates/own.crt", "etc/pki/ca-trust/source/anchors/own.pem",
            "etc/ssl/certs/www.example.org.pem", "etc/ssl/certs/ca-certificates.crt.bak",
        ] {
            #expect(!TrustStoreAnchors.isStore(path), "\(path)")
        }
    }
}
