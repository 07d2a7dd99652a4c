import Annotations
import Foundation
import ImagingCore
import NeuralNet

/// The classifier's view of each 3-D nodule: on every slice the nodule covers, the pair
/// centred on the nodule's own centre there, not on the slice's most probable pixel (on a
/// canvas larger than the pairs, that pixel may belong to another finding of the slice).
enum NoduleCentredPairs {
    /// Each labelled region's centre (mean i, j of its voxels) on each slice it covers, in
    /// canvas pixels: `[label: [k: point]]`.
    static func centres(of mask: Volume<UInt8>, window: SliceWindow) -> [Int: [Int: (x: Double, y: Double)]] {
        let s = mask.size
        var sums: [Int: [Int: (i: Double, j: Double, n: Double)]] = [:]
        mask.withUnsafeVoxels { v in
            for k in 0..<s.k {
                for j in 0..<s.j {
                    let row = (k * s.j + j) * s.i
                    for i in 0..<s.i where v[row + i] != 0 {
                        let label = Int(v[row + i])
                        let c = sums[label, default: [:]][k] ?? (0, 0, 0)
                        sums[label, default: [:]][k] = (c.i + Double(i), c.j + Double(j), c.n + 1)
                    }
                }
            }
        }
        return sums.mapValues { perSlice in
            perSlice.mapValues { c in window.canvasPoint(i: c.i / c.n, j: c.j / c.n) }
        }
    }

    /// Mean malignant probability per nodule label over its slices' nodule-centred pairs.
    static func malignancy(of nodules: [ScreenedNodule], mask: Volume<UInt8>, screened: ScreenedScan,
                           classifier: Classifier, batchSize: Int = 16) throws -> [Int: Double] {
        let centres = centres(of: mask, window: screened.window)
        var jobs: [(label: Int, slice: Int, point: (x: Double, y: Double))] = []
        for n in nodules {
            for (k, point) in (centres[n.label] ?? [:]).sorted(by: { $0.key < $1.key }) { jobs.append((n.label, k, point)) }
        }
        var sums: [Int: (total: Double, count: Int)] = [:]
        for start in stride(from: 0, to: jobs.count, by: batchSize) {
            let batch = jobs[start..<min(start + batchSize, jobs.count)]
            let inputs = try Tensor(shape: [batch.count, 2, screened.pairSize, screened.pairSize],
                                    scalars: batch.flatMap { screened.pair(slice: $0.slice, centredAt: $0.point) })
            let p = try classifier.probabilities(inputs)
            for (b, job) in batch.enumerated() {
                let c = sums[job.label] ?? (0, 0)
                sums[job.label] = (c.total + Double(p.scalars[b * classifier.classCount + 1]), c.count + 1)
            }
        }
        return sums.mapValues { $0.total / Double($0.count) }
    }
}
