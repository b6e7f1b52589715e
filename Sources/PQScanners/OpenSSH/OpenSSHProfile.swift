import PQModel

/// The OpenSSH build whose defaults apply: a release's lists, with the distribution's patches applied.
public struct OpenSSHProfile: Sendable, Hashable {
    /// The release data in force (patched).
    public var release: OpenSSHRelease
    /// The version read or assumed (it can be between two releases with data: 9.3 uses 9.2's lists).
    public var version: OpenSSHVersion
    /// True when the build carries the distribution GSSAPI key exchange patch (Debian, Ubuntu, Fedora, RHEL).
    public var gssapiKex: Bool
    /// Where the version came from, in words: `openssh-server 1:9.2p1-2+deb12u10 (var/lib/dpkg/status)`.
    public var basis: String
    /// True when nothing in the tree or on the command line gave the version.
    public var assumed: Bool

    /// Picks the build for `program` ("openssh-server" or "openssh-client").
    ///
    /// Order, as issue 3 sets it: the tree's package database, else `override` (`--openssh-version X.Y`), else
    /// `OpenSSHReleases.assumedVersion`, marked as assumed.
    public static func resolve(for program: OpenSSHProgram, software: [Software], override: String?) -> OpenSSHProfile {
        let names =
            program == .server ? ["openssh-server", "openssh"] : ["openssh-client", "openssh-clients", "openssh"]
        for name in names {
            guard let package = software.first(where: { $0.name == name }),
                let version = OpenSSHVersion(package.version), let release = OpenSSHReleases.release(for: version)
            else { continue }
            let patched = OpenSSHReleases.patches.filter { $0.applies(to: package.version) }
                .reduce(release) { $1.apply(to: $0) }
            let distro =
                package.sourcePath.display.hasSuffix("dpkg/status") || package.sourcePath.display.contains("rpm")
            return OpenSSHProfile(
                release: patched, version: version, gssapiKex: distro,
                basis: "\(package.name) \(package.version) (\(package.sourcePath.display))", assumed: false)
        }
        if let override, let version = OpenSSHVersion(override), let release = OpenSSHReleases.release(for: version) {
            return OpenSSHProfile(
                release: release, version: version, gssapiKex: false, basis: "--openssh-version \(override)",
                assumed: false)
        }
        let version = OpenSSHReleases.assumedVersion
        let release =
            OpenSSHReleases.release(for: version)
            ?? OpenSSHRelease(
                version: "0.0", tag: "", serverKex: [], clientKex: [], publicKey: [], serverCiphers: [],
                clientCiphers: [], serverMACs: [], clientMACs: [], caSignature: [], supportedKex: [],
                supportedCiphers: [], supportedMACs: [], supportedKeyTypes: [])
        return OpenSSHProfile(
            release: release, version: version, gssapiKex: false,
            basis: "assumed: no OpenSSH package in the tree and no --openssh-version", assumed: true)
    }

    /// A profile for a known release, with no distribution patches (tests, `--openssh-version`).
    public init?(version: OpenSSHVersion, gssapiKex: Bool = false, basis: String? = nil) {
        guard let release = OpenSSHReleases.release(for: version) else { return nil }
        self.init(
            release: release, version: version, gssapiKex: gssapiKex, basis: basis ?? "OpenSSH \(version)",
            assumed: false)
    }

    init(release: OpenSSHRelease, version: OpenSSHVersion, gssapiKex: Bool, basis: String, assumed: Bool) {
        self.release = release
        self.version = version
        self.gssapiKex = gssapiKex
        self.basis = basis
        self.assumed = assumed
    }

    /// The note each default finding carries: which version's defaults were used, and why.
    public var defaultNote: String {
        assumed
            ? "OpenSSH \(version) default (version assumed: not found in the tree; give --openssh-version)"
            : "OpenSSH \(version) default (\(basis))"
    }

    /// The default list of `keyword` for `program`.
    public func defaults(_ keyword: OpenSSHAlgorithmKeyword, for program: OpenSSHProgram) -> [String] {
        switch keyword.list {
        case .kex: program == .server ? release.serverKex : release.clientKex
        case .publicKey: release.publicKey
        case .caSignature: release.caSignature
        case .ciphers: program == .server ? release.serverCiphers : release.clientCiphers
        case .macs: program == .server ? release.serverMACs : release.clientMACs
        case .gssapiKex: gssapiKex ? OpenSSHReleases.gssapi.default : []
        }
    }

    /// Every name the build knows for `keyword`, in its tables' order (the order wildcards expand in).
    public func supported(_ keyword: OpenSSHAlgorithmKeyword) -> [String] {
        switch keyword.list {
        case .kex: release.supportedKex
        case .publicKey: release.supportedKeyTypes
        case .caSignature: release.supportedKeyTypes.filter { !$0.contains("-cert-v01@") }
        case .ciphers: release.supportedCiphers
        case .macs: release.supportedMACs
        case .gssapiKex: OpenSSHReleases.gssapi.supported
        }
    }

    /// True when the build knows the keyword at all (`RequiredRSASize` is 9.1+, `GSSAPIKexAlgorithms` a patch).
    public func knowsKeyword(_ key: String) -> Bool {
        switch key {
        case "requiredrsasize": version >= OpenSSHVersion(major: 9, minor: 1)
        case "gssapikexalgorithms": gssapiKex
        default: true
        }
    }
}

extension OpenSSHPatch {
    /// The release with this patch's key exchange names added to its known names and default lists.
    func apply(to release: OpenSSHRelease) -> OpenSSHRelease {
        var patched = release
        func insert(_ list: [String]) -> [String] {
            let fresh = addKex.filter { !list.contains($0) }
            guard let position = list.firstIndex(of: insertBefore) else { return list }
            var out = list
            out.insert(contentsOf: fresh, at: position)
            return out
        }
        patched.serverKex = insert(release.serverKex)
        patched.clientKex = insert(release.clientKex)
        patched.supportedKex = insert(release.supportedKex)
        return patched
    }
}
