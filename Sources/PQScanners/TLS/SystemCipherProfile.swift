import PQModel

/// `PROFILE=SYSTEM` at the start of a cipher string, as Fedora's and RHEL's OpenSSL read it.
///
/// Their build replaces the keyword with the first line of the crypto-policies back-end
/// `/etc/crypto-policies/back-ends/openssl.config` and keeps the rest of the string after it; a missing or empty file
/// gives the library's built-in list instead. The keyword counts only at the very start. Source: Fedora's openssl
/// package, patch 0007 "Add support for PROFILE=SYSTEM system default cipherlist" (`ssl/ssl_ciph.c`,
/// `load_system_str`; RHEL 8's `openssl-1.1.1-system-cipherlist.patch` before it), and the `PROFILE=SYSTEM` entry it
/// adds to openssl-ciphers(1). Upstream OpenSSL, Debian's and Ubuntu's know no such keyword: the string matches no
/// cipher and the server refuses to start. RHEL's Apache (`SSLCipherSuite PROFILE=SYSTEM` in `ssl.conf`), Dovecot and
/// nginx configs ship it.
enum SystemCipherProfile {
    static let keyword = "PROFILE=SYSTEM"
    static let backEnd = "/etc/crypto-policies/back-ends/openssl.config"
    /// `SSL_DEFAULT_CIPHER_LIST` of OpenSSL 1.1.1 and 3.x, which the patch falls back to.
    static let builtIn = "ALL:!COMPLEMENTOFDEFAULT:!eNULL"

    struct Resolution: Sendable, Hashable {
        /// The string the patched library expands.
        var cipherString: String
        /// Why it differs from what is written, for the findings' notes.
        var note: String
    }

    /// The string the OpenSSL in force expands for `setting`, and why; nil when the setting does not begin with the
    /// keyword. A build not known to be Fedora's or RHEL's keeps the string as written, which OpenSSL rejects; the
    /// note says the keyword would mean something on those builds (an image without a package database may be one).
    static func resolve(_ setting: TLSSetting, openssl: OpenSSLInForce, tree: (any TreeReader)?) -> Resolution? {
        guard setting.value.utf8.starts(with: keyword.utf8) else { return nil }
        let label = ConfigText.rootLabel(of: setting.path)
        // No package names the library (an image without a package database, or an unreadable one): the system's
        // own os-release says whose build it is.
        let system = openssl.basis == .package ? nil : tree.flatMap { redHatSystem(in: $0, label: label) }
        guard openssl.isRedHatBuild || system != nil else {
            return Resolution(
                cipherString: setting.value,
                note: "\(keyword) is read only by Fedora/RHEL builds of OpenSSL (crypto-policies); \(openssl.phrase) "
                    + "is not known to be one, and OpenSSL as released matches no cipher with it")
        }
        let suffix = String(decoding: setting.value.utf8.dropFirst(keyword.utf8.count), as: UTF8.self)
        let path = ScanPath(ConfigText.rootPattern(backEnd, prefix: "", label: label))
        let built =
            system.map { "\(keyword) in \(openssl.phrase) on \($0) (its os-release), taken as a Fedora/RHEL build" }
            ?? "\(keyword) in \(openssl.phrase), a Fedora/RHEL build"
        switch tree?.readIfPresent(path) {
        case .success(let bytes):
            if let line = firstLine(bytes) {
                return Resolution(
                    cipherString: line + suffix, note: "\(built): the keyword stands for \(line) (from \(backEnd))")
            }
        case .failure(let failure):
            // There, but not readable by this scan (permissions, size): the library reads it, so its list is unknown.
            return Resolution(
                cipherString: builtIn + suffix,
                note: "\(built): \(backEnd) could not be read (\(failure.reason.rawValue): \(failure.detail)), so what "
                    + "the keyword stands for is unknown; the library's built-in list \(builtIn) is shown in its place")
        case nil:
            break
        }
        return Resolution(
            cipherString: builtIn + suffix,
            note: "\(built): \(backEnd) is not in the scanned tree or is empty, so the library's built-in list "
                + "\(builtIn) stands for the keyword")
    }

    /// The distributions whose OpenSSL carries the patch, by os-release `ID`; RHEL's rebuilds also by `ID_LIKE`.
    static let redHatIDs: Set<String> = ["fedora", "rhel", "centos", "rocky", "almalinux", "ol"]

    /// The system's name when its os-release (`etc/os-release`, else `usr/lib/os-release`, os-release(5)) is Fedora's,
    /// or that of RHEL 8 or later or a rebuild of it (`ID_LIKE` naming rhel): RHEL 7's OpenSSL 1.0.2 predates
    /// crypto-policies. nil for any other system, or none.
    static func redHatSystem(in tree: any TreeReader, label: String) -> String? {
        for file in ["/etc/os-release", "/usr/lib/os-release"] {
            let path = ScanPath(ConfigText.rootPattern(file, prefix: "", label: label))
            guard case .success(let bytes) = tree.read(path) else { continue }
            let fields = KeyValueFile.assignments(Array(bytes.prefix(64 * 1024))).mapValues(\.value)
            let id = fields["ID"] ?? ""
            let like = (fields["ID_LIKE"] ?? "").split(separator: " ").map(String.init)
            guard redHatIDs.contains(id) || like.contains("rhel") else { return nil }
            let major = Int((fields["VERSION_ID"] ?? "").prefix { $0.isNumber }) ?? 0
            guard id == "fedora" || major >= 8 else { return nil }
            return fields["PRETTY_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(id) \(fields["VERSION_ID"] ?? "")"
        }
        return nil
    }

    /// What `fgets` into a 1,024-byte buffer, `strlen` and the patch's trimming of one `\n`, then one `\r`, leave of
    /// the file; nil for an empty file (`fgets` returns NULL).
    static func firstLine(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        var line = bytes.prefix(1_023)
        if let newline = line.firstIndex(of: UInt8(ascii: "\n")) { line = line[...newline] }
        if let nul = line.firstIndex(of: 0) { line = line[..<nul] }
        if line.last == UInt8(ascii: "\n") { line = line.dropLast() }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
