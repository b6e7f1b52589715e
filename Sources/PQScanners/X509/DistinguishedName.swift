/// Renders an X.501 Name as an RFC 4514 string: RDNs last-to-first, `+` inside a multi-valued RDN,
/// short names for the common attribute types and dotted OIDs for the rest (§2.3), special characters
/// escaped with a backslash (§2.4), and values that are not character strings as `#` plus DER hex (§2.4).
enum DistinguishedName {
    /// Renders the Name whose DER is exactly `der` (one SEQUENCE, nothing after it).
    static func render(der: UnsafeBufferPointer<UInt8>) throws(DERError) -> String {
        var reader = DERReader(der)
        let name = try reader.read(tag: DERTag.sequence, "Name")
        guard reader.isAtEnd else { throw DERError("x509.name", "bytes after the Name") }
        return try render(reader, name: name)
    }

    static func render(_ reader: DERReader, name: DERElement) throws(DERError) -> String {
        var rdns: [String] = []
        var outer = try reader.reader(into: name)
        while !outer.isAtEnd {
            let set = try outer.read(tag: DERTag.set, "RelativeDistinguishedName")
            var inner = try outer.reader(into: set)
            var parts: [String] = []
            while !inner.isAtEnd {
                let pair = try inner.read(tag: DERTag.sequence, "AttributeTypeAndValue")
                var fields = try inner.reader(into: pair)
                let type = try fields.read(tag: DERTag.oid, "attribute type")
                let value = try fields.read("attribute value")
                guard let dotted = fields.oid(type) else { throw DERError("x509.name", "bad attribute type OID") }
                let key = X509OID.attributeShortNames[dotted] ?? dotted
                parts.append(key + "=" + renderValue(fields, value))
            }
            rdns.append(parts.joined(separator: "+"))
        }
        return rdns.reversed().joined(separator: ",")
    }

    private static func renderValue(_ reader: DERReader, _ value: DERElement) -> String {
        let bytes = UnsafeBufferPointer(rebasing: reader.bytes[value.contentStart..<value.end])
        let text: String
        switch value.tag {
        case DERTag.utf8String, DERTag.printableString, DERTag.ia5String, DERTag.visibleString, 0x12:
            text = String(decoding: bytes, as: UTF8.self)
        case DERTag.teletexString:
            text = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case DERTag.bmpString:
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var index = 0
            while index + 1 < bytes.count {
                units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                index += 2
            }
            text = String(decoding: units, as: UTF16.self)
        case DERTag.universalString:
            var scalars = String.UnicodeScalarView()
            var index = 0
            while index + 3 < bytes.count {
                let code =
                    UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16
                    | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                index += 4
            }
            text = String(scalars)
        default:
            return "#" + Hex.lowercase(UnsafeBufferPointer(rebasing: reader.bytes[value.start..<value.end]))
        }
        return escape(text)
    }

    /// RFC 4514 §2.4 escaping.
    static func escape(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\"", "+", ",", ";", "<", ">", "\\":
                out.append("\\")
                out.append(scalar)
            case "#" where index == 0, " " where index == 0 || index == scalars.count - 1:
                out.append("\\")
                out.append(scalar)
            case "\0":
                out.append(contentsOf: "\\00".unicodeScalars)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
