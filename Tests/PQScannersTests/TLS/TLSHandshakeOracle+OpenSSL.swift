internal import COpenSSLShim
internal import COpenSSLTestShim

@testable import PQScanners

/// The tests' handshake oracle: a server built as `TLSServerProbe` builds its context and a client at security
/// level 0, in one process over a BIO pair (COpenSSLTestShim's `pqs_tls_handshake`).
extension TLSServerProbe {
    /// A handshake's outcome (tests' oracle).
    struct Handshake: Sendable, Hashable {
        var cipher: String
        var group: String
    }

    /// One in-memory handshake (no socket) between a server with these settings and a client at security level
    /// 0 limited to `version` offering `offerCiphers`/`offerSuites`/`offerGroups`: the tests' oracle.
    static func handshake(
        cipherString: String?, ciphersuites: String?, groups: String?, securityLevel: Int?, automaticDH: Bool,
        certificatePEM: String, keyPEM: String, version: String?, offerCiphers: String?, offerSuites: String?,
        offerGroups: String?
    ) -> Result<Handshake, Failure> {
        if let failure = checked(cipherString, ciphersuites, groups, offerCiphers, offerSuites, offerGroups) {
            return .failure(failure)
        }
        var negotiated = [CChar](repeating: 0, count: Int(PQS_CIPHER_NAME_SIZE))
        var group = [CChar](repeating: 0, count: Int(PQS_NAME_SIZE))
        var error = ShimErrorBuffer()
        let level = Int32(clamping: securityLevel ?? -1)
        let status: Int32 = withOptionalCString(cipherString) { list in
            withOptionalCString(ciphersuites) { suites in
                withOptionalCString(groups) { serverGroups in
                    withOptionalCString(offerCiphers) { offerList in
                        withOptionalCString(offerSuites) { offerTLS13 in
                            withOptionalCString(offerGroups) { offerGroupList in
                                certificatePEM.withCString { cert in
                                    keyPEM.withCString { key in
                                        negotiated.withUnsafeMutableBufferPointer { negotiatedOut in
                                            group.withUnsafeMutableBufferPointer { groupOut in
                                                error.storage.withUnsafeMutableBufferPointer { errorOut in
                                                    pqs_tls_handshake(
                                                        list, suites, serverGroups, level, automaticDH ? 1 : 0, cert,
                                                        key, wire(version), offerList, offerTLS13, offerGroupList,
                                                        negotiatedOut.baseAddress, groupOut.baseAddress,
                                                        errorOut.baseAddress)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard status == Int32(PQS_OK) else {
            return .failure(Failure(detail: error.text.isEmpty ? "handshake failed" : error.text))
        }
        return .success(Handshake(cipher: text(negotiated), group: text(group)))
    }

    private static func text(_ chars: [CChar]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

}
