#!/usr/bin/env python3
"""Regenerates the X.509 / key fixtures in this folder.

Every key here is a generated throwaway test key, made fresh on each run; nothing here protects anything.
Run from this folder:  python3 make-fixtures.py
Needs: Python `cryptography` >= 48 (ML-DSA / ML-KEM) and the `openssl` CLI (X9.42 DH parameters, legacy PEM).

PQ certificates: `cryptography`'s CertificateBuilder refuses to sign with ML-DSA, so the TBSCertificate is
built here with a small hand-rolled DER encoder and its bytes are signed with the ML-DSA key (RFC 9881:
ML-DSA AlgorithmIdentifiers carry no parameters).
"""
import datetime
import os
import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, mldsa, mlkem, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2035, 1, 1, tzinfo=datetime.timezone.utc)
FAR_AFTER = datetime.datetime(2055, 6, 30, 12, 0, 0, tzinfo=datetime.timezone.utc)  # GeneralizedTime


def write(name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def pem(label, der):
    import base64

    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def name(cn, **extra):
    attrs = []
    for oid, value in extra.get("before", []):
        attrs.append(x509.NameAttribute(oid, value))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def build(subject, issuer, pub, signer, serial, hash_alg=hashes.SHA256(), ca=None, ski=True, aki_key=None,
          not_after=NOT_AFTER):
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(pub)
        .serial_number(serial)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(not_after)
    )
    if ca is not None:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if ski:
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    if aki_key is not None:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_key), critical=False)
    return b.sign(signer, hash_alg)


def der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def cpem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


# ---------------------------------------------------------------- hand-rolled DER (for PQ and odd certs)
def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    out = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)


def integer(value):
    length = (value.bit_length() + 8) // 8 if value >= 0 else ((-value - 1).bit_length() + 8) // 8
    return tlv(0x02, value.to_bytes(max(length, 1), "big", signed=True))


def utf8_name(cn, org=None):
    rdns = []
    if org:
        rdns.append(tlv(0x31, seq(oid("2.5.4.10"), tlv(0x0C, org.encode()))))
    rdns.append(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0C, cn.encode()))))
    return seq(*rdns)


def utctime(dt):
    return tlv(0x17, dt.strftime("%y%m%d%H%M%SZ").encode())


def gentime(dt):
    return tlv(0x18, dt.strftime("%Y%m%d%H%M%SZ").encode())


def ext(oid_dotted, value, critical=False):
    parts = [oid(oid_dotted)]
    if critical:
        parts.append(tlv(0x01, b"\xff"))
    parts.append(tlv(0x04, value))
    return seq(*parts)


def hand_cert(subject, issuer, spki, sig_oid, sign, serial, ca, ski_id=None, aki_id=None):
    alg = seq(oid(sig_oid))
    exts = [ext("2.5.29.19", seq(tlv(0x01, b"\xff")) if ca else seq(), critical=True)]
    if ski_id is not None:
        exts.append(ext("2.5.29.14", tlv(0x04, ski_id)))
    if aki_id is not None:
        exts.append(ext("2.5.29.35", seq(tlv(0x80, aki_id))))
    tbs = seq(
        tlv(0xA0, integer(2)),
        integer(serial),
        alg,
        issuer,
        seq(utctime(NOT_BEFORE), utctime(NOT_AFTER)),
        subject,
        spki,
        tlv(0xA3, seq(*exts)),
    )
    return seq(tbs, alg, tlv(0x03, b"\x00" + sign(tbs)))


def key_id(spki_der):
    import hashlib

    return hashlib.sha1(spki_der).digest()


