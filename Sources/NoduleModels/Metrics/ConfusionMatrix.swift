/// Counts of a binary decision against the truth, and the rates the paper reports.
public struct BinaryConfusion: Sendable, Equatable {
    public var truePositives = 0
    public var falsePositives = 0
    public var trueNegatives = 0
    public var falseNegatives = 0

    public init() {}

    /// Counts `predicted` against `actual`; extra elements of the longer array are ignored.
    public init(predicted: [Bool], actual: [Bool]) {
        for (p, a) in zip(predicted, actual) { add(predicted: p, actual: a) }
    }

    /// Adds one decision.
    public mutating func add(predicted: Bool, actual: Bool) {
        switch (predicted, actual) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, false): trueNegatives += 1
        case (false, true): falseNegatives += 1
        }
    }

    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

    /// TP / (TP + FP); 0 when nothing was predicted positive.
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    /// TP / (TP + FN), the sensitivity; 0 when there are no positives.
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    /// TN / (TN + FP).
    public var specificity: Double { ratio(trueNegatives, trueNegatives + falsePositives) }
    /// Harmonic mean of precision and recall.
    public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }
    /// (TP + TN) / total.
    public var accuracy: Double { ratio(truePositives + trueNegatives, total) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
}

/// The paper's table columns for a two-class classifier: precision, recall and F1
/// averaged over both classes (macro), and accuracy.
public struct ClassificationReport: Sendable, Equatable {
    /// Counts with class 1 (e.g. malignant) as positive.
    public var confusion: BinaryConfusion

    /// Builds the report from predicted and true classes (0 or 1).
    public init(predicted: [Int], actual: [Int]) {
        confusion = BinaryConfusion(predicted: predicted.map { $0 == 1 }, actual: actual.map { $0 == 1 })
    }

    /// The same counts seen with class 0 as positive.
    private var flipped: BinaryConfusion {
        var f = BinaryConfusion()
        f.truePositives = confusion.trueNegatives
        f.trueNegatives = confusion.truePositives
        f.falsePositives = confusion.falseNegatives
        f.falseNegatives = confusion.falsePositives
        return f
    }

    public var macroPrecision: Double { (confusion.precision + flipped.precision) / 2 }
    public var macroRecall: Double { (confusion.recall + flipped.recall) / 2 }
    public var macroF1: Double { (confusion.f1 + flipped.f1) / 2 }
    public var accuracy: Double { confusion.accuracy }
}
