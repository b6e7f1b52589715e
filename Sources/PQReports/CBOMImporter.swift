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

/// A CBOM checked whole (it parses, and it is CycloneDX 1.6 or 1.7), its components not yet converted:
/// `CBOMImporter.read` reads them from the source batch by batch, so an importer never holds the document, only a
/// few KB of it and what the components reference of each other.
public struct CBOMDocument: Sendable {
    public let specVersion: String
    /// The metadata component's name (what the other tool scanned), when it gave one.
    public let subject: String?
    let source: any JSONByteSource
    /// Where the top-level `components` and `metadata` values start.
    let components: Int?
    let metadata: Int?
    /// Every bom-ref a certificate or key names: the components `read` keeps by reference.
    let referenced: Set<String>
}

/// Why `CBOMImporter.open(file:)` refused a file: it could not be read, or it is not a CBOM it imports.
public enum CBOMFileError: Error {
    case unreadable(any Error)
    case notCBOM(CBOMImportError)
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
    /// Largest document held whole in memory: a vendor's CBOM, whose claims are judged together, and a UTF-16 or
    /// UTF-32 document, which is decoded whole.
    public static let maxBytes = 256 * 1024 * 1024

    /// Largest UTF-8 document `pqscout import` reads in pieces. Its memory does not grow with the document, so
    /// this bound only stops a runaway input (a device, a file that keeps growing): a scan of the 50,000-file
    /// benchmark tree exports a 1.8 GB CBOM.
    public static let maxStreamedBytes = 64 * 1024 * 1024 * 1024

    /// Rows (findings, assets, diagnostics) per `CBOMBatch`: large enough that a store's transaction per batch costs
    /// little, small enough that a batch is a few MB.
    public static let batchRows = 10_000

    /// Bytes read from a file at a time by `open(file:)`'s first pass.
    static let chunkBytes = 256 * 1024

    /// Every finding, asset and diagnostic of a document at once: for a vendor's CBOM, which is judged whole.
    /// `pqscout import` records a document batch by batch with `open` and `read` instead.
    /// - Parameter fallbackPath: The path given to a component that names no occurrence (the CBOM's file name).
    public static func parse(
        _ data: Data, fallbackPath: ScanPath, catalog: Catalog = .shared
    ) throws(CBOMImportError) -> ImportedInventory {
        try parse(open(data), fallbackPath: fallbackPath, catalog: catalog)
    }

    /// Every finding, asset and diagnostic of an opened document at once.
    public static func parse(
        _ document: CBOMDocument, fallbackPath: ScanPath, catalog: Catalog = .shared
    ) throws(CBOMImportError) -> ImportedInventory {
        var all = CBOMBatch()
        do {
            try read(document, fallbackPath: fallbackPath, catalog: catalog) { batch in
                all.findings += batch.findings
                all.assets += batch.assets
                all.diagnostics += batch.diagnostics
            }
        } catch {
            throw CBOMImportError(reason: "cannot read the document again: \(error)")
        }
        return ImportedInventory(
            specVersion: document.specVersion, subject: document.subject, findings: all.findings,
            assets: all.assets.sorted { $0.id < $1.id }, diagnostics: all.diagnostics)
    }

    /// Checks a document in memory is JSON and CycloneDX 1.6 or 1.7.
    public static func open(_ data: Data) throws(CBOMImportError) -> CBOMDocument {
        guard data.count <= maxBytes else {
            throw CBOMImportError(reason: "the document is \(data.count) bytes, more than the \(maxBytes) accepted")
        }
        if let problem = JSONValue.preflight(data) { throw CBOMImportError(reason: problem.reason) }
        return try check(JSONDataSource(data))
    }

