import Foundation
import PQModel

/// The store keeps no NUL character in its text.
///
/// Why: a file can put one in what a scanner reports (an `ssl_ecdh_curve "X25519:pr<NUL>ime256v1"` past nginx's
/// first 8 KiB became the curve `pr<NUL>ime256v1`). PostgreSQL's `text` cannot hold it, so one such file failed a
/// host's whole scan into the fleet database ("invalid byte sequence for encoding UTF8: 0x00"); SQLite kept it, but
/// its readers stop there, so the inventory read back `pr`. A NUL becomes U+FFFD, as a byte that is not UTF-8 does
/// when a scanner decodes a file: the reader sees that something was there.
enum StoredText {
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    static func hasNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0, bytes.count) != nil
        }
    }

    static func clean(_ text: String) -> String {
        guard hasNUL(text) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if byte == 0 { bytes += replacement } else { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func clean(_ text: String?) -> String? {
        text.map(clean)
    }
}

extension Finding {
    fileprivate var hasNUL: Bool {
        func has(_ text: String?) -> Bool { text.map(StoredText.hasNUL) ?? false }
        return StoredText.hasNUL(setting) || StoredText.hasNUL(algorithm) || has(canonical) || has(oid)
            || has(curve) || has(context) || has(asset) || has(note)
    }

    fileprivate mutating func replaceNULs() {
        setting = StoredText.clean(setting)
        algorithm = StoredText.clean(algorithm)
        canonical = StoredText.clean(canonical)
        oid = StoredText.clean(oid)
        curve = StoredText.clean(curve)
        context = StoredText.clean(context)
        asset = StoredText.clean(asset)
        note = StoredText.clean(note)
    }
}

extension Asset {
    fileprivate mutating func replaceNULs() {
        algorithm = StoredText.clean(algorithm)
        canonical = StoredText.clean(canonical)
        oid = StoredText.clean(oid)
        curve = StoredText.clean(curve)
        if var details = certificate {
            details.subject = StoredText.clean(details.subject)
            details.issuer = StoredText.clean(details.issuer)
            details.serial = StoredText.clean(details.serial)
            details.signatureAlgorithm = StoredText.clean(details.signatureAlgorithm)
            certificate = details
        }
        if var details = key {
            details.format = StoredText.clean(details.format)
            key = details
        }
    }
}

extension ScanBatch {
    /// The batch as the store writes it: every NUL in its text replaced by U+FFFD; the findings' text only when
    /// `findings` (SQLite's writer cleans a finding's text as it binds the row, `SQLiteInsert`, where one `memchr`
    /// over the row's buffer finds a NUL instead of eight string checks per finding on the scan's busiest thread).
    /// Rows without a NUL, the rule, are not copied.
    func replacingNULs(findings: Bool) -> ScanBatch {
        var batch = self
        if findings {
            for index in batch.output.findings.indices where batch.output.findings[index].hasNUL {
                batch.output.findings[index].replaceNULs()
            }
        }
        for index in batch.output.diagnostics.indices where StoredText.hasNUL(batch.output.diagnostics[index].detail) {
            batch.output.diagnostics[index].detail = StoredText.clean(batch.output.diagnostics[index].detail)
        }
        for index in batch.output.software.indices {
            batch.output.software[index].name = StoredText.clean(batch.output.software[index].name)
            batch.output.software[index].version = StoredText.clean(batch.output.software[index].version)
        }
        for index in batch.output.assets.indices {
            batch.output.assets[index].replaceNULs()
        }
        return batch
    }
}
