import Foundation
import PQCatalog
import PQModel

/// The inventory as a CycloneDX Cryptography Bill of Materials (CBOM), spec 1.6 or 1.7
/// (CycloneDX/specification, `schema/bom-1.6.schema.json` and `bom-1.7.schema.json`; Docs/reports.md has the
/// mapping table).
///
/// - Every distinct algorithm use (name, OID, key size, curve, quantum status) is one `cryptographic-asset`
///   component with `assetType: algorithm`; each finding is one of its `evidence.occurrences` (file, line, the
///   setting as `symbol`, the rest of the finding in `additionalContext`), so the CBOM holds every finding and
///   `CBOMImporter` can read them back.
/// - Certificates are `certificate` components pointing at their signature algorithm and subject public key;
///   keys are `related-crypto-material` (type, size, format, never the value).
/// - Configuration files with suites, versions or groups become `protocol` components (1.7 adds TLS groups and
///   signature schemes to each suite).
/// - `bom-ref`s are derived from content (asset ids are SHA-256 of the DER; algorithm refs hash their identity),
///   so an unchanged asset keeps its reference across scans.
/// - `compositions` says `incomplete` when files were skipped or not parsed, or the scan stopped early.
public struct CycloneDXRenderer: ReportRenderer {
    public var spec: CBOMSpecVersion
    public var catalog: Catalog
    public var format: ReportFormat { .cbom }

