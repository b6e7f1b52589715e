internal import COpenSSLShim

/// A failed shim call: the status code and OpenSSL's drained error queue in words.
struct OpenSSLFailure: Error, Sendable, Hashable {
    enum Code: Sendable, Hashable {
        case malformed, wrongPassword, unsupported, internalError
    }
    let code: Code
    let detail: String

    init(status: Int32, error: String) {
        switch status {
        case Int32(PQS_WRONG_PASSWORD): code = .wrongPassword
        case Int32(PQS_UNSUPPORTED): code = .unsupported
        case Int32(PQS_MALFORMED): code = .malformed
        default: code = .internalError
        }
        detail = error.isEmpty ? "OpenSSL reported no detail" : error
    }
}

/// Text of a fixed C `char[N]` field (imported as a tuple), stopping at the first NUL or the field's end.
func shimText<T>(_ field: T) -> String {
    withUnsafeBytes(of: field) { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
    }
}

/// Bytes of a fixed C `uint8_t[N]` field.
func shimBytes<T>(_ field: T) -> [UInt8] {
    withUnsafeBytes(of: field) { Array($0) }
}

/// A fixed error buffer for one shim call.
struct ShimErrorBuffer {
    var storage = [CChar](repeating: 0, count: Int(PQS_ERROR_SIZE))
    var text: String {
        storage.withUnsafeBufferPointer { buffer in
            let bytes = UnsafeRawBufferPointer(buffer).bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        }
    }
}

/// Splits DER certificates written back to back by the shim.
func splitConcatenatedDER(_ bytes: [UInt8]) -> [[UInt8]] {
    bytes.withUnsafeBufferPointer { buffer in
        var reader = DERReader(buffer)
        var out: [[UInt8]] = []
        while !reader.isAtEnd {
            guard let element = try? reader.read() else { break }
            out.append(reader.copy(element.start, element.end))
        }
        return out
    }
}

/// What PQScout records of a decoded key (never its bytes).
struct OpenSSLKeyInfo: Sendable, Hashable {
    /// Empty when OpenSSL could not name the key's algorithm by an OID.
    var oid: String
    var bits: Int?
    var curveName: String?
    var curveOID: String?
    /// Lower-case hex SHA-256 of the public half's SubjectPublicKeyInfo DER.
    var spkiSHA256: String?

    init(_ info: pqs_key_info) {
        oid = shimText(info.oid)
        bits = info.bits > 0 ? Int(info.bits) : nil
        let curve = shimText(info.curve_name)
        curveName = curve.isEmpty ? nil : curve
        let curveOIDText = shimText(info.curve_oid)
        curveOID = curveOIDText.isEmpty ? nil : curveOIDText
        spkiSHA256 = info.has_spki_sha256 == 1 ? Hex.lowercase(shimBytes(info.spki_sha256)) : nil
    }
}

enum OpenSSLKeys {
    /// Why: a key file is decoded when the walk reaches it and again for every service that names it (each vhost's
    /// `ssl_certificate_key`, both the sites-available and sites-enabled copy of a site), and OpenSSL 3.0 spends most
    /// of a decode building its decoder context: 24% of the CPU of a scan of 30 copies of a real /etc. The answer
    /// depends only on the bytes and the linked library, so it is remembered by the bytes' SHA-256; the key itself is
    /// never kept.
    private static let keyInfos = InputMemo<[UInt8], Result<OpenSSLKeyInfo, OpenSSLFailure>>(capacity: 4096)

    /// `privateKeyInfo(der:)`, remembered by `digest`, the SHA-256 of `der`.
    static func privateKeyInfo(der: [UInt8], digest: [UInt8]) -> Result<OpenSSLKeyInfo, OpenSSLFailure> {
        keyInfos.value(for: digest) { privateKeyInfo(der: der) }
    }

    /// The remembered answer for the key whose SHA-256 is `digest`, if any (for tests).
    static func rememberedKeyInfo(digest: [UInt8]) -> Result<OpenSSLKeyInfo, OpenSSLFailure>? {
        keyInfos.remembered(digest)
    }

    /// Describes an unencrypted DER private key (PKCS#1, SEC1, DSA, PKCS#8) through libcrypto.
    static func privateKeyInfo(der: [UInt8]) -> Result<OpenSSLKeyInfo, OpenSSLFailure> {
        var info = pqs_key_info()
        var error = ShimErrorBuffer()
        let status = der.withUnsafeBufferPointer { input in
            error.storage.withUnsafeMutableBufferPointer { errorBuffer in
                pqs_private_key_info(input.baseAddress, input.count, &info, errorBuffer.baseAddress)
            }
        }
        guard status == Int32(PQS_OK) else { return .failure(OpenSSLFailure(status: status, error: error.text)) }
        return .success(OpenSSLKeyInfo(info))
    }
}

extension OpenSSLKeys {
    /// A protected key opened with one of the candidates: what it is and which candidate opened it.
    struct Opened: Sendable, Hashable {
        var info: OpenSSLKeyInfo
        var passwordIndex: Int
    }

    /// Decrypts a DER EncryptedPrivateKeyInfo (RFC 5958 §3) with each password in turn and describes the key.
    static func encryptedPKCS8(der: [UInt8], passwords: [String]) -> Result<Opened, OpenSSLFailure> {
        open(input: der, passwords: passwords, pqs_encrypted_pkcs8_info)
    }

