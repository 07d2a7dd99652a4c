/// Receives progress of long work. The library never prints: a caller passes a reporter
/// (the CLI's draws a bar on a terminal), or nothing.
public protocol ProgressReporter: Sendable {
    /// `completed` of `total` items are done; `item` names the one just finished.
    func update(completed: Int, total: Int, item: String)
}

/// A reporter that ignores everything.
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func update(completed: Int, total: Int, item: String) {}
}
