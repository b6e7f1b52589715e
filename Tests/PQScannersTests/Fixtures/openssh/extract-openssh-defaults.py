#!/usr/bin/env python3
"""Reads OpenSSH's default and supported algorithm names at each release tag of openssh-portable.

Usage: extract-openssh-defaults.py GIT_DIR > Sources/PQScanners/Resources/openssh-releases.json

Facts only (string literals), read with `git show TAG:FILE`:
  myproposal.h         KEX_SERVER_KEX, KEX_CLIENT_KEX, KEX_DEFAULT_PK_ALG, KEX_SERVER_ENCRYPT,
                       KEX_CLIENT_ENCRYPT, KEX_SERVER_MAC, KEX_CLIENT_MAC, SSH_ALLOWED_CA_SIGALGS
  kex.h + kex.c / kex-names.c   the kexalgs[] table (names OpenSSH knows)
  cipher.c             the ciphers[] table;  mac.c  the macs[] table
  sshkey.c / ssh-*.c   key types and signature names (keytypes[] before 9.0, `/* .name = */` after)
Names behind build options that are off by default (WITH_XMSS; WITH_DSA from 9.8) are left out.
"""
import json, re, subprocess, sys

GIT = sys.argv[1]
TAGS = ["V_8_9_P1", "V_9_0_P1", "V_9_1_P1", "V_9_2_P1", "V_9_3_P1", "V_9_4_P1", "V_9_5_P1", "V_9_6_P1",
        "V_9_7_P1", "V_9_8_P1", "V_9_9_P1", "V_10_0_P1", "V_10_1_P1", "V_10_2_P1", "V_10_3_P1", "V_10_4_P1",
        "V_10_5_P1"]


