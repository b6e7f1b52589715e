extension OpenSSHConfigScanner {
    /// Snippets in OpenSSH's own syntax (sshd_config(5), ssh_config(5)) that must, and must not, yield findings.
    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "sshd_config with a hybrid key exchange first", path: "etc/ssh/sshd_config",
                contents: Array(
                    """
                    # sshd_config(5): KexAlgorithms, Ciphers, MACs take comma-separated lists
                    KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256
                    Ciphers aes256-gcm@openssh.com
                    MACs = hmac-sha2-512-etm@openssh.com

                    """.utf8),
                expectedAlgorithms: [
                    "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "aes256-gcm@openssh.com",
                    "hmac-sha2-512-etm@openssh.com",
                ]),
            ScannerExample(
                name: "ssh_config Host block with a modifier", path: "etc/ssh/ssh_config",
                contents: Array(
                    """
                    Host legacy.example.org
                        HostKeyAlgorithms +ssh-rsa

                    """.utf8),
                expectedAlgorithms: ["ssh-rsa"]),
            ScannerExample(
                name: "a directive with no argument is a diagnostic", path: "etc/ssh/sshd_config",
                contents: Array("KexAlgorithms\n".utf8), expectsFindings: true, expectsDiagnostic: true),
            ScannerExample(
                name: "a file of another name is not read", path: "etc/ssh/ssh_known_hosts",
                contents: Array("KexAlgorithms curve25519-sha256\n".utf8), expectsFindings: false),
            ScannerExample(
                name: "moduli(5): one finding per prime size", path: "etc/ssh/moduli",
                contents: Array(
                    """
                    #    $OpenBSD: moduli,v 1.33
                    20230101000000 2 6 100 2047 2 \(String(repeating: "F", count: 512))

                    """.utf8),
                expectedAlgorithms: ["diffie-hellman-group-exchange"]),
        ]
    }
}
