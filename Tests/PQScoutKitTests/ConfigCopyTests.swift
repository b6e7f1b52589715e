import Foundation
import PQModel
import Testing

@testable import PQScoutKit

/// A repository of infrastructure code scanned on a workstation is part of the running host (no `etc/` or `usr/`
/// at its top), and its configs name files of the servers they are deployed to. PQScout looked those files up on
/// the workstation and, not finding them, said "the server refuses to start". A config outside the scanned
/// system's configuration folders is a copy: a file it names that the tree lacks is not known to be missing where
/// it runs. The same files inside an image of a system are that system's, and their absence stops the daemon.
@Suite("A configuration copy (a repository, a home directory) claims no refusal for the files it names")
struct ConfigCopyTests {
    /// A name no host here has.
    static let missing = "pqscout-absent-\(UUID().uuidString)"

    static func write(_ tree: SystemTree, under folder: String) throws {
        try tree.write(
            "\(folder)/nginx/nginx.conf",
            """
            events {}
            http {
                server {
                    listen 443 ssl;
                    ssl_certificate /etc/ssl/certs/\(missing).pem;
                    ssl_certificate_key /etc/ssl/private/\(missing).key;
                    ssl_ciphers ECDHE+AESGCM;
                }
            }

            """)
        try tree.write(
            "\(folder)/apache2/apache2.conf",
            """
            Include /etc/apache2/\(missing).conf
            <VirtualHost *:443>
                SSLEngine on
                SSLCertificateFile /etc/apache2/\(missing).pem
                SSLCipherSuite ECDHE+AESGCM
            </VirtualHost>

            """)
    }

