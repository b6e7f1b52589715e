#!/usr/bin/env python3
"""Generate the benchmark tree: N certificates of mixed algorithms plus configuration files and noise.

Usage: make-tree.py TREE [--files 50000] [--certs 20000] [--seed 1]
Keys are generated once per algorithm and reused (the benchmark measures parsing, not key generation);
each certificate has its own serial and subject. PEM and DER alternate. The tree is throwaway: never commit it.
"""
import argparse
import datetime
import os
import random

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

NGINX = """server {{
    listen 443 ssl;
    server_name host{n}.example.org;
    ssl_certificate /etc/ssl/certs/host{n}.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers HIGH:!aNULL:!MD5;
}}
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--files", type=int, default=50000)
    parser.add_argument("--certs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    keys = [
        ("rsa2048", rsa.generate_private_key(65537, 2048), hashes.SHA256()),
        ("rsa3072", rsa.generate_private_key(65537, 3072), hashes.SHA384()),
        ("rsa4096", rsa.generate_private_key(65537, 4096), hashes.SHA256()),
        ("p256", ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()),
        ("p384", ec.generate_private_key(ec.SECP384R1()), hashes.SHA384()),
        ("ed25519", ed25519.Ed25519PrivateKey.generate(), None),
    ]
    issuer_key = ec.generate_private_key(ec.SECP384R1())
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench Issuing CA"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PQScout Bench")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    made = 0
    # Every certificate's DER, back to back, for the parse benchmark's two contenders (Swift and d2i_loop.c).
    lp = open(os.path.join(os.path.dirname(os.path.abspath(args.tree)), "certs.der"), "wb")
    for i in range(args.certs):
        name, key, digest = keys[i % len(keys)]
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"host{i}.example.org"),
                             x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, name)])
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                   .public_key(key.public_key()).serial_number(rng.getrandbits(120) + 1)
                   .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=398))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
        # Sign with one fast issuer key: the signature bytes do not change parsing cost.
        cert = builder.sign(issuer_key, hashes.SHA384())
        folder = os.path.join(args.tree, "certs", f"{i // 1000:03d}")
        os.makedirs(folder, exist_ok=True)
        der = cert.public_bytes(serialization.Encoding.DER)
        lp.write(der)
        if i % 2:
            with open(os.path.join(folder, f"host{i}.der"), "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.DER))
        else:
            with open(os.path.join(folder, f"host{i}.pem"), "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
        made += 1
    lp.close()
    others = args.files - made
    for j in range(others):
        folder = os.path.join(args.tree, "etc", f"{j // 1000:03d}")
        os.makedirs(folder, exist_ok=True)
        kind = j % 3
        if kind == 0:
            with open(os.path.join(folder, f"site{j}.conf"), "w") as f:
                f.write(NGINX.format(n=j))
        elif kind == 1:
            with open(os.path.join(folder, f"app{j}.log"), "w") as f:
                f.write("".join(f"2026-01-01T00:00:{k:02d} request id={rng.getrandbits(64):x} ok\n" for k in range(40)))
        else:
            with open(os.path.join(folder, f"blob{j}.bin"), "wb") as f:
                f.write(rng.randbytes(rng.randint(256, 8192)))
    print(f"{made} certificates and {others} other files in {args.tree}")


if __name__ == "__main__":
    main()
