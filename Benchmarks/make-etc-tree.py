#!/usr/bin/env python3
"""Generate the realistic benchmark tree: N copies of a whole system's configuration (issue 20, point 4).

Usage: make-etc-tree.py TREE [--copies 30] [--seed 1]

Each copy TREE/host-NNNN is a system of its own (it holds etc/, so `pqscout scan TREE/host-*` resolves its absolute
paths inside it). It starts from the project's sample-inventories/webfarm (OpenSSH with Include and Match, nginx,
Postfix, Dovecot, strongSwan, OpenVPN, WireGuard, Java, certificates, keys) and adds what a real host carries beside
it: Apache with its sites and mods (sites-enabled as links, Debian style), HAProxy, nginx vhosts each with its own
certificate and key, OpenSSL's hashed certificate links, a CA bundle, a dpkg database naming OpenSSH and OpenSSL,
user SSH keys and the ordinary files of /etc that no scanner claims. Per copy, host names, cipher strings, curves,
protocol floors, package versions and the vhost count vary (drawn from small sets), so OpenSSL answers repeat across
copies as they do across a real fleet, but not all of them; every vhost key and certificate is generated.

Private keys are generated here at each run: the tree is throwaway and never committed.
"""
import argparse
import datetime
import os
import random
import shutil

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
WEBFARM = os.path.join(HERE, "..", "sample-inventories", "webfarm")

CIPHERS = [
    "HIGH:!aNULL:!MD5",
    "ECDHE+AESGCM:ECDHE+CHACHA20",
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
    "DEFAULT:!RC4:!3DES",
    "EECDH+AESGCM:EDH+AESGCM:AES256+EECDH",
    "ALL:!EXPORT:!LOW:!aNULL:!eNULL:!SSLv2",
    "ECDHE-RSA-AES256-SHA384:AES256-SHA256:DES-CBC3-SHA",
    "PROFILE=SYSTEM",
]
CURVES = ["X25519:prime256v1", "X25519MLKEM768:X25519", "prime256v1:secp384r1", "auto", "X25519"]
PROTOCOLS = ["TLSv1.2 TLSv1.3", "TLSv1.3", "TLSv1 TLSv1.1 TLSv1.2", "TLSv1.2"]
OPENSSH = ["1:8.9p1-3ubuntu0.10", "1:9.2p1-2+deb12u3", "1:9.6p1-3ubuntu13.5", "1:10.0p1-5"]
LIBSSL = ["3.0.2-0ubuntu1.18", "3.0.15-1~deb12u1", "3.3.2-1", "3.5.1-1"]
SSH_CIPHERS = [
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com",
    "aes128-ctr,aes192-ctr,aes256-ctr",
    "aes256-gcm@openssh.com,aes128-cbc,3des-cbc",
]
NOISE = {
    "etc/hostname": "{host}\n",
    "etc/hosts": "127.0.0.1 localhost\n127.0.1.1 {host}.example.org {host}\n",
    "etc/fstab": "UUID={n:08x}-0000 / ext4 errors=remount-ro 0 1\n",
    "etc/resolv.conf": "nameserver 10.0.0.53\nsearch example.org\n",
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000::/home/deploy:/bin/bash\n"
    "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n",
    "etc/group": "root:x:0:\nadm:x:4:deploy\nsudo:x:27:deploy\n",
    "etc/logrotate.d/nginx": "/var/log/nginx/*.log {{\n  daily\n  rotate {n}\n}}\n",
    "etc/systemd/system/app.service": "[Service]\nExecStart=/usr/bin/app --port {n}\n",
    "etc/cron.d/backup": "0 3 * * * backup /usr/local/bin/backup --host {host}\n",
    "etc/sysctl.d/99-net.conf": "net.core.somaxconn = {n}\n",
    "etc/default/grub": 'GRUB_CMDLINE_LINUX="quiet"\n',
    "etc/motd": "Welcome to {host}\n",
}


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def certificate(key, subject, issuer_key, issuer, serial, days=825, ca=False):
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days))
    )
    if ca:
        # As a CA's certificate is (RFC 5280 4.2.1.9, 4.2.1.3): basicConstraints CA:TRUE, critical; keyCertSign.
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
    algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(issuer_key, algorithm)


def pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)


def link(path, target):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.remove(path)
    os.symlink(target, path)


