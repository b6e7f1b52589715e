import NIOCore
import PostgresNIO

/// One column of a batch's rows, bound as a single one-dimensional array parameter (`bigint[]`, `text[]` or
/// `bytea[]`) for `INSERT ... SELECT * FROM unnest($1, $2, ...)`.
///
/// Why: a multi-row `VALUES` list binds one parameter per value, and PostgreSQL spent most of a fleet's ingest
/// parsing and planning 18,000-parameter statements. An array per column makes one short statement per batch
/// whatever its size. PostgresNIO encodes `[String]` and `[Int64]` but not arrays with NULL elements, which the
/// store's optional columns need, so this writes the binary array format (`array_send`) itself: a header (one
/// dimension, a has-NULL flag, the element type, the length, lower bound 1), then per element its length (-1 for
/// NULL) and its bytes.
struct PostgresArrayColumn: PostgresDynamicTypeEncodable, Sendable {
    enum Element: Sendable {
        case int8, text, bytea

        var arrayType: PostgresDataType {
            switch self {
            case .int8: .int8Array
            case .text: .textArray
            case .bytea: .byteaArray
            }
        }

        var elementType: PostgresDataType {
            switch self {
            case .int8: .int8
            case .text: .text
            case .bytea: .bytea
            }
        }

        /// The SQL name of the array type, for the statement's casts.
        var sqlArrayType: String {
            switch self {
            case .int8: "bigint[]"
            case .text: "text[]"
            case .bytea: "bytea[]"
            }
        }
    }

    let element: Element
    private var elements: ByteBuffer
    private(set) var count = 0
    private var hasNull = false

    init(_ element: Element, capacity: Int = 0) {
        self.element = element
        elements = ByteBuffer()
        elements.reserveCapacity(capacity * (element == .int8 ? 12 : 24))
    }

    /// Appends one value. A value of another type than the column's is a bug in the writer, not in the data.
    mutating func append(_ value: PostgresValue) {
        count += 1
        switch value {
        case .null:
            hasNull = true
            elements.writeInteger(Int32(-1))
        case .int(let number):
            precondition(element == .int8, "an integer in a \(element) column")
            elements.writeInteger(Int32(8))
            elements.writeInteger(number)
        case .text(let text):
            precondition(element == .text, "text in a \(element) column")
            let lengthAt = elements.writerIndex
            elements.writeInteger(Int32(0))
            let length = elements.writeString(text)
            elements.setInteger(Int32(length), at: lengthAt)
        case .bytes(let bytes):
            precondition(element == .bytea, "bytes in a \(element) column")
            elements.writeInteger(Int32(bytes.count))
            elements.writeBytes(bytes)
        case .textArray, .column:
            preconditionFailure("an array inside a column")
        }
    }

    var psqlType: PostgresDataType { element.arrayType }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        guard count > 0 else {
            // An empty array has no dimensions.
            byteBuffer.writeInteger(Int32(0))
            byteBuffer.writeInteger(Int32(0))
            byteBuffer.writeInteger(element.elementType.rawValue)
            return
        }
        byteBuffer.writeInteger(Int32(1))
        byteBuffer.writeInteger(Int32(hasNull ? 1 : 0))
        byteBuffer.writeInteger(element.elementType.rawValue)
        byteBuffer.writeInteger(Int32(count))
        byteBuffer.writeInteger(Int32(1))
        var elements = elements
        byteBuffer.writeBuffer(&elements)
    }
}
