import Foundation

/// One release of a piece of software and the algorithms it first brings, as `Resources/releases.json` records it.
public struct SoftwareRelease: Codable, Sendable, Hashable {
    /// What a release brings an algorithm as: the names differ (OpenSSL's TLS group `x25519mlkem768` against its
    /// key type `ML-DSA-65`), so a question names the kind it asks about.
    public enum Kind: String, Codable, Sendable {
        case tlsGroup = "tls-group"
        case keyExchange = "key-exchange"
        case signature
    }

    /// The software as package readers and the finding-source descriptions name it: `openssl`, `openssh`, `strongswan`.
    public let software: String
    public let version: String
    /// The release day, `YYYY-MM-DD`.
    public let date: String
    public let kind: Kind
    /// The algorithms the release first brings, in the software's own spelling.
    public let brings: [String]
    /// The public document that says so: release notes, a changelog section, a tagged source file.
    public let source: String

    /// The version's numeric parts (`3.5` → `[3, 5]`), for ordering and comparison with installed versions.
    public var versionParts: [Int] { version.split(separator: ".").compactMap { Int($0) } }
}

extension Catalog {
    private struct ReleaseFile: Decodable {
        let releases: [SoftwareRelease]
    }

    /// Every release the bundled table records, oldest first per software.
    public static let releases: [SoftwareRelease] = {
        do {
            guard let url = Bundle.module.url(forResource: "releases", withExtension: "json") else {
                throw CatalogError(code: "catalog.missing", reason: "releases.json is not in the bundle")
            }
            let rows = try JSONDecoder().decode(ReleaseFile.self, from: Data(contentsOf: url)).releases
            return rows.sorted { lhs, rhs in
                lhs.software != rhs.software
                    ? lhs.software < rhs.software : lhs.versionParts.lexicographicallyPrecedes(rhs.versionParts)
            }
        } catch {
            // The resource ships inside the binary's bundle; failing here is a packaging fault, not input.
            preconditionFailure("PQCatalog: bundled releases.json is unreadable: \(error)")
        }
    }()

    /// What each recorded release of `software` brings, oldest first.
    public func releases(of software: String) -> [SoftwareRelease] {
        Self.releases.filter { $0.software == software.lowercased() }
    }

    /// The first release of `software` that brings `algorithm`, spelled as the software spells it (compared without
    /// case: OpenSSL group names are case-insensitive from 3.5, OpenSSH's are lower case), or nil when no recorded
    /// release brings it.
    public func firstRelease(
        of software: String, bringing algorithm: String, as kind: SoftwareRelease.Kind? = nil
    ) -> SoftwareRelease? {
        let wanted = algorithm.lowercased()
        return releases(of: software).first { release in
            (kind == nil || release.kind == kind) && release.brings.contains { $0.lowercased() == wanted }
        }
    }

    /// The first release of `software` that brings a post-quantum or hybrid key establishment (a KEM the catalog
    /// rates hybrid or resistant: ML-KEM, its hybrids, sntrup761x25519), or nil.
    public func firstPQKeyExchangeRelease(of software: String) -> SoftwareRelease? {
        releases(of: software).first { release in
            release.kind != .signature
                && release.brings.contains { name in
                    guard let entry = entry(named: name) else { return false }
                    return entry.primitive == .kem && [.hybrid, .resistant].contains(entry.quantumStatus)
                }
        }
    }
}
