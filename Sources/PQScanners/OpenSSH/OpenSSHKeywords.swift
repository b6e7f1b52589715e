import PQModel

/// Keywords one OpenSSH program knows and the other refuses.
///
/// Read from the `keywords[]` tables of openssh-portable `servconf.c` and `readconf.c` at `V_9_2_P1`, plus the
/// keywords of the distribution GSSAPI key-exchange patch (Debian's `gssapi.patch`), and checked against Debian 12's
/// `sshd -T` and `ssh -G`: each keyword below makes the other program stop with "Bad configuration option"
/// (sshd: fatal; ssh: "terminating, 1 bad configuration options"), so the whole file is refused.
enum OpenSSHKeywords {
    /// sshd_config keywords ssh does not know (`HostbasedAcceptedKeyTypes` is the server's old alias; ssh's is
    /// `HostbasedKeyTypes`).
    static let serverOnly: Set<String> = [
        "acceptenv", "allowagentforwarding", "allowgroups", "allowstreamlocalforwarding", "allowtcpforwarding",
        "allowusers", "authenticationmethods", "authorizedkeyscommand", "authorizedkeyscommanduser",
        "authorizedkeysfile", "authorizedkeysfile2", "authorizedprincipalscommand",
        "authorizedprincipalscommanduser", "authorizedprincipalsfile", "banner", "channeltimeout", "checkmail",
        "chrootdirectory", "clientalivecountmax", "clientaliveinterval", "denygroups", "denyusers",
        "disableforwarding", "exposeauthinfo", "forcecommand", "gssapicleanupcredentials",
        "gssapistrictacceptorcheck", "hostbasedacceptedkeytypes", "hostbasedusesnamefrompacketonly",
        "hostcertificate", "hostdsakey", "hostkey", "hostkeyagent", "ignorerhosts", "ignoreuserknownhosts",
        "kerberosgetafstoken", "kerberosorlocalpasswd", "kerberosticketcleanup", "keyregenerationinterval",
        "listenaddress", "logingracetime", "maxauthtries", "maxsessions", "maxstartups", "modulifile",
        "pamauthenticationviakbdint", "permitemptypasswords", "permitlisten", "permitopen", "permitrootlogin",
        "permittty", "permittunnel", "permituserenvironment", "permituserrc", "persourcemaxstartups",
        "persourcenetblocksize", "pidfile", "printlastlog", "printmotd", "pubkeyauthoptions", "rdomain",
        "reversemappingcheck", "revokedkeys", "serverkeybits", "strictmodes", "subsystem", "trustedusercakeys",
        "unusedconnectiontimeout", "usedns", "uselogin", "usepam", "useprivilegeseparation", "verifyreversemapping",
        "versionaddendum", "x11displayoffset", "x11forwarding", "x11uselocalhost",
    ]

    /// ssh_config keywords sshd does not know.
    static let clientOnly: Set<String> = [
        "addkeystoagent", "batchmode", "bindaddress", "bindinterface", "canonicaldomains",
        "canonicalizefallbacklocal", "canonicalizehostname", "canonicalizemaxdots", "canonicalizepermittedcnames",
        "certificatefile", "checkhostip", "cipher", "clearallforwardings", "compressionlevel", "connectionattempts",
        "connecttimeout", "controlmaster", "controlpath", "controlpersist", "dynamicforward",
        "enableescapecommandline", "enablesshkeysign", "escapechar", "exitonforwardfailure", "fallbacktorsh",
        "forkafterauthentication", "forwardagent", "forwardx11", "forwardx11timeout", "forwardx11trusted",
        "globalknownhostsfile", "globalknownhostsfile2", "gssapidelegatecredentials", "hashknownhosts",
        "hostbasedkeytypes", "hostkeyalias", "hostname", "identitiesonly", "identityagent", "identityfile",
        "identityfile2", "ignoreunknown", "kbdinteractivedevices", "knownhostscommand", "localcommand",
        "localforward", "nohostauthenticationforlocalhost", "numberofpasswordprompts", "permitlocalcommand",
        "permitremoteopen", "pkcs11provider", "preferredauthentications", "proxycommand", "proxyjump",
        "proxyusefdpass", "remotecommand", "remoteforward", "requesttty", "revokedhostkeys", "sendenv",
        "serveralivecountmax", "serveraliveinterval", "sessiontype", "smartcarddevice", "stdinnull",
        "stricthostkeychecking", "tisauthentication", "tunnel", "tunneldevice", "updatehostkeys",
        "useprivilegedport", "user", "userknownhostsfile", "userknownhostsfile2", "useroaming", "usersh",
        "verifyhostkeydns", "visualhostkey",
    ]

    /// sshd_config keywords allowed inside `Match` (servconf.c `keywords[]` entries flagged `SSHCFG_ALL` or
    /// `SSHCFG_MATCH` at `V_9_2_P1`, plus 10.0's `RefuseConnection`). Any other keyword inside a Match block makes
    /// sshd stop: "Directive 'X' is not allowed within a Match block".
    static let serverMatchAllowed: Set<String> = [
        "acceptenv", "allowagentforwarding", "allowgroups", "allowstreamlocalforwarding", "allowtcpforwarding",
        "allowusers", "authenticationmethods", "authorizedkeyscommand", "authorizedkeyscommanduser",
        "authorizedkeysfile", "authorizedkeysfile2", "authorizedprincipalscommand",
        "authorizedprincipalscommanduser", "authorizedprincipalsfile", "banner", "casignaturealgorithms",
        "challengeresponseauthentication", "channeltimeout", "chrootdirectory", "clientalivecountmax",
        "clientaliveinterval", "denygroups", "denyusers", "disableforwarding", "exposeauthinfo", "forcecommand",
        "gatewayports", "gssapiauthentication", "hostbasedacceptedalgorithms", "hostbasedacceptedkeytypes",
        "hostbasedauthentication", "hostbasedusesnamefrompacketonly", "ignorerhosts", "include", "ipqos",
        "kbdinteractiveauthentication", "kerberosauthentication", "loglevel", "logverbose", "match", "maxauthtries",
        "maxsessions", "passwordauthentication", "permitemptypasswords", "permitlisten", "permitopen",
        "permitrootlogin", "permittty", "permittunnel", "permituserrc", "pubkeyacceptedalgorithms",
        "pubkeyacceptedkeytypes", "pubkeyauthentication", "pubkeyauthoptions", "rdomain", "refuseconnection",
        "rekeylimit", "requiredrsasize", "revokedkeys", "rhostsrsaauthentication", "rsaauthentication", "setenv",
        "skeyauthentication", "streamlocalbindmask", "streamlocalbindunlink", "trustedusercakeys",
        "unusedconnectiontimeout", "x11displayoffset", "x11forwarding", "x11uselocalhost",
    ]

    /// True when `program` refuses the lower-case keyword because it belongs to the other program.
    static func refused(_ key: String, by program: OpenSSHProgram) -> Bool {
        program == .client ? serverOnly.contains(key) : clientOnly.contains(key)
    }
}
