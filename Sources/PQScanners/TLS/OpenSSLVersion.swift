import PQModel

/// An OpenSSL release as major.minor.patch, read from a package version (`3.0.15-1~deb12u1`, `1:3.2.2-3.el10`)
/// or a version string (`OpenSSL 3.0.19 27 Jan 2026`).
///
/// TLS defaults and the groups a library knows change between releases (OpenSSL CHANGES.md: ML-KEM groups and
/// the hybrid default list arrive in 3.5.0, `?` in group lists in 3.3), so every effective-setting decision
/// carries the version it was made for.
public struct OpenSSLVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses the first `N.N[.N]` in the text, skipping a Debian/RPM epoch (`1:`); nil when there is none.
    public init?(parsing text: String) {
        var body = Substring(text)
        if let colon = body.firstIndex(of: ":"), body[..<colon].allSatisfy(\.isNumber) {
            body = body[body.index(after: colon)...]
        }
        var numbers: [Int] = []
        var current = ""
        var started = false
        for character in body {
            if character.isASCII, character.isNumber {
                current.append(character)
                started = true
                if current.count > 6 { return nil }
            } else if character == ".", started, !current.isEmpty {
                numbers.append(Int(current) ?? 0)
                current = ""
                if numbers.count == 3 { break }
            } else if started {
                break
            }
        }
        if !current.isEmpty, numbers.count < 3 { numbers.append(Int(current) ?? 0) }
        guard numbers.count >= 2 else { return nil }
        self.init(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: OpenSSLVersion, rhs: OpenSSLVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    /// The release assumed when the tree has no package database and no `--openssl-version` was given:
    /// 3.0, the LTS line of Debian 12, Ubuntu 22.04 and RHEL 9 (the most common server library in 2026).
    public static let assumed = OpenSSLVersion(3, 0, 0)
}

extension OpenSSLVersion {
    /// The release the tree's package database gives a program: the first of `names` (its package names, in order
    /// of preference) that is installed with a version this type reads; nil when none is. Scanners pick their
    /// version-dependent defaults by it.
    static func installed(_ names: [String], in software: [Software]) -> OpenSSLVersion? {
        installedPackage(names, in: software)?.version
    }

    /// The same, with the package it was read from.
    static func installedPackage(_ names: [String], in software: [Software]) -> (
        package: Software, version: OpenSSLVersion
    )? {
        for name in names {
            if let package = software.first(where: { $0.name == name }),
                let version = OpenSSLVersion(parsing: package.version)
            {
                return (package, version)
            }
        }
        return nil
    }
}

/// The OpenSSL version in force for a scanned tree, and where that answer came from.
public struct OpenSSLInForce: Sendable, Hashable {
    public enum Basis: String, Sendable, Hashable {
        /// Read from the tree's package database (dpkg, rpm, apk).
        case package
        /// Given by the user (`--openssl-version`).
        case option
        /// Neither: `OpenSSLVersion.assumed`.
        case assumed
    }

    public var version: OpenSSLVersion
    public var basis: Basis
    /// The package it was read from (`libssl3t64 3.0.15-1~deb12u1`), when `basis == .package`.
    public var package: String?

    public init(version: OpenSSLVersion, basis: Basis, package: String? = nil) {
        self.version = version
        self.basis = basis
        self.package = package
    }

    /// Package names that carry libssl, across Debian/Ubuntu, RHEL/Fedora, SUSE and Alpine.
    static let libraryPackages = [
        "libssl3t64", "libssl3", "openssl-libs", "libopenssl3", "libssl1.1", "openssl", "libssl", "openssl3",
    ]

    /// The library version from installed packages, else the option, else the documented assumption.
    public static func resolve(software: [Software], option: String? = nil) -> OpenSSLInForce {
        if let (package, version) = OpenSSLVersion.installedPackage(libraryPackages, in: software) {
            return OpenSSLInForce(version: version, basis: .package, package: "\(package.name) \(package.version)")
        }
        if let option, let version = OpenSSLVersion(parsing: option) {
            return OpenSSLInForce(version: version, basis: .option)
        }
        return OpenSSLInForce(version: .assumed, basis: .assumed)
    }

    /// Built by Ubuntu 20.04 or later (a package version with `ubuntu`, OpenSSL 1.1.1 or later, not an 18.04 one):
    /// security level 2 by default, and TLS 1.0 and 1.1 refused from level 2 (Ubuntu's security documentation,
    /// "Disable legacy TLS"; a patch to OpenSSL's meaning of level 2).
    public var isUbuntuBuild: Bool {
        guard basis == .package, let package, package.lowercased().contains("ubuntu") else { return false }
        return version >= OpenSSLVersion(1, 1, 1) && !package.contains("18.04")
    }

    /// Built by Fedora or Red Hat (RHEL and its rebuilds): the `openssl-libs` package of a `.fcN` or `.elN` release,
    /// OpenSSL 1.1.1 or later (RHEL 8 on). Their build reads `PROFILE=SYSTEM` from crypto-policies
    /// (`SystemCipherProfile`).
    public var isRedHatBuild: Bool {
        guard basis == .package, let package, package.hasPrefix("openssl-libs "),
            version >= OpenSSLVersion(1, 1, 1)
        else { return false }
        let release = package.split(separator: "-").last ?? ""
        return release.split(separator: ".").contains { part in
            (part.hasPrefix("el") || part.hasPrefix("fc")) && part.dropFirst(2).first?.isNumber == true
        }
    }

    /// Words for a finding's note: "OpenSSL 3.5.1 (package libssl3t64 3.5.1-1)".
    public var phrase: String {
        switch basis {
        case .package: "OpenSSL \(version) (package \(package ?? "?"))"
        case .option: "OpenSSL \(version) (--openssl-version)"
        case .assumed:
            "OpenSSL \(version.major).\(version.minor) (assumed: no OpenSSL package in the tree, no --openssl-version)"
        }
    }
}
