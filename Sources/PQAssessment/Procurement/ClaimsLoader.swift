import Foundation
import PQCatalog
import PQModel

/// Reads a vendor's claims file (YAML, schema in Docs/procurement.md) into `VendorClaims`.
///
/// It reuses the policy loader's `YAMLReader`, so a misspelt key, a bad date or an algorithm the catalog does not
/// know is reported as `claims.yaml:12: ...` with the valid choices, and a semantic slip (a default that is not
/// supported) still names its line.
public enum ClaimsLoader {
    static let lineKey = "_line"

    /// CNSA 2.0's system category ids, which the claims file's `category` takes; empty if the profile is missing.
    /// Read once: loading the bundled profile from disk on every claims file was most of a small file's cost.
    static let categoryIDs: [String] = ((try? PolicyProfile.bundled("cnsa-2.0"))?.categories ?? []).map(\.id)

    static func shape(catalog: Catalog) -> YAMLShape {
        let names = catalog.knownNames
        let claim: YAMLShape = .object(
            [
                "supported": .list(.catalogName(names)), "defaults": .list(.catalogName(names)),
                "configurable": .bool, "hybrid": .bool, "pqShipsOn": .day, "evidence": .list(.string),
                "excluded": .list(.catalogName(names)),
            ], required: [])
        var protocols: [String: YAMLShape] = [:]
        for item in ClaimedProtocol.allCases { protocols[item.rawValue] = claim }
        let categories = categoryIDs
        return .object(
            [
                "vendor": .string, "product": .string, "version": .string,
                "category": categories.isEmpty ? .string : .choice(categories),
                "validations": .list(.string), "cbomProvided": .bool, "supportEndsOn": .day,
                "excluded": .list(.catalogName(names)), "protocols": .object(protocols, required: []),
            ], required: ["vendor", "product", "protocols"])
    }

    private struct File: Decodable {
        var vendor: String
        var product: String
        var version: String?
        var category: String?
        var validations: [String]?
        var cbomProvided: Bool?
        var supportEndsOn: CalendarDay?
        var excluded: [String]?
        var protocols: [String: Claim]
    }

    private struct Claim: Decodable {
        var supported: [String]?
        var defaults: [String]?
        var configurable: Bool?
        var hybrid: Bool?
        var pqShipsOn: CalendarDay?
        var evidence: [String]?
        var excluded: [String]?
        var _line: Int?
    }