    /// Decrypts a legacy encrypted PEM key (RFC 1421 headers; `pem` is the text of one block) with each password.
    static func legacyPEM(pem: [UInt8], passwords: [String]) -> Result<Opened, OpenSSLFailure> {
        open(input: pem, passwords: passwords, pqs_pem_private_key_info)
    }

    private typealias ShimOpen = (
        UnsafePointer<UInt8>?, Int, UnsafePointer<UnsafePointer<CChar>?>?, Int, UnsafeMutablePointer<pqs_key_info>?,
        UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<CChar>?
    ) -> Int32

    private static func open(input: [UInt8], passwords: [String], _ call: ShimOpen) -> Result<Opened, OpenSSLFailure> {
        guard !passwords.isEmpty else {
            return .failure(OpenSSLFailure(status: Int32(PQS_WRONG_PASSWORD), error: "no password given"))
        }
        var info = pqs_key_info()
        var index: Int32 = -1
        var error = ShimErrorBuffer()
        let status: Int32 = OpenSSLContainers.withCStringArray(passwords.map { Array($0.utf8CString) }) { list in
            input.withUnsafeBufferPointer { bytes in
                error.storage.withUnsafeMutableBufferPointer { errorBuffer in
                    call(
                        bytes.baseAddress, bytes.count, list.baseAddress, list.count, &info, &index,
                        errorBuffer.baseAddress)
                }
            }
        }
        guard status == Int32(PQS_OK), index >= 0 else {
            return .failure(OpenSSLFailure(status: status, error: error.text))
        }
        return .success(Opened(info: OpenSSLKeyInfo(info), passwordIndex: Int(index)))
    }
}

enum OpenSSLContainers {
    /// The DER of every certificate in a PKCS#7 SignedData (RFC 2315 §9.1).
    static func pkcs7Certificates(der: [UInt8]) -> Result<[[UInt8]], OpenSSLFailure> {
        var capacity = der.count + 1024
        for _ in 0..<2 {
            var out = [UInt8](repeating: 0, count: capacity)
            var needed = 0
            var count: Int32 = 0
            var error = ShimErrorBuffer()
            let status = der.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    error.storage.withUnsafeMutableBufferPointer { errorBuffer in
                        pqs_pkcs7_certificates(
                            input.baseAddress, input.count, output.baseAddress, output.count, &needed, &count,
                            errorBuffer.baseAddress)
                    }
                }
            }
            if status == Int32(PQS_BUFFER_TOO_SMALL) {
                capacity = needed
                continue
            }
            guard status == Int32(PQS_OK) else { return .failure(OpenSSLFailure(status: status, error: error.text)) }
            return .success(splitConcatenatedDER(Array(out.prefix(needed))))
        }
        return .failure(OpenSSLFailure(status: Int32(PQS_INTERNAL), error: "certificate buffer kept growing"))
    }

    /// What an opened PKCS#12 held.
    struct PKCS12Contents: Sendable {
        var certificates: [[UInt8]]
        var key: OpenSSLKeyInfo?
        /// nil when no password was needed (NULL), "" for the empty password, else the index into the list.
        var passwordIndex: Int?
    }

    /// Opens a PKCS#12 (RFC 7292) trying no password, the empty password, then each of `passwords`.
    static func pkcs12(der: [UInt8], passwords: [String]) -> Result<PKCS12Contents, OpenSSLFailure> {
        var capacity = der.count + 1024
        let cPasswords: [[CChar]] = passwords.map { Array($0.utf8CString) }
        for _ in 0..<2 {
            var out = [UInt8](repeating: 0, count: capacity)
            var needed = 0
            var info = pqs_pkcs12_info()
            var error = ShimErrorBuffer()
            let status: Int32 = withCStringArray(cPasswords) { list in
                der.withUnsafeBufferPointer { input in
                    out.withUnsafeMutableBufferPointer { output in
                        error.storage.withUnsafeMutableBufferPointer { errorBuffer in
                            pqs_pkcs12_open(
                                input.baseAddress, input.count, list.baseAddress, list.count, output.baseAddress,
                                output.count, &needed, &info, errorBuffer.baseAddress)
                        }
                    }
                }
            }
            if status == Int32(PQS_BUFFER_TOO_SMALL) {
                capacity = needed
                continue
            }
            guard status == Int32(PQS_OK) else { return .failure(OpenSSLFailure(status: status, error: error.text)) }
            return .success(
                PKCS12Contents(
                    certificates: splitConcatenatedDER(Array(out.prefix(needed))),
                    key: info.has_key == 1 ? OpenSSLKeyInfo(info.key) : nil,
                    passwordIndex: info.password_index >= 0 ? Int(info.password_index) : nil))
        }
        return .failure(OpenSSLFailure(status: Int32(PQS_INTERNAL), error: "certificate buffer kept growing"))
    }

    static func withCStringArray<R>(
        _ strings: [[CChar]], _ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(strings.count)
        for string in strings {
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: string.count)
            copy.initialize(from: string, count: string.count)
            pointers.append(copy)
        }
        defer {
            for pointer in pointers {
                // Wipe the password copies before freeing them.
                if let pointer {
                    var index = 0
                    while pointer[index] != 0 {
                        pointer[index] = 0
                        index += 1
                    }
                    pointer.deallocate()
                }
            }
        }
        let constPointers = pointers.map { UnsafePointer($0) }
        return constPointers.withUnsafeBufferPointer(body)
    }
}
