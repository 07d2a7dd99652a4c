import Foundation

/// A baseline that looks at one number of each screened pair, not at its pixels: what a
/// classifier must beat to show it learned more than size or density. The number goes
/// through a logistic regression fitted on the training split (so its 0.5 cut is a
/// threshold on the number, fitted there), and scores every pair of another split.
public struct FeatureBaseline: Sendable, Equatable {
    /// The number read from a pair (x̂ the windowed slice, ŷ the segmenter's probabilities).
    public enum Feature: String, Sendable, CaseIterable {
        /// Diameter in pixels of the disc whose area is the segmented area (ŷ > 0.5): size.
        case segmentedDiameter = "diameter-rule"
        /// The brightest windowed value inside the segmented area: density (calcification).
        case maximumIntensity = "max-intensity-rule"
    }

    public let feature: Feature
    /// p(malignant) = σ(weight · (f − mean) / deviation + bias).
    public let weight: Double
    public let bias: Double
    public let mean: Double
    public let deviation: Double

    /// The feature value where the fitted probability crosses 0.5.
    public var threshold: Double { weight == 0 ? .infinity : mean - bias * deviation / weight }

    /// Fits the regression on every pair `reader` serves (oversampled copies included, as
    /// the networks train on them), by Newton's method with a small ridge so separable
    /// classes still converge.
    public static func fit(_ feature: Feature, on reader: ClassificationDatasetReader) throws -> FeatureBaseline {
        let values = try featureValues(feature, reader)
        let labels = reader.samples.map { $0.label == .malignant ? 1.0 : 0.0 }
        let mean = values.reduce(0, +) / Double(max(1, values.count))
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, values.count))
        let deviation = max(variance.squareRoot(), 1e-9)
        let z = values.map { ($0 - mean) / deviation }
        var w = 0.0, b = 0.0
        let ridge = 1e-3 * Double(max(1, z.count))
        for _ in 0..<50 {
            var gw = ridge * w, gb = 0.0, hww = ridge, hwb = 0.0, hbb = 1e-9
            for (x, y) in zip(z, labels) {
                let p = 1 / (1 + exp(-(w * x + b)))
                gw += (p - y) * x
                gb += p - y
                let s = p * (1 - p)
                hww += s * x * x
                hwb += s * x
                hbb += s
            }
            let det = hww * hbb - hwb * hwb
            guard det.isFinite, abs(det) > 1e-12 else { break }
            let dw = (hbb * gw - hwb * gb) / det, db = (hww * gb - hwb * gw) / det
            w -= dw
            b -= db
            if abs(dw) + abs(db) < 1e-10 { break }
        }
        return FeatureBaseline(feature: feature, weight: w, bias: b, mean: mean, deviation: deviation)
    }

    /// Malignant probability of every pair `reader` serves, in its order.
    public func scores(_ reader: ClassificationDatasetReader) throws -> [Double] {
        try Self.featureValues(feature, reader).map { 1 / (1 + exp(-(weight * ($0 - mean) / deviation + bias))) }
    }

    /// The feature of every pair `reader` serves.
    public static func featureValues(_ feature: Feature, _ reader: ClassificationDatasetReader) throws -> [Double] {
        guard reader.channels == 2 else {
            throw NoduleModelsError.invalidDataset(path: reader.split.rawValue,
                                                   reason: "baselines read pairs of 2 channels (slice, probabilities), found \(reader.channels)")
        }
        let per = reader.size * reader.size
        var out: [Double] = []
        out.reserveCapacity(reader.count)
        for i in 0..<reader.count {
            let pair = try reader.batch([i]).inputs.scalars
            var area = 0, brightest: Float = 0
            for p in 0..<per where pair[per + p] > 0.5 {
                area += 1
                brightest = max(brightest, pair[p])
            }
            switch feature {
            case .segmentedDiameter: out.append(2 * (Double(area) / Double.pi).squareRoot())
            case .maximumIntensity: out.append(Double(brightest))
            }
        }
        return out
    }
}

extension ClassifierEvaluation {
    /// Figures from a score for every pair `reader` serves (copies are counted once).
    public init(model: String, scoresOfServedPairs all: [Double], reader: ClassificationDatasetReader) {
        var seen = Set<String>(), scores: [Double] = [], samples: [ClassificationSample] = []
        for (i, s) in reader.samples.enumerated() where seen.insert("\(s.pairsFile)#\(s.row)").inserted {
            scores.append(all[i])
            samples.append(s)
        }
        self.init(model: model, scores: scores, samples: samples)
    }
}
