extension ScannerRegistry {
    /// Every scanner PQScout ships, in the order their findings are listed for one file.
    public static let standard = ScannerRegistry(scanners: [
        CertificateScanner(),
        KeyScanner(),
        CSRScanner(),
        DHParametersScanner(),
        SSHKeyScanner(),
        OpenSSHConfigScanner(),
        NginxScanner(), ApacheScanner(), HAProxyScanner(), OpenSSLConfScanner(),
        PostfixScanner(),
        DovecotScanner(),
        StrongSwanScanner(),
        OpenVPNScanner(),
        WireGuardScanner(),
        JavaSecurityScanner(),
        JavaKeystoreScanner(),
        KubernetesScanner(),
    ])
}