    public init(spec: CBOMSpecVersion = .v1_6, catalog: Catalog = .shared) {
        self.spec = spec
        self.catalog = catalog
    }

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        try ReportOutput.collect { try write(input, context: context, to: $0) }
    }

    public func streams(assessed: Bool) -> Bool { true }

    public var streamsAssets: Bool { true }

    /// The CBOM as a JSON value (tests look inside it): the written bytes, read back.
    public func document(_ input: ReportInput, context: RenderContext) throws -> JSONValue {
        try JSONValue.parse(render(input, context: context))
    }

    /// Writes the CBOM as it is made. One walk over the findings gathers the algorithm and protocol components:
    /// each finding's occurrence is rendered at once and parked in a spill file with its algorithm's others, a
    /// configuration file's protocol components when the walk leaves the file. The components then go out
    /// sorted by reference, between the document's other members: the algorithms, then the certificates and the
    /// keys as `input.assetsWithFindings` walks them (by id, each with its findings: their references sort so,
    /// `algorithm:` < `certificate:` < `key:` < `protocol:` < `software:`), then the parked protocols and
    /// software. What stays in memory is counted by distinct algorithms, protocol blocks and the findings of one
    /// asset, not by findings or assets.
    public func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws {
        let spill = try SpillFile()
        defer { spill.remove() }
        var builder = Builder(spec: spec, catalog: catalog, spill: spill)
        builder.aliases = input.aliases
        try input.orderedFindings.walk { try builder.add($0) }
        try builder.finishProtocols()
        try builder.addSoftware(input.software)
        let marker = "pqscout-components-\(UUID().uuidString)"
        let diagnosticsMarker = "pqscout-diagnostics-\(UUID().uuidString)"
        let diagnostics = input.orderedDiagnostics
        let text = document(
            input, context: context, components: .string(marker),
            diagnosticsMarker: diagnostics.isEmpty ? nil : diagnosticsMarker
        ).rendered(indent: 0)
        let (head, rest) = JSONValue.cut(text, around: marker)
        try output.write(head)
        try builder.writeComponents(assets: input.assetsWithFindings, to: output)
        var tail = rest
        if !diagnostics.isEmpty {
            // The metadata's diagnostic properties come after the components (keys in byte order), one path's at a
            // time: by path, then reason and detail.
            let (beforeDiagnostics, afterDiagnostics) = JSONValue.cut(rest, around: diagnosticsMarker)
            try output.write(beforeDiagnostics)
            try JSONValue.writeElements(after: beforeDiagnostics, to: output) { element in
                try diagnostics.walkByPath { group in
                    let sorted = group.enumerated().sorted {
                        ($0.element.reason.rawValue, $0.element.detail, $0.offset)
                            < ($1.element.reason.rawValue, $1.element.detail, $1.offset)
                    }
                    for (_, diagnostic) in sorted { try element(Self.diagnosticProperty(diagnostic)) }
                }
            }
            tail = afterDiagnostics
        }
        try output.write(tail + "\n")
    }

    /// The `pqscout:diagnostic` metadata property of a file the scan skipped or could not parse.
    static func diagnosticProperty(_ diagnostic: Diagnostic) -> JSONValue {
        property(
            "pqscout:diagnostic",
            CBOMContext.encode([
                ("path", diagnostic.path.display), ("reason", diagnostic.reason.rawValue),
                ("detail", diagnostic.detail),
            ]))
    }

    /// The document with `components` standing for the components array, and `diagnosticsMarker` (when given) for
    /// the metadata's diagnostic properties.
    private func document(
        _ input: ReportInput, context: RenderContext, components: JSONValue, diagnosticsMarker: String?
    ) -> JSONValue {
        let rootRef = "pqscout:scan-root"
        var metadataProperties: [JSONValue] = [
            Self.property("pqscout:scan-id", "\(input.scan.id)"),
            Self.property("pqscout:scan-status", input.scan.status.rawValue),
            Self.property("pqscout:scan-started", ReportDate.iso(input.scan.startedAt)),
            Self.property("pqscout:host", input.scan.host),
            Self.property("pqscout:files-examined", "\(input.scan.counts.filesExamined)"),
        ]
        if let diagnosticsMarker { metadataProperties.append(.string(diagnosticsMarker)) }
        let identity = "\(input.scan.id)|\(input.scan.roots)|\(ReportDate.iso(input.scan.startedAt))|\(spec.rawValue)"
        let metadata = JSONValue.object([
            ("timestamp", .string(ReportDate.iso(context.generatedAt))),
            (
                "tools",
                .object([
                    "components": .array([
                        .object([
                            "type": .string("application"), "name": .string(context.toolName),
                            "version": .string(context.toolVersion),
                        ])
                    ])
                ])
            ),
            (
                "component",
                .object([
                    "type": .string("data"), "bom-ref": .string(rootRef),
                    "name": .string(input.scan.roots.joined(separator: " ")),
                    "description": .string("The tree(s) pqscout scanned, on host \(input.scan.host)"),
                ])
            ),
            ("properties", .array(metadataProperties)),
        ])
        let aggregate = input.isIncomplete ? "incomplete" : "complete"
        return .object([
            ("$schema", .string("http://cyclonedx.org/schema/bom-\(spec.rawValue).schema.json")),
            ("bomFormat", .string("CycloneDX")),
            ("specVersion", .string(spec.rawValue)),
            ("serialNumber", .string(Self.uuidURN(identity))),
            ("version", .int(1)),
            ("metadata", metadata),
            ("components", components),
            (
                "compositions",
                .array([
                    .object([
                        "aggregate": .string(aggregate),
                        "assemblies": .array([.string(rootRef)]),
                    ])
                ])
            ),
        ])
    }

    static func property(_ name: String, _ value: String) -> JSONValue {
        .object(["name": .string(name), "value": .string(value)])
    }

    /// A `cryptographic-asset` component: algorithms, keys, certificates and protocols differ only in what their
    /// `cryptoProperties`, evidence and properties hold.
    static func assetComponent(
        ref: String, name: String, cryptoProperties: [(String, JSONValue?)], evidence: JSONValue?,
        properties: [JSONValue]? = nil
    ) -> JSONValue {
        .object([
            ("type", .string("cryptographic-asset")), ("bom-ref", .string(ref)), ("name", .string(name)),
            ("cryptoProperties", .object(cryptoProperties)), ("evidence", evidence),
            ("properties", properties.map { .array($0) }),
        ])
    }

    /// A version-5-shaped UUID derived from the scan's identity, so re-rendering a scan gives the same serial.
    static func uuidURN(_ identity: String) -> String {
        let hex = Array(ContentHash.hex(identity) + ContentHash.hex(identity + "#2"))
        func part(_ range: Range<Int>) -> String { String(hex[range]) }
        let variant = ["8", "9", "a", "b"][Int(String(hex[16]), radix: 16).map { $0 % 4 } ?? 0]
        return "urn:uuid:\(part(0..<8))-\(part(8..<12))-5\(part(13..<16))-\(variant)\(part(17..<20))-\(part(20..<32))"
    }
}

// MARK: - Building components

extension CycloneDXRenderer {
    /// What makes two findings the same algorithm component.
    struct AlgorithmKey: Hashable {
        var name: String
        var canonicalKnown: Bool
        var oid: String?
        var keyBits: Int?
        var curve: String?
        var status: QuantumStatus

        init(_ finding: Finding) {
            name = finding.canonical ?? finding.algorithm
            canonicalKnown = finding.canonical != nil
            oid = finding.oid
            keyBits = finding.keyBits
            curve = finding.curve
            status = finding.quantumStatus
        }

        var ref: String {
            let identity = [
                name, canonicalKnown ? "1" : "0", oid ?? "", keyBits.map(String.init) ?? "", curve ?? "",
                status.rawValue,
            ].joined(separator: "|")
            var label = name
            if let keyBits { label += "-\(keyBits)" }
            if let curve { label += "@\(curve)" }
            return "algorithm:\(label):\(ContentHash.hex(identity).prefix(8))"
        }
    }

