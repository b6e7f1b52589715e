import PQCatalog
import PQModel

/// Finds SSH public keys, certificates and OpenSSH-format private keys: `*.pub`, `authorized_keys`,
/// `known_hosts`, `*-cert.pub`, `id_*` and `ssh_host_*_key`.
///
/// Formats, from the OpenSSH sources: sshd(8) AUTHORIZED_KEYS FILE FORMAT and SSH_KNOWN_HOSTS FILE FORMAT,
/// PROTOCOL.certkeys (rev 1.20) and PROTOCOL.u2f for certificates, PROTOCOL.key for private keys; key blobs per
/// RFC 4253 section 6.6, RFC 5656 section 3.1 and RFC 8709.
///
/// Each finding's `setting` says where the key was found:
/// - `publicKey`: a key line in a `*.pub` file (or a file recognised by content alone);
/// - `authorizedKey`: a key in `authorized_keys`; `context` lists its option keywords, values left out
///   (`options: cert-authority,principals`);
/// - `knownHost`: a key in `known_hosts`; `context` holds the marker and host patterns as written
///   (`@cert-authority *.example.org`), or `hashed host` in place of a hashed name;
/// - `privateKey`: a public key read from the envelope of an OpenSSH private key (never its private part);
/// - `certificate`, `signatureKey`, `signature`: an OpenSSH certificate's certified key, its CA's key, and the
///   CA's signature algorithm (source `ssh-certificate`).
///
/// A line that cannot be read does not stop the file: the good lines yield findings, and the file gets one
/// `malformed` diagnostic summarising the bad ones.
public struct SSHKeyScanner: FileScanner {
    public let id = "ssh-key"
    public let sources: [FindingSource] = [.sshKey, .sshCertificate]
    private let catalog: Catalog

    /// - Parameter catalog: where canonical names and quantum status come from; tests pass their own.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    // MARK: - Claim

    /// By name: `*.pub`, `authorized_keys*`, `known_hosts*`, `ssh_known_hosts*`, and the private key names
    /// ssh-keygen(1) and sshd(8) use (`id_ed25519`, `ssh_host_rsa_key`). By content: an OPENSSH PRIVATE KEY
    /// marker, or a first key line that starts with a known type and `AAAA`. Files holding another PEM block
    /// (`BEGIN PUBLIC KEY` in a `*.pub`, a legacy `BEGIN RSA PRIVATE KEY` in `id_rsa`) are left to the PEM
    /// scanners.
    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        let privateKeyMarker = ByteSearch.contains(head, Self.privateKeyMarker)
        if privateKeyMarker {
            return Self.isPrivateKeyName(name) || SSHKeyFileKind.forName(name) != nil ? .name : .content
        }
        if PEM.containsMarker(head) { return .none }
        if SSHKeyFileKind.forName(name) != nil || Self.isPrivateKeyName(name) { return .name }
        // A key blob starts with a 4-byte length below 2^24, so its base64 starts "AAAA": a cheap test first.
        guard ByteSearch.contains(head, Self.blobStart) else { return .none }
        return Self.firstLineLooksLikeKey(head) ? .content : .none
    }

    static let privateKeyMarker = Array(OpenSSHPrivateKey.beginMarker.utf8)
    static let blobStart = Array(" AAAA".utf8)
    static let rfc4716Marker = Array("---- BEGIN SSH2 PUBLIC KEY ----".utf8)

    /// ssh-keygen(1) default identity names and sshd(8) host key names.
    static func isPrivateKeyName(_ name: String) -> Bool {
        let identities: Set<String> = [
            "id_rsa", "id_dsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss",
            "id_mldsa44_ed25519",
        ]
        return identities.contains(name) || (name.hasPrefix("ssh_host_") && name.hasSuffix("_key"))
    }

    private static func firstLineLooksLikeKey(_ head: ArraySlice<UInt8>) -> Bool {
        var rest = head
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let line = rest[rest.startIndex..<end]
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : []
            if SSHText.isCommentOrBlank(line) { continue }
            var tokens: [String] = []
            var remaining = line
            while tokens.count < 4 {
                let (token, after) = SSHText.nextToken(remaining)
                if token.isEmpty { break }
                tokens.append(SSHText.string(token))
                remaining = after
            }
            func keyAt(_ index: Int) -> Bool {
                index + 1 < tokens.count && SSHKeyType.allNames.contains(tokens[index])
                    && tokens[index + 1].hasPrefix("AAAA")
            }
            return keyAt(0) || keyAt(1) || (tokens.first?.hasPrefix("@") == true && keyAt(2))
        }
        return false
    }

    // MARK: - Scan

    public func scan(_ input: ScanInput) -> ScanOutput {
        var collector = SSHFindingCollector(path: input.path, catalog: catalog)
        if ByteSearch.contains(input.bytes, Self.privateKeyMarker) {
            scanPrivateKeys(input, into: &collector)
        } else if ByteSearch.contains(input.bytes, Self.rfc4716Marker) {
            collector.output.diagnostics.append(
                Diagnostic(
                    path: input.path, reason: .unsupported,
                    detail: "RFC 4716 SSH2 public key format is not read; convert with ssh-keygen -i"))
        } else {
            scanLines(input, into: &collector)
        }
        return collector.output
    }

    private func scanLines(_ input: ScanInput, into collector: inout SSHFindingCollector) {
        let kind = SSHKeyFileKind.forName(String(decoding: input.path.lastComponent, as: UTF8.self)) ?? .unknown
        var problems: [(line: Int, reason: String)] = []
        var keyLines = 0
        for (number, line) in SSHText.lines(input.bytes) where !SSHText.isCommentOrBlank(line) {
            keyLines += 1
            switch SSHKeyLine.parse(line, as: kind) {
            case .failure(let problem):
                problems.append((number, problem.reason))
            case .success(let keyLine):
                if let problem = collector.add(keyLine, line: number) { problems.append((number, problem)) }
            }
        }
        guard !problems.isEmpty else { return }
        let shown = problems.prefix(3).map { "line \($0.line): \($0.reason)" }.joined(separator: "; ")
        let more = problems.count > 3 ? "; …" : ""
        collector.output.diagnostics.append(
            Diagnostic(
                path: input.path, reason: .malformed,
                detail: "\(problems.count) of \(keyLines) lines not understood: \(shown)\(more)"))
    }

    private func scanPrivateKeys(_ input: ScanInput, into collector: inout SSHFindingCollector) {
        var problems: [String] = []
        for (line, result) in OpenSSHPrivateKey.blocks(in: input.bytes) {
            switch result {
            case .failure(let error):
                problems.append("OPENSSH PRIVATE KEY at line \(line): \(error.reason)")
            case .success(let key):
                for (index, publicKey) in key.publicKeys.enumerated() {
                    switch publicKey {
                    case .success(let publicKey): collector.add(privateKey: key, publicKey: publicKey)
                    case .failure(let error):
                        problems.append("OPENSSH PRIVATE KEY at line \(line), public key \(index + 1): \(error.reason)")
                    }
                }
            }
        }
        guard !problems.isEmpty else { return }
        collector.output.diagnostics.append(
            Diagnostic(path: input.path, reason: .malformed, detail: problems.prefix(3).joined(separator: "; ")))
    }
}