    /// Checks a document in a file is JSON and CycloneDX 1.6 or 1.7, reading it in pieces: the memory it takes
    /// is a few chunks, whatever the size. `eachChunk` sees every byte of the file once, in order (to hash it),
    /// unless the document is refused part-way.
    /// - Parameters:
    ///   - limit: The largest document accepted; a UTF-16 or UTF-32 document, decoded whole, may in any case be
    ///     at most `maxBytes`.
    ///   - wholeLimit: The largest document decoded whole (tests lower it).
    /// - Throws: `CBOMFileError.unreadable` when the file cannot be read, `.notCBOM` when it is no such document
    ///   (the reasons are `open(_:)`'s).
    public static func open(
        file path: String, limit: Int = maxBytes, eachChunk: ([UInt8]) -> Void = { _ in }
    ) throws(CBOMFileError) -> CBOMDocument {
        try open(file: path, limit: limit, wholeLimit: maxBytes, eachChunk: eachChunk)
    }

    static func open(
        file path: String, limit: Int, wholeLimit: Int, eachChunk: ([UInt8]) -> Void = { _ in }
    ) throws(CBOMFileError) -> CBOMDocument {
        var offset = 0
        var preflight = JSONPreflight()
        var problem: JSONValueError?
        let opened: Result<JSONFileSource, any Error> = Result {
            let source = try JSONFileSource(path: path)
            while true {
                let chunk = try source.read(at: offset, count: chunkBytes)
                if chunk.isEmpty { break }
                eachChunk(chunk)
                offset += chunk.count
                problem = preflight.feed(chunk)
                // Refused either way: reading on would only make a device such as /dev/zero read forever.
                if problem != nil || offset > limit { break }
            }
            return source
        }
        guard case .success(let source) = opened else {
            if case .failure(let error) = opened { throw .unreadable(error) }
            preconditionFailure()
        }
        guard offset <= limit else {
            throw .notCBOM(CBOMImportError(reason: "the document is more than the \(limit) bytes accepted"))
        }
        if let problem = problem ?? preflight.finish() { throw .notCBOM(CBOMImportError(reason: problem.reason)) }
        let checked: Result<CBOMDocument, CBOMImportError> = Result { () throws(CBOMImportError) in
            try check(source, wholeLimit: wholeLimit)
        }
        switch checked {
        case .success(let document): return document
        case .failure(let error): throw .notCBOM(error)
        }
    }

    /// The one pass that reads the whole document as JSON: everything `read` will read again is checked here, so
    /// nothing is recorded of a document that turns out broken. It keeps the header and the bom-refs certificates
    /// and keys name.
    static func check(_ source: any JSONByteSource, wholeLimit: Int = maxBytes) throws(CBOMImportError)
        -> CBOMDocument
    {
        let head: [UInt8]
        do {
            head = try source.read(at: 0, count: 4)
        } catch {
            throw CBOMImportError(reason: "cannot read the document: \(error)")
        }
        // `JSONDecoder` also reads UTF-16 and UTF-32, which UTF-8 JSON can never begin like (a NUL, or 0xFE/0xFF):
        // such a document is decoded whole as before and read back as UTF-8.
        if head.contains(0) || head.first == 0xFE || head.first == 0xFF {
            return try check(JSONDataSource(reencoded(source, limit: wholeLimit)))
        }
        // A UTF-8 byte order mark is skipped, as `JSONDecoder` skips it.
        var tokenizer = JSONTokenizer(source: source, offset: head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
        var bomFormat: JSONValue?
        var spec: JSONValue?
        var components: Int?
        var metadata: Int?
        var referenced = Set<String>()
        do {
            let first = try tokenizer.next()
            if first == .beginObject {
                try tokenizer.forEachMember { tokenizer, key, value in
                    switch key {
                    case "bomFormat": bomFormat = try tokenizer.value(after: value)
                    case "specVersion": spec = try tokenizer.value(after: value)
                    case "metadata":
                        metadata = tokenizer.tokenStart
                        try tokenizer.skip(after: value)
                    case "components":
                        components = tokenizer.tokenStart
                        guard value == .beginArray else {
                            try tokenizer.skip(after: value)
                            return true
                        }
                        try walkComponents(&tokenizer, source: source, depth: 0, inline: true) { component in
                            referenced.formUnion(Self.references(component.value))
                        }
                    default: try tokenizer.skip(after: value)
                    }
                    return true
                }
            } else {
                try tokenizer.skip(after: first)
            }
            guard try tokenizer.next() == .end else { throw JSONSyntaxError(offset: 0, detail: "trailing data") }
        } catch let error as JSONValueError {
            throw CBOMImportError(reason: error.reason)
        } catch let error as JSONSyntaxError {
            _ = error
            // Foundation's DecodingError text was a multi-line debug dump: the user needs the fact, in one line.
            throw CBOMImportError(reason: "not JSON: the file does not parse as a JSON document")
        } catch {
            throw CBOMImportError(reason: "cannot read the document: \(error)")
        }
        guard bomFormat?.stringValue == "CycloneDX" else {
            throw CBOMImportError(reason: "not a CycloneDX document (bomFormat is not \"CycloneDX\")")
        }
        guard let specVersion = spec?.stringValue, ["1.6", "1.7"].contains(specVersion) else {
            throw CBOMImportError(reason: "CycloneDX specVersion \(spec?.stringValue ?? "?") is not 1.6 or 1.7")
        }
        let subject: String?
        do {
            subject = try metadata.flatMap { try member(["component", "name"], at: $0, in: source) }?.stringValue
        } catch {
            throw CBOMImportError(reason: "cannot read the document: \(error)")
        }
        return CBOMDocument(
            specVersion: specVersion, subject: subject, source: source, components: components, metadata: metadata,
            referenced: referenced)
    }

    /// A document in another encoding than UTF-8, decoded by `JSONValue.parse` and written back as UTF-8 (what it
    /// holds, as the importer reads it, stays the same).
    static func reencoded(_ source: any JSONByteSource, limit: Int) throws(CBOMImportError) -> Data {
        let bytes: [UInt8]
        do {
            bytes = try source.read(at: 0, count: limit + 1)
        } catch {
            throw CBOMImportError(reason: "cannot read the document: \(error)")
        }
        guard bytes.count <= limit else {
            throw CBOMImportError(
                reason: "a UTF-16 or UTF-32 document is decoded whole, so it may be at most \(limit) bytes; "
                    + "this one is larger (convert it to UTF-8)")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(bytes))
        } catch let error as JSONValueError {
            throw CBOMImportError(reason: error.reason)
        } catch {
            throw CBOMImportError(reason: "not JSON: the file does not parse as a JSON document")
        }
        return Data(value.rendered().utf8)
    }

