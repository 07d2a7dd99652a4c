import Foundation

/// The collective operations data-parallel training needs, and nothing more: training code
/// sees MPI (or a test's in-process group) only through this. Every rank of a group calls
/// the same operations in the same order with buffers of the same length.
public protocol Collectives: AnyObject {
    /// This process's index in the group, 0..<size (0 writes the files).
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `buffer` on every rank with `root`'s.
    func broadcast(_ buffer: inout [Float], root: Int) throws
    /// Replaces `buffer` on every rank with the element-wise sum over all ranks.
    func allreduceSum(_ buffer: inout [Float]) throws
    /// The same for Doubles (counts and loss sums of a sharded validation).
    func allreduceSum(_ buffer: inout [Double]) throws
    /// Returns once every rank has called it.
    func barrier() throws
    /// Ends every rank of the group with `message` (MPI_Abort); for a rank that failed, so
    /// the others do not wait for it forever.
    func abort(_ message: String, code: Int32) -> Never
}

/// The group of one: every collective is the identity. The default of every trainer.
public final class SingleProcessCollectives: Collectives {
    /// The one-process group.
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func broadcast(_ buffer: inout [Float], root: Int) throws {}
    public func allreduceSum(_ buffer: inout [Float]) throws {}
    public func allreduceSum(_ buffer: inout [Double]) throws {}
    public func barrier() throws {}
    public func abort(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}

/// A group of `size` ranks that are threads of one process, for tests without MPI: each rank
/// gets its own member (`member(rank)`), and a collective returns once all members called
/// it. Sums are taken in rank order, as a deterministic reduction would.
public final class InProcessGroup: @unchecked Sendable {
    /// The number of ranks.
    public let size: Int
    private let condition = NSCondition()
    private var arrived = 0, generation = 0
    private var contributions: [Any]
    private var result: Any = ()

    /// A group of `size` ranks.
    public init(size: Int) {
        self.size = max(1, size)
        contributions = Array(repeating: (), count: max(1, size))
    }

    /// The collectives of rank `rank`.
    public func member(_ rank: Int) -> Collectives { Member(group: self, rank: rank) }

    /// Every rank hands in its buffer; the last to arrive combines them; all get the result.
    fileprivate func exchange<T>(_ rank: Int, _ buffer: [T], combine: ([[T]]) -> [T]) -> [T] {
        condition.lock()
        defer { condition.unlock() }
        let myGeneration = generation
        contributions[rank] = buffer
        arrived += 1
        if arrived == size {
            result = combine(contributions.map { $0 as? [T] ?? [] })
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == myGeneration { condition.wait() }
        }
        return result as? [T] ?? []
    }

    /// The element-wise sum of the parts, in rank order.
    fileprivate static func sum<T: AdditiveArithmetic>(_ parts: [[T]]) -> [T] {
        var total = parts[0]
        for part in parts.dropFirst() { for i in total.indices { total[i] += part[i] } }
        return total
    }

    private final class Member: Collectives {
        let group: InProcessGroup
        let rank: Int
        init(group: InProcessGroup, rank: Int) {
            self.group = group
            self.rank = rank
        }
        var size: Int { group.size }
        func broadcast(_ buffer: inout [Float], root: Int) throws {
            buffer = group.exchange(rank, buffer) { $0[root] }
        }
        func allreduceSum(_ buffer: inout [Float]) throws {
            buffer = group.exchange(rank, buffer, combine: InProcessGroup.sum)
        }
        func allreduceSum(_ buffer: inout [Double]) throws {
            buffer = group.exchange(rank, buffer, combine: InProcessGroup.sum)
        }
        func barrier() throws { _ = group.exchange(rank, [Float]()) { _ in [] } }
        func abort(_ message: String, code: Int32) -> Never {
            FileHandle.standardError.write(Data("rank \(rank): \(message)\n".utf8))
            exit(code)
        }
    }
}
