#!/usr/bin/env python3
"""Rebuild sample-inventories/vendors/evidence: two appliances' shipped configuration and firmware signers.

`edgegate/` is what Northwind Networks ships with EdgeGate 4.2 (northwind-edgegate.claims.yaml, honest);
`boxwall/` is what Boxwall Security ships with SecureBox 5.1 (boxwall-securebox.claims.yaml, whose claims the
evidence contradicts). Only configuration files and certificates are written: no private key is kept, the signing
keys live in memory while this script runs. Rerunning makes new certificates (new keys and signatures), but the
algorithms, sizes, paths and lines stay the same, which is what the tests check.

Needs Python `cryptography` >= 48 (ML-DSA) and the `openssl` command (the SHA-1 intermediate of Boxwall's chain). The ML-DSA certificate is built with the DER helpers of the X.509 test
fixtures (make-fixtures.py), since `cryptography`'s CertificateBuilder will not sign with ML-DSA.
Run from the repository root:  python3 sample-inventories/vendors/make-vendors.py
"""
import base64
import datetime
import importlib.util
import os
import shutil
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import mldsa, rsa, x25519
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.join(HERE, "evidence")
spec = importlib.util.spec_from_file_location(
    "fixtures",
    os.path.join(HERE, "..", "..", "Tests", "PQScannersTests", "Fixtures", "x509", "make-fixtures.py"))
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def put(relative, data):
    path = os.path.join(TREE, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


EDGEGATE_SSHD = """\
# EdgeGate 4.2 appliance: sshd configuration as shipped (sample for PQScout).
Port 22
PermitRootLogin no
PasswordAuthentication no
KexAlgorithms mlkem768x25519-sha256,curve25519-sha256
HostKeyAlgorithms ssh-ed25519,rsa-sha2-512
Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com
MACs hmac-sha2-512-etm@openssh.com
RequiredRSASize 3072
"""

BOXWALL_SSHD = """\
# SecureBox 5.1 appliance: sshd configuration as shipped (sample for PQScout).
Port 22
PermitRootLogin prohibit-password
PasswordAuthentication no
KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256
HostKeyAlgorithms ssh-ed25519,ssh-rsa
Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com
MACs hmac-sha2-512-etm@openssh.com
"""

# The TLS front end. Line 41 sets the curve list; a TLS configuration scanner reads it (the proof in Docs).
BOXWALL_NGINX = (
    "# SecureBox 5.1 management UI (sample for PQScout).\n"
    + "".join(f"# reserved line {n}\n" for n in range(2, 37))
    + "http {\n"
    + "    server {\n"
    + "        listen 443 ssl;\n"
    + "        ssl_protocols TLSv1.2 TLSv1.3;\n"
    + "        ssl_ecdh_curve prime256v1;\n"
    + "        ssl_certificate /etc/nginx/ui-fullchain.pem;\n"
    + "    }\n"
    + "}\n"
)

EDGEGATE_NGINX = """\
# EdgeGate 4.2 management UI (sample for PQScout).
http {
    server {
        listen 443 ssl;
        ssl_protocols TLSv1.3;
        ssl_ecdh_curve X25519MLKEM768:X25519;
    }
}
"""


# The VPN is WireGuard: its algorithms are fixed by the protocol, whatever the claims say about "configurable". Only
# the peer's public key is written (no PrivateKey line: wg-quick reads it from a file the sample does not ship).
BOXWALL_WIREGUARD = """\
# SecureBox 5.1 site-to-site VPN (sample for PQScout).
[Interface]
ListenPort = 51820
PostUp = wg set %i private-key /etc/wireguard/private.key

[Peer]
PublicKey = {peer}
AllowedIPs = 10.20.0.0/16
"""


def rsa_chain(cn, org):
    """A leaf and the intermediate that signed it, as a full-chain PEM, made by the `openssl` command line (Python's
    `cryptography` refuses SHA-1 signatures): the leaf is RSA-2048 signed with SHA-256, the intermediate is signed by
    a throwaway root with SHA-1, so the chain file breaks a "no SHA-1 anywhere" claim below the leaf. The keys stay in
    a temporary folder that is deleted."""
    with tempfile.TemporaryDirectory() as work:
        def openssl(*args):
            subprocess.run(["openssl", *args], cwd=work, check=True, capture_output=True)
        with open(os.path.join(work, "ca.ext"), "w") as f:
            f.write("basicConstraints=critical,CA:true,pathlen:0\n")
        subj = f"/O={org}/CN={cn}"
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
                "-subj", subj + " Root", "-days", "3650", "-sha256")
        for name, issuer, digest in (("int", "root", "-sha1"), ("leaf", "int", "-sha256")):
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", subj + (" CA" if name == "int" else ""))
            openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
                    "-set_serial", "0x7101" if name == "int" else "0x7102", digest, "-days", "3650",
                    "-out", name + ".pem", *(["-extfile", "ca.ext"] if name == "int" else []))
        with open(os.path.join(work, "leaf.pem"), "rb") as leaf, open(os.path.join(work, "int.pem"), "rb") as inter:
            return leaf.read() + inter.read()


def rsa_signer(cn, org):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(0x7001).not_valid_before(START).not_valid_after(START + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def mldsa_signer(cn, org):
    key = mldsa.MLDSA87PrivateKey.generate()
    spki = fx.spki_of(key.public_key())
    name = fx.utf8_name(cn, org)
    der = fx.hand_cert(name, name, spki, "2.16.840.1.101.3.4.3.19", key.sign, 0x7002, False, fx.key_id(spki),
                       fx.key_id(spki))
    return fx.pem("CERTIFICATE", der)


# The appliances' package databases name the OpenSSH and OpenSSL they ship, so the scanners judge sshd_config and
# nginx.conf by those versions (ML-KEM hybrids need OpenSSH >= 9.9 and OpenSSL >= 3.5).
DPKG = """\
Package: openssh-server
Status: install ok installed
Architecture: amd64
Source: openssh
Version: 1:{openssh}-1
Description: secure shell (SSH) server (sample package entry)

Package: libssl3t64
Status: install ok installed
Architecture: amd64
Source: openssl
Version: {openssl}-1
Description: Secure Sockets Layer toolkit - shared libraries (sample package entry)

"""


def main():
    shutil.rmtree(TREE, ignore_errors=True)
    put("edgegate/var/lib/dpkg/status", DPKG.format(openssh="10.0p1", openssl="3.5.4"))
    put("boxwall/var/lib/dpkg/status", DPKG.format(openssh="9.9p1", openssl="3.5.4"))
    put("edgegate/etc/ssh/sshd_config", EDGEGATE_SSHD)
    put("edgegate/etc/nginx/nginx.conf", EDGEGATE_NGINX)
    put("edgegate/fw/signer.pem", mldsa_signer("EdgeGate Firmware Signing ML-DSA-87", "Northwind Networks"))
    put("boxwall/etc/ssh/sshd_config", BOXWALL_SSHD)
    put("boxwall/etc/nginx/nginx.conf", BOXWALL_NGINX)
    put("boxwall/fw/signer.pem", rsa_signer("SecureBox Firmware Signing", "Boxwall Security"))
    put("boxwall/etc/nginx/ui-fullchain.pem", rsa_chain("securebox.example", "Boxwall Security"))
    peer = base64.b64encode(x25519.X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    put("boxwall/etc/wireguard/wg0.conf", BOXWALL_WIREGUARD.format(peer=peer))


if __name__ == "__main__":
    main()