    /// Parses a claims file.
    /// - Parameters:
    ///   - text: the YAML.
    ///   - file: the name errors and reports give (the path as the user wrote it).
    /// - Throws: `AssessmentError` `yaml.*` naming the file and line: syntax, unknown keys (with the valid choices),
    ///   unknown algorithms (with close names), bad dates, a default missing from the supported list, no protocols.
    public static func claims(yaml text: String, file: String, catalog: Catalog = .shared) throws(AssessmentError)
        -> VendorClaims
    {
        var reader = YAMLReader(file: file, text: text)
        reader.lineKey = lineKey
        var value = try reader.read(shape(catalog: catalog))
        // `protocols` is read as an object for its key check; its own line key is not a protocol.
        if var root = value as? [String: Any], var protocols = root["protocols"] as? [String: Any] {
            protocols[lineKey] = nil
            root["protocols"] = protocols
            value = root
        }
        let decoded = try YAMLReader.decode(File.self, from: value, file: file)
        var protocols: [ProtocolClaim] = []
        for (key, claim) in decoded.protocols {
            guard let kind = ClaimedProtocol(rawValue: key) else { continue }
            let supported = claim.supported ?? []
            let defaults = claim.defaults ?? []
            let known = Set(supported.map { ClaimedAlgorithm($0, catalog: catalog).key })
            if !supported.isEmpty {
                for name in defaults where !known.contains(ClaimedAlgorithm(name, catalog: catalog).key) {
                    let line = claim._line.map { ":\($0)" } ?? ""
                    throw AssessmentError(
                        code: "yaml.invalid",
                        reason: "\(file)\(line): \(key) lists \(name) in defaults but not in supported; "
                            + "a default must be supported")
                }
            }
            protocols.append(
                ProtocolClaim(
                    protocol: kind, supported: supported, defaults: defaults, configurable: claim.configurable,
                    hybrid: claim.hybrid, pqShipsOn: claim.pqShipsOn, evidence: claim.evidence ?? [],
                    // A product-wide exclusion ("no SHA-1 anywhere") holds for every use.
                    excluded: ContradictionFinder.unique((decoded.excluded ?? []) + (claim.excluded ?? [])),
                    line: claim._line))
        }
        guard !protocols.isEmpty else {
            throw AssessmentError(
                code: "yaml.invalid",
                reason: "\(file): protocols names no protocol; valid choices: "
                    + ClaimedProtocol.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return VendorClaims(
            vendor: decoded.vendor, product: decoded.product, version: decoded.version, category: decoded.category,
            validations: decoded.validations ?? [], cbomProvided: decoded.cbomProvided,
            supportEndsOn: decoded.supportEndsOn, protocols: protocols.sorted { $0.protocol < $1.protocol }, file: file,
            origin: .yaml)
    }

    /// Reads a claims file from disk (at most 4 MiB).
    /// - Throws: `AssessmentError` `assess.unreadable`, or the parser's errors.
    public static func claims(file path: String, catalog: Catalog = .shared) throws(AssessmentError) -> VendorClaims {
        try claims(yaml: PolicyLoader.read(path), file: path, catalog: catalog)
    }
}

/// A claimed algorithm name resolved through the catalog: its canonical name and the kind of job it does.
struct ClaimedAlgorithm: Hashable {
    /// The name as the vendor wrote it.
    let name: String
    let entry: AlgorithmEntry?

    init(_ name: String, catalog: Catalog) {
        self.name = name
        self.entry = catalog.entry(nameOrOID: name)
    }

    /// What two spellings of one algorithm share: the canonical name, else the normalised spelling.
    var key: String { Catalog.normalise(entry?.canonical ?? name) }

    var display: String { entry.map { $0.canonical == name ? name : "\(name) (\($0.canonical))" } ?? name }

    var job: AlgorithmJob? {
        guard let entry else { return nil }
        // Protocol versions share the `protocol` primitive with cipher suites, which are judged by their parts.
        if entry.primitive == .protocol { return entry.canonical.hasPrefix("TLS_") ? nil : .protocolVersion }
        return AlgorithmJob(primitive: entry.primitive)
    }

    var status: QuantumStatus { entry?.quantumStatus ?? .vulnerable }

    /// True for the families the procurement checklist accepts as a PQ signature path (ML-DSA, LMS, XMSS).
    var isPQSignature: Bool {
        guard let entry, entry.primitive == .signature else { return false }
        return ["ML-DSA", "LMS", "XMSS"].contains(entry.family)
    }

    /// True for ML-KEM alone or in a hybrid.
    var isMLKEM: Bool { entry?.family == "ML-KEM" }
}

/// The job an algorithm does, which decides which evidence findings speak to a claim about it.
enum AlgorithmJob: String, Hashable, Sendable {
    case keyExchange = "key exchange"
    case authentication
    case cipher
    case mac
    case hash
    case protocolVersion = "protocol version"

    init?(primitive: Primitive) {
        switch primitive {
        case .kem, .keyAgree, .curve: self = .keyExchange
        case .signature, .pke: self = .authentication
        case .blockCipher, .streamCipher, .ae: self = .cipher
        case .mac: self = .mac
        case .hash, .xof: self = .hash
        default: return nil
        }
    }

    init?(usage: Usage) {
        switch usage {
        case .keyExchange, .group: self = .keyExchange
        case .signature, .publicKey: self = .authentication
        case .cipher: self = .cipher
        case .mac: self = .mac
        case .hash: self = .hash
        case .protocolVersion: self = .protocolVersion
        case .cipherSuite: return nil
        }
    }
}