def spki_of(pub):
    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def main():
    # ---- RSA self-signed, 2048 and 1024
    rsa2048 = rsa.generate_private_key(65537, 2048)
    n = x509.Name(
        [
            x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "org"),
            x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "example"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Berlin"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Berlin"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example, Inc."),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Crypto+PKI"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "42"),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "pki@example.org"),
            x509.NameAttribute(NameOID.COMMON_NAME, "RSA 2048 Test"),
        ]
    )
    c = build(n, n, rsa2048.public_key(), rsa2048, 0x1001, ca=True, aki_key=rsa2048.public_key())
    write("rsa2048-selfsigned.pem", cpem(c))
    write("rsa2048-spki.pem", rsa2048.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    write("rsa2048-pkcs1-public.pem", rsa2048.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.PKCS1))
    write("rsa2048-pkcs1-testkey.pem", rsa2048.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    write("rsa2048-pkcs8-testkey.der", rsa2048.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    write("rsa2048-legacy-encrypted-testkey.pem", rsa2048.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"secret")))
    write("rsa2048-encrypted-pkcs8-testkey.pem", rsa2048.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret")))

    # cryptography will not sign with SHA-1, so this one (RSA-1024, sha1WithRSAEncryption) comes from the CLI.
    rsa1024 = rsa.generate_private_key(65537, 1024)
    key_path = os.path.join(HERE, ".rsa1024.tmp")
    write(".rsa1024.tmp", rsa1024.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    try:
        out = subprocess.run(["openssl", "req", "-x509", "-key", key_path, "-sha1", "-subj", "/CN=RSA 1024 Test",
                              "-days", "3650", "-set_serial", "4098"], check=True, capture_output=True).stdout
    finally:
        os.remove(key_path)
    write("rsa1024-selfsigned.crt", out)

    # ---- RSA chain: root (GeneralizedTime notAfter) -> intermediate -> leaf, text between blocks
    root = rsa.generate_private_key(65537, 2048)
    inter = rsa.generate_private_key(65537, 2048)
    leaf = ec.generate_private_key(ec.SECP256R1())
    rn = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Root"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "Example Root CA")])
    inn = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Root"),
                     x509.NameAttribute(NameOID.COMMON_NAME, "Example Intermediate CA")])
    ln = name("leaf.example.org")
    rc = build(rn, rn, root.public_key(), root, 1, hash_alg=hashes.SHA384(), ca=True,
               aki_key=root.public_key(), not_after=FAR_AFTER)
    ic = build(inn, rn, inter.public_key(), root, 2, ca=True, aki_key=root.public_key())
    lc = build(ln, inn, leaf.public_key(), inter, 3, ca=False, aki_key=inter.public_key())
    write("rsa-chain.pem", "Chain for leaf.example.org\n\nsubject=leaf\n" + cpem(lc)
          + "\nIntermediate:\n" + cpem(ic) + "# root follows\n" + cpem(rc) + "trailing text\n")

    # ---- ECDSA P-256 and P-384 (DER)
    p256 = ec.generate_private_key(ec.SECP256R1())
    n = name("ECDSA P-256 Test")
    write("ecdsa-p256.der", der(build(n, n, p256.public_key(), p256, 0x2001)))
    write("ec-p256-sec1-testkey.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
          + p256.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                               serialization.NoEncryption()).decode())
    write("ec-p256-pkcs8-testkey.key", p256.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    p384 = ec.generate_private_key(ec.SECP384R1())
    n = name("ECDSA P-384 Test")
    write("ecdsa-p384.cer", der(build(n, n, p384.public_key(), p384, 0x2002, hash_alg=hashes.SHA384())))
    write("ec-p384-spki.pem", p384.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))

    # ---- Ed25519 / Ed448
    e1 = ed25519.Ed25519PrivateKey.generate()
    n = name("Ed25519 Test")
    write("ed25519.pem", cpem(build(n, n, e1.public_key(), e1, 0x3001, hash_alg=None)))
    write("ed25519-pkcs8-testkey.pem", e1.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    e2 = ed448.Ed448PrivateKey.generate()
    n = name("Ed448 Test")
    write("ed448.pem", cpem(build(n, n, e2.public_key(), e2, 0x3002, hash_alg=None)))

    # ---- DSA private key (traditional "DSA PRIVATE KEY")
    d = dsa.generate_private_key(1024)
    write("dsa1024-testkey.pem", d.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))

    # ---- PKCS#7 bundles (the chain), PEM and DER
    write("chain.p7b", pkcs7.serialize_certificates([lc, ic, rc], serialization.Encoding.PEM))
    write("chain-der.p7c", pkcs7.serialize_certificates([lc, ic, rc], serialization.Encoding.DER))

    # ---- PKCS#12: no password, and password "secret" (AES-256/PBKDF2, readable by OpenSSL 3.0)
    write("nopass.p12", pkcs12.serialize_key_and_certificates(
        b"test", leaf, lc, [ic], serialization.NoEncryption()))
    write("secret.pfx", pkcs12.serialize_key_and_certificates(
        b"test", rsa2048, c, None, serialization.BestAvailableEncryption(b"secret")))

    # ---- PQ: ML-DSA-44/65/87 self-signed, ML-KEM-768 end entity signed by the ML-DSA-65 CA
    pq = {}
    for label, cls, sig_oid in [
        ("mldsa44", mldsa.MLDSA44PrivateKey, "2.16.840.1.101.3.4.3.17"),
        ("mldsa65", mldsa.MLDSA65PrivateKey, "2.16.840.1.101.3.4.3.18"),
        ("mldsa87", mldsa.MLDSA87PrivateKey, "2.16.840.1.101.3.4.3.19"),
    ]:
        k = cls.generate()
        spki = spki_of(k.public_key())
        nm = utf8_name(label.upper().replace("MLDSA", "ML-DSA-") + " Test CA", "PQ Lab")
        cert = hand_cert(nm, nm, spki, sig_oid, k.sign, 0x4000 + len(pq), True, key_id(spki), key_id(spki))
        pq[label] = (k, spki, nm, sig_oid)
        if label == "mldsa44":
            write("mldsa44-selfsigned.pem", pem("CERTIFICATE", cert))
        else:
            write("%s-selfsigned.der" % label, cert)
    ca_key, ca_spki, ca_name, ca_sig = pq["mldsa65"]
    kem = mlkem.MLKEM768PrivateKey.generate()
    kem_spki = spki_of(kem.public_key())
    write("mlkem768-ee.der", hand_cert(utf8_name("kem.example.org"), ca_name, kem_spki, ca_sig, ca_key.sign,
                                       0x4100, False, key_id(kem_spki), key_id(ca_spki)))
    write("mldsa65-pkcs8-testkey.pem", ca_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    write("mlkem768-pkcs8-testkey.pem", kem.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    write("mldsa44-spki.pem", pq["mldsa44"][0].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))

    # ---- Composite ML-DSA-65 + ECDSA-P256-SHA512 (OID 1.3.6.1.5.5.7.6.45): dummy key and signature bytes
    comp_spki = seq(seq(oid("1.3.6.1.5.5.7.6.45")), tlv(0x03, b"\x00" + bytes(range(256)) * 8))
    nm = utf8_name("Composite Test")
    write("composite-mldsa65-p256.der", hand_cert(nm, nm, comp_spki, "1.3.6.1.5.5.7.6.45",
                                                  lambda tbs: b"\x5a" * 64, 0x5001, True))

    # ---- Odd but parsable: negative serial and a 1-bit RSA modulus (dummy signature)
    tiny_spki = seq(seq(oid("1.2.840.113549.1.1.1"), tlv(0x05, b"")), tlv(0x03, b"\x00" + seq(integer(1), integer(3))))
    nm = utf8_name("Odd RSA Test")
    odd = hand_cert(nm, nm, tiny_spki, "1.2.840.113549.1.1.11", lambda tbs: b"\x01" * 16, -12345, False)
    # sha256WithRSAEncryption carries NULL parameters (RFC 4055); hand_cert leaves them out, which is fine too.
    write("odd-negative-serial-1bit-rsa.der", odd)

    # ---- DH parameters: RFC 3526 group 14 (2048-bit) and RFC 2409 group 2 (1024-bit), g = 2; X9.42 via openssl
    modp2048 = int(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
        "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)
    modp1024 = int(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)
    write("dhparam2048.pem", pem("DH PARAMETERS", seq(integer(modp2048), integer(2))))
    write("dhparam1024.pem", pem("DH PARAMETERS", seq(integer(modp1024), integer(2))))
    x942 = subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DHX", "-pkeyopt", "dh_rfc5114:2"],
                          check=True, capture_output=True).stdout
    write("x942-dhparam2048.pem", x942)


if __name__ == "__main__":
    main()
