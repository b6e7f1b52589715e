import PQCatalog
import PQModel

/// Hands the TLS endpoints of Postfix, Dovecot and OpenVPN to the shared TLS code (`TLSServiceEmitter`): the
/// OpenSSL cipher-string expansion through the shim, the split of each suite into key exchange, authentication,
/// cipher and MAC findings, group lists resolved for the OpenSSL in force (OpenSSL 3.5 syntax), the system
/// `openssl.cnf` and library-default layers, and the link from each certificate, key and DH setting to the
/// file's own asset. These scanners only say what each application decides (Docs/tls.md, "Effective settings").
struct SharedTLS {
    let emitter: TLSServiceEmitter

    init(input: ScanInput, catalog: Catalog) {
        emitter = TLSServiceEmitter(input: input, catalog: catalog)
    }

    /// A setting as the application writes it (`file`) or as its own default (`application` layer).
    static func setting(_ directive: String, _ value: String, at place: ConfigFindings.Place, mainPath: ScanPath)
        -> TLSSetting
    {
        TLSSetting(
            directive: directive, value: value, path: place.path ?? mainPath, line: place.line,
            layer: place.origin == .default ? .application : .file)
    }

    /// Emits one endpoint into the file's findings; with `inForce == false` (TLS switched off) every finding says so.
    /// Returns why none of the endpoint is in force: the program cannot set it up (`TLSService.failure`), or
    /// whether it can is not known (what PQScout did not read, a copy's missing certificate); nil when it is.
    @discardableResult
    func emit(_ service: TLSService, inForce: Bool, offNote: String?, into out: inout ConfigFindings) -> String? {
        var (emitted, refusals, notRead) = emitter.emitService(service)
        if !inForce { emitted.markNotInForce(offNote) }
        out.output.findings += emitted.findings
        for asset in emitted.assets where !out.output.assets.contains(where: { $0.id == asset.id }) {
            out.output.assets.append(asset)
        }
        for asset in emitted.linkedAssets where !out.output.linkedAssets.contains(asset) {
            out.output.linkedAssets.append(asset)
        }
        // Endpoints of one file often share a certificate: say once that it is missing.
        for diagnostic in emitted.diagnostics where !out.output.diagnostics.contains(diagnostic) {
            out.output.diagnostics.append(diagnostic)
        }
        guard refusals.isEmpty else { return service.failureNote(refusals) }
        return TLSServiceEmitter.notKnownNote(notRead)
    }
}
