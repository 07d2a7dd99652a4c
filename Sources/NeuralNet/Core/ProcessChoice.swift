import Foundation

/// A process-wide choice (a backend, a provider): made from the environment on first use,
/// settable in code, read under a lock.
final class ProcessChoice<Value: Sendable>: @unchecked Sendable {  // `selected` is guarded by `lock`
    private let lock = NSLock()
    private var selected: Value?
    private let initial: @Sendable () -> Value

    init(_ initial: @escaping @Sendable () -> Value) { self.initial = initial }

    var value: Value {
        get {
            lock.lock()
            defer { lock.unlock() }
            if let selected { return selected }
            let chosen = initial()
            selected = chosen
            return chosen
        }
        set {
            lock.lock()
            selected = newValue
            lock.unlock()
        }
    }
}