    /// The bom-refs a component names: a certificate's signature algorithm and key, a key's algorithm.
    static func references(_ component: JSONValue) -> [String] {
        let crypto = component["cryptoProperties"]
        let certificate = crypto?["certificateProperties"]
        var refs = [
            certificate?["signatureAlgorithmRef"]?.stringValue, certificate?["subjectPublicKeyRef"]?.stringValue,
            crypto?["relatedCryptoMaterialProperties"]?["algorithmRef"]?.stringValue,
        ]
        for related in certificate?["relatedCryptographicAssets"]?.arrayValue ?? [] {
            refs.append(related["ref"]?.stringValue)
        }
        return refs.compactMap { $0 }
    }

    /// Converts a document into batches of at most `batchRows` rows and hands each to `body` as it fills: first
    /// every asset, then the findings in document order, then the diagnostics. Assets come first because a finding
    /// may only name an asset the document describes (the store refuses dangling references), and that is known
    /// only once every asset has been read; the findings' order is the one a single batch would have.
    ///
    /// The components are read from the source again for each of these (and once before, for the components
    /// others reference): a pass costs a read of the file, where holding every component cost memory in
    /// proportion to it.
    /// - Parameter fallbackPath: The path given to a component that names no occurrence (the CBOM's file name).
    /// - Throws: `CBOMImportError` when the source cannot be read again as it was checked (the file changed), or
    ///   what `body` throws.
    public static func read(
        _ document: CBOMDocument, fallbackPath: ScanPath, catalog: Catalog = .shared, batchRows: Int = batchRows,
        into body: (CBOMBatch) throws -> Void
    ) throws {
        var reader = Reader(catalog: catalog, fallbackPath: fallbackPath, source: document.source)
        if !document.referenced.isEmpty {
            try forEachComponent(document) { component in
                guard let ref = component.value["bom-ref"]?.stringValue, document.referenced.contains(ref) else {
                    return
                }
                reader.byRef[ref] = component.value
            }
        }
        var pending = CBOMBatch()
        func flush(whenFull: Bool) throws {
            guard pending.rows >= (whenFull ? max(1, batchRows) : 1) else { return }
            try body(pending)
            pending = CBOMBatch()
        }
        try forEachComponent(document) { component in
            guard component.value["type"]?.stringValue == "cryptographic-asset" else { return }
            if let asset = reader.asset(component.value) { pending.assets.append(asset) }
            try flush(whenFull: true)
        }
        try flush(whenFull: false)
        try forEachComponent(document) { component in
            guard component.value["type"]?.stringValue == "cryptographic-asset" else { return }
            // One occurrence at a time: an algorithm of a large CBOM has one occurrence per certificate.
            try reader.forEachFinding(component) { finding in
                var kept = finding
                if let asset = finding.asset, !reader.assetIDs.contains(asset) { kept.asset = nil }
                pending.findings.append(kept)
                try flush(whenFull: true)
            }
        }
        if let metadata = document.metadata,
            let properties = try memberOffset(["properties"], at: metadata, in: document.source)
        {
            try forEachElement(at: properties, in: document.source) { property in
                guard property["name"]?.stringValue == "pqscout:diagnostic",
                    let fields = property["value"]?.stringValue.flatMap(CBOMContext.decode),
                    let path = fields["path"].flatMap(ScanPath.unescape),
                    let reason = fields["reason"].flatMap(Diagnostic.Reason.init)
                else { return }
                pending.diagnostics.append(
                    Diagnostic(path: ScanPath(bytes: path), reason: reason, detail: fields["detail"] ?? ""))
                try flush(whenFull: true)
            }
        }
        try flush(whenFull: false)
    }

