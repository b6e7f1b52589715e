import PQCatalog
import PQModel

/// A key-exchange group list as OpenSSL reads it (`SSL_CTX_set1_groups_list`, config `Groups`/`Curves`,
/// nginx `ssl_ecdh_curve`, HAProxy `curves`), and what one OpenSSL release makes of it.
///
/// Syntax (SSL_CONF_cmd(3) for 3.5; standards.md §4.2): `:` separates groups, `/` separates priority tuples,
/// a `?` prefix ignores an unknown group (3.3+), `*` asks the client to send a key share (3.5+), `-` removes a
/// group (3.5+), and `DEFAULT` stands for the built-in list (3.5+). Older releases reject the whole list when any
/// element is unknown to them, which is what makes a PQ group on OpenSSL 3.0 fatal rather than merely ignored.
public struct GroupList: Sendable, Hashable {
    /// One element as written.
    public struct Element: Sendable, Hashable {
        /// The group name without its prefixes (`X25519MLKEM768`, `DEFAULT`).
        public var name: String
        public var optional: Bool
        public var keyShare: Bool
        public var removal: Bool
        /// 0-based priority tuple (`/`-separated); 0 for lists without tuples.
        public var tuple: Int
        /// The element exactly as written, prefixes included.
        public var written: String
    }

    public var elements: [Element]
    public var usesTupleSyntax: Bool

    /// Splits a list; never fails (unknown names are judged in `resolve`).
    public init(_ text: String) {
        var elements: [Element] = []
        var tuple = 0
        var usesTuples = false
        let tuples = text.split(separator: "/", omittingEmptySubsequences: false)
        if tuples.count > 1 { usesTuples = true }
        for tuplePart in tuples {
            let separators: Set<Character> = [":", ",", " ", "\t"]
            for raw in tuplePart.split(whereSeparator: { separators.contains($0) }) {
                var name = Substring(raw)
                var optional = false
                var keyShare = false
                var removal = false
                while let first = name.first, "?*-".contains(first) {
                    switch first {
                    case "?": optional = true
                    case "*": keyShare = true
                    default: removal = true
                    }
                    name = name.dropFirst()
                }
                if keyShare || removal { usesTuples = true }
                if name.uppercased() == "DEFAULT" { usesTuples = true }
                elements.append(
                    Element(
                        name: String(name), optional: optional, keyShare: keyShare, removal: removal, tuple: tuple,
                        written: String(raw)))
            }
            tuple += 1
        }
        self.elements = elements
        self.usesTupleSyntax = usesTuples
    }

    /// One group after resolution against a release.
    public struct Resolved: Sendable, Hashable {
        public var name: String
        public var entry: AlgorithmEntry?
        /// Would the server offer / accept it?
        public var offered: Bool
        public var keyShare: Bool
        public var tuple: Int
        /// Why it is not offered, or a remark (came from DEFAULT).
        public var note: String?
    }

    /// What one release does with the list: the groups in order, or the reason it rejects the whole list.
    public struct Resolution: Sendable, Hashable {
        public var groups: [Resolved]
        /// Set when OpenSSL refuses the list; servers then fail to start or fall back (see the note).
        public var rejection: String?
    }

