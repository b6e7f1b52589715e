internal import COpenSSLShim

/// The password-keyed parts of JKS and JCEKS, through the shim (SHA-1 loops; the decrypted key stays in C).
enum JavaKeystoreCrypto {
    /// A Java `char[]` password as the keystore digests it: UTF-16 code units, big-endian.
    static func utf16BigEndian(_ password: String) -> [UInt8] {
        password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// The index of the first password whose keyed SHA-1 matches the store's integrity check, or nil.
    static func verifyingPassword(store: [UInt8], passwords: [String]) -> Int? {
        for (index, password) in passwords.enumerated() {
            let bytes = utf16BigEndian(password)
            let status = store.withUnsafeBufferPointer { storeBytes in
                bytes.withUnsafeBufferPointer { pw in
                    pqs_jks_verify(storeBytes.baseAddress, storeBytes.count, pw.baseAddress, pw.count)
                }
            }
            if status == Int32(PQS_OK) { return index }
        }
        return nil
    }

    /// Decrypts a JKS key entry's protected key (Sun's KeyProtector) with `password` and describes the key.
    static func keyInfo(protectedKey: [UInt8], password: String) -> Result<OpenSSLKeyInfo, OpenSSLFailure> {
        let bytes = utf16BigEndian(password)
        var info = pqs_key_info()
        var error = ShimErrorBuffer()
        let status = protectedKey.withUnsafeBufferPointer { key in
            bytes.withUnsafeBufferPointer { pw in
                error.storage.withUnsafeMutableBufferPointer { errorBuffer in
                    pqs_jks_key_info(
                        key.baseAddress, key.count, pw.baseAddress, pw.count, &info, errorBuffer.baseAddress)
                }
            }
        }
        guard status == Int32(PQS_OK) else { return .failure(OpenSSLFailure(status: status, error: error.text)) }
        return .success(OpenSSLKeyInfo(info))
    }
}
