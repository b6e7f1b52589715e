import PQModel

/// The one id scheme for service assets (an sshd, an nginx server block, a VPN connection): `service:` + SHA-256
/// of the source, the config file and the service's name, so the same block keeps its id across scans.
enum ServiceAssetID {
    static func make(source: FindingSource, path: ScanPath, name: String) -> String {
        "service:" + Digest.sha256Hex(Array("\(source.rawValue)\u{0}\(path.display)\u{0}\(name)".utf8))
    }
}