    /// The components of one CBOM, gathered from findings that arrive in report order.
    struct Builder {
        let spec: CBOMSpecVersion
        let catalog: Catalog
        let spill: SpillFile
        /// Links inside the tree, each another name of its target's findings.
        var aliases: [PathAlias] = []
        /// Components rendered whole (keys, certificates, protocols, software), parked in `spill`.
        var parked: [(ref: String, span: SpillFile.Span)] = []
        var algorithms: [AlgorithmGroup] = []
        var algorithmIndex: [AlgorithmKey: Int] = [:]
        /// The configuration blocks of the file the walk is in; written out when it moves to the next file.
        var protocolPath: ScanPath?
        var protocols: [ProtocolPlace: ProtocolGroup] = [:]
        /// The alias names of the last path asked for: findings come path by path.
        var lastAliases: (path: ScanPath, names: String)?
        let occurrencesMarker = "pqscout-occurrences-\(UUID().uuidString)"

        /// An algorithm component's findings so far: what its fields need, and its occurrences as rendered text
        /// (`pending`, then `chunks` parked in the spill file once it passes `chunkBytes`).
        struct AlgorithmGroup {
            var key: AlgorithmKey
            var ref: String
            var firstUsage: Usage
            var usages: Set<Usage> = []
            var count = 0
            var pending = ""
            var chunks: [SpillFile.Span] = []
        }

        /// The findings that name one asset, reduced to what its key or certificate component shows.
        struct AssetFindings {
            var places = Places()
            /// Places of its public-key findings: a certificate's subject key is shown there.
            var publicKeyPlaces = Places()
            var firstRef: String?
            /// The first public-key or key-exchange use: the algorithm a key component points at.
            var firstKeyRef: String?
            var firstSignatureRef: String?
            var firstPublicKeyRef: String?

            mutating func add(_ finding: Finding, ref: String) {
                places.add(finding)
                if firstRef == nil { firstRef = ref }
                switch finding.usage {
                case .publicKey:
                    publicKeyPlaces.add(finding)
                    if firstPublicKeyRef == nil { firstPublicKeyRef = ref }
                    if firstKeyRef == nil { firstKeyRef = ref }
                case .keyExchange:
                    if firstKeyRef == nil { firstKeyRef = ref }
                case .signature:
                    if firstSignatureRef == nil { firstSignatureRef = ref }
                default: break
                }
            }
        }

        /// Distinct (file, line) places, as `evidence` lists them.
        struct Places {
            var byKey: [String: JSONValue] = [:]

            mutating func add(_ finding: Finding) {
                let key = finding.path.display + "\u{0}" + (finding.line.map(String.init) ?? "")
                guard byKey[key] == nil else { return }
                byKey[key] = .object([
                    ("location", .string(finding.path.display)), ("line", finding.line.map { .int($0) }),
                ])
            }

            /// The `evidence`; nil when there are no places.
            var evidence: JSONValue? {
                guard !byKey.isEmpty else { return nil }
                return .object(["occurrences": .array(byKey.keys.sorted().compactMap { byKey[$0] })])
            }
        }

        /// One configuration block of a file: its source and context (the file is `protocolPath`).
        struct ProtocolPlace: Hashable {
            var source: String
            var context: String?
        }

        struct ProtocolGroup {
            var versions: [String] = []
            var groupNames: [String] = []
            var schemes: [String] = []
            var suites: [(name: String, ref: String, code: String?)] = []
            var seenSuites: Set<String> = []
            var refs: Set<String> = []
            var places = Places()
        }

        init(spec: CBOMSpecVersion, catalog: Catalog, spill: SpillFile) {
            self.spec = spec
            self.catalog = catalog
            self.spill = spill
        }

        static let chunkBytes = 64 << 10
        static let occurrenceIndent = String(repeating: " ", count: 10)

