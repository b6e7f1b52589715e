import Foundation

/// One algorithm of an effective list, with the catalog's verdict.
public struct EffectiveSSHAlgorithm: Codable, Sendable, Hashable {
    public var name: String
    public var canonical: String?
    public var quantumStatus: QuantumStatus

    public init(name: String, canonical: String?, quantumStatus: QuantumStatus) {
        self.name = name
        self.canonical = canonical
        self.quantumStatus = quantumStatus
    }
}

/// One effective list and where it came from.
public struct EffectiveSSHList: Codable, Sendable, Hashable {
    public var setting: String
    public var origin: Origin
    public var path: ScanPath?
    public var line: Int?
    public var context: String?
    public var value: String?
    public var algorithms: [EffectiveSSHAlgorithm]
    /// Why the list is not what the line says: emptied by `-`, rebuilt by sshd, left unset by ssh.
    public var note: String?

    public init(
        setting: String, origin: Origin, path: ScanPath?, line: Int?, context: String?, value: String?,
        algorithms: [EffectiveSSHAlgorithm], note: String?
    ) {
        self.setting = setting
        self.origin = origin
        self.path = path
        self.line = line
        self.context = context
        self.value = value
        self.algorithms = algorithms
        self.note = note
    }
}

/// The answer: the lists `sshd -T` / `ssh -G` would print, with their sources, the version and the problems met.
public struct EffectiveSSHResult: Codable, Sendable, Hashable {
    /// Version of this JSON shape.
    public var schemaVersion = 1
    public var program: OpenSSHProgram
    public var configPath: ScanPath
    public var connection: OpenSSHConnection?
    /// The OpenSSH version whose defaults and names apply, and how it was chosen.
    public var opensshVersion: String
    public var versionBasis: String
    public var versionAssumed: Bool
    public var lists: [EffectiveSSHList]
    /// RequiredRSASize in force (OpenSSH 9.1+), and the line that set it (nil path: the default, 1024).
    public var requiredRSASize: Int?
    public var requiredRSASizePath: ScanPath?
    public var requiredRSASizeLine: Int?
    /// Files read: the configuration, then its includes in reading order.
    public var files: [ScanPath]
    public var diagnostics: [Diagnostic]
    /// True when some key exchange in force is post-quantum or hybrid.
    public var postQuantumKex: Bool
    /// sshd with the distribution GSSAPI patch: whether `GSSAPIKeyExchange` is on (Debian's default is no, and then
    /// the GSSAPIKexAlgorithms list is printed but not offered); nil where the build has no such patch.
    public var gssapiKeyExchange: Bool?
    /// Why sshd (`sshd -T [-C …]`) or ssh (`ssh -G`) would refuse this configuration for this connection, in
    /// OpenSSH's words where it has them; empty when it would run.
    public var refusals: [String] = []

    public init(
        program: OpenSSHProgram, configPath: ScanPath, connection: OpenSSHConnection?, opensshVersion: String,
        versionBasis: String, versionAssumed: Bool, lists: [EffectiveSSHList], requiredRSASize: Int?,
        requiredRSASizePath: ScanPath?, requiredRSASizeLine: Int?, files: [ScanPath], diagnostics: [Diagnostic],
        postQuantumKex: Bool, gssapiKeyExchange: Bool?, refusals: [String] = []
    ) {
        self.program = program
        self.configPath = configPath
        self.connection = connection
        self.opensshVersion = opensshVersion
        self.versionBasis = versionBasis
        self.versionAssumed = versionAssumed
        self.lists = lists
        self.requiredRSASize = requiredRSASize
        self.requiredRSASizePath = requiredRSASizePath
        self.requiredRSASizeLine = requiredRSASizeLine
        self.files = files
        self.diagnostics = diagnostics
        self.postQuantumKex = postQuantumKex
        self.gssapiKeyExchange = gssapiKeyExchange
        self.refusals = refusals
    }
}
