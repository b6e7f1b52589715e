import PQModel

/// Derives the systems an assessment scores from the findings (Docs/scoring.md, "Systems").
///
/// - Configuration findings group by **daemon instance**: one sshd (its `sshd_config`, drop-ins and `Match` blocks),
///   one ssh client configuration, one Postfix (`main.cf`, `master.cf` and its services), one nginx (every server
///   block and included file), one OpenVPN instance (one `.conf` file), one WireGuard interface (one file). The id
///   is the source and the instance's root: `openssh:etc/ssh/sshd_config`, `postfix:etc/postfix`, `nginx:etc/nginx`,
///   `openvpn:etc/openvpn/server/office.conf`. A daemon is one unit to migrate: splitting it by file or block gave
///   one daemon several contradictory grades.
/// - A finding a daemon takes from a shared file (`etc/ssl/openssl.cnf` applied to nginx) joins that daemon when the
///   scan holds exactly one instance of it; otherwise it stays its own system (`nginx:etc/ssl/openssl.cnf#server
///   www:443`), since PQScout cannot tell which instance reads it.
/// - Certificates, keys, SSH keys and DH parameters group by the directory that holds them (`store:etc/ssl/certs`):
///   a directory is what a deployment rotates as a unit.
public enum AssessedSystems {
    /// True for sources whose findings are certificates and keys rather than configuration.
    public static func isMaterial(_ source: FindingSource) -> Bool { source.described?.isMaterial ?? false }

    /// The system of one finding, judged alone (a finding from a shared file keeps its own system here; `group`
    /// attaches it to its daemon when the scan holds one instance).
    public static func system(of finding: Finding) -> SystemRef {
        let source = finding.source.rawValue
        let path = finding.path.display
        if let described = finding.source.described, described.isMaterial {
            let directory = path.split(separator: "/").dropLast().joined(separator: "/")
            let shown = directory.isEmpty ? "." : directory
            let kind: SystemRef.Kind = described.holds == .certificates ? .certificateStore : .keyStore
            return SystemRef(id: "store:\(shown)", kind: kind, source: "store", path: shown)
        }
        if let root = instanceRoot(source: finding.source, path: path) {
            return SystemRef(id: "\(source):\(root)", kind: .configuration, source: source, path: root)
        }
        var id = "\(source):\(path)"
        if let context = finding.context { id += "#\(context)" }
        return SystemRef(id: id, kind: .configuration, source: source, path: path, context: finding.context)
    }

    /// The root of the daemon instance a configuration file belongs to, or nil for a shared file.
    static func instanceRoot(source: FindingSource, path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard let file = parts.last else { return nil }
        func markerIndex(_ markers: [String]) -> Int? {
            parts.firstIndex { part in markers.contains { part.lowercased().contains($0) } }
        }
        switch source.described?.instance {
        case .eachFile?:
            return path
        case .sshProgram?:
            // sshd and the ssh client are different programs: each with its drop-in directory.
            let directory = parts.dropLast().filter { !$0.hasSuffix("_config.d") }.joined(separator: "/")
            let prefix = directory.isEmpty ? "" : directory + "/"
            if parts.contains(where: { $0.hasPrefix("sshd_config") }) { return prefix + "sshd_config" }
            if parts.contains(where: { $0.hasPrefix("ssh_config") }) { return prefix + "ssh_config" }
            return parts.contains { $0.lowercased().contains("ssh") } ? path : nil
        case .oneFile(let markers)?:
            return markerIndex(markers) == nil ? nil : path
        case .directory(let markers)?:
            return markerIndex(markers).map { parts[...$0].joined(separator: "/") }
        case .parentDirectory(let markers)?:
            guard let index = markerIndex(markers) else { return nil }
            let parent = parts[..<index].joined(separator: "/")
            return parent.isEmpty ? parts[index] : parent
        case nil:
            return parts.count > 1 ? parts.dropLast().joined(separator: "/") : file
        }
    }

    /// Systems in id order, each with the indexes of its findings; a store holding any certificate is a
    /// certificate store.
    public static func group(_ findings: [Finding]) -> [(system: SystemRef, indexes: [Int])] {
        group(resolved: resolve(findings))
    }

