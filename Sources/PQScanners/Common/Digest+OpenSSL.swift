internal import COpenSSLShim
import Foundation

/// SHA-256 through the shim (libcrypto's one-shot `SHA256`, no provider fetch per call): fingerprints of
/// files, certificates and keys.
public enum Digest {
    /// SHA-256 of `bytes[from..<to]`.
    static func sha256(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { digest in
            guard let base = digest.baseAddress else { return }
            _ = pqs_sha256(bytes.baseAddress.map { $0 + from }, max(0, to - from), base)
        }
        return out
    }

    /// The 32-byte SHA-256 of the bytes.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { sha256($0, 0, $0.count) }
    }

    /// Lower-case hex SHA-256 of the bytes.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { sha256Hex($0, 0, $0.count, uppercase: false) }
    }

    /// Lower-case hex SHA-256 of the bytes, hashed where they lie (a large document is not copied into an array).
    public static func sha256Hex(_ data: Data) -> String {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return sha256Hex(bytes, 0, bytes.count, uppercase: false)
        }
    }

    /// Hex of the SHA-256 of `bytes[from..<to]`, built without an intermediate array.
    static func sha256Hex(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, uppercase: Bool) -> String {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digest) { raw in
            let out = raw.bindMemory(to: UInt8.self)
            if let base = out.baseAddress {
                _ = pqs_sha256(bytes.baseAddress.map { $0 + from }, max(0, to - from), base)
            }
            return uppercase ? Hex.uppercase(out) : Hex.lowercase(out)
        }
    }

    /// SHA-256 of bytes handed over piece by piece: the same digest as `sha256Hex` of them all at once, without
    /// holding them.
    public final class Stream {
        private var context: UnsafeMutableRawPointer?

        public init() { context = pqs_sha256_begin() }

        deinit {
            guard let context else { return }
            var unused = [UInt8](repeating: 0, count: 32)
            _ = unused.withUnsafeMutableBufferPointer { pqs_sha256_end(context, $0.baseAddress) }
        }

        public func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { _ = pqs_sha256_update(context, $0.baseAddress, $0.count) }
        }

        /// Lower-case hex of the digest; the stream is finished after it.
        public func finish() -> String {
            var digest = [UInt8](repeating: 0, count: 32)
            _ = digest.withUnsafeMutableBufferPointer { pqs_sha256_end(context, $0.baseAddress) }
            context = nil
            return digest.withUnsafeBufferPointer { Hex.lowercase($0) }
        }
    }

    /// OpenSSL's version string, for `pqscout --version` and diagnostics.
    public static var openSSLVersion: String { String(cString: pqs_openssl_version()) }
}
