import Foundation
import PQModel

/// One TLS setting and the layer it came from: the effective value of a service is the application's directive,
/// else its built-in default, else the system OpenSSL config (`system_default`), else the library default.
public struct TLSSetting: Sendable, Hashable {
    public enum Layer: String, Sendable, Hashable {
        /// Written in the application's config file.
        case file
        /// The application's built-in default for a directive left unset (nginx `ssl_ciphers HIGH:!aNULL:!MD5`).
        case application
        /// The system OpenSSL config's `system_default` section.
        case system
        /// The OpenSSL library's own default.
        case library
    }

    /// The directive as written or implied (`ssl_ciphers`, `SSLCipherSuite`, `CipherString`).
    public var directive: String
    public var value: String
    public var path: ScanPath
    public var line: Int?
    public var layer: Layer
    /// How the OpenSSL in force reads the value where that is not as written (`PROFILE=SYSTEM`, `SystemCipherProfile`);
    /// said in every finding of the setting.
    public var readAs: String?

    public init(directive: String, value: String, path: ScanPath, line: Int?, layer: Layer) {
        self.directive = directive
        self.value = value
        self.path = path
        self.line = line
        self.layer = layer
    }

    /// A finding's origin: written somewhere (file or system config) or a built-in default.
    var origin: Origin { layer == .file || layer == .system ? .file : .default }
}

/// The protocol versions a service enables, as its directive says, and whether that choice replaces the system
/// config's `MinProtocol`/`MaxProtocol` (Apache and HAProxy set min/max versions) or adds to it (nginx sets
/// `SSL_OP_NO_*` options, so both restrictions hold).
public struct TLSProtocolChoice: Sendable, Hashable {
    /// Enabled versions in catalog spelling (`TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`, `SSLv3`).
    public var versions: [String]
    public var setting: TLSSetting
    public var overridesSystem: Bool

    public init(versions: [String], setting: TLSSetting, overridesSystem: Bool) {
        self.versions = versions
        self.setting = setting
        self.overridesSystem = overridesSystem
    }

    /// Every version, oldest first.
    public static let all = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    /// The catalog spelling of a version token (`TLSv1.0`, `tlsv1_2`, `TLS1.3`, `SSLv3`); nil when unknown.
    public static func normalise(_ token: String) -> String? {
        let lowered = token.lowercased().replacingOccurrences(of: "_", with: ".")
        switch lowered {
        case "sslv2", "ssl2": return "SSLv2"
        case "sslv3", "ssl3", "sslv3.0": return "SSLv3"
        case "tlsv1", "tlsv1.0", "tls1", "tls1.0": return "TLSv1"
        case "tlsv1.1", "tls1.1": return "TLSv1.1"
        case "tlsv1.2", "tls1.2": return "TLSv1.2"
        case "tlsv1.3", "tls1.3": return "TLSv1.3"
        default: return nil
        }
    }

    /// Versions from `min` to `max` inclusive (either nil: open end).
    public static func range(min: String?, max: String?) -> [String] {
        let low = min.flatMap { all.firstIndex(of: $0) } ?? all.firstIndex(of: "TLSv1") ?? 0
        let high = max.flatMap { all.firstIndex(of: $0) } ?? all.count - 1
        guard low <= high else { return [] }
        return Array(all[low...high])
    }
}

/// A security level a daemon sets with `SSL_CTX_set_security_level` after `SSL_CTX_new`, so after the system
/// configuration's `CipherString` (whose `@SECLEVEL` then does not hold), before its own cipher string (whose
/// `@SECLEVEL` does); or, `perConnection`, with `SSL_set_security_level` on each connection, after everything.
public struct DaemonSecurityLevel: Sendable, Hashable {
    public var level: Int
    public var perConnection: Bool

    public init(level: Int, perConnection: Bool) {
        self.level = level
        self.perConnection = perConnection
    }
}