    /// A component as `read` holds it: its members but the two that can be large, `evidence` (the occurrences)
    /// and `components` (nested ones), which stay in the source where they start.
    struct Component {
        var value: JSONValue
        var evidence: Int?
        var nested: Int?
    }

    /// Every component, nested ones after their parent, depth-first (nesting is bounded to 64 levels).
    static func forEachComponent(_ document: CBOMDocument, _ body: (Component) throws -> Void) throws {
        guard let offset = document.components else { return }
        var tokenizer = JSONTokenizer(source: document.source, offset: offset, fragment: true)
        guard try tokenizer.next() == .beginArray else { return }
        try walkComponents(&tokenizer, source: document.source, depth: 0, inline: false, body)
    }

    /// The components of the array `tokenizer` just opened. `inline` walks nested components where they stand
    /// (the checking pass, which must read every byte once and needs no order); otherwise they come after their
    /// parent, read again from where they start.
    static func walkComponents(
        _ tokenizer: inout JSONTokenizer, source: any JSONByteSource, depth: Int, inline: Bool,
        _ body: (Component) throws -> Void
    ) throws {
        while true {
            let token = try tokenizer.next()
            if token == .endArray { return }
            guard token == .beginObject else {
                try tokenizer.skip(after: token)
                continue
            }
            var component = Component(value: .null)
            var members: [String: JSONValue] = [:]
            try tokenizer.forEachMember { tokenizer, key, value in
                switch key {
                case "evidence":
                    component.evidence = tokenizer.tokenStart
                    try tokenizer.skip(after: value)
                case "components":
                    component.nested = tokenizer.tokenStart
                    if inline, value == .beginArray, depth + 1 < 64 {
                        try walkComponents(&tokenizer, source: source, depth: depth + 1, inline: true, body)
                    } else {
                        try tokenizer.skip(after: value)
                    }
                default:
                    members[key] = try tokenizer.value(after: value)
                }
                return true
            }
            component.value = .object(members)
            try body(component)
            if !inline, depth + 1 < 64, let nested = component.nested {
                var inner = JSONTokenizer(source: source, offset: nested, fragment: true)
                if try inner.next() == .beginArray {
                    try walkComponents(&inner, source: source, depth: depth + 1, inline: false, body)
                }
            }
        }
    }

