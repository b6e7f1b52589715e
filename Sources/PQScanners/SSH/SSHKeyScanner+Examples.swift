import Foundation

extension SSHKeyScanner {
    /// An Ed25519 public key (made with `ssh-keygen -t ed25519`).
    static let exampleEd25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIzS4uXhrvWps7pFpiL7CkAcVTAx3z94TddlORYtKv+y"

    /// A host certificate for an Ed25519 key signed by an Ed25519 CA (`ssh-keygen -s ca -h -I example`).
    static let exampleHostCertificate =
        "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIERdiHl1TOYVTvduiOiX"
        + "Xl8Dgd7Vc0OLBf0Nz/iEGRE8AAAAIPsyPL6qGMCV+vR/n9BYWLZ+C3GpEirRUtLSO71LJyFmAAAAAAAAAAAAAAACAAAAB2V4YW1wbGUAAAAU"
        + "AAAAEGhvc3QuZXhhbXBsZS5vcmcAAAAAZZIAgAAAAAB4YfgAAAAAAAAAAAAAAAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACBfxFDNNwkIsor6"
        + "PL6/VF0qhcFEezqEdgSxESRTja1cdQAAAFMAAAALc3NoLWVkMjU1MTkAAABAS1at/3bVAxuwvir+ntxEz4SFNI09NQDx9AI6jki7+KnfCgUZ"
        + "EpN56lCPfOwqtg+Eq/Os6BcNrdebbuiROoafBg=="

    /// Snippets in OpenSSH's own syntax that must, and must not, yield findings.
    public var examples: [ScannerExample] {
        let key = Self.exampleEd25519
        return [
            ScannerExample(
                name: "public key file", path: "home/alice/.ssh/id_ed25519.pub",
                contents: Array("\(key) alice@example.org\n".utf8), expectedAlgorithms: ["ssh-ed25519"]),
            ScannerExample(
                name: "authorized_keys with quoted options", path: "home/alice/.ssh/authorized_keys",
                contents: Array(
                    """
                    # comment
                    command="echo \\"hi there\\"",no-pty,from="10.0.0.0/8" \(key) backup

                    """.utf8),
                expectedAlgorithms: ["ssh-ed25519"]),
            ScannerExample(
                name: "known_hosts with a hashed host and a CA", path: "etc/ssh/ssh_known_hosts",
                contents: Array(
                    """
                    |1|3lG8hhTKp+Ua8vBXvshbB1rL054=|m90wbKbD83OhhXIFqmc9Zcw3izY= \(key)
                    @cert-authority *.example.org \(key)

                    """.utf8),
                expectedAlgorithms: ["ssh-ed25519"]),
            ScannerExample(
                name: "host certificate", path: "etc/ssh/ssh_host_ed25519_key-cert.pub",
                contents: Array("\(Self.exampleHostCertificate) host\n".utf8),
                expectedAlgorithms: ["ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519"]),
            ScannerExample(
                name: "OpenSSH private key (public part only is read)", path: "home/alice/.ssh/id_ed25519",
                contents: Self.examplePrivateKey(), expectedAlgorithms: ["ssh-ed25519"]),
            ScannerExample(
                name: "comments only", path: "home/bob/.ssh/authorized_keys",
                contents: Array("# no keys yet\n\n".utf8), expectsFindings: false),
            ScannerExample(
                name: "bad base64", path: "home/bob/.ssh/id_rsa.pub",
                contents: Array("ssh-rsa AAAA!!!! bob\n".utf8), expectsFindings: false, expectsDiagnostic: true),
        ]
    }

    /// An unencrypted `openssh-key-v1` file around the example key, whose private section is 16 zero bytes:
    /// the scanner never looks inside it, and the source carries no real private key.
    static func examplePrivateKey() -> [UInt8] {
        let publicBlob = [UInt8](Data(base64Encoded: String(exampleEd25519.dropFirst("ssh-ed25519 ".count))) ?? Data())
        var writer = SSHWireWriter()
        writer.raw(OpenSSHPrivateKey.magic)
        writer.string("none")
        writer.string("none")
        writer.string("")
        writer.uint32(1)
        writer.string(publicBlob)
        writer.string([UInt8](repeating: 0, count: 16))
        let body = Data(writer.bytes).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return Array("\(OpenSSHPrivateKey.beginMarker)\n\(body)\n\(OpenSSHPrivateKey.endMarker)\n".utf8)
    }
}
