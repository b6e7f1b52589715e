/// One use of one algorithm at one place: the record every layer shares.
///
/// Its JSON form is a public contract (ARCHITECTURE.md, Docs/json-output.md): the coding keys are fixed
/// and every optional field is written as `null` rather than left out, so consumers see one shape.
/// A finding never holds secret material.
public struct Finding: Codable, Sendable, Hashable {
    /// File path relative to the scan root.
    public var path: ScanPath
    /// 1-based line of the setting in a text file; nil for binary files and for whole-file objects.
    public var line: Int?
    public var source: FindingSource
    /// The directive or field: `KexAlgorithms`, `signatureAlgorithm`, `subjectPublicKey`, ...
    public var setting: String
    public var usage: Usage
    /// The name as the source writes it (`mlkem768x25519-sha256`, `1.2.840.113549.1.1.11`).
    public var algorithm: String
    /// The catalog's canonical name; nil when the catalog does not know the algorithm.
    public var canonical: String?
    /// Dotted OID where one exists.
    public var oid: String?
    public var keyBits: Int?
    public var curve: String?
    public var quantumStatus: QuantumStatus
    /// The block the setting sits in, as written (`Match User backup`); nil where it holds everywhere.
    public var context: String?
    /// True when the setting is in force.
    public var effective: Bool
    public var origin: Origin
    /// The asset (certificate, key, service) this finding belongs to, by its content-derived id.
    public var asset: String?
    /// A short remark in words: why a status was assumed, that a key is encrypted, ...
    public var note: String?

    public init(
        path: ScanPath, line: Int? = nil, source: FindingSource, setting: String, usage: Usage,
        algorithm: String, canonical: String? = nil, oid: String? = nil, keyBits: Int? = nil,
        curve: String? = nil, quantumStatus: QuantumStatus, context: String? = nil, effective: Bool = true,
        origin: Origin = .file, asset: String? = nil, note: String? = nil
    ) {
        self.path = path
        self.line = line
        self.source = source
        self.setting = setting
        self.usage = usage
        self.algorithm = algorithm
        self.canonical = canonical
        self.oid = oid
        self.keyBits = keyBits
        self.curve = curve
        self.quantumStatus = quantumStatus
        self.context = context
        self.effective = effective
        self.origin = origin
        self.asset = asset
        self.note = note
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case path, line, source, setting, usage, algorithm, canonical, oid, keyBits, curve, quantumStatus
        case context, effective, origin, asset, note
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(line, forKey: .line)
        try c.encode(source, forKey: .source)
        try c.encode(setting, forKey: .setting)
        try c.encode(usage, forKey: .usage)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(canonical, forKey: .canonical)
        try c.encode(oid, forKey: .oid)
        try c.encode(keyBits, forKey: .keyBits)
        try c.encode(curve, forKey: .curve)
        try c.encode(quantumStatus, forKey: .quantumStatus)
        try c.encode(context, forKey: .context)
        try c.encode(effective, forKey: .effective)
        try c.encode(origin, forKey: .origin)
        try c.encode(asset, forKey: .asset)
        try c.encode(note, forKey: .note)
    }
}
