import Annotations
import Dispatch
import NeuralNet

/// How a training loop spreads its work over a group of ranks (synchronous data parallelism):
/// every rank holds the whole model; each global batch of the epoch's seeded order is cut
/// into disjoint per-rank shards; each rank's gradient is scaled by its share of the global
/// batch (n_r / g) and the gradients are summed by allreduce, so every rank takes the same
/// Adam step as one process would on the whole batch.
struct DataParallel {
    let collectives: Collectives
    /// Time spent in the gradient allreduce, waiting for the slowest rank before it, and the
    /// number of steps.
    final class Timing {
        var seconds = 0.0
        var waitSeconds = 0.0
        var steps = 0
    }
    let timing = Timing()

    init(collectives: Collectives) {
        self.collectives = collectives
    }
    /// Scalars per allreduce or broadcast message (4 Mi floats, 16 MB): a few large messages
    /// instead of one per tensor, and a bounded staging buffer.
    static let bucketScalars = 1 << 22

    var rank: Int { collectives.rank }
    var size: Int { collectives.size }

    /// This rank's shard of a global batch: its positions rank·perRank ..< (rank+1)·perRank
    /// (empty when the batch is shorter). The shards of all ranks are the batch, in order.
    func shard(_ global: [Int], perRank: Int) -> [Int] {
        let start = min(global.count, rank * perRank), end = min(global.count, start + perRank)
        return Array(global[start..<end])
    }

    /// Copies rank 0's weights to every rank.
    func broadcastParameters(_ network: Layer) throws {
        try forEachBucket(network.parameters.map(\.parameter), values: true) { bucket in
            try collectives.broadcast(&bucket, root: 0)
        }
    }

    /// Sums every parameter's gradient over the ranks, in buckets; `extra` (e.g. the batch's
    /// loss sum) is summed too, in Double.
    func allreduceGradients(_ network: Layer, extra: inout [Double]) throws {
        // The barrier separates waiting for a slower rank from moving the gradients.
        let arrived = DispatchTime.now().uptimeNanoseconds
        try collectives.barrier()
        let started = DispatchTime.now().uptimeNanoseconds
        timing.waitSeconds += Double(started - arrived) / 1e9
        let params = network.parameters.map(\.parameter)
        try forEachBucket(params, values: false) { bucket in try collectives.allreduceSum(&bucket) }
        try collectives.allreduceSum(&extra)
        timing.seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        timing.steps += 1
    }

    /// Runs `exchange` on consecutive chunks of the concatenated values (or gradients) of
    /// `params`, writing each exchanged chunk back in place.
    private func forEachBucket(_ params: [Parameter], values: Bool, _ exchange: (inout [Float]) throws -> Void) throws {
        let total = params.reduce(0) { $0 + $1.value.count }
        var bucket = [Float]()
        var start = 0
        while start < total {
            let end = min(total, start + Self.bucketScalars)
            bucket.removeAll(keepingCapacity: true)
            visit(params, start, end) { p, range in
                bucket += values ? p.value.scalars[range] : p.gradient.scalars[range]
            }
            try exchange(&bucket)
            var offset = 0
            visit(params, start, end) { p, range in
                let part = bucket[offset..<(offset + range.count)]
                if values { p.value.scalars.replaceSubrange(range, with: part) } else { p.gradient.scalars.replaceSubrange(range, with: part) }
                offset += range.count
            }
            start = end
        }
    }

    /// Calls `body` with each parameter's index range that lies in the flat range start..<end.
    private func visit(_ params: [Parameter], _ start: Int, _ end: Int, _ body: (Parameter, Range<Int>) -> Void) {
        var base = 0
        for p in params {
            let count = p.value.count
            let lo = max(start, base), hi = min(end, base + count)
            if lo < hi { body(p, (lo - base)..<(hi - base)) }
            base += count
            if base >= end { break }
        }
    }

    /// Throws on every rank, naming the ranks whose data differs from rank 0's, unless all
    /// ranks' fingerprints (split name → fingerprint) are equal: a node with a stale copy of
    /// the dataset is refused before it trains on it.
    func checkFingerprints(_ fingerprints: [String: String], path: String) throws {
        var hash = FNV1a()
        for key in fingerprints.keys.sorted() {
            for byte in (key + "=" + (fingerprints[key] ?? "")).utf8 { hash.add(UInt64(byte)) }
        }
        // Four 16-bit pieces: each is exact in a Float.
        let mine = (0..<4).map { Float((hash.value >> (16 * UInt64($0))) & 0xFFFF) }
        var root = mine
        try collectives.broadcast(&root, root: 0)
        var differs = [Float](repeating: 0, count: size)
        if root != mine { differs[rank] = 1 }
        try collectives.allreduceSum(&differs)
        let ranks = differs.indices.filter { differs[$0] != 0 }
        guard ranks.isEmpty else {
            throw NoduleModelsError.invalidTraining(
                path: path,
                reason: "the dataset on rank\(ranks.count > 1 ? "s" : "") \(ranks.map(String.init).joined(separator: ", ")) differs from rank 0's (fingerprints \(fingerprints.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) here); give every rank the same copy")
        }
    }

    /// Every Dropout layer of `layer`'s tree, in execution order.
    static func dropoutLayers(_ layer: Layer) -> [Dropout] {
        switch layer {
        case let s as Sequential: return s.layers.flatMap(dropoutLayers)
        case let s as SkipConnection: return dropoutLayers(s.inner)
        case let d as Dropout: return [d]
        default: return []
        }
    }

    /// The key of a sample's dropout mask and augmentation draw: the same for a sample in a
    /// given epoch whatever rank or batch position holds it.
    static func sampleKey(epoch: Int, index: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: epoch) << 32 | UInt64(truncatingIfNeeded: index)
    }
}
