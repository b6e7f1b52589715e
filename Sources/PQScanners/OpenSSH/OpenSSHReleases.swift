import Foundation
import PQModel

/// What one OpenSSH release offers when its configuration is silent, and which names it knows at all.
///
/// Every list is read from openssh-portable at the release tag (`myproposal.h` for the defaults; the `kexalgs[]`,
/// `ciphers[]`, `macs[]` tables and the key implementations for the supported names), by the script
/// `Tests/PQScannersTests/Fixtures/openssh/extract-openssh-defaults.py`; Docs/openssh.md lists the tags.
public struct OpenSSHRelease: Codable, Sendable, Hashable {
    /// `major.minor`, as OpenSSH numbers its releases (`9.2`, `10.0`).
    public var version: String
    /// The openssh-portable tag the lists were read at (`V_9_2_P1`).
    public var tag: String
    /// `KEX_SERVER_KEX`: the key exchanges sshd offers by default.
    public var serverKex: [String]
    /// `KEX_CLIENT_KEX`: the key exchanges ssh offers by default (from 10.0 longer than the server's).
    public var clientKex: [String]
    /// `KEX_DEFAULT_PK_ALG`: default HostKeyAlgorithms, PubkeyAcceptedAlgorithms, HostbasedAcceptedAlgorithms.
    public var publicKey: [String]
    public var serverCiphers: [String]
    public var clientCiphers: [String]
    public var serverMACs: [String]
    public var clientMACs: [String]
    /// `SSH_ALLOWED_CA_SIGALGS`: the default CASignatureAlgorithms.
    public var caSignature: [String]
    /// Names this release accepts, in the order of its own tables (the order wildcards expand in).
    public var supportedKex: [String]
    public var supportedCiphers: [String]
    public var supportedMACs: [String]
    /// Key types, certificate types and signature names (`sshkey_alg_list`), in `keyimpls[]` order.
    public var supportedKeyTypes: [String]

    /// The numeric form of `version`, for ordering.
    public var number: OpenSSHVersion { OpenSSHVersion(version) ?? OpenSSHVersion(major: 0, minor: 0) }
}

/// An OpenSSH `major.minor` version, parsed from `9.2`, `9.2p1`, `1:9.2p1-2+deb12u10`, `OpenSSH_9.2p1`.
public struct OpenSSHVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Reads the upstream version from a package version or a banner; nil when it holds no `N.N`.
    public init?(_ text: String) {
        var rest = Substring(text)
        if let underscore = rest.firstIndex(of: "_"), rest.hasPrefix("OpenSSH") {
            rest = rest[rest.index(after: underscore)...]
        }
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].allSatisfy(\.isNumber) {
            rest = rest[rest.index(after: colon)...]
        }
        let majorDigits = rest.prefix(while: \.isNumber)
        rest = rest.dropFirst(majorDigits.count)
        guard rest.first == "." else { return nil }
        let minorDigits = rest.dropFirst().prefix(while: \.isNumber)
        guard let major = Int(majorDigits.prefix(4)), let minor = Int(minorDigits.prefix(4)) else { return nil }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: OpenSSHVersion, rhs: OpenSSHVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}

/// A distribution's change to a release's lists (Debian's backport of the IANA sntrup761 name).
public struct OpenSSHPatch: Codable, Sendable, Hashable {
    public var id: String
    /// Package versions the patch applies to share this prefix and end in a revision number.
    public var packageVersionPrefix: String
    /// The first revision (the number after the prefix) carrying the patch.
    public var fromRevision: Int
    public var addKex: [String]
    /// The default-list name the added names go in front of.
    public var insertBefore: String
    public var source: String

    /// True when `packageVersion` is a build carrying this patch.
    public func applies(to packageVersion: String) -> Bool {
        guard packageVersion.hasPrefix(packageVersionPrefix) else { return false }
        let revision = packageVersion.dropFirst(packageVersionPrefix.count).prefix(while: \.isNumber)
        guard let number = Int(revision.prefix(6)) else { return false }
        return number >= fromRevision
    }
}

/// The GSSAPI key exchange lists of the distribution `gssapi-keyex` patch (Debian, Ubuntu, Fedora, RHEL).
public struct OpenSSHGSSAPILists: Codable, Sendable, Hashable {
    public var `default`: [String]
    public var supported: [String]
    public var source: String
}

/// The bundled per-release data, and the choice of release for a version found in a tree.
public enum OpenSSHReleases {
    private struct Document: Codable {
        var releases: [OpenSSHRelease]
        var patches: [OpenSSHPatch]
        var gssapi: OpenSSHGSSAPILists
    }

    private static let document: Document? = try? JSONDecoder().decode(Document.self, from: Data(dataJSON.utf8))

    /// Every release with data, oldest first (8.9 up to the newest tag read).
    public static let all: [OpenSSHRelease] = (document?.releases ?? []).sorted { $0.number < $1.number }
    /// Distribution patches that change default lists.
    public static let patches: [OpenSSHPatch] = document?.patches ?? []
    /// The GSSAPI key exchange lists of the distribution patch.
    public static let gssapi = document?.gssapi ?? OpenSSHGSSAPILists(default: [], supported: [], source: "")

    /// The release assumed when the tree says nothing and no version is given: Ubuntu 24.04 LTS ships 9.6p1.
    public static let assumedVersion = OpenSSHVersion(major: 9, minor: 6)

    /// The data for `version`: the newest release with data not newer than it, else the oldest one.
    ///
    /// OpenSSH changes defaults only in feature releases, so 9.3 between two releases with data uses the older.
    public static func release(for version: OpenSSHVersion) -> OpenSSHRelease? {
        all.last { $0.number <= version } ?? all.first
    }
}
