import PQModel
import PQReports

/// The vendor check's renderers, reached through the Kit so the executable imports one library.
extension Presentation {
    public static func vendorMarkdown(_ comparison: VendorComparison) -> String { VendorMarkdown.render(comparison) }

    public static func vendorHTML(_ comparison: VendorComparison) -> String { VendorHTML.render(comparison) }

    public static func vendorJSON(_ comparison: VendorComparison) throws(PQScoutError) -> String {
        do {
            return try VendorJSON.render(comparison)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }
}
