/// A receiver operating characteristic curve: true-positive rate against false-positive
/// rate as the decision threshold falls through every score.
public struct ROCCurve: Sendable, Equatable {
    /// One operating point.
    public struct Point: Sendable, Equatable {
        public var threshold: Double
        public var falsePositiveRate: Double
        public var truePositiveRate: Double
    }

    /// Points from (0, 0) to (1, 1), one per distinct score (tied scores move together).
    public var points: [Point]

    /// Builds the curve from scores (higher = more likely positive) and true labels.
    public init(scores: [Double], labels: [Bool]) {
        let pairs = zip(scores, labels).sorted { $0.0 > $1.0 }
        let positives = Double(pairs.filter(\.1).count), negatives = Double(pairs.count) - positives
        var tp = 0.0, fp = 0.0
        var out = [Point(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        var n = 0
        while n < pairs.count {
            let score = pairs[n].0
            while n < pairs.count && pairs[n].0 == score {
                if pairs[n].1 { tp += 1 } else { fp += 1 }
                n += 1
            }
            out.append(Point(threshold: score, falsePositiveRate: negatives > 0 ? fp / negatives : 0,
                             truePositiveRate: positives > 0 ? tp / positives : 0))
        }
        points = out
    }

    /// Area under the curve by the trapezoid rule (equal to the probability that a random
    /// positive scores above a random negative, ties counting half). NaN when either class
    /// is absent.
    public var area: Double {
        guard let last = points.last, last.falsePositiveRate > 0 || last.truePositiveRate > 0 else { return .nan }
        guard last.falsePositiveRate == 1, last.truePositiveRate == 1 else { return .nan }
        var sum = 0.0
        for (a, b) in zip(points, points.dropFirst()) {
            sum += (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
        }
        return sum
    }
}
