import Foundation

/// Remembers the answers of a pure function of its inputs, shared by every scanning thread.
///
/// Why: a tree holds the same cipher strings, security levels and version ranges in hundreds of services (one per
/// vhost, per `master.cf` line, per copy of `/etc`), and each answer costs OpenSSL a fresh `SSL_CTX`. The answer
/// depends only on the inputs and the linked library, so the first one is the answer for all. Bounded: when full it
/// starts again empty, so a hostile tree of unique strings costs what it would have cost without the memo.
final class InputMemo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Key: Value] = [:]
    private let capacity: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// The answer remembered for `key`, without computing one.
    func remembered(_ key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return answers[key]
    }

    /// The remembered answer for `key`, or `compute()`'s, remembered. `compute` runs outside the lock: two threads
    /// may both compute a new key once, which is harmless for a pure function.
    func value(for key: Key, _ compute: () -> Value) -> Value {
        lock.lock()
        if let known = answers[key] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let value = compute()
        lock.lock()
        if answers.count >= capacity { answers.removeAll(keepingCapacity: true) }
        answers[key] = value
        lock.unlock()
        return value
    }
}