    /// `group(_:)` over systems `resolve(_:)` already gave, so an assessment resolves each finding once.
    public static func group(resolved systems: [SystemRef]) -> [(system: SystemRef, indexes: [Int])] {
        var order: [String] = []
        var byID: [String: (system: SystemRef, indexes: [Int])] = [:]
        for (index, system) in systems.enumerated() {
            if var existing = byID[system.id] {
                existing.indexes.append(index)
                if system.kind == .certificateStore { existing.system.kind = .certificateStore }
                byID[system.id] = existing
            } else {
                order.append(system.id)
                byID[system.id] = (system, [index])
            }
        }
        return order.sorted().compactMap { byID[$0] }
    }

    /// The system of every finding, in order: shared-file findings join their daemon when it is the only instance
    /// of its source in the scan.
    ///
    /// A system depends only on the finding's source, path and block, so it is worked out once per place: 10,000
    /// nginx files with 178 findings each are 10,000 path walks, not 1.78 million.
    public static func resolve(_ findings: [Finding]) -> [SystemRef] {
        var places = Places()
        let numbers = findings.map { places.add($0) }
        let resolved = places.resolved()
        let systems = resolved.alones.map(\.system)
        return numbers.map { systems[Int(resolved.systemOf[$0])] }
    }

    /// The places (source, file, block) of a scan's findings, gathered one finding at a time, and the system of
    /// each: what an assessment needs to know of the findings before it judges any, bounded by places, not findings.
    public struct Places: Sendable {
        /// A place within its file: the findings of one file with the same source and block.
        struct LocalKey: Hashable, Sendable {
            var source: String
            var context: String?
        }

        /// A place or a system told apart by a 128-bit digest rather than by holding its text: held as text, a
        /// place cost about 270 bytes (120,000 places, 32 MB, on the 200k benchmark tree, by heaptrack). Two
        /// seeded hashes of the same value collide for two values with odds of 2^-128.
        struct Digest: Hashable, Sendable {
            var first: Int
            var second: Int

            init(_ value: some Hashable) {
                var one = Hasher()
                one.combine(0 as UInt8)
                one.combine(value)
                var two = Hasher()
                two.combine(1 as UInt8)
                two.combine(value)
                first = one.finalize()
                second = two.finalize()
            }
        }

        /// Numbers the places of one walk in the order first seen, remembering only the current file's places: a
        /// file's findings come together in the store's order, so no table of every place is held (a dictionary
        /// of a digest per place held all 600,000 places of the 1M benchmark tree).
        ///
        /// A place met again after another file's findings gets a new number: one more place of the same system,
        /// whose findings, counts and strengths add up as the first one's do. Two walks over the same findings in
        /// the same order number them alike, so the second walk of an assessment finds each finding's place by
        /// numbering again.
        public struct Numbering: Sendable {
            private var path: ScanPath?
            private var local: [LocalKey: Int32] = [:]
            private var last: (key: LocalKey, number: Int)?
            /// How many places were numbered.
            public private(set) var count = 0

            public init() {}

            /// The number of a finding's place, and whether it is new (first seen in this run of its file).
            public mutating func number(of finding: Finding) -> (number: Int, isNew: Bool) {
                let key = LocalKey(source: finding.source.rawValue, context: finding.context)
                if finding.path != path {
                    path = finding.path
                    local.removeAll(keepingCapacity: true)
                    last = nil
                } else if let last, last.key == key {
                    return (last.number, false)
                }
                if let known = local[key] {
                    last = (key, Int(known))
                    return (Int(known), false)
                }
                let number = count
                count += 1
                local[key] = Int32(number)
                last = (key, number)
                return (number, true)
            }
        }

        /// A system judged alone, held as its id with where its path and block lie in it (`system(of:)` makes every
        /// id `source:path` or `source:path#block`), and whether its file is a daemon's own. As a `SystemRef`, a
        /// system held its path and block twice: 200,000 systems of the 1M benchmark tree.
        struct Alone: Hashable, Sendable {
            var id: String
            var source: String
            var kind: SystemRef.Kind
            /// The path's length in UTF-8 bytes, after `source:` in the id.
            var pathLength: Int32
            var hasContext: Bool
            var rooted: Bool