    /// Where the value at `path` (object members, one per key) starts inside the value at `offset`; nil when a
    /// step is missing or not an object. Of duplicate keys the first counts.
    static func memberOffset(_ path: [String], at offset: Int, in source: any JSONByteSource) throws -> Int? {
        var offset = offset
        for key in path {
            var tokenizer = JSONTokenizer(source: source, offset: offset, fragment: true)
            guard try tokenizer.next() == .beginObject else { return nil }
            var found: Int?
            try tokenizer.forEachMember { tokenizer, name, value in
                if name == key {
                    found = tokenizer.tokenStart
                    return false
                }
                try tokenizer.skip(after: value)
                return true
            }
            guard let found else { return nil }
            offset = found
        }
        return offset
    }

    /// The value at `path` inside the value at `offset`, whole.
    static func member(_ path: [String], at offset: Int, in source: any JSONByteSource) throws -> JSONValue? {
        guard let start = try memberOffset(path, at: offset, in: source) else { return nil }
        var tokenizer = JSONTokenizer(source: source, offset: start, fragment: true)
        return try tokenizer.nextValue()
    }

    /// Each element of the array at `offset`, one at a time (none when the value is not an array). `body` returns
    /// false to stop.
    static func forEachElement(
        at offset: Int, in source: any JSONByteSource, _ body: (JSONValue) throws -> Void
    ) throws {
        var tokenizer = JSONTokenizer(source: source, offset: offset, fragment: true)
        guard try tokenizer.next() == .beginArray else { return }
        while true {
            let token = try tokenizer.next()
            if token == .endArray { return }
            try body(try tokenizer.value(after: token))
        }
    }

    struct Reader {
        let catalog: Catalog
        let fallbackPath: ScanPath
        /// Every asset `asset(_:)` returned: what a finding may name.
        var assetIDs = Set<String>()
        /// The components certificates and keys reference, by bom-ref (the last of a bom-ref counts), without
        /// their evidence.
        var byRef: [String: JSONValue] = [:]
        let source: any JSONByteSource

        init(catalog: Catalog, fallbackPath: ScanPath, source: any JSONByteSource) {
            self.catalog = catalog
            self.fallbackPath = fallbackPath
            self.source = source
        }

        /// Each of a component's occurrences, in order (none when it has no `evidence.occurrences` array).
        func forEachOccurrence(_ component: Component, _ body: (JSONValue) throws -> Void) throws {
            guard let evidence = component.evidence,
                let occurrences = try CBOMImporter.memberOffset(["occurrences"], at: evidence, in: source)
            else { return }
            try CBOMImporter.forEachElement(at: occurrences, in: source, body)
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
        func forEachFinding(_ component: Component, _ body: (Finding) throws -> Void) throws {
            switch component.value["cryptoProperties"]?["assetType"]?.stringValue {
            case "algorithm": try forEachAlgorithmFinding(component, body)
            case "certificate": if let finding = try signatureFinding(component) { try body(finding) }
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

        func forEachAlgorithmFinding(_ component: Component, _ body: (Finding) throws -> Void) throws {
            let facts = facts(component.value)
            var occurrences = 0
            try forEachOccurrence(component) { occurrence in
                occurrences += 1
                try body(finding(occurrence, facts))
            }
            if occurrences == 0 {
                try body(
                    Finding(
                        path: fallbackPath, source: "cbom", setting: "algorithm", usage: facts.usage,
                        algorithm: facts.name, canonical: facts.canonical, oid: facts.oid, keyBits: facts.keyBits,
                        curve: facts.curve, quantumStatus: facts.status, note: facts.note))
            }
        }

        func finding(_ occurrence: JSONValue, _ facts: AlgorithmFacts) -> Finding {
            let context = occurrence["additionalContext"]?.stringValue.flatMap(CBOMContext.decode) ?? [:]
            let line = occurrence["line"]?.intValue.flatMap { $0 >= 1 ? $0 : nil }
            return Finding(
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
        func signatureFinding(_ whole: Component) throws -> Finding? {
            let component = whole.value
            guard Self.properties(component)["pqscout:asset-id"] == nil,
                let signature = references(component).signature.map({ facts($0) })
            else { return nil }
            var place: JSONValue?
            try forEachOccurrence(whole) { occurrence in
                if place == nil { place = occurrence }
            }
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
