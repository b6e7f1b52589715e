import PQModel

/// The keywords each OpenSSH program knows: those one program knows and the other refuses, those allowed inside
/// `Match`, and every keyword of any release (a keyword of none stops the program).
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

    /// Every keyword some sshd release reads: the `keywords[]` table of `servconf.c` at each `V_X_Y_P1` tag from 7.0
    /// to 10.3, and the `SSHD_CONFIG_ENTRIES` of `servconf.h` at 10.4 and 10.5 (openssh-portable), with
    /// deprecated and unsupported names, which sshd reads and ignores.
    static let serverKeywords: Set<String> = [
        "acceptenv", "addressfamily", "afstokenpassing", "allowagentforwarding", "allowgroups",
        "allowstreamlocalforwarding", "allowtcpforwarding", "allowusers", "authenticationmethods",
        "authorizedkeyscommand", "authorizedkeyscommanduser", "authorizedkeysfile", "authorizedkeysfile2",
        "authorizedprincipalscommand", "authorizedprincipalscommanduser", "authorizedprincipalsfile", "banner",
        "casignaturealgorithms", "challengeresponseauthentication", "channeltimeout", "checkmail", "chrootdirectory",
        "ciphers", "clientalivecountmax", "clientaliveinterval", "compression", "denygroups", "denyusers",
        "disableforwarding", "dsaauthentication", "exposeauthinfo", "fingerprinthash", "forcecommand", "gatewayports",
        "gssapiauthentication", "gssapicleanupcredentials", "gssapidelegatecredentials", "gssapistrictacceptorcheck",
        "gssauthentication", "gsscleanupcreds", "gssdelegatecreds", "gssstrictacceptor", "hostbasedacceptedalgorithms",
        "hostbasedacceptedkeytypes", "hostbasedauthentication", "hostbasedusesnamefrompacketonly", "hostcertificate",
        "hostdsakey", "hostkey", "hostkeyagent", "hostkeyalgorithms", "ignorerhosts", "ignoreuserknownhosts",
        "include", "ipqos", "kbdinteractiveauthentication", "keepalive", "kerberosauthentication",
        "kerberosgetafstoken", "kerberosorlocalpasswd", "kerberostgtpassing", "kerberosticketcleanup", "kexalgorithms",
        "keyregenerationinterval", "listenaddress", "logingracetime", "loglevel", "logverbose", "macs", "match",
        "maxauthtries", "maxsessions", "maxstartups", "modulifile", "pamauthenticationviakbdint", "pamservicename",
        "passwordauthentication", "permitemptypasswords", "permitlisten", "permitopen", "permitrootlogin", "permittty",
        "permittunnel", "permituserenvironment", "permituserrc", "persourcemaxstartups", "persourcenetblocksize",
        "persourcepenalties", "persourcepenaltyexemptlist", "pidfile", "port", "printlastlog", "printmotd", "protocol",
        "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "pubkeyauthentication", "pubkeyauthoptions", "rdomain",
        "refuseconnection", "rekeylimit", "requiredrsasize", "reversemappingcheck", "revokedkeys",
        "rhostsauthentication", "rhostsrsaauthentication", "rsaauthentication", "securitykeyprovider", "serverkeybits",
        "setenv", "skeyauthentication", "sshdauthpath", "sshdsessionpath", "streamlocalbindmask",
        "streamlocalbindunlink", "strictmodes", "subsystem", "syslogfacility", "tcpkeepalive", "trustedusercakeys",
        "unusedconnectiontimeout", "usedns", "uselogin", "usepam", "useprivilegeseparation", "verifyreversemapping",
        "versionaddendum", "x11displayoffset", "x11forwarding", "x11uselocalhost", "xauthlocation",
    ]
    /// Every keyword some ssh release reads: the `keywords[]` table of `readconf.c` at each tag from 7.0 to 10.5.
    static let clientKeywords: Set<String> = [
        "addkeystoagent", "addressfamily", "afstokenpassing", "batchmode", "bindaddress", "bindinterface",
        "canonicaldomains", "canonicalizefallbacklocal", "canonicalizehostname", "canonicalizemaxdots",
        "canonicalizepermittedcnames", "casignaturealgorithms", "certificatefile", "challengeresponseauthentication",
        "channeltimeout", "checkhostip", "cipher", "ciphers", "clearallforwardings", "compression", "compressionlevel",
        "connectionattempts", "connecttimeout", "controlmaster", "controlpath", "controlpersist", "dsaauthentication",
        "dynamicforward", "enableescapecommandline", "enablesshkeysign", "escapechar", "exitonforwardfailure",
        "fallbacktorsh", "fingerprinthash", "forkafterauthentication", "forwardagent", "forwardx11",
        "forwardx11timeout", "forwardx11trusted", "gatewayports", "globalknownhostsfile", "globalknownhostsfile2",
        "gssapiauthentication", "gssapidelegatecredentials", "hashknownhosts", "host", "hostbasedacceptedalgorithms",
        "hostbasedalgorithms", "hostbasedauthentication", "hostbasedkeytypes", "hostkeyalgorithms", "hostkeyalias",
        "hostname", "identitiesonly", "identityagent", "identityfile", "identityfile2", "ignoreunknown", "include",
        "ipqos", "kbdinteractiveauthentication", "kbdinteractivedevices", "keepalive", "kerberosauthentication",
        "kerberostgtpassing", "kexalgorithms", "knownhostscommand", "localcommand", "localforward", "loglevel",
        "logverbose", "macs", "match", "nohostauthenticationforlocalhost", "numberofpasswordprompts",
        "obscurekeystroketiming", "passwordauthentication", "permitlocalcommand", "permitremoteopen", "pkcs11provider",
        "port", "preferredauthentications", "protocol", "proxycommand", "proxyjump", "proxyusefdpass",
        "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "pubkeyauthentication", "refuseconnection", "rekeylimit",
        "remotecommand", "remoteforward", "requesttty", "requiredrsasize", "revokedhostkeys", "rhostsauthentication",
        "rhostsrsaauthentication", "rsaauthentication", "securitykeyprovider", "sendenv", "serveralivecountmax",
        "serveraliveinterval", "sessiontype", "setenv", "skeyauthentication", "smartcarddevice", "stdinnull",
        "streamlocalbindmask", "streamlocalbindunlink", "stricthostkeychecking", "syslogfacility", "tag",
        "tcpkeepalive", "tisauthentication", "tunnel", "tunneldevice", "updatehostkeys", "useprivilegedport", "user",
        "userknownhostsfile", "userknownhostsfile2", "useroaming", "usersh", "verifyhostkeydns", "versionaddendum",
        "visualhostkey", "warnweakcrypto", "xauthlocation",
    ]

    /// Keywords of the distributions' patches: the GSSAPI key-exchange patch Debian, Ubuntu, Fedora and RHEL carry
    /// (`sshd -T` and `ssh -G` print them on Debian 12), Debian's `DebianBanner`, Red Hat's `GSSAPIEnablek5users`.
    static let distributionServerKeywords: Set<String> = [
        "debianbanner", "gssapienablek5users", "gssapikexalgorithms", "gssapikeyexchange",
        "gssapistorecredentialsonrekey",
    ]
    static let distributionClientKeywords: Set<String> = [
        "gssapiclientidentity", "gssapikexalgorithms", "gssapikeyexchange", "gssapirenewalforcesrekey",
        "gssapiserveridentity", "gssapitrustdns",
    ]

    /// True when no release of `program` from 7.0 on, nor a distribution's patch PQScout knows, reads the lower-case
    /// keyword: OpenSSH stops at it ("Bad configuration option"), ssh unless `IgnoreUnknown` names it.
    static func unknown(_ key: String, to program: OpenSSHProgram) -> Bool {
        program == .server
            ? !serverKeywords.contains(key) && !distributionServerKeywords.contains(key)
            : !clientKeywords.contains(key) && !distributionClientKeywords.contains(key)
    }

    /// True when `program` refuses the lower-case keyword because it belongs to the other program.
    static func refused(_ key: String, by program: OpenSSHProgram) -> Bool {
        program == .client ? serverOnly.contains(key) : clientOnly.contains(key)
    }
}
