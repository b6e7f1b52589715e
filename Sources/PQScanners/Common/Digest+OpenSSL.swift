internal import COpenSSLShim

/// SHA-256 through OpenSSL: fingerprints of files, certificates and keys.
public enum Digest {
    /// Lower-case hex SHA-256 of the bytes.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                pqs_sha256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return hex(digest)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of any bytes.
    public static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
