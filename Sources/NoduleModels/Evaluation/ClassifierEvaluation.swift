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
    /// Patient-level figures.
    public var patients: [Patient]
    public var patientReport: ClassificationReport
    public var patientROC: ROCCurve

    /// Runs `classifier` over the distinct samples of `reader`.
    public init(classifier: Classifier, reader: ClassificationDatasetReader, model: String) throws {
        let all = try classifier.malignancyProbabilities(reader)
        var seen = Set<String>(), scores: [Double] = [], samples: [ClassificationSample] = []
        for (i, s) in reader.samples.enumerated() where seen.insert("\(s.pairsFile)#\(s.row)").inserted {
            scores.append(all[i])
            samples.append(s)
        }
        self.init(model: model, scores: scores, labels: samples.map(\.label), patients: samples.map(\.patient))
        self.samples = samples
    }

    /// Figures from scores and labels already computed; `patients[i]` names sample i's patient.
    public init(model: String, scores: [Double], labels: [NoduleClass], patients patientOf: [String]) {
        self.model = model
        self.scores = scores
        self.labels = labels
        slices = ClassificationReport(predicted: scores.map { $0 > 0.5 ? 1 : 0 }, actual: labels.map(\.rawValue))
        sliceROC = ROCCurve(scores: scores, labels: labels.map { $0 == .malignant })
        var order: [String] = [], sums: [String: (Double, Int, NoduleClass)] = [:]
        for (i, p) in patientOf.enumerated() {
            if sums[p] == nil { order.append(p) }
            let current = sums[p] ?? (0, 0, labels[i])
            sums[p] = (current.0 + scores[i], current.1 + 1, current.2)
        }
        patients = order.compactMap { p in
            sums[p].map { Patient(patient: p, label: $0.2, slices: $0.1, malignancy: $0.0 / Double(max(1, $0.1))) }
        }
        patientReport = ClassificationReport(predicted: patients.map { $0.malignancy > 0.5 ? 1 : 0 }, actual: patients.map(\.label.rawValue))
        patientROC = ROCCurve(scores: patients.map(\.malignancy), labels: patients.map { $0.label == .malignant })
    }
}