    @Test("in a repository: not known to be in force, no refusal; in an image's etc/: nginx and httpd refuse")
    func copyAndImage() throws {
        let repository = try SystemTree()
        try Self.write(repository, under: "roles/web/files")
        let copied = try repository.scan(["."])
        let image = try SystemTree()
        try Self.write(image, under: "etc")
        try image.write("usr/share/doc/README", "an image of a system\n")
        let installed = try image.scan(["."])
        for source in ["nginx", "apache"] {
            let copies = copied.findings.filter { $0.source.rawValue == source }
            #expect(!copies.isEmpty, "\(source)")
            for finding in copies {
                #expect(!finding.effective)
                #expect(
                    finding.note?.hasPrefix("not known to be in force: PQScout did not read") == true
                        && finding.note?.contains("refuses to start") == false
                        && finding.note?.contains("the configuration is a copy, outside etc/, usr/, opt/") == true,
                    "\(source) copy: \(finding.note ?? "")")
            }
            let real = installed.findings.filter { $0.source.rawValue == source }
            #expect(!real.isEmpty, "\(source)")
            #expect(
                real.allSatisfy { !$0.effective && $0.note?.contains("refuses to start") == true },
                "\(source) image: \(real.first?.note ?? "")")
        }
    }

    /// A copy's absolute paths are the deployed system's: a file of that name on the scanning host, outside the
    /// scan root, is not it. PQScout linked the host's certificate and read the host's include as the copy's.
    @Test("a copy's certificate, includes and drop-ins that exist only on the scanning host are not taken for its own")
    func hostFilesAreNotTheCopys() throws {
        let tree = try SystemTree()
        try tree.copy("certs/mgmt.example.org.crt", to: "host/cert.pem")
        try tree.copy("private/mgmt.example.org.key", to: "host/key.pem")
        try tree.write("host/ciphers.conf", "ssl_ciphers ECDHE+AESGCM;\n")
        let host = tree.root.appendingPathComponent("host").path
        try tree.write(
            "repo/nginx/nginx.conf",
            """
            events {}
            http {
                server {
                    listen 443 ssl;
                    ssl_certificate \(host)/cert.pem;
                    ssl_certificate_key \(host)/key.pem;
                    include \(host)/ciphers.conf;
                }
            }

            """)
        try tree.write("host/sshd.d/weak.conf", "Ciphers aes128-cbc\n")
        try tree.write("repo/ssh/sshd_config", "Include \(host)/sshd.d/*.conf\nCiphers aes256-gcm@openssh.com\n")
        let copied = try tree.scan(["repo"])
        let ssh = copied.findings.filter { $0.source.rawValue == "openssh" && $0.setting == "Ciphers" }
        #expect(ssh.contains { $0.algorithm == "aes256-gcm@openssh.com" && $0.effective })
        #expect(!ssh.contains { $0.algorithm == "aes128-cbc" }, "the host's drop-in is not the copy's")
        let nginx = copied.findings.filter { $0.source.rawValue == "nginx" }
        #expect(!nginx.isEmpty)
        #expect(
            nginx.allSatisfy { !$0.effective && $0.note?.hasPrefix("not known to be in force") == true },
            "\(nginx.first?.note ?? "")")
        #expect(!nginx.contains { $0.setting == "ssl_certificate" }, "the host's certificate is not linked")
        #expect(!nginx.contains { $0.setting == "ssl_ciphers" && $0.origin == .file }, "the host's include is not read")
        // The same config in the host's configuration folder (an image's etc/ here) reads them.
        try tree.write("image/usr/share/doc/README", "an image\n")
        try tree.copy("certs/mgmt.example.org.crt", to: "image/srv/cert.pem")
        try tree.copy("private/mgmt.example.org.key", to: "image/srv/key.pem")
        try tree.write("image/srv/ciphers.conf", "ssl_ciphers ECDHE+AESGCM;\n")
        let text = try String(contentsOf: tree.root.appendingPathComponent("repo/nginx/nginx.conf"), encoding: .utf8)
        try tree.write("image/etc/nginx/nginx.conf", text.replacingOccurrences(of: host, with: "/srv"))
        try tree.write("image/srv/sshd.d/weak.conf", "Ciphers aes128-cbc\n")
        try tree.write("image/etc/ssh/sshd_config", "Include /srv/sshd.d/*.conf\nCiphers aes256-gcm@openssh.com\n")
        let image = try tree.scan(["image"])
        #expect(
            image.findings.contains { $0.source.rawValue == "openssh" && $0.algorithm == "aes128-cbc" && $0.effective })
        let installed = image.findings.filter { $0.source.rawValue == "nginx" }
        #expect(installed.contains { $0.setting == "ssl_certificate" } && installed.contains { $0.effective })
        #expect(installed.contains { $0.setting == "ssl_ciphers" && $0.origin == .file })
    }

    /// A rescan checks what a copy listed the way the copy saw it (without the host's files): an unchanged copy
    /// whose include glob matches files of the scanning host is reused, not scanned again each time.
    @Test("an unchanged copy is reused by a rescan, though its include glob matches host files")
    func copyRescan() throws {
        let tree = try SystemTree()
        try tree.write("host/sshd.d/weak.conf", "Ciphers aes128-cbc\n")
        let host = tree.root.appendingPathComponent("host").path
        try tree.write("repo/ssh/sshd_config", "Include \(host)/sshd.d/*.conf\nCiphers aes256-gcm@openssh.com\n")
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let request = ScanRequest(roots: [tree.root.appendingPathComponent("repo").path], storePath: store)
        let first = try ScanUseCase().scan(request)
        let rescan = try ScanUseCase().scan(request)
        #expect(first.filesReused == 0)
        #expect(rescan.filesReused == rescan.record.counts.filesExamined && rescan.filesReused > 0)
    }

    /// A part of a system scanned with `--system-root`: where the part lies in the system decides, not where it
    /// lies in the scan (`etc/nginx` scanned alone is still the system's configuration folder).
    @Test("a subtree of a system root: etc/nginx refuses, home/alice/infra is a copy")
    func subtreesOfASystem() throws {
        let system = try SystemTree()
        try Self.write(system, under: "etc")
        try Self.write(system, under: "home/alice/infra")
        let root = SystemRootChoice.path(system.root.path)
        let configuration = try system.scan(["etc/nginx"], system: root)
        let repository = try system.scan(["home/alice/infra/nginx"], system: root)
        let inEtc = configuration.findings.filter { $0.source.rawValue == "nginx" }
        let inHome = repository.findings.filter { $0.source.rawValue == "nginx" }
        #expect(!inEtc.isEmpty && !inHome.isEmpty)
        #expect(inEtc.allSatisfy { $0.note?.contains("refuses to start") == true }, "\(inEtc.first?.note ?? "")")
        #expect(
            inHome.allSatisfy { $0.note?.hasPrefix("not known to be in force") == true },
            "\(inHome.first?.note ?? "")")
    }
}
