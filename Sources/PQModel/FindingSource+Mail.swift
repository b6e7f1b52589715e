extension FindingSource {
    /// Dovecot IMAP/POP3 server configuration (`dovecot.conf` and what it includes).
    public static let dovecot: FindingSource = "dovecot"
    /// WireGuard interface configuration (`wg*.conf`, wg-quick(8) and wg(8) syntax).
    public static let wireguard: FindingSource = "wireguard"
}

extension FindingSource {
    /// Java's own keystore formats, JKS and JCEKS (PKCS#12 keystores report as `pkcs12`).
    public static let javaKeystore: FindingSource = "java-keystore"
}
