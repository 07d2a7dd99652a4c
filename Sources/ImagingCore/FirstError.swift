import Foundation

/// Keeps the first error reported by concurrent workers (the others are dropped), so work
/// split across threads can throw as a loop would.
public final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?

    /// An empty record.
    public init() {}

    /// Records `error` unless one was recorded before.
    public func record(_ error: Error) { lock.lock(); if first == nil { first = error }; lock.unlock() }

    /// The first error recorded, if any.
    public var error: Error? { lock.lock(); defer { lock.unlock() }; return first }
}
