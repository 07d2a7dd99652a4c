import Foundation
import NeuralNet

/// How well a segmenter and the discriminator do on one split of a segmentation dataset:
/// Dice and IoU per scan over its nodule slices, and the discriminator's slice-level
/// sensitivity (nodule slices it flags) and specificity (nodule-free slices it leaves). When
/// the set carries lung search regions, probabilities outside them count as 0, as in `screen`.
public struct SegmenterEvaluation: Sendable {
    /// One scan's figures.
    public struct Scan: Sendable, Equatable {
        public var seriesUID: String
        /// Slices with nodule pixels, and without.
        public var noduleSlices: Int
        public var otherSlices: Int
        /// Pooled over the scan's nodule slices.
        public var dice: Double
        public var intersectionOverUnion: Double
    }

    /// Per scan, in order of first appearance.
    public var scans: [Scan]
    /// Dice and IoU pooled over every nodule slice of the split.
    public var dice: Double
    public var intersectionOverUnion: Double
    /// The discriminator on the split's slices, nodule slices positive.
    public var discriminator: BinaryConfusion
    /// The pixel threshold of the Dice and the discriminator's threshold.
    public var pixelThreshold: Float
    public var discriminatorThreshold: Float

    /// Mean of the per-scan Dice.
    public var meanScanDice: Double { scans.isEmpty ? 0 : scans.map(\.dice).reduce(0, +) / Double(scans.count) }

    /// Runs `segmenter` over every slice of `reader` (dropout off).
    public init(segmenter: Segmenter, reader: SegmentationDatasetReader, pixelThreshold: Float = 0.5,
                discriminator: NoduleDiscriminator = .init(), batchSize: Int = 16) throws {
        let per = reader.size * reader.size
        var predictedBySeries: [String: [UInt8]] = [:], actualBySeries: [String: [UInt8]] = [:]
        var counts: [String: (nodule: Int, other: Int)] = [:], order: [String] = []
        var allPredicted: [UInt8] = [], allActual: [UInt8] = []
        var confusion = BinaryConfusion()
        for indices in TrainingLoop.batchIndices(count: reader.count, batchSize: batchSize, shuffleSeed: nil) {
            let (x, y) = try reader.batch(indices)
            var p = try segmenter.probabilities(x).scalars
            if let regions = reader.lungRegions {
                // As `screen` does: only the lungs (grown by the set's margin) are searched.
                for (b, i) in indices.enumerated() {
                    for q in 0..<per where regions[i * per + q] == 0 { p[b * per + q] = 0 }
                }
            }
            for (b, i) in indices.enumerated() {
                let uid = reader.seriesUIDs[i]
                let probs = p[(b * per)..<((b + 1) * per)]
                let truth = y.scalars[(b * per)..<((b + 1) * per)]
                let hasNodule = truth.contains { $0 > 0.5 }
                confusion.add(predicted: discriminator.isSuspicious(probs), actual: hasNodule)
                if counts[uid] == nil { order.append(uid) }
                counts[uid, default: (0, 0)].nodule += hasNodule ? 1 : 0
                counts[uid, default: (0, 0)].other += hasNodule ? 0 : 1
                guard hasNodule else { continue }
                let predicted = probs.map { $0 > pixelThreshold ? UInt8(1) : 0 }, actual = truth.map { $0 > 0.5 ? UInt8(1) : 0 }
                predictedBySeries[uid, default: []] += predicted
                actualBySeries[uid, default: []] += actual
                allPredicted += predicted
                allActual += actual
            }
        }
        scans = order.map { uid in
            let p = predictedBySeries[uid] ?? [], a = actualBySeries[uid] ?? []
            return Scan(seriesUID: uid, noduleSlices: counts[uid]?.nodule ?? 0, otherSlices: counts[uid]?.other ?? 0,
                        dice: OverlapMetrics.dice(p, a), intersectionOverUnion: OverlapMetrics.intersectionOverUnion(p, a))
        }
        dice = OverlapMetrics.dice(allPredicted, allActual)
        intersectionOverUnion = OverlapMetrics.intersectionOverUnion(allPredicted, allActual)
        self.discriminator = confusion
        self.pixelThreshold = pixelThreshold
        discriminatorThreshold = discriminator.threshold
    }
}
