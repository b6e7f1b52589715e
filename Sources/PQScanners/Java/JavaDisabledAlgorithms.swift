/// One `*.disabledAlgorithms` value parsed per the grammar in `java.security`'s own comments:
/// `DisabledAlgorithm { , DisabledAlgorithm }`, each `AlgorithmName [Constraint { & Constraint }]` or
/// `include <property>`; constraints `keySize <op> <bits>`, `jdkCA`, `denyAfter YYYY-MM-DD`, `usage ...`.
struct JavaDisabledAlgorithms {
    struct Entry: Sendable, Hashable {
        var name: String
        /// `keySize < 1024` and friends; an entry with only these limits key sizes instead of the algorithm.
        var keySize: [(op: String, bits: Int)]
        /// The other constraints as written (`jdkCA`, `usage TLSServer`, `denyAfter 2019-01-01`).
        var restrictions: [String]

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.name == rhs.name && lhs.restrictions == rhs.restrictions
                && lhs.keySize.map { "\($0.op)\($0.bits)" } == rhs.keySize.map { "\($0.op)\($0.bits)" }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(restrictions)
        }

        var isUnconditional: Bool { keySize.isEmpty && restrictions.isEmpty }

        /// True when a key of `bits` falls under a keySize constraint.
        func disables(bits: Int) -> Bool {
            keySize.contains { constraint in
                switch constraint.op {
                case "<": bits < constraint.bits
                case "<=": bits <= constraint.bits
                case "==": bits == constraint.bits
                case "!=": bits != constraint.bits
                case ">=": bits >= constraint.bits
                case ">": bits > constraint.bits
                default: false
                }
            }
        }

        /// The smallest key size no constraint disables, when the constraints are lower bounds.
        var minimumBits: Int? {
            var floor: Int?
            for constraint in keySize {
                let bound: Int? =
                    switch constraint.op {
                    case "<": constraint.bits
                    case "<=": constraint.bits + 1
                    default: nil
                    }
                if let bound { floor = max(floor ?? 0, bound) }
            }
            return floor
        }
    }

    private(set) var entries: [Entry] = []
    /// Parts that do not follow the grammar, as written.
    private(set) var malformed: [String] = []
    /// Entry indices by lower-cased name: `matching` runs once per algorithm the JDK offers.
    private var byName: [String: [Int]] = [:]

    /// - Parameter resolve: the text of another security property, for `include`.
    init(_ text: String, resolve: (String) -> String?) {
        var included: Set<String> = []
        read(text, resolve: resolve, depth: 0, included: &included)
        for (index, entry) in entries.enumerated() {
            byName[entry.name.lowercased(), default: []].append(index)
        }
    }

    private mutating func read(_ text: String, resolve: (String) -> String?, depth: Int, included: inout Set<String>) {
        for part in text.split(separator: ",") {
            let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let name = words.first else { continue }
            if name == "include" {
                guard words.count == 2 else {
                    malformed.append(String(part.trimmingWhitespace()))
                    continue
                }
                // Each property once: a second include of it adds no entry, and a property that includes itself
                // (or others) many times would otherwise multiply the work to the power of the depth.
                guard depth < 4, included.insert(words[1]).inserted, let nested = resolve(words[1]) else { continue }
                read(nested, resolve: resolve, depth: depth + 1, included: &included)
                continue
            }
            var entry = Entry(name: name, keySize: [], restrictions: [])
            let constraints = words.dropFirst().joined(separator: " ").split(separator: "&")
            for constraint in constraints {
                let items = constraint.split(separator: " ").map(String.init)
                guard let head = items.first else { continue }
                if head == "keySize" {
                    guard items.count == 3, let bits = Int(items[2]),
                        ["<", "<=", "==", "!=", ">=", ">"].contains(items[1])
                    else {
                        malformed.append(String(part.trimmingWhitespace()))
                        continue
                    }
                    entry.keySize.append((items[1], bits))
                } else {
                    entry.restrictions.append(items.joined(separator: " "))
                }
            }
            entries.append(entry)
        }
    }

    /// The entries naming an algorithm: case-insensitive, on the name or any component of it
    /// (`SHA1` names `SHA1withRSA`, as `AlgorithmDecomposer` does).
    func matching(_ names: [String]) -> [Entry] {
        let indices = Set(names.flatMap { byName[$0.lowercased()] ?? [] })
        return indices.sorted().map { entries[$0] }
    }
}
