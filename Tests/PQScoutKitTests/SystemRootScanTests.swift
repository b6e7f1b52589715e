import Foundation
import PQModel
import Testing

@testable import PQScoutKit

/// Trees laid out as real systems lay them out, built from the sample's certificates and keys: Debian's absolute
/// `sites-enabled` links, Dovecot's snakeoil link, letsencrypt's `live/` links and `/etc/ssl/certs` hash links;
/// RHEL's `etc/ssl/certs -> ../pki/tls/certs`.
final class SystemTree {
    let root: URL
    static let sample = repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssl")

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-system-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func copy(_ sample: String, to path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.sample.appendingPathComponent(sample), to: url)
    }

    func link(_ path: String, to target: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    /// A Debian system copied with `cp -a`: every link as Debian makes it.
    static func debian() throws -> SystemTree {
        let tree = try SystemTree()
        try tree.write(
            "etc/nginx/nginx.conf",
            "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n")
        try tree.write(
            "etc/nginx/sites-available/www",
            """
            server {
                listen 443 ssl;
                server_name www.example.org;
                ssl_certificate /etc/letsencrypt/live/www.example.org/fullchain.pem;
                ssl_certificate_key /etc/letsencrypt/live/www.example.org/privkey.pem;
            }

            """)
        try tree.write(
            "etc/nginx/sites-available/unused",
            "server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/certs/unused.pem;\n}\n")
        // `ln -s /etc/nginx/sites-available/www /etc/nginx/sites-enabled/`, as Debian's documentation says.
        try tree.link("etc/nginx/sites-enabled/www", to: "/etc/nginx/sites-available/www")
        try tree.copy(
            "certs/www.example.org-fullchain.pem", to: "etc/letsencrypt/archive/www.example.org/fullchain1.pem")
        try tree.copy("private/www.example.org.key", to: "etc/letsencrypt/archive/www.example.org/privkey1.pem")
        try tree.link(
            "etc/letsencrypt/live/www.example.org/fullchain.pem", to: "../../archive/www.example.org/fullchain1.pem")
        try tree.link(
            "etc/letsencrypt/live/www.example.org/privkey.pem", to: "../../archive/www.example.org/privkey1.pem")
        try tree.copy("certs/mgmt.example.org.crt", to: "etc/ssl/certs/ssl-cert-snakeoil.pem")
        try tree.copy("private/mgmt.example.org.key", to: "etc/ssl/private/ssl-cert-snakeoil.key")
        try tree.copy("certs/example-root-ca.pem", to: "etc/ssl/certs/example-root-ca.pem")
        // c_rehash links, relative as update-ca-certificates makes them.
        try tree.link("etc/ssl/certs/a1b2c3d4.0", to: "ssl-cert-snakeoil.pem")
        try tree.link("etc/ssl/certs/e5f6a7b8.0", to: "example-root-ca.pem")
        try tree.write(
            "etc/dovecot/dovecot.conf",
            "ssl = required\nssl_cert = </etc/dovecot/private/dovecot.pem\nssl_key = </etc/dovecot/private/dovecot.key\n"
        )
        try tree.link("etc/dovecot/private/dovecot.pem", to: "/etc/ssl/certs/ssl-cert-snakeoil.pem")
        try tree.link("etc/dovecot/private/dovecot.key", to: "/etc/ssl/private/ssl-cert-snakeoil.key")
        return tree
    }

    func scan(_ roots: [String], system: SystemRootChoice = .automatic) throws -> InventoryDocument {
        try scanWithSoftware(roots, system: system).document
    }

    func scanWithSoftware(_ roots: [String], system: SystemRootChoice = .automatic) throws -> (
        document: InventoryDocument, software: [Software]
    ) {
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let record = try ScanUseCase().run(
            ScanRequest(roots: roots.map { root.appendingPathComponent($0).path }, storePath: store, system: system))
        return (
            try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: record.id)),
            try ReportUseCase.input(storePath: store, scanID: record.id).software
        )
    }
}

@Suite("System root: images resolve inside themselves, live subtrees on the host; links are aliases")
struct SystemRootScanTests {
    /// Paths of the x509 certificate findings (one `subjectPublicKey` per certificate in a file).
    func certificatePaths(_ document: InventoryDocument) -> [String] {
        document.findings.filter { $0.source.rawValue == "x509" && $0.setting == "subjectPublicKey" }
            .map(\.path.display).sorted()
    }