/// One TLS endpoint of a config: an nginx `server`, an Apache `<VirtualHost>`, a HAProxy `bind` or `server`,
/// an upstream (client) side, or OpenSSL's `system_default`. Scanners fill what the application decides; the
/// emitter adds the system and library layers.
public struct TLSService: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case server
        /// The application connecting out (nginx `proxy_ssl_*`, HAProxy `server ... ssl`, Apache `SSLProxy*`).
        case client
    }

    public var source: FindingSource
    /// Names the service in findings' `context`: "server www.example.org:443".
    public var name: String
    public var path: ScanPath
    public var line: Int?
    public var role: Role
    public var protocols: TLSProtocolChoice?
    /// `MinProtocol` / `MaxProtocol` given through the application's SSL_CONF pass-through (nginx
    /// `ssl_conf_command`, Apache `SSLOpenSSLConfCmd`): applied after the protocol choice, so they cut it.
    public var minProtocol: TLSSetting?
    public var maxProtocol: TLSSetting?
    public var cipherString: TLSSetting?
    public var ciphersuites: TLSSetting?
    public var groups: TLSSetting?
    public var signatureAlgorithms: TLSSetting?
    /// Signature algorithms accepted in client certificates (`ClientSignatureAlgorithms`, HAProxy
    /// `client-sigalgs`; SSL_CONF_cmd(3)).
    public var clientSignatureAlgorithms: TLSSetting?
    public var certificates: [TLSSetting] = []
    public var keys: [TLSSetting] = []
    public var dhParameters: TLSSetting?
    /// The daemon sets DH parameters itself when none are configured (Apache's mod_ssl and HAProxy with OpenSSL 3:
    /// `SSL_CTX_set_dh_auto`; Postfix's built-in group), so DHE suites work without `dhParameters`. nginx does not
    /// (ngx_http_ssl_module: "by default no parameters are set, and therefore DHE ciphers will not be used").
    public var automaticDHParameters = false
    /// Group names the library does not know are skipped instead of rejecting the whole list (Postfix's
    /// `tls_eecdh_auto_curves`, tls_dh.c `setup_auto_groups`; postconf(5)).
    public var skipsUnknownGroups = false
    /// The daemon loads its certificate before its cipher string moves the security level (HAProxy), so a
    /// certificate the level refuses does not stop it: it starts, and no handshake succeeds.
    public var loadsCertificateFirst = false
    /// Where relative file paths (`ssl_certificate cert.pem`) are resolved, root-relative (`etc/nginx`).
    public var filePrefix: String = ""
    /// True for settings no endpoint uses yet (an nginx `http` block with `ssl_*` but no TLS `server`): they are
    /// reported, with `effective = false`, because the next TLS server added inherits them.
    public var isTemplate = false
    /// What the program does when it cannot set the service up (a certificate missing or refused, a list OpenSSL
    /// rejects): first in each finding's note. Most refuse to start; Postfix runs on without TLS (tls_server.c:
    /// "cannot get RSA certificate from file ...: disabling TLS support").
    public var failure = "the server refuses to start"

    /// The note of a service that cannot be set up, for these reasons: `failure`, then each reason.
    func failureNote(_ refusals: [String]) -> String {
        "\(failure): " + refusals.joined(separator: "; ")
    }

    /// A server its program will not set up without a certificate: nginx `listen ... ssl` ("no ssl_certificate is
    /// defined"; not with `ssl_reject_handshake on`), an httpd virtual host with `SSLEngine on` ("no certificate
    /// assigned"; not with mod_md, which supplies one), a HAProxy `bind ... ssl` ("no SSL certificate specified").
    public var requiresCertificate = false
    /// What decides the service's settings that the configuration does not hold (a HAProxy `"${CIPHERS}"`, whose
    /// value comes from haproxy's environment): nothing of the service, or of its daemon, is then known to be in
    /// force, as for any setting PQScout could not read.
    public var notRead: [String] = []
    /// The security level the daemon sets itself, where it does (Postfix; OpenVPN's `tls-cert-profile`), in place
    /// of OpenSSL's default and the system configuration's `@SECLEVEL`.
    public var securityLevel: DaemonSecurityLevel?

    public init(source: FindingSource, name: String, path: ScanPath, line: Int?, role: Role = .server) {
        self.source = source
        self.name = name
        self.path = path
        self.line = line
        self.role = role
    }

    /// The service's asset id: stable across scans for the same file and block.
    public var assetID: String {
        ServiceAssetID.make(source: source, path: path, name: name)
    }
}