        /// Takes the next finding in report order.
        mutating func add(_ finding: Finding) throws {
            let key = AlgorithmKey(finding)
            let index: Int
            if let known = algorithmIndex[key] {
                index = known
            } else {
                index = algorithms.count
                algorithmIndex[key] = index
                algorithms.append(AlgorithmGroup(key: key, ref: key.ref, firstUsage: finding.usage))
            }
            let ref = algorithms[index].ref
            let text = occurrence(finding).rendered(indent: 10)
            algorithms[index].usages.insert(finding.usage)
            algorithms[index].pending += (algorithms[index].count == 0 ? "" : ",\n") + Self.occurrenceIndent + text
            algorithms[index].count += 1
            if algorithms[index].pending.utf8.count >= Self.chunkBytes {
                algorithms[index].chunks.append(try spill.append(algorithms[index].pending))
                algorithms[index].pending = ""
            }
            if protocolPath != finding.path {
                try finishProtocols()
                protocolPath = finding.path
            }
            guard Self.isConfiguration(finding) else { return }
            let place = ProtocolPlace(source: finding.source.rawValue, context: finding.context)
            protocols[place, default: ProtocolGroup()].refs.insert(ref)
            protocols[place, default: ProtocolGroup()].places.add(finding)
            switch finding.usage {
            case .protocolVersion: protocols[place, default: ProtocolGroup()].versions.append(finding.algorithm)
            case .group: protocols[place, default: ProtocolGroup()].groupNames.append(finding.algorithm)
            case .signature: protocols[place, default: ProtocolGroup()].schemes.append(finding.algorithm)
            case .cipherSuite:
                guard protocols[place, default: ProtocolGroup()].seenSuites.insert(finding.algorithm).inserted else {
                    break
                }
                let code = finding.canonical.flatMap { catalog.entry(named: $0)?.tlsCodePoint }
                protocols[place, default: ProtocolGroup()].suites.append((finding.algorithm, ref, code))
            default: break
            }
        }

        /// The other names of a finding's file, `;`-separated ("" when none).
        mutating func aliasNames(_ path: ScanPath) -> String {
            guard !aliases.isEmpty else { return "" }
            if let last = lastAliases, last.path == path { return last.names }
            let names = PathAlias.names(of: path, in: aliases).map(\.display).joined(separator: ";")
            lastAliases = (path, names)
            return names
        }

        /// One finding as an occurrence of its algorithm.
        private mutating func occurrence(_ finding: Finding) -> JSONValue {
            var pairs: [(String, String)] = [
                ("usage", finding.usage.rawValue), ("source", finding.source.rawValue),
                ("algorithm", finding.algorithm),
            ]
            if let context = finding.context { pairs.append(("context", context)) }
            if !finding.effective { pairs.append(("effective", "false")) }
            if finding.origin != .file { pairs.append(("origin", finding.origin.rawValue)) }
            if let asset = finding.asset { pairs.append(("asset", asset)) }
            if let note = finding.note { pairs.append(("note", note)) }
            // Other names of the file (links inside the tree): kept in the context, not as more occurrences,
            // so each file's content still counts once and an import gets the same findings back.
            let names = aliasNames(finding.path)
            if !names.isEmpty { pairs.append(("aliases", names)) }
            return JSONValue.object([
                ("location", .string(finding.path.display)), ("line", finding.line.map { .int($0) }),
                ("symbol", .string(finding.setting)), ("additionalContext", .string(CBOMContext.encode(pairs))),
            ])
        }

        /// Parks a component rendered whole.
        private mutating func park(_ ref: String, _ value: JSONValue) throws {
            parked.append((ref, try spill.append(value.rendered(indent: 4))))
        }

        /// Writes the components array, sorted by reference, as it stands two spaces deep: the algorithms, the
        /// certificates and keys of `assets` as they come, then the parked components.
        func writeComponents(assets: ReportAssets, to output: ReportOutput) throws {
            var first = true
            func next() throws {
                try output.write(first ? "[\n    " : ",\n    ")
                first = false
            }
            for index in algorithms.indices.sorted(by: { algorithms[$0].ref < algorithms[$1].ref }) {
                try next()
                let group = algorithms[index]
                let (head, tail) = algorithmComponent(group).rendered(indent: 4, around: occurrencesMarker)
                try output.write(head + "[\n")
                for chunk in group.chunks { try spill.copy(chunk, to: output) }
                try output.write(group.pending + "\n" + String(repeating: " ", count: 8) + "]" + tail)
            }
            func emit(_ component: JSONValue) throws {
                try next()
                try output.write(component.rendered(indent: 4))
            }
            try assets.walkCertificates { asset, findings in
                guard asset.kind == .certificate else { return }
                try emit(certificateComponent(asset, found: findings.isEmpty ? nil : summary(findings)))
            }
            try writeKeys(assets, emit)
            for entry in parked.sorted(by: { $0.ref < $1.ref }) {
                try next()
                try spill.copy(entry.span, to: output)
            }
            try output.write(first ? "[]" : "\n  ]")
        }

        /// The findings of one asset reduced as its component shows them, taken in report order (a stable sort:
        /// findings the order cannot tell apart keep the order they came in, as in the walk of every finding).
        func summary(_ findings: [Finding]) -> AssetFindings {
            var out = AssetFindings()
            let ordered = findings.enumerated().sorted {
                ReportOrder.finding($0.element, $1.element)
                    || (!ReportOrder.finding($1.element, $0.element) && $0.offset < $1.offset)
            }
            for (_, finding) in ordered {
                let key = AlgorithmKey(finding)
                out.add(finding, ref: algorithmIndex[key].map { algorithms[$0].ref } ?? key.ref)
            }
            return out
        }