    @Test("a Debian copy: every enabled service found, every certificate once under its real path, aliases listed")
    func debianCopy() throws {
        let tree = try SystemTree.debian()
        let document = try tree.scan([""])
        let certificates = certificatePaths(document)
        #expect(Set(certificates).count == 3, "\(certificates)")
        #expect(
            Set(certificates) == [
                "etc/letsencrypt/archive/www.example.org/fullchain1.pem", "etc/ssl/certs/example-root-ca.pem",
                "etc/ssl/certs/ssl-cert-snakeoil.pem",
            ])
        // Each file's content once: no finding at any link's path.
        let aliases = Dictionary(uniqueKeysWithValues: document.aliases.map { ($0.path.display, $0.target.display) })
        #expect(aliases["etc/nginx/sites-enabled/www"] == "etc/nginx/sites-available/www")
        #expect(
            aliases["etc/letsencrypt/live/www.example.org/fullchain.pem"]
                == "etc/letsencrypt/archive/www.example.org/fullchain1.pem")
        #expect(aliases["etc/ssl/certs/a1b2c3d4.0"] == "etc/ssl/certs/ssl-cert-snakeoil.pem")
        #expect(aliases["etc/dovecot/private/dovecot.pem"] == "etc/ssl/certs/ssl-cert-snakeoil.pem")
        #expect(!document.findings.contains { aliases[$0.path.display] != nil })
        // The enabled nginx site and Dovecot link their certificates through the links' paths.
        let certificateAssets = Set(
            document.findings.filter { $0.source.rawValue == "x509" }.compactMap(\.asset))
        let nginx = document.findings.filter { $0.source.rawValue == "nginx" && $0.setting == "ssl_certificate" }
        #expect(!nginx.isEmpty)
        #expect(nginx.allSatisfy { $0.asset.map(certificateAssets.contains) == true })
        let dovecot = document.findings.filter { $0.source.rawValue == "dovecot" && $0.setting == "ssl_cert" }
        #expect(!dovecot.isEmpty)
        #expect(dovecot.allSatisfy { $0.asset.map(certificateAssets.contains) == true })
        #expect(
            !document.diagnostics.contains {
                [.brokenLink, .linkOutsideRoot, .linkLoop, .unreadable].contains($0.reason)
            }, "\(document.diagnostics)")
    }

    @Test("CSV and the CBOM name each certificate's aliases beside its findings, once per finding")
    func aliasesInReports() throws {
        let tree = try SystemTree.debian()
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let record = try ScanUseCase().run(ScanRequest(roots: [tree.root.path], storePath: store))
        let csv = String(
            decoding: try ReportUseCase.render(ReportRequest(storePath: store, scanID: record.id, format: .csv)),
            as: UTF8.self)
        let snakeoil = csv.components(separatedBy: "\r\n").filter {
            $0.hasPrefix("etc/ssl/certs/ssl-cert-snakeoil.pem,")
        }
        #expect(!snakeoil.isEmpty)
        #expect(snakeoil.allSatisfy { $0.hasSuffix(",etc/dovecot/private/dovecot.pem;etc/ssl/certs/a1b2c3d4.0") })
        let cbom = String(
            decoding: try ReportUseCase.render(ReportRequest(storePath: store, scanID: record.id, format: .cbom)),
            as: UTF8.self)
        #expect(cbom.contains("aliases=etc/dovecot/private/dovecot.pem;etc/ssl/certs/a1b2c3d4.0"))
        // Never an occurrence located at a link's path.
        #expect(!cbom.contains("\"location\" : \"etc/ssl/certs/a1b2c3d4.0\""))
        #expect(!cbom.contains("\"location\":\"etc/ssl/certs/a1b2c3d4.0\""))
    }

    @Test("the same tree as subtrees of a live system: links resolve on that system, only the roots' files reported")
    func debianLiveSubtrees() throws {
        let tree = try SystemTree.debian()
        try tree.write(
            "var/lib/dpkg/status",
            "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.9p1-1\n\n")
        let (document, software) = try tree.scanWithSoftware(
            ["etc/nginx", "etc/dovecot"], system: .path(tree.root.path))
        // The package database is read from the system root, outside both scan roots, once.
        #expect(
            software == [
                Software(name: "openssh-server", version: "1:9.9p1-1", sourcePath: ScanPath("/var/lib/dpkg/status"))
            ])
        // Certificates lie outside both roots: read for linking, never inventoried as the tree's own.
        #expect(certificatePaths(document).isEmpty)
        let labels = ["1-nginx/", "2-dovecot/"]
        #expect(document.findings.allSatisfy { finding in labels.contains { finding.path.display.hasPrefix($0) } })
        let nginx = document.findings.filter { $0.source.rawValue == "nginx" && $0.setting == "ssl_certificate" }
        #expect(!nginx.isEmpty && nginx.allSatisfy { $0.asset != nil })
        #expect(nginx.allSatisfy { $0.path.display == "1-nginx/sites-available/www" })
        // The linked certificate is named by its absolute path and marked as read for linking only.
        #expect(
            nginx.allSatisfy {
                $0.note?.contains(
                    "of /etc/letsencrypt/live/www.example.org/fullchain.pem, outside the scan root") == true
            }, "\(nginx.map(\.note))")
        let dovecot = document.findings.filter { $0.source.rawValue == "dovecot" && $0.setting == "ssl_cert" }
        #expect(!dovecot.isEmpty && dovecot.allSatisfy { $0.asset != nil })
        // Dovecot's links leave its root: reported, not followed by the walk.
        #expect(
            document.diagnostics.filter { $0.reason == .linkOutsideRoot }.map(\.path.display).sorted() == [
                "2-dovecot/private/dovecot.key", "2-dovecot/private/dovecot.pem",
            ])
        #expect(document.aliases.map(\.path.display) == ["1-nginx/sites-enabled/www"])
        #expect(document.scan.roots.allSatisfy { $0.hasPrefix("/") })
    }

    @Test("an image never reads the host: an absolute link to a host file is broken inside the image")
    func imageNeverReadsHost() throws {
        let tree = try SystemTree()
        try tree.write("etc/nginx/nginx.conf", "http { server { listen 443 ssl; ssl_certificate /etc/x.pem; } }\n")
        try tree.link("etc/x.pem", to: "/etc/ssl/certs/ca-certificates.crt")
        let document = try tree.scan([""])
        #expect(certificatePaths(document).isEmpty)
        #expect(document.diagnostics.contains { $0.path.display == "etc/x.pem" && $0.reason == .brokenLink })
    }

    @Test("RHEL's etc/ssl/certs -> ../pki/tls/certs: each certificate once, under its real path, nginx linked")
    func rhelDirectoryLink() throws {
        let tree = try SystemTree()
        try tree.copy("certs/www.example.org.pem", to: "etc/pki/tls/certs/www.pem")
        try tree.copy("private/www.example.org.key", to: "etc/pki/tls/private/www.key")
        try tree.link("etc/ssl/certs", to: "../pki/tls/certs")
        try tree.write(
            "etc/nginx/nginx.conf",
            """
            events {}
            http {
                server { listen 443 ssl; ssl_certificate /etc/ssl/certs/www.pem; ssl_certificate_key /etc/pki/tls/private/www.key; }
                server { listen 8443 ssl; ssl_certificate /etc/pki/tls/certs/www.pem; ssl_certificate_key /etc/pki/tls/private/www.key; }
            }

            """)
        for attempt in 0..<2 {
            let document = try tree.scan([""])
            #expect(certificatePaths(document) == ["etc/pki/tls/certs/www.pem"], "attempt \(attempt)")
            #expect(
                document.aliases == [
                    PathAlias(path: ScanPath("etc/ssl/certs"), target: ScanPath("etc/pki/tls/certs"), kind: .directory)
                ])
            #expect(!document.diagnostics.contains { $0.reason == .linkLoop || $0.reason == .unreadable })
            let linked = document.findings.filter { $0.source.rawValue == "nginx" && $0.setting == "ssl_certificate" }
            // Both servers, one through the link and one through the real path, name the one certificate asset.
            #expect(Set(linked.map(\.context)).count == 2, "\(linked.map(\.context))")
            #expect(linked.allSatisfy { $0.asset != nil } && Set(linked.compactMap(\.asset)).count == 1)
        }
    }

    @Test("--db given as a link into the tree is refused; nothing is created there")
    func storeLinkIntoTree() throws {
        let tree = try SystemTree()
        try tree.write("etc/a.conf", "x\n")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        let store = outside.appendingPathComponent("inventory.db").path
        try FileManager.default.createSymbolicLink(
            atPath: store, withDestinationPath: tree.root.appendingPathComponent("etc/inventory.db").path)
        #expect(throws: PQScoutError.self) {
            try ScanUseCase().run(ScanRequest(roots: [tree.root.path], storePath: store))
        }
        #expect(!FileManager.default.fileExists(atPath: tree.root.appendingPathComponent("etc/inventory.db").path))
    }

    @Test("a relative root is stored absolute")
    func relativeRootStoredAbsolute() throws {
        let tree = try SystemTree()
        try tree.copy("certs/www.example.org.pem", to: "etc/www.pem")
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        // Relative to the working directory, without changing it (tests run in parallel).
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + tree.root.path.drop { $0 == "/" }
        let record = try ScanUseCase().run(ScanRequest(roots: [relative], storePath: store))
        #expect(record.roots == [tree.root.resolvingSymlinksInPath().path])
    }
}

@Suite("Store location: refused inside a scanned tree, left out of the walk for /")
struct StoreLocationTests {
    @Test("scan / keeps its store out of the walk instead of refusing; any other root refuses it")
    func wholeSystem() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-\(UUID().uuidString).db")
        let skipped = try StoreLocation.ensureOutside(roots: ["/"], storePath: store.path)
        let real = StoreLocation.resolvedStorePath(store.path)
        #expect(skipped == [real, real + "-journal", real + "-wal", real + "-shm"])
        let parent = store.deletingLastPathComponent().resolvingSymlinksInPath().path
        #expect(throws: PQScoutError.self) { try StoreLocation.ensureOutside(roots: [parent], storePath: store.path) }
    }
}
