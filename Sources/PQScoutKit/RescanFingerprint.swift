import Foundation
import PQModel
import PQScanners

/// Everything outside the tree's files that a scanner's results can depend on, hashed: a rescan reuses results only
/// from a scan with the same fingerprint (issue 20). A changed OpenSSH or OpenSSL package in the tree changes the
/// installed software and so the fingerprint; a rebuilt PQScout, another libcrypto, other roots or settings too.
enum RescanFingerprint {
    /// The fingerprint (64 hex digits), or nil when the scan must neither reuse nor leave a state: with passwords,
    /// whose effect on protected files could only be keyed by something derived from them (issue 21 keeps nothing
    /// of a secret in the store).
    static func make(request: ScanRequest, roots: [String], walks: [WalkResult], software: [[Software]]) -> String? {
        guard request.pkcs12Passwords.isEmpty else { return nil }
        var parts: [String] = [
            "pqscout rescan \(RescanCodec.format)", ToolInfo.version, buildIdentity, Digest.openSSLVersion,
            "roots", roots.joined(separator: "\u{1}"), "system \(request.system)",
            "max \(request.maxFileSize)", "links \(request.followLinks)",
            "excludes", request.excludes.joined(separator: "\u{1}"),
            "openssh \(request.opensshVersion ?? "-")", "openssl \(request.opensslVersion ?? "-")",
            // `Match localuser` is tested against the user running PQScout when none is named.
            "user \(request.localUser ?? OpenSSHConnection.processUser ?? "-")",
        ]
        for (walk, installed) in zip(walks, software) {
            parts.append("walk \(walk.label.count) \(walk.rootInSystem.count) \(walk.live)")
            parts.append(ScanPath(bytes: walk.label).display)
            parts.append(ScanPath(bytes: walk.rootInSystem).display)
            parts += installed.map { "\($0.name) \($0.version) \($0.sourcePath.display)" }
        }
        return Digest.sha256Hex(Array(parts.joined(separator: "\u{0}").utf8))
    }

    /// This build of PQScout: the running executable and the resource bundles beside it (the catalog, the OpenSSH
    /// release lists), by size and modification time. A rebuild changes it, so results of other code are not reused.
    static let buildIdentity: String = {
        var parts: [String] = []
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            // Without a way to name this build, no two runs share a fingerprint.
            return UUID().uuidString
        }
        parts.append(describe(executable))
        let directory = (executable as NSString).deletingLastPathComponent
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for bundle in siblings.sorted() where bundle.hasSuffix(".resources") {
            let base = directory + "/" + bundle
            let inside = FileManager.default.enumerator(atPath: base)?.allObjects.compactMap { $0 as? String } ?? []
            for name in inside.sorted() { parts.append(describe(base + "/" + name)) }
        }
        return parts.joined(separator: "\u{1}")
    }()

    private static func describe(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return path + " ?" }
        let identity = FileIdentity(info)
        return "\(path) \(identity.size) \(identity.modifiedNanos)"
    }
}
