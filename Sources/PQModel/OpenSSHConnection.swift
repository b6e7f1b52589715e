#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The connection a `Match` is tested against, as `sshd -T -C user=U,host=H,addr=A` takes it
/// (sshd.c `parse_server_match_testspec`), or the host `ssh -G HOST` is asked about.
public struct OpenSSHConnection: Sendable, Hashable, Codable {
    public var user: String?
    /// The remote host name (sshd) or the host name given to ssh.
    public var host: String?
    public var address: String?
    public var localAddress: String?
    public var localPort: Int?
    public var routingDomain: String?
    /// The local user running ssh (`Match localuser`).
    public var localUser: String?

    public init(
        user: String? = nil, host: String? = nil, address: String? = nil, localAddress: String? = nil,
        localPort: Int? = nil, routingDomain: String? = nil, localUser: String? = nil
    ) {
        self.user = user
        self.host = host
        self.address = address
        self.localAddress = localAddress
        self.localPort = localPort
        self.routingDomain = routingDomain
        self.localUser = localUser
    }

    /// The name of the user running this process (getpwuid(geteuid())), the default for `Match localuser`; nil when
    /// the system has no name for it.
    public static var processUser: String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// Parses `user=U,host=H,addr=A[,laddr=L,lport=P,rdomain=R]`; nil on an unknown field or a bad port.
    public init?(spec: String) {
        self.init()
        for field in spec.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = field.firstIndex(of: "=") else { return nil }
            let value = String(field[field.index(after: equals)...])
            switch field[..<equals].lowercased() {
            case "user": user = value
            case "host": host = value
            case "addr": address = value
            case "laddr": localAddress = value
            case "lport":
                guard let port = Int(value), (1...65535).contains(port) else { return nil }
                localPort = port
            case "rdomain": routingDomain = value
            default: return nil
            }
        }
    }
}

/// Which OpenSSH program reads a configuration.
public enum OpenSSHProgram: String, Sendable, Hashable, Codable {
    /// sshd, reading `sshd_config`.
    case server
    /// ssh, reading `ssh_config` and `~/.ssh/config`.
    case client
}
