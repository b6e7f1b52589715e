import PQModel

/// One file handed to the scanners: its path relative to the scan root and its bytes.
public struct ScanInput: Sendable {
    public let path: ScanPath
    public let bytes: [UInt8]
    public let options: ScanOptions
    /// What the scan knows beyond this file: the rest of the tree (for includes) and installed software.
    public let context: ScanContext

    public init(
        path: ScanPath, bytes: [UInt8], options: ScanOptions = ScanOptions(), context: ScanContext = ScanContext()
    ) {
        self.path = path
        self.bytes = bytes
        self.options = options
        self.context = context
    }

    /// True when the file holds no NUL byte anywhere (configs and PEM are text; a NUL means binary).
    public var looksLikeText: Bool { !ByteSearch.contains(bytes, [0]) }
}

/// Settings that change how files are read, from the command line.
public struct ScanOptions: Sendable, Hashable {
    /// Passwords tried, in order, on every protected format: PKCS#12 (after no password and the empty one),
    /// encrypted PKCS#8, legacy encrypted PEM, JKS/JCEKS. The name is kept from when only PKCS#12 used them.
    public var pkcs12Passwords: [String]
    /// `--openssh-version X.Y`: the OpenSSH whose defaults apply when the tree's package database names none.
    public var opensshVersion: String?
    /// The target's OpenSSL version (`3.5.1`) for TLS effective settings when the tree has no package database
    /// (`--openssl-version`); nil means read it from the packages, else assume (Docs/tls.md).
    public var opensslVersion: String?
    /// `--local-user NAME`: the local user ssh_config `Match localuser` is tested against; nil for the user running
    /// PQScout (Docs/openssh.md).
    public var localUser: String?

    public init(
        pkcs12Passwords: [String] = [], opensshVersion: String? = nil, opensslVersion: String? = nil,
        localUser: String? = nil
    ) {
        self.pkcs12Passwords = pkcs12Passwords
        self.opensshVersion = opensshVersion
        self.opensslVersion = opensslVersion
        self.localUser = localUser
    }
}

/// Read-only access to the other files of the scanned tree, for formats that include other files
/// (`Include`, `include`, `.include`). It only reaches regular files the walker already accepted, so it
/// inherits every safety rule of the walk: nothing outside the root, no FIFOs or devices, the size limit.
public protocol TreeReader: Sendable {
    /// Paths (relative to the root) of walked files matching an fnmatch(3) pattern over the relative path,
    /// sorted bytewise. A pattern is relative to the root: map an absolute config path by dropping its `/`.
    /// The tree resolves it against the scan's system root (Docs/user-guide.md, *Live host or image*): through
    /// links inside the tree and, for a part of the running system, to files outside the scan root.
    func files(matching pattern: String) -> [ScanPath]
    /// The bytes of one walked file, or the diagnostic that explains why they cannot be had.
    func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic>
    /// The same, for a file that may be larger than the scan's file-size limit allows: up to `limit` bytes, or the
    /// scan's limit where that is larger. For the package databases, which are read before any scanner and are
    /// larger than any config (an rpm database of a full server is tens of MiB).
    func read(_ path: ScanPath, upTo limit: Int64) -> Result<[UInt8], Diagnostic>
    /// True when `path` lies outside the scan root (a live subtree's config naming `/etc/ssl/...`): the file is
    /// read for linking only, so a scanner that links to it carries its assets itself (no walk records them).
    func isOutsideRoot(_ path: ScanPath) -> Bool
    /// The path a report shows for a scanner-side path: relative to the scan root, or absolute for a file outside
    /// it (`/etc/ssl/certs/x.pem`). Scanners use it in notes that name another file.
    func reportedName(_ path: ScanPath) -> ScanPath
}

extension TreeReader {
    public func read(_ path: ScanPath, upTo limit: Int64) -> Result<[UInt8], Diagnostic> { read(path) }
    public func isOutsideRoot(_ path: ScanPath) -> Bool { false }
    public func reportedName(_ path: ScanPath) -> ScanPath { path }

    /// `read` for a file that may rightly be absent: nil when the tree holds no such file, the diagnostic when it
    /// holds one this scan cannot read (what that file says is then unknown, not absent).
    func readIfPresent(_ path: ScanPath) -> Result<[UInt8], Diagnostic>? {
        let result = read(path)
        if case .failure = result, files(matching: path.display).isEmpty { return nil }
        return result
    }
}

