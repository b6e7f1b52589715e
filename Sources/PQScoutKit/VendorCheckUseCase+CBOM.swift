import Foundation
import PQAssessment
import PQModel
import PQReports

/// A vendor's CycloneDX 1.6/1.7 CBOM read as its claims, through the reports' `CBOMImporter` (the one CBOM parser).
extension VendorCheckUseCase {
    /// Reads a CBOM and turns its algorithms into claims (`InventoryClaims`): what the product contains is
    /// `supported`; defaults, configurability and promises stay unknown.
    /// - Throws: `PQScoutError` `.input` when the file cannot be read, is too large, is not a CycloneDX 1.6/1.7 CBOM
    ///   or lists no algorithm.
    static func cbomClaims(_ path: String) throws(PQScoutError) -> VendorClaims {
        let url = URL(fileURLWithPath: path)
        let document = try CBOMFile.open(
            path, limit: CBOMImporter.maxBytes,
            codes: CBOMFile.Codes(
                tooLarge: "vendor.cbom-too-large", unreadable: "vendor.unreadable", notCBOM: "vendor.not-cbom"))
        let imported: ImportedInventory
        do {
            imported = try CBOMImporter.parse(document, fallbackPath: ScanPath(url.lastPathComponent))
        } catch {
            throw PQScoutError(code: "vendor.not-cbom", kind: .input, reason: "\(path): \(error.reason)")
        }
        guard !imported.findings.isEmpty else {
            throw PQScoutError(
                code: "vendor.cbom-empty", kind: .input,
                reason: "\(path) lists no cryptographic algorithm, so it claims nothing to check")
        }
        let name = imported.subject ?? url.deletingPathExtension().lastPathComponent
        return InventoryClaims.claims(
            findings: imported.findings, vendor: name, product: "(CycloneDX \(imported.specVersion) CBOM)",
            file: path)
    }
}