def show(tag, path):
    r = subprocess.run(["git", "-C", GIT, "show", f"{tag}:{path}"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def files(tag):
    out = subprocess.run(["git", "-C", GIT, "ls-tree", "--name-only", tag], capture_output=True, text=True).stdout
    return out.split()


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def defines(text):
    """#define NAME <tokens> with continuation lines, as token lists."""
    out = {}
    text = text.replace("\\\n", " ")
    for line in strip_comments(text).splitlines():
        m = re.match(r"\s*#\s*define\s+(\w+)\s+(.*)$", line)
        if m:
            out[m.group(1)] = re.findall(r'"[^"]*"|\w+', m.group(2))
    return out


def evaluate(name, table, depth=0):
    parts = []
    for token in table.get(name, []):
        if token.startswith('"'):
            parts.append(token[1:-1])
        elif token in table and depth < 8:
            parts.append(evaluate(token, table, depth + 1))
    return "".join(parts)


def skipped_blocks(text, banned):
    """Drops #ifdef/#if blocks whose condition names a banned macro (one level deep is enough here)."""
    out, stack = [], []
    for line in text.splitlines():
        s = line.strip()
        if re.match(r"#\s*if", s):
            stack.append(any(b in s for b in banned) and "defined(" not in s.replace("defined(WITH_DSA)", ""))
            continue
        if re.match(r"#\s*else", s) and stack:
            stack[-1] = not stack[-1] if stack[-1] else False
            continue
        if re.match(r"#\s*endif", s) and stack:
            stack.pop()
            continue
        if not any(stack):
            out.append(line)
    return "\n".join(out)


def table_names(text, table, macros):
    m = re.search(table + r"\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
    if not m:
        return []
    names = []
    for entry in re.finditer(r"\{\s*(\"[^\"]+\"|\w+)\s*,", strip_comments(m.group(1))):
        token = entry.group(1)
        if token.startswith('"'):
            names.append(token[1:-1])
        elif token in macros:
            names.append(evaluate(token, macros))
    return [n for n in names if n]


def version(tag):
    return ".".join(tag[2:].split("_")[:2])


result = []
for tag in TAGS:
    ver = version(tag)
    major, minor = map(int, ver.split("."))
    banned = ["WITH_XMSS"] + (["WITH_DSA"] if (major, minor) >= (9, 8) else [])
    prop = defines(show(tag, "myproposal.h"))
    kexh = defines(show(tag, "kex.h"))
    kexsrc = show(tag, "kex-names.c") or show(tag, "kex.c")
    kex = table_names(skipped_blocks(kexsrc, banned), "kexalgs", kexh)
    # "none" is internal (CFLAG_NONE/CFLAG_INTERNAL): `ssh -Q cipher` and the wildcard lists leave it out.
    ciphers = [c for c in table_names(skipped_blocks(show(tag, "cipher.c"), banned), "ciphers", {}) if c != "none"]
    macs = table_names(skipped_blocks(show(tag, "mac.c"), banned), "macs", {})
    keys = []
    sshkey = show(tag, "sshkey.c")
    if "keytypes[] = {" in sshkey:
        keys = table_names(skipped_blocks(sshkey, banned), "keytypes", {})
    else:
        impls = re.search(r"keyimpls\[\]\s*=\s*\{(.*?)\n\};", skipped_blocks(sshkey, banned), re.S).group(1)
        order = re.findall(r"&(sshkey_\w+_impl)", impls)
        wanted = set(order)
        found = {}
        for f in files(tag):
            if not (f.startswith("ssh-") and f.endswith(".c")):
                continue
            src = skipped_blocks(show(tag, f) or "", banned)
            for m in re.finditer(r"const struct sshkey_impl (sshkey_\w+_impl)\s*=\s*\{(.*?)\n\};", src, re.S):
                n = re.search(r'/\*\s*\.name\s*=\s*\*/\s*"([^"]+)"', m.group(2))
                if m.group(1) in wanted and n:
                    found[m.group(1)] = n.group(1)
        keys = [found[i] for i in order if i in found]
    def unique(names):
        seen = set()
        return [n for n in names if not (n in seen or seen.add(n))]
    kex_names, ciphers, macs, keys = unique(kex), unique(ciphers), unique(macs), unique(keys)
    result.append({
        "version": ver,
        "tag": tag,
        "serverKex": evaluate("KEX_SERVER_KEX", prop).split(","),
        "clientKex": evaluate("KEX_CLIENT_KEX", prop).split(","),
        "publicKey": evaluate("KEX_DEFAULT_PK_ALG", prop).split(","),
        "serverCiphers": evaluate("KEX_SERVER_ENCRYPT", prop).split(","),
        "clientCiphers": evaluate("KEX_CLIENT_ENCRYPT", prop).split(","),
        "serverMACs": evaluate("KEX_SERVER_MAC", prop).split(","),
        "clientMACs": evaluate("KEX_CLIENT_MAC", prop).split(","),
        "caSignature": evaluate("SSH_ALLOWED_CA_SIGALGS", prop).split(","),
        "supportedKex": kex_names,
        "supportedCiphers": ciphers,
        "supportedMACs": macs,
        "supportedKeyTypes": keys,
    })
# Changes distributions make to these lists, from their own records (not from openssh-portable).
patches = [
    {
        "id": "debian-sntrup761-iana-name",
        "packageVersionPrefix": "1:9.2p1-2+deb12u",
        "fromRevision": 4,
        "addKex": ["sntrup761x25519-sha512"],
        "insertBefore": "sntrup761x25519-sha512@openssh.com",
        "source": "Debian openssh changelog 1:9.2p1-2+deb12u4 (IANA sntrup761 name backported)",
    },
]
# The GSSAPI key exchange patch Debian, Ubuntu, Fedora and RHEL carry (not in openssh-portable).
gssapi = {
    "default": ["gss-group14-sha256-", "gss-group16-sha512-", "gss-nistp256-sha256-", "gss-curve25519-sha256-",
                "gss-group14-sha1-", "gss-gex-sha1-"],
    "supported": ["gss-gex-sha1-", "gss-group1-sha1-", "gss-group14-sha1-", "gss-group14-sha256-",
                  "gss-group16-sha512-", "gss-nistp256-sha256-", "gss-curve25519-sha256-"],
    "source": "Debian openssh 1:9.2p1-2+deb12u10 gssapi.patch, sshd -T",
}
json.dump({"releases": result, "patches": patches, "gssapi": gssapi}, sys.stdout, indent=1)
