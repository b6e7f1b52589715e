import Foundation
import PQCatalog
import PQModel
import PQReports
import PQScanners
import PQStore

/// What `pqscout effective ssh-server|ssh-client` asks: which configuration, for which connection.
public struct EffectiveSSHRequest: Sendable, Hashable {
    /// The scan root (a directory holding `etc/ssh/...`).
    public var root: String
    public var program: OpenSSHProgram
    /// sshd: the `-C` connection (`user=U,host=H,addr=A`), nil for none; ssh: the host (and user) asked about.
    public var connection: OpenSSHConnection?
    /// The configuration file relative to the root; nil for `etc/ssh/sshd_config` or `etc/ssh/ssh_config`.
    public var configPath: String?
    /// `--openssh-version X.Y`, used when the tree's package database names no OpenSSH.
    public var opensshVersion: String?

    public init(
        root: String, program: OpenSSHProgram, connection: OpenSSHConnection? = nil, configPath: String? = nil,
        opensshVersion: String? = nil
    ) {
        self.root = root
        self.program = program
        self.connection = connection
        self.configPath = configPath
        self.opensshVersion = opensshVersion
    }

    /// `pqscout effective ssh-server ROOT [--connection user=U,host=H,addr=A]`.
    ///
    /// - Throws: `PQScoutError` (usage) when the connection is not `user=U,host=H,addr=A[,laddr,lport,rdomain]`.
    public static func server(
        root: String, connection spec: String?, configPath: String? = nil, opensshVersion: String? = nil
    ) throws(PQScoutError) -> EffectiveSSHRequest {
        var connection: OpenSSHConnection?
        if let spec {
            guard let parsed = OpenSSHConnection(spec: spec) else {
                throw PQScoutError(
                    code: "effective.bad-connection", kind: .usage,
                    reason: "--connection takes user=U,host=H,addr=A[,laddr=L,lport=P,rdomain=R], not \(spec)")
            }
            connection = parsed
        }
        return EffectiveSSHRequest(
            root: root, program: .server, connection: connection, configPath: configPath,
            opensshVersion: opensshVersion)
    }

    /// `pqscout effective ssh-client ROOT --host NAME [--user NAME] [--local-user NAME]`.
    ///
    /// - Parameters:
    ///   - user: the remote user given to ssh (`ssh -l`); nil: the first `User` line, else the local user.
    ///   - localUser: the local user for `Match localuser`; nil: the user running PQScout.
    public static func client(
        root: String, host: String, user: String? = nil, localUser: String? = nil, configPath: String? = nil,
        opensshVersion: String? = nil
    ) -> EffectiveSSHRequest {
        EffectiveSSHRequest(
            root: root, program: .client,
            connection: OpenSSHConnection(
                user: user, host: host, localUser: localUser ?? OpenSSHConnection.processUser),
            configPath: configPath, opensshVersion: opensshVersion)
    }
}

/// The use case behind `pqscout effective`: walk the root, read installed software, evaluate one configuration.
public enum EffectiveSSHUseCase {
    /// Evaluates the configuration for the request.
    ///
    /// - Throws: `PQScoutError` when the root cannot be walked or holds no such configuration file.
    public static func run(_ request: EffectiveSSHRequest) throws(PQScoutError) -> EffectiveSSHResult {
        let walk: WalkResult
        switch TreeWalker().walk(root: request.root) {
        case .success(let result): walk = result
        case .failure(let error):
            throw PQScoutError(code: "effective.root-unreadable", kind: .input, reason: "\(error)")
        }
        let tree = WalkedTree(walk: walk, maxFileSize: WalkOptions.defaultMaxFileSize)
        let relative =
            request.configPath.map { String($0.drop { $0 == "/" }) }
            ?? (request.program == .server ? "etc/ssh/sshd_config" : "etc/ssh/ssh_config")
        let path = ScanPath(relative)
        let bytes: [UInt8]
        switch tree.read(path) {
        case .success(let read): bytes = read
        case .failure(let problem):
            throw PQScoutError(
                code: "effective.config-unreadable", kind: .input,
                reason: "cannot read \(relative) under \(request.root): \(problem.detail)")
        }
        let installed = InstalledSoftware.read(from: tree, rpmHeaders: RPMPackageDatabase.headerBlobs)
        let profile = OpenSSHProfile.resolve(
            for: request.program, software: installed.software, override: request.opensshVersion)
        let home = homeDirectory(of: relative)
        let configuration = OpenSSHConfiguration(
            program: request.program, path: path, bytes: bytes, tree: tree, profile: profile, home: home)
        // The scanner's diagnostics: load problems plus names and keywords this OpenSSH does not know.
        let scanned = OpenSSHConfigScanner().scan(
            ScanInput(
                path: path, bytes: bytes,
                options: ScanOptions(opensshVersion: request.opensshVersion, localUser: request.connection?.localUser),
                context: ScanContext(tree: tree, software: installed.software)))
        let lists = configuration.effectiveLists(for: request.connection).map { list in
            let usage = OpenSSHAlgorithmKeyword.all.first { $0.name == list.setting }?.usage ?? .keyExchange
            return EffectiveSSHList(
                setting: list.setting, origin: list.origin, path: list.path, line: list.line, context: list.context,
                value: list.value,
                algorithms: list.algorithms.map { name in
                    let verdict = OpenSSHConfigScanner.classify(name, usage: usage)
                    return EffectiveSSHAlgorithm(
                        name: name, canonical: verdict.canonical, quantumStatus: verdict.status)
                }, note: list.origin == .file ? list.note : nil)
        }
        let rsa = configuration.requiredRSASize(for: request.connection)
        let kex = lists.first { $0.setting == "KexAlgorithms" }?.algorithms ?? []
        return EffectiveSSHResult(
            program: request.program, configPath: path, connection: request.connection,
            opensshVersion: profile.version.description, versionBasis: profile.basis, versionAssumed: profile.assumed,
            lists: lists, requiredRSASize: rsa?.bits, requiredRSASizePath: rsa?.setter?.path,
            requiredRSASizeLine: rsa?.setter?.line, files: configuration.files,
            diagnostics: installed.diagnostics + scanned.diagnostics,
            postQuantumKex: kex.contains { $0.quantumStatus == .hybrid || $0.quantumStatus == .resistant },
            gssapiKeyExchange: profile.gssapiKex ? configuration.gssapiKeyExchange(for: request.connection) : nil,
            refusals: configuration.refusals(for: request.connection))
    }

    /// `home/alice` for `home/alice/.ssh/config`; nil for other files.
    static func homeDirectory(of relative: String) -> ScanPath? {
        guard relative.hasSuffix(".ssh/config") else { return nil }
        let home = relative.dropLast(".ssh/config".count)
        return ScanPath(String(home.hasSuffix("/") ? home.dropLast() : home))
    }
}
