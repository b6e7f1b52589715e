extension FindingSourceDescription {
    /// Every finding source a scanner of PQScout writes, one line each (Docs/architecture.md, "Adding a scanner").
    /// A test fails when a registered scanner writes a source missing here, or a line names a source no scanner writes.
    public static let all: [FindingSourceDescription] = [
        .init(.x509, "X.509 certificates", holds: .certificates, standsFor: [.codeSigning, .firmwareSigning]),
        .init(.pkcs7, "PKCS#7 certificate bundles", holds: .certificates),
        .init(.pkcs12, "PKCS#12 files", holds: .certificates, holdsSecrets: true),
        .init(.javaKeystore, "Java keystores (JKS, JCEKS)", holds: .certificates, holdsSecrets: true),
        .init(.publicKey, "public keys", holds: .keys),
        .init(.privateKey, "private keys", holds: .keys, holdsSecrets: true),
        .init(.dhParameters, "Diffie-Hellman parameters", holds: .keys),
        .init(.csr, "PKCS#10 certificate requests", holds: .keys),
        .init(.sshKey, "SSH keys", holds: .keys, claims: [.ssh]),
        .init(.sshCertificate, "OpenSSH certificates", holds: .keys, claims: [.ssh]),
        .init(
            .openssh, "OpenSSH sshd_config/ssh_config", holds: .configuration, library: "openssh",
            protocolFamily: .ssh, claims: [.ssh], standsFor: [.ssh], instance: .sshProgram, listSeparator: ","),
        .init(
            .nginx, "nginx", holds: .configuration, library: "openssl", protocolFamily: .tls, claims: [.tlsServer],
            standsFor: [.tlsServer], instance: .directory(markers: ["nginx"])),
        .init(
            .apache, "Apache httpd mod_ssl", holds: .configuration, library: "openssl", protocolFamily: .tls,
            claims: [.tlsServer], instance: .directory(markers: ["apache", "httpd"])),
        .init(
            .haproxy, "HAProxy", holds: .configuration, library: "openssl", protocolFamily: .tls, claims: [.tlsServer],
            instance: .directory(markers: ["haproxy"])),
        .init(
            .opensslConf, "OpenSSL configuration", holds: .configuration, library: "openssl", protocolFamily: .tls,
            claims: [.tlsServer, .tlsClient], standsFor: [.tlsClient, .dataAtRest], instance: .eachFile),
        .init(
            .postfix, "Postfix", holds: .configuration, library: "openssl", protocolFamily: .tls, claims: [.tlsServer],
            instance: .directory(markers: ["postfix"])),
        .init(
            .dovecot, "Dovecot", holds: .configuration, library: "openssl", protocolFamily: .tls, claims: [.tlsServer],
            instance: .directory(markers: ["dovecot"])),
        .init(
            .strongswan, "strongSwan IPsec", holds: .configuration, library: "strongswan", protocolFamily: .ipsec,
            claims: [.ipsec], standsFor: [.ipsec], holdsSecrets: true,
            instance: .parentDirectory(markers: ["ipsec", "swanctl", "strongswan"]), listSeparator: ","),
        // OpenVPN's control channel is TLS through OpenSSL (its keys, groups and suites are TLS settings), and it is a
        // VPN: vendors claim it with IPsec.
        .init(
            .openvpn, "OpenVPN", holds: .configuration, library: "openssl", protocolFamily: .tls, claims: [.ipsec],
            holdsSecrets: true, instance: .oneFile(markers: ["openvpn"])),
        // Noise_IKpsk2 with Curve25519, ChaCha20-Poly1305 and BLAKE2s, versioned as a whole (WireGuard whitepaper §5).
        .init(
            .wireguard, "WireGuard", holds: .configuration, claims: [.ipsec], fixedProtocol: "WireGuard",
            holdsSecrets: true, instance: .oneFile(markers: ["wireguard"])),
        .init(
            .javaSecurity, "Java security properties", holds: .configuration, protocolFamily: .tls,
            claims: [.tlsServer, .tlsClient], instance: .directory(markers: ["java", "jdk", "jre"])),
    ]
}
