import Foundation
import PQModel
import Testing

@testable import PQReports

/// Issue 20: the CSV beside a plan lists every asset of a merged action once, escaped like the inventory CSV, under
/// a file name nothing from the data can steer.
@Suite("Plan asset lists: every asset once, escaped, under a safe name")
struct PlanAssetsCSVTests {
    /// RFC 4180 rows, for reading back what the renderer wrote.
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if quoted {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                quoted = true
            } else if scalar == "," {
                row.append(field)
                field = ""
            } else if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                index += 1
            } else {
                field.unicodeScalars.append(scalar)
            }
            index += 1
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }

    static func asset(_ number: Int, name: String? = nil, path: String? = nil) -> PlanAsset {
        PlanAsset(
            action: "certificate-reissue:CN=host\(number)", name: name ?? "CN=host\(number)", current: "RSA-2048",
            locations: [PlanLocation(path: path ?? "certs/host\(number).pem", line: 1)],
            expires: CalendarDay("2027-02-03"), deadline: CalendarDay("2030-12-31"), findings: 2)
    }

    @Test("2,500 assets: one header and one row each, every asset exactly once")
    func everyAssetOnce() {
        let assets = (0..<2500).map { Self.asset($0) }
        let csv = PlanAssetsCSV.render(PlanAssetList(count: assets.count, findings: 5000, assets: assets))
        let rows = Self.rows(csv)
        #expect(rows.first == PlanAssetsCSV.columns)
        let listed = rows.dropFirst().map { $0[0] }
        #expect(listed.count == assets.count)
        #expect(Set(listed) == Set(assets.map(\.action)))
        #expect(rows.dropFirst().allSatisfy { $0.count == PlanAssetsCSV.columns.count })
    }

    @Test("commas, quotes, line breaks and formulas from the tree stay inside their field")
    func hostileFields() throws {
        let name = "CN=a,O=\"Evil\"\r\nInc"
        let formula = "=HYPERLINK(\"http://x\",\"y\")"
        let assets = [
            Self.asset(1, name: name, path: "certs/a,b.pem"), Self.asset(2, name: formula, path: "+cmd|'/c calc'!A0"),
            Self.asset(3, name: "@SUM(1)", path: "certs/line\nbreak.pem"),
        ]
        let csv = PlanAssetsCSV.render(PlanAssetList(count: 3, findings: 6, assets: assets))
        let rows = Self.rows(csv)
        #expect(rows.count == 4, "a line break in a field started a new row:\n\(csv)")
        #expect(rows[1][1] == name)
        #expect(rows[1][6] == "certs/a,b.pem")
        #expect(rows[2][1] == "'" + formula)
        #expect(rows[2][6] == "'+cmd|'/c calc'!A0")
        #expect(rows[3][1] == "'@SUM(1)")
        #expect(rows[3][6] == "certs/line\nbreak.pem")
        // No field a spreadsheet reads as a formula: none starts with = + - @ once unquoted.
        for row in rows.dropFirst() {
            for field in row { #expect(!"=+-@".contains(field.first ?? " "), "\(field)") }
        }
    }

    @Test("file names from hostile ids: no separator, no dot-dot, no control character; a taken name gets -2")
    func fileNames() {
        var taken: Set<String> = []
        let ids = [
            "certificate-reissue:leaves:RSA-2048:ML-DSA-65:issued by CN=../../etc/passwd",
            "certificate-reissue:leaves:RSA-2048:ML-DSA-65:issued by CN=..\\..\\x\r\n\u{1B}[31m/",
            "certificate-reissue:leaves:RSA-2048:ML-DSA-65:issued by CN=../../etc/passwd",
            "/", "ü/../",
        ]
        let names = ids.map { PlanAssetsCSV.fileName(for: $0, taken: &taken) }
        for name in names {
            #expect(!name.contains("/") && !name.contains("\\") && !name.contains(".."), "\(name)")
            #expect(name.hasSuffix(".csv"))
            #expect(name.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
            #expect(!name.hasPrefix("-") && !name.hasPrefix("."))
        }
        #expect(names[0] == "certificate-reissue-leaves-rsa-2048-ml-dsa-65-issued-by-cn-etc-passwd.csv")
        #expect(names[2] == "certificate-reissue-leaves-rsa-2048-ml-dsa-65-issued-by-cn-etc-passwd-2.csv")
        #expect(Set(names).count == names.count)
        #expect(names[3] == "assets.csv")
    }
}