        /// An algorithm component, its occurrences standing as `occurrencesMarker`.
        private func algorithmComponent(_ group: AlgorithmGroup) -> JSONValue {
            let key = group.key
            let entry = key.canonicalKnown ? catalog.entry(named: key.name) : nil
            var algorithm: [(String, JSONValue?)] = [
                ("primitive", .string(Self.primitive(entry?.primitive, usage: group.firstUsage))),
                ("nistQuantumSecurityLevel", .int(min(6, max(0, entry?.nistCategory ?? 0)))),
            ]
            if let bits = Self.classicalBits(entry, keyBits: key.keyBits, curve: key.curve) {
                algorithm.append(("classicalSecurityLevel", .int(bits)))
            }
            if let keyBits = key.keyBits { algorithm.append(("parameterSetIdentifier", .string("\(keyBits)"))) }
            if let curve = key.curve {
                if spec == .v1_7, let named = Self.ellipticCurve(curve) {
                    algorithm.append(("ellipticCurve", .string(named)))
                } else {
                    algorithm.append(("curve", .string(curve)))
                }
            }
            if spec == .v1_7, let family = entry?.family, Self.families.contains(family) {
                algorithm.append(("algorithmFamily", .string(family)))
            }
            let functions = Set(group.usages.flatMap(Self.functions)).sorted()
            if !functions.isEmpty {
                algorithm.append(("cryptoFunctions", .array(functions.map { .string($0) })))
            }
            var properties = [CycloneDXRenderer.property("pqscout:quantumStatus", key.status.rawValue)]
            if key.canonicalKnown { properties.append(CycloneDXRenderer.property("pqscout:canonical", key.name)) }
            if let replacement = entry?.replacement {
                properties.append(CycloneDXRenderer.property("pqscout:replacement", replacement))
            }
            return CycloneDXRenderer.assetComponent(
                ref: key.ref, name: key.name,
                cryptoProperties: [
                    ("assetType", .string("algorithm")), ("oid", key.oid.map { .string($0) }),
                    ("algorithmProperties", .object(algorithm)),
                ],
                evidence: .object(["occurrences": .string(occurrencesMarker)]), properties: properties)
        }

        /// Keys as `related-crypto-material`: type, size, format and the algorithm, never the value; one per asset
        /// that is not a certificate, and one per certificate's subject public key that no such asset holds (from
        /// the first certificate by id that carries it). A key without findings of its own shows the public-key
        /// findings of the last certificate that carries it. Holds one key's assets at a time.
        func writeKeys(_ assets: ReportAssets, _ emit: (JSONValue) throws -> Void) throws {
            var group: KeyGroup?
            func finish() throws {
                guard let done = group else { return }
                group = nil
                let carrier = done.carrierFindings.map(summary)
                if let asset = done.asset {
                    try emit(
                        keyComponent(
                            id: asset.id, asset: asset, kind: asset.kind,
                            own: done.ownFindings.isEmpty ? nil : summary(done.ownFindings), carrier: carrier))
                } else if let first = done.firstCertificate, let details = first.certificate {
                    let keyAsset = Asset(
                        id: details.publicKeyID, kind: .publicKey, algorithm: details.publicKeyOID,
                        canonical: first.canonical, oid: details.publicKeyOID, keyBits: first.keyBits,
                        curve: first.curve)
                    try emit(
                        keyComponent(
                            id: details.publicKeyID, asset: keyAsset, kind: .publicKey, own: nil, carrier: carrier,
                            derived: true))
                }
            }
            try assets.walkKeys { asset, findings in
                let id = asset.kind == .certificate ? asset.certificate?.publicKeyID : asset.id
                guard let id else { return }
                if group?.id != id {
                    try finish()
                    group = KeyGroup(id: id)
                }
                if asset.kind != .certificate {
                    group?.asset = asset
                    group?.ownFindings = findings
                } else {
                    if group?.firstCertificate.map({ asset.id < $0.id }) ?? true { group?.firstCertificate = asset }
                    group?.carrierFindings = findings.filter { $0.usage == .publicKey }
                }
            }
            try finish()
        }

        /// The assets of one key id as `writeKeys` meets them.
        struct KeyGroup {
            var id: String
            var asset: Asset?
            var ownFindings: [Finding] = []
            var firstCertificate: Asset?
            /// The public-key findings of the last certificate carrying the key; nil when none carries it.
            var carrierFindings: [Finding]?
        }

