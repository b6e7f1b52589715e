import Foundation

/// An assessment's JSON document read a chunk at a time and kept whole but for its long lists: each score
/// adjustment's `findings` (`systems[].adjustments[].findings`, `overall.adjustments[].findings`: the findings
/// behind the points, one per finding of the system, so the bulk of the document, growing with the findings)
/// keeps its first `keep` entries and gains `findingTotal`, how many it had (`ScoreAdjustment.findingTotal`).
///
/// A report shows a few of those findings and their number; decoding them all took several times the document's
/// size (a 107 MB document on the 200k tree). Fed in chunks (`feed`), the trimmer holds the trimmed document
/// and a stack of the containers it is inside, never the document. It assumes valid JSON (the store checks it).
struct AssessmentDocumentTrimmer {
    /// The document with the lists trimmed, so far.
    private(set) var trimmed: [UInt8] = []
    private let keep: Int

    private struct Container {
        var isArray: Bool
        /// The key this container is the value of, in its parent object.
        var key: [UInt8]?
        /// An adjustment's `findings`, being trimmed.
        var trims = false
        var commas = 0
        var hasValue = false
    }

    private var stack: [Container] = []
    private var inString = false
    private var escaped = false
    private var expectingKey = false
    private var capturingKey = false
    private var key: [UInt8] = []
    private var lastKey: [UInt8]?
    /// The stack index of the trimmed list whose entries past `keep` are being left out, if one is.
    private var leavingOutAt: Int?

    private static let findings = Array("findings".utf8)
    private static let adjustments = Array("adjustments".utf8)

    init(keep: Int) { self.keep = max(0, keep) }

    mutating func feed(_ bytes: some Collection<UInt8>) {
        for byte in bytes { feed(byte) }
    }

    private mutating func feed(_ byte: UInt8) {
        if inString {
            emit(byte)
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
                if capturingKey {
                    capturingKey = false
                    return
                }
            }
            if capturingKey { key.append(byte) }
            return
        }
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
            emit(byte)
        case UInt8(ascii: "\""):
            markValue()
            emit(byte)
            inString = true
            if expectingKey, stack.last?.isArray == false {
                capturingKey = true
                key.removeAll(keepingCapacity: true)
            }
        case UInt8(ascii: ":"):
            emit(byte)
            expectingKey = false
            lastKey = key
        case UInt8(ascii: ","):
            guard let top = stack.indices.last else { return emit(byte) }
            if stack[top].isArray {
                stack[top].commas += 1
                if stack[top].trims, leavingOutAt == nil, stack[top].commas >= keep { leavingOutAt = top }
            } else {
                expectingKey = true
            }
            emit(byte)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            markValue()
            emit(byte)
            let isArray = byte == UInt8(ascii: "[")
            let parentIsObject = stack.last.map { !$0.isArray } ?? false
            var container = Container(isArray: isArray, key: parentIsObject ? lastKey : nil)
            let count = stack.count
            if isArray, leavingOutAt == nil, container.key == Self.findings, count >= 2, !stack[count - 1].isArray,
                stack[count - 2].isArray, stack[count - 2].key == Self.adjustments
            {
                container.trims = true
            }
            stack.append(container)
            if container.trims, keep == 0 { leavingOutAt = stack.count - 1 }
            expectingKey = !isArray
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            guard let closed = stack.popLast() else { return emit(byte) }
            if closed.trims {
                if leavingOutAt == stack.count { leavingOutAt = nil }
                emit(byte)
                let total = closed.hasValue ? closed.commas + 1 : 0
                emit(contentsOf: ",\"findingTotal\":\(total)")
            } else {
                emit(byte)
            }
        default:
            markValue()
            emit(byte)
        }
    }

    /// Notes that the array the scanner is in holds a value.
    private mutating func markValue() {
        if let top = stack.indices.last, stack[top].isArray { stack[top].hasValue = true }
    }

    private mutating func emit(_ byte: UInt8) {
        if leavingOutAt == nil { trimmed.append(byte) }
    }

    private mutating func emit(contentsOf text: String) {
        if leavingOutAt == nil { trimmed.append(contentsOf: text.utf8) }
    }
}
