import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("CertificateParser")
struct CertificateParserTests {
    @Test("an RSA-2048 certificate yields every field, names in RFC 4514 order with escaping")
    func rsa2048Fields() throws {
        let block = try #require(PEM.blocks(in: try X509Fixtures.bytes("rsa2048-selfsigned.pem")).first)
        let cert = try CertificateParser.parse(der: try #require(block.der))
        #expect(cert.version == 3)
        #expect(cert.serial == "1001")
        #expect(cert.signatureOID == "1.2.840.113549.1.1.11")
        #expect(cert.tbsSignatureOID == cert.signatureOID)
        #expect(cert.publicKey.algorithmOID == "1.2.840.113549.1.1.1")
        #expect(cert.publicKey.keyBits == 2048)
        #expect(
            cert.subject
                == "CN=RSA 2048 Test,emailAddress=pki@example.org,serialNumber=42,OU=Crypto\\+PKI,O=Example\\, Inc.,"
                + "L=Berlin,ST=Berlin,C=DE,DC=example,DC=org")
        #expect(cert.issuer == cert.subject)
        #expect(cert.isCA == true)
        #expect(cert.selfSigned)
        #expect(cert.subjectKeyIdentifier != nil)
        #expect(cert.subjectKeyIdentifier == cert.authorityKeyIdentifier)
        #expect(cert.notBefore == Date(timeIntervalSince1970: 1_735_689_600))  // 2025-01-01T00:00:00Z
        #expect(cert.notAfter == Date(timeIntervalSince1970: 2_051_222_400))  // 2035-01-01T00:00:00Z
        #expect(cert.sha256.count == 64)
        #expect(cert.assetID == "sha256:" + cert.sha256.lowercased())
        #expect(cert.publicKey.assetID.hasPrefix("sha256:"))
    }

    @Test("EC keys take their size from the named curve")
    func ecCurves() throws {
        let p256 = try CertificateParser.parse(der: try X509Fixtures.bytes("ecdsa-p256.der"))
        #expect(p256.publicKey.curveOID == "1.2.840.10045.3.1.7")
        #expect(p256.publicKey.curve == "P-256")
        #expect(p256.publicKey.keyBits == 256)
        #expect(p256.isCA == nil)
        let p384 = try CertificateParser.parse(der: try X509Fixtures.bytes("ecdsa-p384.cer"))
        #expect(p384.publicKey.keyBits == 384)
        #expect(p384.signatureOID == "1.2.840.10045.4.3.3")
    }

    @Test("ML-DSA, ML-KEM and composite OIDs are read from the SPKI; the ML-KEM cert is not self-signed")
    func postQuantum() throws {
        let mldsa65 = try CertificateParser.parse(der: try X509Fixtures.bytes("mldsa65-selfsigned.der"))
        #expect(mldsa65.publicKey.algorithmOID == "2.16.840.1.101.3.4.3.18")
        #expect(mldsa65.signatureOID == "2.16.840.1.101.3.4.3.18")
        #expect(mldsa65.publicKey.keyBits == 1952 * 8)
        #expect(mldsa65.selfSigned)
        let kem = try CertificateParser.parse(der: try X509Fixtures.bytes("mlkem768-ee.der"))
        #expect(kem.publicKey.algorithmOID == "2.16.840.1.101.3.4.4.2")
        #expect(kem.signatureOID == "2.16.840.1.101.3.4.3.18")
        #expect(kem.issuer == mldsa65.subject)
        #expect(kem.authorityKeyIdentifier == mldsa65.subjectKeyIdentifier)
        #expect(!kem.selfSigned)
        #expect(kem.isCA == false)
        let composite = try CertificateParser.parse(der: try X509Fixtures.bytes("composite-mldsa65-p256.der"))
        #expect(composite.publicKey.algorithmOID == "1.3.6.1.5.5.7.6.45")
        #expect(composite.publicKey.keyBits == nil)
    }

    @Test("GeneralizedTime after 2050 and a chain's issuer links")
    func chain() throws {
        let blocks = PEM.blocks(in: try X509Fixtures.bytes("rsa-chain.pem"))
        #expect(blocks.map(\.line) == [4, 21, 42])
        let certs = try blocks.map { try CertificateParser.parse(der: try #require($0.der)) }
        #expect(certs[0].issuer == certs[1].subject)
        #expect(certs[1].issuer == certs[2].subject)
        #expect(certs[2].selfSigned && !certs[1].selfSigned && !certs[0].selfSigned)
        #expect(certs[2].notAfter == Date(timeIntervalSince1970: 2_697_969_600))  // 2055-06-30T12:00:00Z
        #expect(certs[0].publicKey.curve == "P-256")
    }

    @Test("a negative serial and a 1-bit RSA modulus parse without trapping")
    func oddCertificate() throws {
        let cert = try CertificateParser.parse(der: try X509Fixtures.bytes("odd-negative-serial-1bit-rsa.der"))
        #expect(cert.serial == "-3039")
        #expect(cert.publicKey.keyBits == 1)
    }
}