def make_copy(root, n, rng, ca_key, ca_cert, bundle, rsa_pool):
    host = f"host{n:04d}"
    shutil.copytree(WEBFARM, root, symlinks=True)
    # Host names only: the file names configs point at stay as the sample has them.
    def sub(text):
        out = []
        for line in text.splitlines(keepends=True):
            word = line.strip().split(" ", 1)[0]
            if word in ("server_name", "myhostname", "ServerName", "Host", "leftid", "remote"):
                line = line.replace("example.org", f"{host}.example.org")
            out.append(line)
        return "".join(out)

    # The sample's own configs, with this host's names and a cipher floor of its own.
    for dirpath, _, files in os.walk(os.path.join(root, "etc")):
        for file in files:
            path = os.path.join(dirpath, file)
            if os.path.islink(path) or not file.endswith((".conf", ".cf", "_config", ".org", ".cnf")):
                continue
            with open(path, "rb") as handle:
                text = handle.read()
            if b"\0" in text:
                continue
            write(path, sub(text.decode("utf-8", "replace")))
    with open(os.path.join(root, "etc/ssh/sshd_config.d/10-hardening.conf"), "a") as handle:
        handle.write(f"# fleet policy {n}\nCiphers {rng.choice(SSH_CIPHERS)}\n")

    # dpkg: the OpenSSH and OpenSSL in force on this host.
    write(
        os.path.join(root, "var/lib/dpkg/status"),
        f"Package: openssh-server\nStatus: install ok installed\nVersion: {rng.choice(OPENSSH)}\n\n"
        f"Package: libssl3\nStatus: install ok installed\nVersion: {rng.choice(LIBSSL)}\n\n"
        "Package: nginx\nStatus: install ok installed\nVersion: 1.22.1-9\n\n",
    )

    # The CA bundle every host carries, and OpenSSL's hashed links to its certificates.
    write(os.path.join(root, "etc/ssl/certs/ca-certificates.crt"), bundle)
    write(os.path.join(root, "etc/ssl/certs/fleet-ca.pem"), ca_cert.public_bytes(serialization.Encoding.PEM))
    link(os.path.join(root, "etc/ssl/certs/5a3f0c21.0"), "fleet-ca.pem")

    # nginx vhosts, each with its own key and certificate, enabled through links.
    vhosts = rng.randint(6, 14)
    for v in range(vhosts):
        site = f"site{v}.{host}.example.org"
        key = ec.generate_private_key(ec.SECP256R1()) if v % 3 else rsa_pool[v % len(rsa_pool)]
        cert = certificate(key, site, ca_key, "Fleet CA", n * 1000 + v + 1)
        write(os.path.join(root, f"etc/ssl/certs/{site}.pem"), cert.public_bytes(serialization.Encoding.PEM))
        write(os.path.join(root, f"etc/ssl/private/{site}.key"), pem_key(key), 0o600)
        write(
            os.path.join(root, f"etc/nginx/sites-available/{site}"),
            f"server {{\n    listen 443 ssl;\n    server_name {site};\n"
            f"    ssl_certificate /etc/ssl/certs/{site}.pem;\n"
            f"    ssl_certificate_key /etc/ssl/private/{site}.key;\n"
            f"    ssl_protocols {rng.choice(PROTOCOLS)};\n"
            f"    ssl_ciphers {rng.choice(CIPHERS)};\n"
            f"    ssl_ecdh_curve {rng.choice(CURVES)};\n"
            f"    include snippets/ssl-params.conf;\n}}\n",
        )
        link(os.path.join(root, f"etc/nginx/sites-enabled/{site}"), f"../sites-available/{site}")
    write(
        os.path.join(root, "etc/nginx/snippets/ssl-params.conf"),
        f"ssl_session_timeout 1d;\nssl_prefer_server_ciphers on;\nssl_session_cache shared:SSL:{n % 50 + 1}m;\n",
    )

    # Apache: the Debian layout, ssl.conf in mods-available, sites enabled through links.
    write(
        os.path.join(root, "etc/apache2/apache2.conf"),
        "ServerRoot /etc/apache2\nIncludeOptional mods-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n",
    )
    write(
        os.path.join(root, "etc/apache2/mods-available/ssl.conf"),
        f"<IfModule mod_ssl.c>\n    SSLCipherSuite {rng.choice(CIPHERS)}\n"
        f"    SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1\n    SSLOpenSSLConfCmd Curves {rng.choice(CURVES)}\n</IfModule>\n",
    )
    link(os.path.join(root, "etc/apache2/mods-enabled/ssl.conf"), "../mods-available/ssl.conf")
    for v in range(rng.randint(2, 5)):
        site = f"app{v}.{host}.example.org"
        key = ec.generate_private_key(ec.SECP384R1())
        cert = certificate(key, site, ca_key, "Fleet CA", n * 1000 + 500 + v)
        write(os.path.join(root, f"etc/ssl/certs/{site}.crt"), cert.public_bytes(serialization.Encoding.PEM))
        write(os.path.join(root, f"etc/ssl/private/{site}.key"), pem_key(key), 0o600)
        write(
            os.path.join(root, f"etc/apache2/sites-available/{site}.conf"),
            f"<VirtualHost *:443>\n    ServerName {site}\n    SSLEngine on\n"
            f"    SSLCertificateFile /etc/ssl/certs/{site}.crt\n"
            f"    SSLCertificateKeyFile /etc/ssl/private/{site}.key\n"
            f"    SSLCipherSuite {rng.choice(CIPHERS)}\n</VirtualHost>\n",
        )
        link(os.path.join(root, f"etc/apache2/sites-enabled/{site}.conf"), f"../sites-available/{site}.conf")

    # HAProxy in front, with a combined PEM.
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate(key, f"lb.{host}.example.org", ca_key, "Fleet CA", n * 1000 + 900)
    write(
        os.path.join(root, "etc/haproxy/certs/lb.pem"),
        cert.public_bytes(serialization.Encoding.PEM) + pem_key(key),
        0o600,
    )
    write(
        os.path.join(root, "etc/haproxy/haproxy.cfg"),
        f"global\n    ssl-default-bind-ciphers {rng.choice(CIPHERS)}\n"
        f"    ssl-default-bind-options ssl-min-ver {rng.choice(['TLSv1.2', 'TLSv1.0', 'TLSv1.3'])}\n"
        f"frontend https\n    bind :443 ssl crt /etc/haproxy/certs/lb.pem\n    default_backend web\n"
        f"backend web\n    server s1 10.0.{n % 250}.10:443 ssl verify none\n",
    )

    # Users' SSH keys.
    for user in ["alice", "bob", "carol"]:
        key = ed25519.Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        write(os.path.join(root, f"home/{user}/.ssh/id_ed25519.pub"), public + f" {user}@{host}\n".encode())
        write(
            os.path.join(root, f"home/{user}/.ssh/id_ed25519"),
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
            ),
            0o600,
        )
        write(os.path.join(root, f"home/{user}/.ssh/authorized_keys"), public + b" deploy\n")
        write(os.path.join(root, f"home/{user}/.bashrc"), f"export PS1='{user}@{host}$ '\n")

    # The ordinary files of /etc that no scanner claims.
    for path, text in NOISE.items():
        write(os.path.join(root, path), text.format(host=host, n=n))
    for i in range(20):
        write(os.path.join(root, f"etc/init.d/service{i}"), f"#!/bin/sh\n# service {i} of {host}\nexit 0\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.tree, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP384R1())
    ca_cert = certificate(ca_key, "Fleet CA", ca_key, "Fleet CA", 1, days=3650, ca=True)
    # A CA bundle of 40 roots (one key each kind, many names), shared by every host as in a real fleet.
    roots = [ec.generate_private_key(ec.SECP256R1()) for _ in range(4)] + [rsa.generate_private_key(65537, 2048)]
    bundle = b"".join(
        certificate(roots[i % len(roots)], f"Root CA {i}", roots[i % len(roots)], f"Root CA {i}", 100 + i, 7300, ca=True)
        .public_bytes(serialization.Encoding.PEM)
        for i in range(40)
    )
    rsa_pool = [rsa.generate_private_key(65537, 2048) for _ in range(3)]
    for n in range(args.copies):
        root = os.path.join(args.tree, f"host-{n:04d}")
        if os.path.exists(root):
            shutil.rmtree(root)
        make_copy(root, n, rng, ca_key, ca_cert, bundle, rsa_pool)


if __name__ == "__main__":
    main()
