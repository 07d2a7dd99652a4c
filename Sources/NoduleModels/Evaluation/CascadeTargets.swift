import Annotations
import Foundation

/// The cascade's accuracy targets on held-out scans, judged from the folders `evaluate`
/// writes (`segmenter/summary.csv`, `classifier/comparison.csv`, and when present
/// `screening/sensitivities.csv`), columns read by name. What `make test` passes or fails on.
public struct CascadeTargets: Sendable, Equatable {
    /// Pooled Dice over the test split's nodule slices must reach this.
    public var minimumDice = 0.7
    /// The discriminator's slice sensitivity (recall of nodule slices) must reach this.
    public var minimumSensitivity = 0.9
    /// The encoder's accuracy per annotated test nodule (as `screen` calls a nodule) must
    /// reach this; nil reports it beside the baselines without judging it.
    public var minimumNoduleAccuracy: Double? = 0.9

    public init() {}

    /// One judged figure.
    public struct Check: Sendable, Equatable {
        public var name: String
        public var value: Double
        public var minimum: Double
        public var passed: Bool { value >= minimum }
        /// "NAME VALUE >= MINIMUM ok" or "NAME VALUE < MINIMUM FAILED".
        public var line: String {
            passed ? "\(name) \(Self.format(value)) >= \(Self.format(minimum)) ok"
                   : "\(name) \(Self.format(value)) < \(Self.format(minimum)) FAILED"
        }
        static func format(_ v: Double) -> String { String(format: "%.3f", v) }
    }

    /// The judged checks and the printed-only context lines.
    public struct Outcome: Sendable, Equatable {
        public var checks: [Check]
        public var notes: [String]
        public var passedCount: Int { checks.filter(\.passed).count }
        public var failedCount: Int { checks.count - passedCount }
        public var passed: Bool { failedCount == 0 }
    }

    /// Judges the evaluation folder (with `segmenter/`, `classifier/` and optionally `screening/`).
    public func judge(evaluationFolder folder: URL) throws -> Outcome {
        let segmenter = try Self.table(folder, "segmenter/summary.csv")
        let classifier = try Self.table(folder, "classifier/comparison.csv")
        guard let summary = segmenter.rows.first else {
            throw NoduleModelsError.invalidDataset(path: segmenter.source, reason: "no row of figures")
        }
        let dice = try segmenter.double(summary, segmenter.column("dice"))
        let sensitivity = try segmenter.double(summary, segmenter.column("sensitivity"))
        let comparison = try ComparisonTable(classifier)
        var checks = [
            Check(name: "segmenter Dice on test nodule slices", value: dice, minimum: minimumDice),
            Check(name: "discriminator slice sensitivity", value: sensitivity, minimum: minimumSensitivity),
        ]
        let noduleAccuracy = try comparison.value("encoder", "nodules", "accuracy")
        var notes: [String] = []
        if let minimumNoduleAccuracy {
            checks.append(Check(name: "classifier accuracy per test nodule", value: noduleAccuracy, minimum: minimumNoduleAccuracy))
        } else {
            notes.append("(classifier accuracy per test nodule \(Check.format(noduleAccuracy)): reported, not judged)")
        }
        let levels = ["nodule-slices": "on test slices crossing a nodule", "slices": "on every screened test slice", "patients": "per patient"]
        notes.append("(classifier accuracy " + ["nodule-slices", "slices", "patients"].compactMap { l in
            comparison.optional("encoder", l, "accuracy").map { "\(levels[l] ?? l) \(Check.format($0))" }
        }.joined(separator: ", ") + ")")
        for level in ["nodules", "slices"] {
            let models = ["encoder", "diameter-rule", "max-intensity-rule"]
            let auc = models.compactMap { m in comparison.optional(m, level, "auc").map { "\(m) \(Check.format($0))" } }
            let accuracy = models.compactMap { m in comparison.optional(m, level, "accuracy").map { "\(m) \(Check.format($0))" } }
            notes.append("(per-\(level) AUC: \(auc.joined(separator: ", ")); accuracy: \(accuracy.joined(separator: ", ")))")
            if let network = comparison.optional("encoder", level, "auc"), let rule = comparison.optional("diameter-rule", level, "auc"),
               network <= rule {
                notes.append("(per-\(level): the encoder does not beat the diameter rule on AUC)")
            }
        }
        let froc = folder.appendingPathComponent("screening/sensitivities.csv")
        if FileManager.default.fileExists(atPath: froc.path) {
            let t = try CSVTable(contentsOf: froc)
            let k = try t.column("fp_per_scan"), v = try t.column("sensitivity")
            let figure = { (name: String) in
                t.rows.first { $0.fields[k] == name }.map { Double($0.fields[v]).map(Check.format) ?? $0.fields[v] } ?? "—"
            }
            notes.append("(FROC on the test scans: CPM \(figure("cpm")), sensitivity at 1 false positive per scan \(figure("1.0")))")
        }
        return Outcome(checks: checks, notes: notes)
    }

    static func table(_ folder: URL, _ path: String) throws -> CSVTable {
        let url = folder.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw NoduleModelsError.invalidDataset(path: url.path, reason: "missing: run `nodulekit evaluate` with --output first")
        }
        return try CSVTable(contentsOf: url)
    }
}

/// `evaluate classifier`'s comparison.csv: one row per model and level, figures by column name.
struct ComparisonTable {
    let table: CSVTable
    let model: Int, level: Int

    init(_ table: CSVTable) throws {
        self.table = table
        model = try table.column("model")
        level = try table.column("level")
    }

    /// The figure, or nil when the row or column is absent or not a number.
    func optional(_ model: String, _ level: String, _ column: String) -> Double? {
        try? value(model, level, column)
    }

    func value(_ model: String, _ level: String, _ column: String) throws -> Double {
        let c = try table.column(column)
        guard let row = table.rows.first(where: { $0.fields[self.model] == model && $0.fields[self.level] == level }) else {
            throw NoduleModelsError.invalidDataset(path: table.source, reason: "no row for model \(model) at level \(level)")
        }
        return try table.double(row, c)
    }
}