        /// `own`: the findings naming the key, nil when none; `carrier`: those of the certificate standing for it.
        private func keyComponent(
            id: String, asset: Asset, kind: Asset.Kind, own: AssetFindings?, carrier: AssetFindings?,
            derived: Bool = false
        ) -> JSONValue {
            let ref = "key:" + id
            let algorithmRef: String?
            let places: Places
            if let own {
                algorithmRef = own.firstKeyRef ?? own.firstRef
                places = own.places
            } else if let carrier {
                // A certificate's subject public key: its findings are recorded against the certificate.
                algorithmRef = carrier.firstPublicKeyRef
                places = carrier.publicKeyPlaces
            } else {
                algorithmRef = nil
                places = Places()
            }
            let materialType: String
            switch kind {
            case .privateKey: materialType = "private-key"
            case .publicKey, .sshCertificate: materialType = "public-key"
            case .sshKey: materialType = asset.key?.isPrivate == true ? "private-key" : "public-key"
            default: materialType = "other"
            }
            var properties = Self.assetProperties(asset)
            if derived { properties.append(CycloneDXRenderer.property("pqscout:derived", "true")) }
            if let key = asset.key {
                properties.append(CycloneDXRenderer.property("pqscout:encrypted", key.encrypted ? "true" : "false"))
                properties.append(CycloneDXRenderer.property("pqscout:private", key.isPrivate ? "true" : "false"))
            }
            let material = JSONValue.object([
                ("type", .string(materialType)), ("id", .string(id)),
                ("algorithmRef", algorithmRef.map { .string($0) }),
                ("size", asset.keyBits.map { .int($0) }), ("format", asset.key.map { .string($0.format) }),
            ])
            let name =
                (asset.canonical ?? asset.algorithm) + (asset.keyBits.map { " \($0)" } ?? "") + " " + kind.rawValue
            return CycloneDXRenderer.assetComponent(
                ref: ref, name: name,
                cryptoProperties: [
                    ("assetType", .string("related-crypto-material")), ("oid", asset.oid.map { .string($0) }),
                    ("relatedCryptoMaterialProperties", material),
                ],
                evidence: places.evidence, properties: properties)
        }

        /// A certificate pointing at its signature algorithm and at its subject public key, which is always a key
        /// component (`writeKeys`); `found`: the findings naming it, nil when none.
        private func certificateComponent(_ asset: Asset, found: AssetFindings?) -> JSONValue {
            let ref = "certificate:" + asset.id
            let signatureRef = found?.firstSignatureRef
            let details = asset.certificate
            let keyRef = details.map { "key:" + $0.publicKeyID }
            var certificate: [(String, JSONValue?)] = [("certificateFormat", .string("X.509"))]
            var properties = Self.assetProperties(asset)
            if let details {
                certificate += [
                    ("subjectName", .string(details.subject)), ("issuerName", .string(details.issuer)),
                    ("notValidBefore", .string(ReportDate.iso(details.notBefore))),
                    ("notValidAfter", .string(ReportDate.iso(details.notAfter))),
                ]
                properties += [
                    CycloneDXRenderer.property("pqscout:serial", details.serial),
                    CycloneDXRenderer.property("pqscout:sha256", details.sha256),
                    CycloneDXRenderer.property("pqscout:signatureOID", details.signatureOID),
                    CycloneDXRenderer.property("pqscout:publicKeyOID", details.publicKeyOID),
                    CycloneDXRenderer.property("pqscout:publicKeyID", details.publicKeyID),
                    CycloneDXRenderer.property("pqscout:selfSigned", details.selfSigned ? "true" : "false"),
                ]
                if let signature = details.signatureAlgorithm {
                    properties.append(CycloneDXRenderer.property("pqscout:signatureAlgorithm", signature))
                }
                if let isCA = details.isCA {
                    properties.append(CycloneDXRenderer.property("pqscout:isCA", isCA ? "true" : "false"))
                }
            }
            if spec == .v1_7 {
                var related: [JSONValue] = []
                if let signatureRef {
                    related.append(.object(["type": .string("algorithm"), "ref": .string(signatureRef)]))
                }
                if let keyRef { related.append(.object(["type": .string("publicKey"), "ref": .string(keyRef)])) }
                if !related.isEmpty { certificate.append(("relatedCryptographicAssets", .array(related))) }
                if let details {
                    certificate.append(("serialNumber", .string(details.serial)))
                    if details.sha256.count == 64 {
                        certificate.append(
                            (
                                "fingerprint",
                                .object([
                                    "alg": .string("SHA-256"), "content": .string(details.sha256.lowercased()),
                                ])
                            ))
                    }
                }
            } else {
                certificate.append(("signatureAlgorithmRef", signatureRef.map { .string($0) }))
                certificate.append(("subjectPublicKeyRef", keyRef.map { .string($0) }))
            }
            let name = details.map { Self.commonName($0.subject) } ?? asset.algorithm
            return CycloneDXRenderer.assetComponent(
                ref: ref, name: name,
                cryptoProperties: [
                    ("assetType", .string("certificate")), ("certificateProperties", .object(certificate)),
                ],
                evidence: found?.places.evidence, properties: properties)
        }

