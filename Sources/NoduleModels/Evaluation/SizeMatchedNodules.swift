import Annotations
import Foundation

/// Malignant and benign nodules paired by diameter, so that figures on the pairs cannot be
/// won by size alone: where malignant nodules are larger (as LIDC's are), a classifier that
/// only learned size ranks each pair no better than chance.
///
/// Pairing is greedy and deterministic: among every malignant/benign pair whose diameters
/// differ by at most `relativeTolerance` of their mean, the closest pair is taken first
/// (ties by key), and each nodule is used once. Nodules without a diameter stay out.
public struct SizeMatchedNodules: Sendable, Equatable {
    /// One matched pair, by nodule key (`ClassificationSample.noduleKey`).
    public struct Pair: Sendable, Equatable {
        public var malignant: String
        public var benign: String
        public var malignantDiameterMM: Double
        public var benignDiameterMM: Double
    }

    /// The default tolerance: diameters within 25 % of their mean.
    public static let defaultRelativeTolerance = 0.25

    public let pairs: [Pair]
    public let relativeTolerance: Double
    /// How many nodules of each class had a diameter to match on.
    public let malignantCandidates: Int
    public let benignCandidates: Int

    /// Every nodule key of the pairs.
    public var keys: Set<String> { Set(pairs.flatMap { [$0.malignant, $0.benign] }) }

    /// Pairs the nodules of `labels` by their `diameters` (mm; keys missing there are left out).
    public init(labels: [String: NoduleClass], diameters: [String: Double],
                relativeTolerance: Double = SizeMatchedNodules.defaultRelativeTolerance) {
        self.relativeTolerance = relativeTolerance
        let usable = labels.filter { diameters[$0.key].map { $0.isFinite && $0 > 0 } ?? false }
        let malignant = usable.filter { $0.value == .malignant }.keys.sorted()
        let benign = usable.filter { $0.value == .benign }.keys.sorted()
        malignantCandidates = malignant.count
        benignCandidates = benign.count
        var candidates: [(difference: Double, malignant: String, benign: String)] = []
        for m in malignant {
            for b in benign {
                let dm = diameters[m] ?? 0, db = diameters[b] ?? 0
                let difference = abs(dm - db) / ((dm + db) / 2)
                if difference <= relativeTolerance { candidates.append((difference, m, b)) }
            }
        }
        candidates.sort { ($0.difference, $0.malignant, $0.benign) < ($1.difference, $1.malignant, $1.benign) }
        var used = Set<String>(), pairs: [Pair] = []
        for c in candidates where !used.contains(c.malignant) && !used.contains(c.benign) {
            used.insert(c.malignant)
            used.insert(c.benign)
            pairs.append(Pair(malignant: c.malignant, benign: c.benign,
                              malignantDiameterMM: diameters[c.malignant] ?? 0, benignDiameterMM: diameters[c.benign] ?? 0))
        }
        self.pairs = pairs
    }

    /// Pairs the annotated nodules that `samples` cross, each judged by its own label where
    /// known (`noduleTruth`), with diameters from the annotations the set was built with
    /// (nodule n of a scan is its n-th row in `annotations`, as the dataset counts them).
    public init(samples: [ClassificationSample], annotations: [NoduleAnnotation],
                relativeTolerance: Double = SizeMatchedNodules.defaultRelativeTolerance) {
        let bySeries = Dictionary(grouping: annotations, by: \.seriesUID)
        var labels: [String: NoduleClass] = [:], diameters: [String: Double] = [:]
        for s in samples {
            guard let n = s.nodule, n > 0 else { continue }
            labels[s.noduleKey] = labels[s.noduleKey] ?? s.noduleTruth
            if let rows = bySeries[s.seriesUID], n <= rows.count, let d = rows[n - 1].diameterMM { diameters[s.noduleKey] = d }
        }
        self.init(labels: labels, diameters: diameters, relativeTolerance: relativeTolerance)
    }

    /// One line for a terminal or a report.
    public var summary: String {
        String(format: "size-matched nodules: %d pairs within %.0f %% of their mean diameter (of %d malignant and %d benign nodules with a diameter)",
               pairs.count, relativeTolerance * 100, malignantCandidates, benignCandidates)
    }
}

extension ClassificationSample {
    /// The key of the annotated nodule the sample crosses (series UID and 1-based row).
    public var noduleKey: String { "\(seriesUID)#\(nodule ?? 0)" }
}

extension ClassifierEvaluation {
    /// Sets `sizeMatchedNodules` and its ROC: the per-nodule figures on the matched nodules only.
    public mutating func judgeSizeMatched(_ matched: SizeMatchedNodules) {
        let keys = matched.keys
        let chosen = samples.indices.filter { samples[$0].onNodule == true && keys.contains(samples[$0].noduleKey) }
        let means = Self.groupMeans(keys: chosen.map { samples[$0].noduleKey }, scores: chosen.map { scores[$0] },
                                    labels: chosen.map { samples[$0].noduleTruth })
        guard !means.isEmpty else { sizeMatchedNodules = nil; sizeMatchedNoduleROC = nil; return }
        sizeMatchedNodules = ClassificationReport(predicted: means.map { $0.mean > 0.5 ? 1 : 0 }, actual: means.map(\.label.rawValue))
        sizeMatchedNoduleROC = ROCCurve(scores: means.map(\.mean), labels: means.map { $0.label == .malignant })
    }
}
