import PQModel

// MARK: - Human text and the generated catalog table

extension Catalog {
    /// Column titles of `tableRows()`, in order.
    public static let tableHeader: [String] = [
        "Canonical", "Family", "Primitive", "Status", "Classical bits", "NIST category", "OIDs", "Replacement",
    ]

    /// One row per entry, in catalog order: canonical, family, primitive, status, classical bits, NIST category,
    /// OIDs (comma-separated) and replacement; an absent value is an empty string.
    ///
    /// Feeds `pqscout catalog --list` and the generated `Docs/catalog.md`, so both show the same facts.
    public func tableRows() -> [[String]] {
        entries.map { entry in
            [
                entry.canonical,
                entry.family,
                entry.primitive.rawValue,
                entry.quantumStatus.rawValue,
                entry.classicalBits.map(String.init) ?? "",
                String(entry.nistCategory),
                entry.oids.joined(separator: ", "),
                entry.replacement ?? "",
            ]
        }
    }

    /// Multi-line text about one entry for `pqscout catalog NAME`: every field that has a value, names grouped by
    /// naming system, long notes wrapped at 100 columns.
    ///
    /// - Parameter entry: any entry, usually one returned by `entry(nameOrOID:)`.
    /// - Returns: text ending in a newline.
    public func describe(_ entry: AlgorithmEntry) -> String {
        var fields: [(String, String)] = [
            ("family", entry.family),
            ("primitive", entry.primitive.rawValue),
            ("quantum status", entry.quantumStatus.rawValue),
        ]
        if let floor = entry.brokenBelowBits {
            fields.append(("broken below", "\(floor)-bit keys"))
        }
        if let bits = entry.classicalBits {
            fields.append(("classical bits", String(bits)))
        }
        fields.append(("NIST category", entry.nistCategory == 0 ? "none (0)" : String(entry.nistCategory)))
        if !entry.oids.isEmpty {
            fields.append(("OIDs", entry.oids.joined(separator: ", ")))
        }
        if let codePoint = entry.tlsCodePoint {
            fields.append(("TLS code point", codePoint))
        }
        let systems: [(String, [String])] = [
            ("OpenSSL names", entry.names.openssl), ("OpenSSH names", entry.names.openssh),
            ("TLS names", entry.names.tls), ("IKE names", entry.names.ike), ("other names", entry.names.other),
        ]
        for (label, names) in systems where !names.isEmpty {
            fields.append((label, names.joined(separator: ", ")))
        }
        if let replacement = entry.replacement {
            fields.append(("replacement", replacement))
        }
        if let note = entry.note {
            fields.append(("note", note))
        }
        fields.append(("source", SourceCitation.citation(entry.source)))

        let width = (fields.map(\.0.count).max() ?? 0) + 2
        var text = entry.canonical + "\n"
        for (label, value) in fields {
            let prefix = "  " + (label + ":").padding(toLength: width, withPad: " ", startingAt: 0)
            text += Catalog.wrap(value, firstPrefix: prefix, limit: 100) + "\n"
        }
        return text
    }

    /// The whole catalog as Markdown: the text of `Docs/catalog.md`, which a test keeps in step with the JSON.
    public func markdownTable() -> String {
        var lines = [
            "# Algorithm catalog",
            "",
            "<!-- Generated from Sources/PQCatalog/Resources/algorithms.json by Catalog.markdownTable(). Do not edit:",
            "     run `PQSCOUT_RECORD_SNAPSHOTS=1 swift test --filter PQCatalogTests` to regenerate. -->",
            "",
            "PQScout's catalog holds \(entries.count) entries. Each row's names in every naming system (OpenSSL, OpenSSH,",
            "IANA TLS, IKE), its TLS code point, note and source are shown by `pqscout catalog NAME`.",
            "",
            "Status: **broken** = already broken classically; **vulnerable** = broken by Shor's algorithm on a",
            "cryptographically relevant quantum computer; **weakened** = Grover's search leaves it under 128 bits;",
            "**hybrid** = classical and post-quantum combined, safe while either holds; **resistant** = post-quantum, or",
            "symmetric with at least 256-bit keys. NIST category 0 = meets none.",
            "",
        ]
        let counts = QuantumStatus.allCases.sorted { $0.severity > $1.severity }.map { status in
            "\(status.rawValue) \(entries.filter { $0.quantumStatus == status }.count)"
        }
        lines.append("Entries by status: " + counts.joined(separator: ", ") + ".")
        lines.append("")
        lines.append(Catalog.markdownRow(Catalog.tableHeader))
        lines.append(Catalog.markdownRow(Catalog.tableHeader.map { _ in "---" }))
        for row in tableRows() {
            var cells = row
            if let name = cells.first {
                cells[0] = "`" + name + "`"
            }
            lines.append(Catalog.markdownRow(cells))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func markdownRow(_ cells: [String]) -> String {
        "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
    }

    /// Greedy word wrap; continuation lines are indented to the width of `firstPrefix`.
    static func wrap(_ text: String, firstPrefix: String, limit: Int) -> String {
        let indent = String(repeating: " ", count: firstPrefix.count)
        var lines: [String] = []
        var current = firstPrefix
        var currentHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if currentHasWord && current.count + 1 + word.count > limit {
                lines.append(current)
                current = indent + word
            } else {
                current += (currentHasWord ? " " : "") + word
            }
            currentHasWord = true
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }
}
