/// Hex encoding without Foundation (the certificate hot loop formats two digests per certificate).
enum Hex {
    private static let lower: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upper: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func lowercase<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { encode(bytes, lower) }
    static func uppercase<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { encode(bytes, upper) }

    static func byte(_ value: UInt8) -> String { uppercase(CollectionOfOne(value)) }

    private static func encode<C: Collection>(_ bytes: C, _ digits: [UInt8]) -> String where C.Element == UInt8 {
        let count = bytes.count * 2
        if count == 0 { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return count
        }
    }
}
