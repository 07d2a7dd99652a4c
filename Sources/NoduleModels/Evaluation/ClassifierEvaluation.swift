import Foundation

/// How well a classifier does on one split of a classification dataset, slice by slice
/// (the paper's tables) and patient by patient (each patient's mean malignancy over its
/// slices), with the ROC curve of each.
public struct ClassifierEvaluation: Sendable {
    /// One patient's aggregate.
    public struct Patient: Sendable, Equatable {
        public var patient: String
        public var label: NoduleClass
        public var slices: Int
        /// Mean malignant probability over the patient's slices.
        public var malignancy: Double
    }

    /// The model's name (for tables).
    public var model: String
    /// Malignant probability of every distinct sample (copies counted once).
    public var scores: [Double]
    /// The samples scored, in the order of `scores` (empty when built from scores alone).
    public var samples: [ClassificationSample] = []
    public var labels: [NoduleClass]
    /// Slice-level precision, recall, F1 (macro) and accuracy at 0.5.
    public var slices: ClassificationReport
    public var sliceROC: ROCCurve
    /// The same on the slices that cross an annotated nodule (nil without annotations): the
    /// classifier judged on nodules, apart from the discriminator's false positives, whose
    /// only label is their patient's. A nodule is judged by its own label where the samples
    /// carry one (`ClassificationDatasetReader.applyNoduleLabels`), else by its patient's.
    public var noduleSlices: ClassificationReport?
    public var noduleSliceROC: ROCCurve?
    /// Per annotated nodule (its slices' mean malignancy), nil without annotations: the
    /// cascade's call on each nodule, as `screen` makes it.
    public var nodules: ClassificationReport?
    public var noduleROC: ROCCurve?
    /// Per nodule on the size-matched nodules only (`judgeSizeMatched`), nil until judged.
    public var sizeMatchedNodules: ClassificationReport?
    public var sizeMatchedNoduleROC: ROCCurve?
    /// Patient-level figures.
    public var patients: [Patient]
    public var patientReport: ClassificationReport
    public var patientROC: ROCCurve

    /// Runs `classifier` over the distinct samples of `reader`.
    public init(classifier: Classifier, reader: ClassificationDatasetReader, model: String) throws {
        self.init(model: model, scoresOfServedPairs: try classifier.malignancyProbabilities(reader), reader: reader)
    }

    /// Figures from scores already computed for `samples` (one score each, copies once).
    public init(model: String, scores: [Double], samples: [ClassificationSample]) {
        self.init(model: model, scores: scores, labels: samples.map(\.label), patients: samples.map(\.patient))
        self.samples = samples
        let onNodule = samples.indices.filter { samples[$0].onNodule == true }
        if samples.contains(where: { $0.onNodule != nil }) {
            noduleSlices = ClassificationReport(predicted: onNodule.map { scores[$0] > 0.5 ? 1 : 0 },
                                                actual: onNodule.map { samples[$0].noduleTruth.rawValue })
            noduleSliceROC = ROCCurve(scores: onNodule.map { scores[$0] }, labels: onNodule.map { samples[$0].noduleTruth == .malignant })
            let means = Self.groupMeans(keys: onNodule.map { samples[$0].noduleKey },
                                        scores: onNodule.map { scores[$0] }, labels: onNodule.map { samples[$0].noduleTruth })
            nodules = ClassificationReport(predicted: means.map { $0.mean > 0.5 ? 1 : 0 }, actual: means.map(\.label.rawValue))
            noduleROC = ROCCurve(scores: means.map(\.mean), labels: means.map { $0.label == .malignant })
        }
    }

    /// Figures from scores and labels already computed; `patients[i]` names sample i's patient.
    public init(model: String, scores: [Double], labels: [NoduleClass], patients patientOf: [String]) {
        self.model = model
        self.scores = scores
        self.labels = labels
        slices = ClassificationReport(predicted: scores.map { $0 > 0.5 ? 1 : 0 }, actual: labels.map(\.rawValue))
        sliceROC = ROCCurve(scores: scores, labels: labels.map { $0 == .malignant })
        patients = Self.groupMeans(keys: patientOf, scores: scores, labels: labels).map {
            Patient(patient: $0.key, label: $0.label, slices: $0.count, malignancy: $0.mean)
        }
        patientReport = ClassificationReport(predicted: patients.map { $0.malignancy > 0.5 ? 1 : 0 }, actual: patients.map(\.label.rawValue))
        patientROC = ROCCurve(scores: patients.map(\.malignancy), labels: patients.map { $0.label == .malignant })
    }

    /// Mean score per key, keys in order of first appearance, with the first label seen.
    static func groupMeans(keys: [String], scores: [Double], labels: [NoduleClass])
        -> [(key: String, mean: Double, count: Int, label: NoduleClass)] {
        var order: [String] = [], sums: [String: (total: Double, count: Int, label: NoduleClass)] = [:]
        for (i, key) in keys.enumerated() {
            if sums[key] == nil { order.append(key) }
            let current = sums[key] ?? (0, 0, labels[i])
            sums[key] = (current.total + scores[i], current.count + 1, current.label)
        }
        return order.compactMap { key in sums[key].map { (key, $0.total / Double(max(1, $0.count)), $0.count, $0.label) } }
    }
}