/// What a scan knows beyond the file in hand.
public struct ScanContext: Sendable {
    /// The rest of the tree; nil when a single buffer is scanned on its own (tests, examples).
    public var tree: (any TreeReader)?
    /// Packages installed in the scanned tree (dpkg, rpm, apk), read before the files are scanned.
    public var software: [Software]
    /// Answers read from the tree once per scan and shared by every file's scanners.
    let shared = SharedAnswers()

    public init(tree: (any TreeReader)? = nil, software: [Software] = []) {
        self.tree = tree
        self.software = software
    }

    /// The tree's system OpenSSL TLS settings for the root `label`, read once per scan: every nginx, Apache,
    /// HAProxy, Postfix, Dovecot and OpenVPN file of a root layers its own settings over the same `system_default`.
    ///
    /// The files the first reader read are remembered with the answer and told to every later caller's
    /// `RecordingTree`: each TLS file depends on them as much as the first did, and a rescan must know it.
    func systemTLS(label: String) -> SystemTLSConfig {
        let recording = tree as? RecordingTree
        // A configuration copy does not see the scanning host's system settings (ConfigCopy): its own answer.
        let copy = (recording?.base ?? tree) is ConfigCopy.View
        let answer = shared.systemTLS.value(for: copy ? label + "\u{0}copy" : label) {
            guard let base = recording?.base ?? tree else { return SharedAnswers.SystemTLS(config: SystemTLSConfig()) }
            let recorder = RecordingTree(base: base)
            let config = SystemTLSConfig.load(from: recorder, label: label)
            return SharedAnswers.SystemTLS(config: config, reads: recorder.reads)
        }
        recording?.absorb(answer.reads)
        return answer.config
    }
}

/// What `ScanContext` remembers; a class so the copies of one context share it.
final class SharedAnswers: Sendable {
    struct SystemTLS: Sendable {
        var config: SystemTLSConfig
        /// What reading it asked of the tree (`TreeReads`).
        var reads = TreeReads()
    }

    let systemTLS = InputMemo<String, SystemTLS>(capacity: 4096)
}

/// How strongly a scanner claims a file before reading it in full.
public enum Claim: Int, Sendable, Comparable {
    /// Not ours.
    case none = 0
    /// The content looks like ours (a PEM marker, a DER SEQUENCE): scan it; a parse failure is a diagnostic.
    case content = 1
    /// The name says it is ours (`*.crt`, `authorized_keys`): a file yielding nothing is a diagnostic.
    case name = 2

    public static func < (lhs: Claim, rhs: Claim) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A scanner for one family of formats: a pure function from (path, bytes) to findings and diagnostics.
///
/// It never touches the store, the console or any other file. Register a new scanner in
/// `ScannerRegistry.standard` and describe each source it writes in `FindingSourceDescription.all`; the
/// parameterised example test then runs its `examples` (Docs/architecture.md, "Adding a scanner").
public protocol FileScanner: Sendable {
    /// Stable identifier, used in diagnostics and the catalog of scanners ("x509", "ssh-key").
    var id: String { get }
    /// The finding sources it writes, each described once in `FindingSourceDescription.all`.
    var sources: [FindingSource] { get }
    /// Decides from the name and the first bytes (at most `ScannerRegistry.headSize`) whether to read the file.
    func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim
    /// Reads one file. Malformed input yields diagnostics, never a crash or a thrown error.
    func scan(_ input: ScanInput) -> ScanOutput
    /// Snippets in the software's own syntax that must and must not yield findings.
    var examples: [ScannerExample] { get }
    /// Whether a claimed file that yields nothing is malformed. True for certificates and keys (a valid one always
    /// yields a finding); false for configuration, where a valid file may set nothing cryptographic (a plain-HTTP
    /// `nginx.conf`): such scanners report their own parse failures.
    var nothingFoundIsMalformed: Bool { get }
}

extension FileScanner {
    public var nothingFoundIsMalformed: Bool { true }
}

/// An example a scanner carries: a file and what scanning it must produce.
public struct ScannerExample: Sendable {
    public let name: String
    public let path: String
    public let contents: [UInt8]
    /// Algorithms (as written) that must appear among the findings; empty with `expectsFindings == false`.
    public let expectedAlgorithms: [String]
    public let expectsFindings: Bool
    public let expectsDiagnostic: Bool

    public init(
        name: String, path: String, contents: [UInt8], expectedAlgorithms: [String] = [],
        expectsFindings: Bool = true, expectsDiagnostic: Bool = false
    ) {
        self.name = name
        self.path = path
        self.contents = contents
        self.expectedAlgorithms = expectedAlgorithms
        self.expectsFindings = expectsFindings
        self.expectsDiagnostic = expectsDiagnostic
    }
}