        /// One `protocol` component per configuration block of the file just walked that names suites, versions
        /// or groups.
        mutating func finishProtocols() throws {
            defer { protocols.removeAll(keepingCapacity: true) }
            guard let path = protocolPath else { return }
            for (place, group) in protocols {
                var suites: [JSONValue] = []
                for suite in group.suites {
                    var value: [(String, JSONValue?)] = [
                        ("name", .string(suite.name)), ("algorithms", .array([.string(suite.ref)])),
                        ("identifiers", suite.code.map { .array([.string($0)]) }),
                    ]
                    if spec == .v1_7 {
                        if !group.groupNames.isEmpty {
                            value.append(("tlsGroups", .array(group.groupNames.map { .string($0) })))
                        }
                        if !group.schemes.isEmpty {
                            value.append(("tlsSignatureSchemes", .array(group.schemes.map { .string($0) })))
                        }
                    }
                    suites.append(.object(value))
                }
                let refs = group.refs.sorted()
                var protocolProperties: [(String, JSONValue?)] = [
                    ("type", .string(Self.protocolType(place.source))),
                    ("version", group.versions.isEmpty ? nil : .string(group.versions.joined(separator: ", "))),
                    ("cipherSuites", suites.isEmpty ? nil : .array(suites)),
                ]
                if spec == .v1_7 {
                    protocolProperties.append(
                        (
                            "relatedCryptographicAssets",
                            .array(refs.map { .object(["type": .string("algorithm"), "ref": .string($0)]) })
                        ))
                } else {
                    protocolProperties.append(("cryptoRefArray", .array(refs.map { .string($0) })))
                }
                let identity = place.source + "|" + path.display + "|" + (place.context ?? "")
                let ref = "protocol:\(place.source):\(ContentHash.hex(identity).prefix(12))"
                let name = "\(place.source) \(path.display)" + (place.context.map { " (\($0))" } ?? "")
                try park(
                    ref,
                    CycloneDXRenderer.assetComponent(
                        ref: ref, name: name,
                        cryptoProperties: [
                            ("assetType", .string("protocol")), ("protocolProperties", .object(protocolProperties)),
                        ],
                        evidence: group.places.evidence))
            }
        }

        mutating func addSoftware(_ software: [Software]) throws {
            var seen = Set<String>()
            for item in software.sorted(by: { ($0.name, $0.version) < ($1.name, $1.version) }) {
                let ref = "software:\(item.name)@\(item.version)"
                guard seen.insert(ref).inserted else { continue }
                try park(
                    ref,
                    .object([
                        "type": .string("application"), "bom-ref": .string(ref), "name": .string(item.name),
                        "version": .string(item.version),
                        "properties": .array([
                            CycloneDXRenderer.property("pqscout:package-database", item.sourcePath.display)
                        ]),
                    ]))
            }
        }
        /// The asset's own fields, so `CBOMImporter` restores the asset exactly.
        static func assetProperties(_ asset: Asset) -> [JSONValue] {
            var properties = [
                CycloneDXRenderer.property("pqscout:asset-id", asset.id),
                CycloneDXRenderer.property("pqscout:asset-kind", asset.kind.rawValue),
                CycloneDXRenderer.property("pqscout:asset-algorithm", asset.algorithm),
            ]
            if let canonical = asset.canonical {
                properties.append(CycloneDXRenderer.property("pqscout:asset-canonical", canonical))
            }
            if let oid = asset.oid { properties.append(CycloneDXRenderer.property("pqscout:asset-oid", oid)) }
            if let bits = asset.keyBits {
                properties.append(CycloneDXRenderer.property("pqscout:asset-keyBits", "\(bits)"))
            }
            if let curve = asset.curve { properties.append(CycloneDXRenderer.property("pqscout:asset-curve", curve)) }
            if let key = asset.key {
                properties.append(CycloneDXRenderer.property("pqscout:key-format", key.format))
            }
            return properties
        }

        // MARK: Vocabulary

        /// Findings from configuration (not from certificate or key files) that describe a protocol.
        static func isConfiguration(_ finding: Finding) -> Bool {
            guard finding.source.described?.isMaterial != true else { return false }
            return [.cipherSuite, .protocolVersion, .group, .keyExchange, .cipher, .mac, .signature]
                .contains(finding.usage)
        }

