import Foundation
import PQModel
import PQStore

/// A file's results in the rescan state, field by field: JSON through Codable was a fifth of a full scan of the
/// realistic benchmark tree (a profile, issue 20), more than its scanners. Every field of `Finding`, `Asset`,
/// `Diagnostic`, `Software` and `FileRecord` is written; `RescanTests` compares a rescan with a full scan field by
/// field, so a field left out here fails there.
enum RescanResultCodec {
    static func encode(_ result: ScanUseCase.FileResult) -> [UInt8] {
        var out = Writer()
        let output = result.output
        out.count(output.findings.count)
        for finding in output.findings {
            out.path(finding.path)
            out.int(finding.line)
            out.string(finding.source.rawValue)
            out.string(finding.setting)
            out.string(finding.usage.rawValue)
            out.string(finding.algorithm)
            out.string(finding.canonical)
            out.string(finding.oid)
            out.int(finding.keyBits)
            out.string(finding.curve)
            out.string(finding.quantumStatus.rawValue)
            out.string(finding.context)
            out.bool(finding.effective)
            out.string(finding.origin.rawValue)
            out.string(finding.asset)
            out.string(finding.note)
        }
        for list in [output.assets, output.linkedAssets] {
            out.count(list.count)
            for asset in list { encode(asset, &out) }
        }
        out.count(output.diagnostics.count)
        for diagnostic in output.diagnostics {
            out.path(diagnostic.path)
            out.string(diagnostic.reason.rawValue)
            out.string(diagnostic.detail)
        }
        out.count(output.software.count)
        for package in output.software {
            out.string(package.name)
            out.string(package.version)
            out.path(package.sourcePath)
        }
        out.count(result.records.count)
        for record in result.records {
            out.path(record.path)
            out.int(Int(record.size))
            out.date(record.modified)
            out.string(record.sha256)
        }
        return out.bytes
    }

    private static func encode(_ asset: Asset, _ out: inout Writer) {
        out.string(asset.id)
        out.string(asset.kind.rawValue)
        out.string(asset.algorithm)
        out.string(asset.canonical)
        out.string(asset.oid)
        out.int(asset.keyBits)
        out.string(asset.curve)
        out.bool(asset.certificate != nil)
        if let c = asset.certificate {
            for text in [c.subject, c.issuer, c.serial] { out.string(text) }
            out.date(c.notBefore)
            out.date(c.notAfter)
            out.string(c.signatureOID)
            out.string(c.signatureAlgorithm)
            for text in [c.publicKeyOID, c.sha256, c.publicKeyID] { out.string(text) }
            out.bool(c.isCA)
            out.bool(c.selfSigned)
        }
        out.bool(asset.key != nil)
        if let k = asset.key {
            out.string(k.format)
            out.bool(k.isPrivate)
            out.bool(k.encrypted)
        }
    }

    /// The results, or nil for bytes that are not what `encode` writes.
    static func decode(_ bytes: ArraySlice<UInt8>) -> ScanUseCase.FileResult? {
        var input = Reader(rest: bytes)
        var result = ScanUseCase.FileResult()
        guard let findingCount = input.count() else { return nil }
        for _ in 0..<findingCount {
            guard let path = input.path(), let line = input.optionalInt(), let source = input.string(),
                let setting = input.string(), let usage = input.string().flatMap(Usage.init(rawValue:)),
                let algorithm = input.string(), let canonical = input.optionalString(),
                let oid = input.optionalString(), let keyBits = input.optionalInt(),
                let curve = input.optionalString(),
                let status = input.string().flatMap(QuantumStatus.init(rawValue:)),
                let context = input.optionalString(), let effective = input.bool(),
                let origin = input.string().flatMap(Origin.init(rawValue:)),
                let asset = input.optionalString(), let note = input.optionalString()
            else { return nil }
            result.output.findings.append(
                Finding(
                    path: path, line: line, source: FindingSource(rawValue: source), setting: setting, usage: usage,
                    algorithm: algorithm, canonical: canonical, oid: oid, keyBits: keyBits, curve: curve,
                    quantumStatus: status, context: context, effective: effective, origin: origin, asset: asset,
                    note: note))
        }
        guard let assets = decodeAssets(&input), let linked = decodeAssets(&input) else { return nil }
        result.output.assets = assets
        result.output.linkedAssets = linked
        guard let diagnosticCount = input.count() else { return nil }
        for _ in 0..<diagnosticCount {
            guard let path = input.path(), let reason = input.string().flatMap(Diagnostic.Reason.init(rawValue:)),
                let detail = input.string()
            else { return nil }
            result.output.diagnostics.append(Diagnostic(path: path, reason: reason, detail: detail))
        }
        guard let softwareCount = input.count() else { return nil }
        for _ in 0..<softwareCount {
            guard let name = input.string(), let version = input.string(), let sourcePath = input.path() else {
                return nil
            }
            result.output.software.append(Software(name: name, version: version, sourcePath: sourcePath))
        }
        guard let recordCount = input.count() else { return nil }
        for _ in 0..<recordCount {
            guard let path = input.path(), let size = input.int(), let modified = input.date(),
                let sha256 = input.string()
            else { return nil }
            result.records.append(FileRecord(path: path, size: Int64(size), modified: modified, sha256: sha256))
        }
        return input.rest.isEmpty ? result : nil
    }

