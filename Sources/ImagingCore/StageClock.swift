import Foundation

/// How long one named stage of a longer job took.
public struct StageTime: Sendable, Equatable, Codable {
    public var name: String
    public var seconds: Double

    /// A stage and its duration.
    public init(name: String, seconds: Double) {
        self.name = name
        self.seconds = seconds
    }
}

/// Times the stages of a job and reports each as progress.
public struct StageClock {
    /// The stages marked so far.
    public private(set) var stages: [StageTime] = []
    private var last = Date()
    private let total: Int
    private let progress: ProgressReporter

    /// A clock for a job of `total` stages.
    public init(total: Int, progress: ProgressReporter = SilentProgress()) {
        self.total = total
        self.progress = progress
    }

    /// Ends the stage `name` now.
    public mutating func mark(_ name: String) {
        let now = Date()
        stages.append(StageTime(name: name, seconds: now.timeIntervalSince(last)))
        last = now
        progress.update(completed: min(stages.count, total), total: total, item: name)
    }
}
