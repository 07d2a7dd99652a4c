/// One slice of a dataset for one machine: `--shard I/N` takes every N-th item starting
/// at the I-th (0-based), so N copies of a job (a Slurm array, a Kubernetes indexed job)
/// split a dataset with no coordination.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// This machine's index, 0 ≤ index < count.
    public var index: Int
    /// How many machines share the work.
    public var count: Int

    /// The whole dataset on one machine.
    public static let whole = Shard(uncheckedIndex: 0, count: 1)

    /// Parses `I/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw AnnotationError.badShard(text)
        }
        self.init(uncheckedIndex: i, count: n)
    }

    init(uncheckedIndex index: Int, count: Int) { self.index = index; self.count = count }

    /// Whether this shard is the whole dataset.
    public var isWhole: Bool { count == 1 }

    /// The items of `items` that fall to this shard (by position, in the given order).
    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}