            init(_ system: SystemRef, rooted: Bool) {
                precondition(
                    system.id == "\(system.source):\(system.path)" + (system.context.map { "#" + $0 } ?? ""),
                    "a system's id is source:path#block: \(system.id)")
                id = system.id
                source = system.source
                kind = system.kind
                pathLength = Int32(system.path.utf8.count)
                hasContext = system.context != nil
                self.rooted = rooted
            }

            var system: SystemRef {
                let utf8 = id.utf8
                let start = utf8.index(utf8.startIndex, offsetBy: source.utf8.count + 1)
                let end = utf8.index(start, offsetBy: Int(pathLength))
                let path = String(decoding: utf8[start..<end], as: UTF8.self)
                let context = hasContext ? String(decoding: utf8[utf8.index(after: end)...], as: UTF8.self) : nil
                return SystemRef(id: id, kind: kind, source: source, path: path, context: context)
            }
        }

        private var numbering = Numbering()
        /// The distinct systems judged alone (with whether their file is rooted), and each one's number.
        private var alones: [Alone] = []
        private var aloneNumbers: [Digest: Int32] = [:]
        /// By place number: the number of its system in `alones`.
        private var aloneOf: [Int32] = []
        /// By place number: how many findings were added there.
        public private(set) var counts: [Int] = []

        public init() {}

        /// How many places were seen.
        public var count: Int { aloneOf.count }

        /// How many distinct systems judged alone the places have.
        var aloneCount: Int { alones.count }

        /// Adds one finding.
        /// - Returns: the number of its place.
        public mutating func add(_ finding: Finding) -> Int {
            let (number, isNew) = numbering.number(of: finding)
            if isNew {
                let system = AssessedSystems.system(of: finding)
                let rooted =
                    system.kind == .configuration
                    && instanceRoot(source: FindingSource(rawValue: system.source), path: finding.path.display) != nil
                let alone = Alone(system, rooted: rooted)
                let digest = Digest(alone)
                if let known = aloneNumbers[digest] {
                    aloneOf.append(known)
                } else {
                    aloneNumbers[digest] = Int32(alones.count)
                    aloneOf.append(Int32(alones.count))
                    alones.append(alone)
                }
                counts.append(0)
            }
            counts[number] += 1
            return number
        }

        /// The system of each place, by place number: a shared file's place joins its daemon when the scan holds
        /// exactly one instance of it. Shares the systems with these places (nothing is copied).
        public func resolved() -> Resolved {
            var instances: [String: Set<String>] = [:]
            var rootedNumbers: [String: Int32] = [:]
            for (number, entry) in alones.enumerated() where entry.rooted {
                instances[entry.source, default: []].insert(entry.id)
                rootedNumbers[entry.id] = rootedNumbers[entry.id] ?? Int32(number)
            }
            // A joined place takes its daemon's own system: the same id, kind, source and root path.
            var joined: [Int32: Int32] = [:]
            for (number, entry) in alones.enumerated() where entry.kind == .configuration && !entry.rooted {
                guard let only = instances[entry.source], only.count == 1, let id = only.first,
                    let daemon = rootedNumbers[id]
                else { continue }
                joined[Int32(number)] = daemon
            }
            var systemOf = aloneOf
            if !joined.isEmpty {
                for place in systemOf.indices { if let daemon = joined[systemOf[place]] { systemOf[place] = daemon } }
            }
            return Resolved(alones: alones, systemOf: systemOf)
        }
    }

    /// The system of each place by place number, held once per distinct system judged alone.
    public struct Resolved: Sendable {
        let alones: [Places.Alone]
        /// By place number: its system's number in `alones`.
        let systemOf: [Int32]

        public var count: Int { systemOf.count }

        public subscript(place: Int) -> SystemRef { alones[Int(systemOf[place])].system }
    }
}