    /// Applies the list to `version`, expanding `DEFAULT` to that release's built-in list.
    /// - Parameter skippingUnknown: the daemon drops names the library does not know before handing the list to
    ///   OpenSSL (Postfix), so an unknown name is dead configuration but does not reject the list.
    public func resolve(
        for version: OpenSSLVersion, catalog: Catalog = .shared, depth: Int = 0, skippingUnknown: Bool = false
    ) -> Resolution {
        var out = ResolvedList()
        var rejection: String?
        for element in elements {
            if element.name.uppercased() == "DEFAULT", depth == 0 {
                guard version >= TLSDefaults.tupleSyntaxSince else {
                    rejection = rejection ?? "OpenSSL \(version) does not know DEFAULT in a group list (3.5+)"
                    continue
                }
                let builtin = GroupList(TLSDefaults.groupList(for: version)).resolve(
                    for: version, catalog: catalog, depth: 1)
                for var group in builtin.groups where !out.contains(group.name) {
                    group.tuple += element.tuple
                    group.note = "from DEFAULT"
                    out.append(group)
                }
                continue
            }
            if element.removal {
                if version < TLSDefaults.tupleSyntaxSince {
                    rejection = rejection ?? "OpenSSL \(version) does not accept '-' in a group list (3.5+)"
                }
                out.remove(element.name)
                continue
            }
            if skippingUnknown, !element.removal, element.name.uppercased() != "DEFAULT",
                (element.optional && version < TLSDefaults.optionalMarkSince)
                    || ((element.keyShare || usesTupleSyntax) && version < TLSDefaults.tupleSyntaxSince)
            {
                // The daemon tries each name alone and drops what OpenSSL refuses, marks included.
                out.append(
                    Resolved(
                        name: element.name, entry: catalog.entry(named: element.name), offered: false,
                        keyShare: element.keyShare, tuple: element.tuple,
                        note: "\(element.written) is not accepted by OpenSSL \(version); skipped by the daemon: "
                            + "dead configuration"))
                continue
            }
            if element.optional, version < TLSDefaults.optionalMarkSince {
                rejection =
                    rejection ?? "OpenSSL \(version) does not accept the '?' prefix (3.3+): the list is rejected"
            }
            if element.keyShare || usesTupleSyntax, version < TLSDefaults.tupleSyntaxSince {
                rejection =
                    rejection ?? "OpenSSL \(version) does not accept '*' or '/' in a group list (3.5+)"
            }
            let entry = catalog.entry(named: element.name)
            let known = Self.isKnown(element.name, to: version)
            var note: String?
            var offered = known
            if !known {
                offered = false
                let since = TLSDefaults.groupIntroduced[element.name.lowercased()]
                let why =
                    since.map { "OpenSSL \(version) does not know \(element.name) (added in \($0.major).\($0.minor))" }
                    ?? "no OpenSSL release knows \(element.name) (only oqs-provider or other stacks)"
                if element.optional, version >= TLSDefaults.optionalMarkSince {
                    note = why + "; ignored ('?'): dead configuration"
                } else if skippingUnknown {
                    note = why + "; skipped by the daemon before OpenSSL sees the list: dead configuration"
                } else {
                    note = why + "; dead configuration"
                    rejection = rejection ?? why
                }
            }
            out.append(
                Resolved(
                    name: element.name, entry: entry, offered: offered, keyShare: element.keyShare,
                    tuple: element.tuple, note: note))
        }
        var groups = out.groups
        if rejection != nil {
            for index in groups.indices { groups[index].offered = false }
        }
        return Resolution(groups: groups, rejection: rejection)
    }

    /// Does `version` implement the group name?
    public static func isKnown(_ name: String, to version: OpenSSLVersion) -> Bool {
        guard let since = TLSDefaults.groupIntroduced[name.lowercased()] else { return false }
        return version >= since
    }

    static func same(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }

    /// The groups resolved so far, with removal and the presence test by name (case-insensitive) in constant time:
    /// a hostile list of many thousand `-name` elements would otherwise cost the square of its length.
    private struct ResolvedList {
        private var entries: [Resolved?] = []
        private var positions: [String: [Int]] = [:]

        mutating func append(_ group: Resolved) {
            positions[group.name.lowercased(), default: []].append(entries.count)
            entries.append(group)
        }

        func contains(_ name: String) -> Bool { positions[name.lowercased()] != nil }

        mutating func remove(_ name: String) {
            for position in positions.removeValue(forKey: name.lowercased()) ?? [] { entries[position] = nil }
        }

        var groups: [Resolved] { entries.compactMap { $0 } }
    }
}