    private static func decodeAssets(_ input: inout Reader) -> [Asset]? {
        var assets: [Asset] = []
        guard let assetCount = input.count() else { return nil }
        for _ in 0..<assetCount {
            guard let id = input.string(), let kind = input.string().flatMap(Asset.Kind.init(rawValue:)),
                let algorithm = input.string(), let canonical = input.optionalString(),
                let oid = input.optionalString(), let keyBits = input.optionalInt(),
                let curve = input.optionalString(), let hasCertificate = input.bool()
            else { return nil }
            var certificate: CertificateDetails? = nil
            if hasCertificate {
                guard let subject = input.string(), let issuer = input.string(), let serial = input.string(),
                    let notBefore = input.date(), let notAfter = input.date(), let signatureOID = input.string(),
                    let signatureAlgorithm = input.optionalString(), let publicKeyOID = input.string(),
                    let sha256 = input.string(), let publicKeyID = input.string(), let isCA = input.optionalBool(),
                    let selfSigned = input.bool()
                else { return nil }
                certificate = CertificateDetails(
                    subject: subject, issuer: issuer, serial: serial, notBefore: notBefore, notAfter: notAfter,
                    signatureOID: signatureOID, signatureAlgorithm: signatureAlgorithm, publicKeyOID: publicKeyOID,
                    sha256: sha256, publicKeyID: publicKeyID, isCA: isCA, selfSigned: selfSigned)
            }
            guard let hasKey = input.bool() else { return nil }
            var key: KeyDetails? = nil
            if hasKey {
                guard let format = input.string(), let isPrivate = input.bool(), let encrypted = input.bool() else {
                    return nil
                }
                key = KeyDetails(format: format, isPrivate: isPrivate, encrypted: encrypted)
            }
            assets.append(
                Asset(
                    id: id, kind: kind, algorithm: algorithm, canonical: canonical, oid: oid, keyBits: keyBits,
                    curve: curve, certificate: certificate, key: key))
        }
        return assets
    }

    // MARK: - Layout

    /// Little-endian integers; strings and paths with a 32-bit length; an optional's presence as one byte.
    private struct Writer {
        var bytes: [UInt8] = []

        mutating func raw64(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func raw32(_ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func count(_ value: Int) { raw32(UInt32(truncatingIfNeeded: value)) }

        mutating func int(_ value: Int) { raw64(UInt64(bitPattern: Int64(value))) }

        mutating func int(_ value: Int?) {
            bytes.append(value == nil ? 0 : 1)
            if let value { int(value) }
        }

        mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

        mutating func bool(_ value: Bool?) { bytes.append(value.map { $0 ? 1 : 0 } ?? 2) }

        mutating func string(_ value: String) {
            var text = value
            text.withUTF8 { utf8 in
                raw32(UInt32(truncatingIfNeeded: utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }

        mutating func string(_ value: String?) {
            bytes.append(value == nil ? 0 : 1)
            if let value { string(value) }
        }

        mutating func path(_ value: ScanPath) {
            raw32(UInt32(truncatingIfNeeded: value.bytes.count))
            bytes.append(contentsOf: value.bytes)
        }

        /// `timeIntervalSinceReferenceDate`'s bits: a `Date` round-trips exactly.
        mutating func date(_ value: Date) { raw64(value.timeIntervalSinceReferenceDate.bitPattern) }
    }

    /// Reads what `Writer` wrote; every read checks the bounds, so damaged bytes decode to nil, never a trap.
    private struct Reader {
        var rest: ArraySlice<UInt8>

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard rest.count >= count else { return nil }
            let taken = rest.prefix(count)
            rest = rest.dropFirst(count)
            return taken
        }

        mutating func raw(_ width: Int) -> UInt64? {
            guard let raw = take(width) else { return nil }
            var value: UInt64 = 0
            for (shift, byte) in raw.enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
            return value
        }

        mutating func count() -> Int? { raw(4).map { Int($0) } }

        mutating func int() -> Int? { raw(8).map { Int(truncatingIfNeeded: Int64(bitPattern: $0)) } }

        mutating func optionalInt() -> Int?? {
            guard let flag = take(1)?.first else { return nil }
            if flag == 0 { return .some(nil) }
            guard flag == 1, let value = int() else { return nil }
            return .some(value)
        }

        mutating func bool() -> Bool? {
            guard let flag = take(1)?.first, flag <= 1 else { return nil }
            return flag == 1
        }

        mutating func optionalBool() -> Bool?? {
            guard let flag = take(1)?.first, flag <= 2 else { return nil }
            return flag == 2 ? .some(nil) : .some(flag == 1)
        }

        mutating func string() -> String? {
            guard let count = count(), let utf8 = take(count) else { return nil }
            return String(decoding: utf8, as: UTF8.self)
        }

        mutating func optionalString() -> String?? {
            guard let flag = take(1)?.first else { return nil }
            if flag == 0 { return .some(nil) }
            guard flag == 1, let value = string() else { return nil }
            return .some(value)
        }

        mutating func path() -> ScanPath? {
            guard let count = count(), let bytes = take(count) else { return nil }
            return ScanPath(bytes: Array(bytes))
        }

        mutating func date() -> Date? {
            raw(8).map { Date(timeIntervalSinceReferenceDate: Double(bitPattern: $0)) }
        }
    }
}
