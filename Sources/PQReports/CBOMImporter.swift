import Foundation
import PQCatalog
import PQModel

/// What a CBOM holds, as inventory values: `ImportUseCase` records it as a scan of its own.
public struct ImportedInventory: Sendable, Hashable {
    public var specVersion: String
    /// The metadata component's name (what the other tool scanned), when it gave one.
    public var subject: String?
    public var findings: [Finding]
    public var assets: [Asset]
    public var diagnostics: [Diagnostic]

    /// Every path a finding names, sorted: the files the imported scan "examined".
    public var paths: [ScanPath] { Array(Set(findings.map(\.path))).sorted() }
}

/// Why a document could not be imported, in words.
public struct CBOMImportError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// A CBOM parsed and its header checked, its components not yet converted: `CBOMImporter.read` converts them batch
/// by batch, so an importer never holds every finding beside the document.
public struct CBOMDocument: Sendable {
    public let specVersion: String
    /// The metadata component's name (what the other tool scanned), when it gave one.
    public let subject: String?
    /// Every component, nested ones after their parent, depth-first.
    let components: [JSONValue]
    let metadata: JSONValue?
}

/// What `CBOMImporter.read` hands over at a time: a few thousand rows, in the order the store numbers them.
public struct CBOMBatch: Sendable, Hashable {
    public var findings: [Finding] = []
    public var assets: [Asset] = []
    public var diagnostics: [Diagnostic] = []

    var rows: Int { findings.count + assets.count + diagnostics.count }
}

/// Reads a CycloneDX 1.6 or 1.7 CBOM, made by PQScout or by another tool, into findings, assets and diagnostics.
///
/// A PQScout CBOM comes back exactly (each occurrence's `additionalContext` and the `pqscout:` properties carry
/// what CycloneDX has no field for). A foreign CBOM maps as Docs/reports.md describes: each occurrence of an
/// `algorithm` component is a finding (usage from `primitive`, source `cbom`, the catalog's canonical name and
/// status where it knows the name or OID); certificates and keys become assets. Nothing in the document is
/// trusted: missing or mistyped members are skipped, never a crash.
public enum CBOMImporter {
    /// Largest document accepted (the parser holds it in memory).
    public static let maxBytes = 256 * 1024 * 1024

    /// Rows (findings, assets, diagnostics) per `CBOMBatch`: large enough that a store's transaction per batch costs
    /// little, small enough that a batch is a few MB.
    public static let batchRows = 10_000

    /// Every finding, asset and diagnostic of a document at once: for a vendor's CBOM, which is judged whole.
    /// `pqscout import` records a document batch by batch with `open` and `read` instead.
    /// - Parameter fallbackPath: The path given to a component that names no occurrence (the CBOM's file name).
    public static func parse(
        _ data: Data, fallbackPath: ScanPath, catalog: Catalog = .shared
    ) throws(CBOMImportError) -> ImportedInventory {
        let document = try open(data)
        var all = CBOMBatch()
        read(document, fallbackPath: fallbackPath, catalog: catalog) { batch in
            all.findings += batch.findings
            all.assets += batch.assets
            all.diagnostics += batch.diagnostics
        }
        return ImportedInventory(
            specVersion: document.specVersion, subject: document.subject, findings: all.findings,
            assets: all.assets.sorted { $0.id < $1.id }, diagnostics: all.diagnostics)
    }