        /// CycloneDX `protocolProperties.type`: the source's protocol family, else `other`.
        static func protocolType(_ source: String) -> String {
            FindingSource(rawValue: source).described?.protocolFamily?.rawValue ?? "other"
        }

        /// CycloneDX `primitive`: the catalog's, else one implied by how the finding uses the algorithm.
        static func primitive(_ primitive: Primitive?, usage: Usage) -> String {
            switch primitive {
            case .curve?, .protocol?, nil:
                switch usage {
                case .keyExchange, .group: return "key-agree"
                case .signature: return "signature"
                case .cipher: return "block-cipher"
                case .mac: return "mac"
                case .hash: return "hash"
                case .publicKey, .protocolVersion, .cipherSuite: return "other"
                }
            case let known?: return known.rawValue
            }
        }

        static func functions(_ usage: Usage) -> [String] {
            switch usage {
            case .signature: ["sign", "verify"]
            case .keyExchange, .group: ["keyderive"]
            case .cipher: ["encrypt", "decrypt"]
            case .mac: ["tag"]
            case .hash: ["digest"]
            case .publicKey, .protocolVersion, .cipherSuite: []
            }
        }

        /// Classical strength in bits: the catalog's, else SP 800-57 Part 1 Rev. 5 Table 2 from the key size.
        static func classicalBits(_ entry: AlgorithmEntry?, keyBits: Int?, curve: String?) -> Int? {
            if let bits = entry?.classicalBits { return bits }
            guard let keyBits, let family = entry?.family else { return nil }
            switch family {
            case "RSA", "DSA", "FFDH", "DH":
                switch keyBits {
                case ..<1024: return 0
                case ..<2048: return 80
                case ..<3072: return 112
                case ..<7680: return 128
                case ..<15360: return 192
                default: return 256
                }
            case "ECDSA", "ECDH", "EdDSA", "ECC", "SM2": return keyBits / 2
            default: return nil
            }
        }

        /// CycloneDX 1.7 `ellipticCurve` (cryptography-defs.json) for the catalog's curve names.
        static func ellipticCurve(_ curve: String) -> String? {
            switch curve {
            case "P-192", "P-224", "P-256", "P-384", "P-521": "nist/" + curve
            case "secp256k1": "secg/secp256k1"
            case "Curve25519", "Curve448": "other/" + curve
            case _ where curve.hasPrefix("brainpoolP") && curve.hasSuffix("r1"): "brainpool/" + curve
            default: nil
            }
        }

        /// The `algorithmFamiliesEnum` of CycloneDX 1.7's cryptography-defs.schema.json that the catalog can name.
        static let families: Set<String> = [
            "3DES", "AES", "ARIA", "Blowfish", "CAMELLIA", "CAST5", "ChaCha20", "CMAC", "DES", "DSA", "ECDH", "ECDSA",
            "EdDSA", "FFDH", "GOST", "HKDF", "HMAC", "IDEA", "LMS", "MD4", "MD5", "ML-DSA", "ML-KEM", "PBKDF2",
            "Poly1305", "RC2", "RC4", "RIPEMD", "RSAES-OAEP", "RSAES-PKCS1", "RSASSA-PKCS1", "RSASSA-PSS", "SEED",
            "SHA-1", "SHA-2", "SHA-3", "SLH-DSA", "SM2", "SM3", "SM4", "XMSS", "UMAC", "scrypt", "bcrypt",
        ]

        /// The CN of an RFC 4514 name for a component's name; the whole name when it has no CN.
        static func commonName(_ subject: String) -> String {
            for part in subject.split(separator: ",") {
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if trimmed.uppercased().hasPrefix("CN=") { return String(trimmed.dropFirst(3)) }
            }
            return subject.isEmpty ? "(empty subject)" : subject
        }
    }
}

/// The `additionalContext` of an occurrence and the value of a `pqscout:diagnostic` property: the parts of a
/// finding CycloneDX has no field for, as `key=value` pairs joined by `&`, each value percent-encoded
/// (RFC 3986 unreserved characters kept), so any text from a scanned file survives the trip.
public enum CBOMContext {
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
    }

    public static func decode(_ text: String) -> [String: String]? {
        var out: [String: String] = [:]
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = part.firstIndex(of: "=") else { return nil }
            let key = String(part[..<equals])
            guard let value = String(part[part.index(after: equals)...]).removingPercentEncoding else { return nil }
            out[key] = value
        }
        return out
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: " "), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "*"),
                UInt8(ascii: "@"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "("), UInt8(ascii: ")"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
