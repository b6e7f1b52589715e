import Foundation
import PQModel
import Testing

@Suite("The finding's JSON contract")
struct FindingContractTests {
    @Test("every contract field is present, nulls included, with the fixed names")
    func fieldNames() throws {
        let finding = Finding(
            path: ScanPath("a.pem"), source: .x509, setting: "subjectPublicKey",
            usage: .publicKey, algorithm: "1.2.840.113549.1.1.1", quantumStatus: .vulnerable)
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(finding)) as? [String: Any])
        let contract: Set = [
            "path", "line", "source", "setting", "usage", "algorithm", "canonical", "oid", "keyBits", "curve",
            "quantumStatus", "context", "effective", "origin",
        ]
        #expect(contract.isSubset(of: Set(object.keys)))
        #expect(object["line"] is NSNull)
        #expect(object["origin"] as? String == "file")
    }

    @Test("enum raw values are the contract's words")
    func rawValues() {
        #expect(
            Usage.allCases.map(\.rawValue).sorted() == [
                "cipher", "cipher-suite", "group", "hash", "key-exchange", "mac", "protocol-version", "public-key",
                "signature",
            ])
        #expect(
            QuantumStatus.allCases.map(\.rawValue).sorted() == [
                "broken", "hybrid", "resistant", "vulnerable", "weakened",
            ])
        #expect(QuantumStatus.broken > QuantumStatus.vulnerable && QuantumStatus.vulnerable > QuantumStatus.weakened)
    }
}