    /// Parses a document and checks it is CycloneDX 1.6 or 1.7. The document is parsed whole (Foundation's
    /// `JSONDecoder` has no streaming mode); the caller may let go of `data` once this returns.
    public static func open(_ data: Data) throws(CBOMImportError) -> CBOMDocument {
        guard data.count <= maxBytes else {
            throw CBOMImportError(reason: "the document is \(data.count) bytes, more than the \(maxBytes) accepted")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch let error as JSONValueError {
            throw CBOMImportError(reason: error.reason)
        } catch {
            // Foundation's DecodingError text is a multi-line debug dump: the user needs the fact, in one line.
            throw CBOMImportError(reason: "not JSON: the file does not parse as a JSON document")
        }
        guard document["bomFormat"]?.stringValue == "CycloneDX" else {
            throw CBOMImportError(reason: "not a CycloneDX document (bomFormat is not \"CycloneDX\")")
        }
        guard let spec = document["specVersion"]?.stringValue, ["1.6", "1.7"].contains(spec) else {
            throw CBOMImportError(
                reason: "CycloneDX specVersion \(document["specVersion"]?.stringValue ?? "?") is not 1.6 or 1.7")
        }
        return CBOMDocument(
            specVersion: spec, subject: document["metadata"]?["component"]?["name"]?.stringValue,
            components: flatten(document["components"]?.arrayValue ?? []), metadata: document["metadata"])
    }

    /// Converts a document into batches of at most `batchRows` rows and hands each to `body` as it fills: first
    /// every asset, then the findings in document order, then the diagnostics. Assets come first because a finding
    /// may only name an asset the document describes (the store refuses dangling references), and that is known
    /// only once every asset has been read; the findings' order is the one a single batch would have.
    /// - Parameter fallbackPath: The path given to a component that names no occurrence (the CBOM's file name).
    public static func read(
        _ document: CBOMDocument, fallbackPath: ScanPath, catalog: Catalog = .shared, batchRows: Int = batchRows,
        into body: (CBOMBatch) throws -> Void
    ) rethrows {
        var reader = Reader(catalog: catalog, fallbackPath: fallbackPath)
        for component in document.components { reader.index(component) }
        let assets = document.components.filter { $0["type"]?.stringValue == "cryptographic-asset" }
        var pending = CBOMBatch()
        func flush(whenFull: Bool) throws {
            guard pending.rows >= (whenFull ? max(1, batchRows) : 1) else { return }
            try body(pending)
            pending = CBOMBatch()
        }
        for component in assets {
            if let asset = reader.asset(component) { pending.assets.append(asset) }
            try flush(whenFull: true)
        }
        try flush(whenFull: false)
        for component in assets {
            // One occurrence at a time: an algorithm of a large CBOM has one occurrence per certificate.
            try reader.forEachFinding(component) { finding in
                var kept = finding
                if let asset = finding.asset, !reader.assetIDs.contains(asset) { kept.asset = nil }
                pending.findings.append(kept)
                try flush(whenFull: true)
            }
        }
        for property in document.metadata?["properties"]?.arrayValue ?? []
        where property["name"]?.stringValue == "pqscout:diagnostic" {
            guard let fields = property["value"]?.stringValue.flatMap(CBOMContext.decode),
                let path = fields["path"].flatMap(ScanPath.unescape),
                let reason = fields["reason"].flatMap(Diagnostic.Reason.init)
            else { continue }
            pending.diagnostics.append(
                Diagnostic(path: ScanPath(bytes: path), reason: reason, detail: fields["detail"] ?? ""))
            try flush(whenFull: true)
        }
        try flush(whenFull: false)
    }

    /// Components with their nested components, depth-first (nesting is bounded to 64 levels).
    static func flatten(_ components: [JSONValue], depth: Int = 0) -> [JSONValue] {
        guard depth < 64 else { return [] }
        return components.flatMap { [$0] + flatten($0["components"]?.arrayValue ?? [], depth: depth + 1) }
    }

    struct Reader {
        let catalog: Catalog
        let fallbackPath: ScanPath
        /// Every asset `asset(_:)` returned: what a finding may name.
        var assetIDs = Set<String>()
        var byRef: [String: JSONValue] = [:]

        init(catalog: Catalog, fallbackPath: ScanPath) {
            self.catalog = catalog
            self.fallbackPath = fallbackPath
        }

        mutating func index(_ component: JSONValue) {
            if let ref = component["bom-ref"]?.stringValue { byRef[ref] = component }
        }

        static func properties(_ component: JSONValue) -> [String: String] {
            var out: [String: String] = [:]
            for property in component["properties"]?.arrayValue ?? [] {
                guard let name = property["name"]?.stringValue, let value = property["value"]?.stringValue,
                    out[name] == nil
                else { continue }
                out[name] = value
            }
            return out
        }

        func path(_ text: String?) -> ScanPath {
            guard let text, !text.isEmpty else { return fallbackPath }
            return ScanPath.unescape(text).map { ScanPath(bytes: $0) } ?? ScanPath(text)
        }

        /// The asset a certificate or key component describes, the first time its id is seen; nil otherwise.
        mutating func asset(_ component: JSONValue) -> Asset? {
            let asset: Asset?
            switch component["cryptoProperties"]?["assetType"]?.stringValue {
            case "certificate": asset = certificate(component)
            case "related-crypto-material": asset = key(component)
            default: asset = nil
            }
            guard let asset, assetIDs.insert(asset.id).inserted else { return nil }
            return asset
        }

        /// Hands over the findings a component yields, one at a time: an algorithm's occurrences, a foreign
        /// certificate's signature.
        func forEachFinding(_ component: JSONValue, _ body: (Finding) throws -> Void) rethrows {
            switch component["cryptoProperties"]?["assetType"]?.stringValue {
            case "algorithm": try forEachAlgorithmFinding(component, body)
            case "certificate": if let finding = signatureFinding(component) { try body(finding) }
            default: break
            }
        }

        /// Name, canonical, status and parameters of an algorithm component.
        struct AlgorithmFacts {
            var name: String
            var canonical: String?
            var oid: String?
            var keyBits: Int?
            var curve: String?
            var status: QuantumStatus
            var note: String?
            var usage: Usage
        }

        func facts(_ component: JSONValue) -> AlgorithmFacts {
            let properties = Self.properties(component)
            let algorithm = component["cryptoProperties"]?["algorithmProperties"]
            let name = Self.nonEmpty(component["name"]?.stringValue) ?? "unnamed"
            let oid = component["cryptoProperties"]?["oid"]?.stringValue
            let keyBits = algorithm?["parameterSetIdentifier"]?.stringValue.flatMap { Int($0) }.flatMap {
                $0 >= 0 ? $0 : nil
            }
            var curve = algorithm?["curve"]?.stringValue
            if let named = algorithm?["ellipticCurve"]?.stringValue {
                curve = named.split(separator: "/", maxSplits: 1).last.map(String.init) ?? named
            }
            let pqscout = properties["pqscout:quantumStatus"] != nil
            let entry = catalog.entry(named: name) ?? oid.flatMap { catalog.entry(oid: $0) }
            let canonical = pqscout ? properties["pqscout:canonical"] : entry?.canonical
            var note: String?
            let status: QuantumStatus
            if let text = properties["pqscout:quantumStatus"], let value = QuantumStatus(rawValue: text) {
                status = value
            } else if let entry {
                status = entry.status(keyBits: keyBits)
            } else {
                status = .vulnerable
                note = "not in the catalog; assumed quantum-vulnerable until classified"
            }
            let usage = Self.usage(primitive: algorithm?["primitive"]?.stringValue)
            return AlgorithmFacts(
                name: name, canonical: canonical, oid: oid, keyBits: keyBits, curve: curve, status: status,
                note: note, usage: usage)
        }

        func forEachAlgorithmFinding(_ component: JSONValue, _ body: (Finding) throws -> Void) rethrows {
            let facts = facts(component)
            let occurrences = component["evidence"]?["occurrences"]?.arrayValue ?? []
            if occurrences.isEmpty {
                try body(
                    Finding(
                        path: fallbackPath, source: "cbom", setting: "algorithm", usage: facts.usage,
                        algorithm: facts.name, canonical: facts.canonical, oid: facts.oid, keyBits: facts.keyBits,
                        curve: facts.curve, quantumStatus: facts.status, note: facts.note))
                return
            }
            for occurrence in occurrences {
                let context = occurrence["additionalContext"]?.stringValue.flatMap(CBOMContext.decode) ?? [:]
                let line = occurrence["line"]?.intValue.flatMap { $0 >= 1 ? $0 : nil }
                let finding = Finding(
                    path: path(occurrence["location"]?.stringValue), line: line,
                    source: FindingSource(rawValue: Self.nonEmpty(context["source"]) ?? "cbom"),
                    setting: Self.nonEmpty(occurrence["symbol"]?.stringValue) ?? "algorithm",
                    usage: context["usage"].flatMap(Usage.init) ?? facts.usage,
                    algorithm: Self.nonEmpty(context["algorithm"]) ?? facts.name, canonical: facts.canonical,
                    oid: facts.oid,
                    keyBits: facts.keyBits, curve: facts.curve, quantumStatus: facts.status,
                    context: context["context"], effective: context["effective"] != "false",
                    origin: context["origin"].flatMap(Origin.init) ?? .file, asset: context["asset"],
                    note: context["note"] ?? facts.note)
                try body(finding)
            }
        }

        /// The asset a component describes: exactly, from `pqscout:` properties, or from its CycloneDX fields.
        func baseAsset(_ component: JSONValue, kind: Asset.Kind, algorithmRef: String?) -> Asset {
            let properties = Self.properties(component)
            let ref = component["bom-ref"]?.stringValue ?? component["name"]?.stringValue ?? "unnamed"
            let referenced = algorithmRef.flatMap { byRef[$0] }.map { facts($0) }
            return Asset(
                id: Self.nonEmpty(properties["pqscout:asset-id"]) ?? "cbom:"
                    + ContentHash.hex(kind.rawValue + "|" + ref),
                kind: properties["pqscout:asset-kind"].flatMap(Asset.Kind.init) ?? kind,
                algorithm: properties["pqscout:asset-algorithm"] ?? referenced?.name ?? component["name"]?.stringValue
                    ?? "unknown",
                canonical: properties["pqscout:asset-id"] != nil
                    ? properties["pqscout:asset-canonical"] : referenced?.canonical,
                oid: properties["pqscout:asset-id"] != nil ? properties["pqscout:asset-oid"] : referenced?.oid,
                keyBits: Self.size(properties["pqscout:asset-keyBits"].flatMap { Int($0) }) ?? referenced?.keyBits,
                curve: properties["pqscout:asset-id"] != nil ? properties["pqscout:asset-curve"] : referenced?.curve)
        }

        func key(_ component: JSONValue) -> Asset? {
            let properties = Self.properties(component)
            guard properties["pqscout:derived"] != "true" else { return nil }
            let material = component["cryptoProperties"]?["relatedCryptoMaterialProperties"]
            let type = material?["type"]?.stringValue
            var asset = baseAsset(
                component, kind: type == "private-key" ? .privateKey : .publicKey,
                algorithmRef: material?["algorithmRef"]?.stringValue)
            if asset.keyBits == nil { asset.keyBits = Self.size(material?["size"]?.intValue) }
            if let format = properties["pqscout:key-format"] ?? material?["format"]?.stringValue {
                asset.key = KeyDetails(
                    format: format,
                    isPrivate: properties["pqscout:private"].map { $0 == "true" } ?? (type == "private-key"),
                    encrypted: properties["pqscout:encrypted"] == "true")
            }
            return asset
        }

        /// The certificate's signature algorithm component, and its key's component, by reference.
        func references(_ component: JSONValue) -> (signature: JSONValue?, key: JSONValue?) {
            let certificate = component["cryptoProperties"]?["certificateProperties"]
            var signatureRef = certificate?["signatureAlgorithmRef"]?.stringValue
            var keyRef = certificate?["subjectPublicKeyRef"]?.stringValue
            for related in certificate?["relatedCryptographicAssets"]?.arrayValue ?? [] {
                guard let ref = related["ref"]?.stringValue else { continue }
                switch related["type"]?.stringValue {
                case "algorithm", "signature": signatureRef = signatureRef ?? ref
                case "publicKey", "public-key": keyRef = keyRef ?? ref
                default: break
                }
            }
            return (signatureRef.flatMap { byRef[$0] }, keyRef.flatMap { byRef[$0] })
        }

        func certificate(_ component: JSONValue) -> Asset {
            let properties = Self.properties(component)
            let certificate = component["cryptoProperties"]?["certificateProperties"]
            let (signatureComponent, keyComponent) = references(component)
            let keyAlgorithmRef = keyComponent?["cryptoProperties"]?["relatedCryptoMaterialProperties"]?[
                "algorithmRef"]?
                .stringValue
            var asset = baseAsset(component, kind: .certificate, algorithmRef: keyAlgorithmRef)
            let signature = signatureComponent.map { facts($0) }
            if let subject = certificate?["subjectName"]?.stringValue,
                let notAfter = certificate?["notValidAfter"]?.stringValue.flatMap(ReportDate.parse)
            {
                let issuer = certificate?["issuerName"]?.stringValue ?? ""
                let fingerprint = certificate?["fingerprint"]?["content"]?.stringValue?.uppercased()
                asset.certificate = CertificateDetails(
                    subject: subject, issuer: issuer,
                    serial: properties["pqscout:serial"] ?? certificate?["serialNumber"]?.stringValue ?? "",
                    notBefore: certificate?["notValidBefore"]?.stringValue.flatMap(ReportDate.parse) ?? notAfter,
                    notAfter: notAfter,
                    signatureOID: properties["pqscout:signatureOID"] ?? signature?.oid ?? "",
                    signatureAlgorithm: properties["pqscout:asset-id"] != nil
                        ? properties["pqscout:signatureAlgorithm"] : signature?.canonical,
                    publicKeyOID: properties["pqscout:publicKeyOID"] ?? asset.oid ?? "",
                    sha256: properties["pqscout:sha256"] ?? fingerprint ?? "",
                    publicKeyID: properties["pqscout:publicKeyID"]
                        ?? keyComponent.map { baseAsset($0, kind: .publicKey, algorithmRef: nil).id } ?? "",
                    isCA: properties["pqscout:isCA"].map { $0 == "true" },
                    selfSigned: properties["pqscout:selfSigned"].map { $0 == "true" } ?? (subject == issuer))
            }
            return asset
        }

        /// A foreign certificate's signature is a finding of its own; PQScout's are occurrences already.
        func signatureFinding(_ component: JSONValue) -> Finding? {
            guard Self.properties(component)["pqscout:asset-id"] == nil,
                let signature = references(component).signature.map({ facts($0) })
            else { return nil }
            let place = component["evidence"]?["occurrences"]?.arrayValue.first
            return Finding(
                path: path(place?["location"]?.stringValue),
                line: place?["line"]?.intValue.flatMap { $0 >= 1 ? $0 : nil }, source: "cbom",
                setting: "signatureAlgorithm", usage: .signature, algorithm: signature.name,
                canonical: signature.canonical, oid: signature.oid, quantumStatus: signature.status,
                asset: certificate(component).id, note: signature.note)
        }

        static func nonEmpty(_ text: String?) -> String? {
            guard let text, !text.isEmpty else { return nil }
            return text
        }

        /// A size the store accepts: non-negative.
        static func size(_ value: Int?) -> Int? {
            guard let value, value >= 0 else { return nil }
            return value
        }

        /// How a CycloneDX primitive is used, for a foreign finding.
        static func usage(primitive: String?) -> Usage {
            switch primitive {
            case "signature": .signature
            case "kem", "key-agree": .keyExchange
            case "hash", "xof": .hash
            case "mac": .mac
            case "block-cipher", "stream-cipher", "ae", "key-wrap": .cipher
            default: .publicKey
            }
        }
    }
}
