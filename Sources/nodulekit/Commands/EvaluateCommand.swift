import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit evaluate …`: the paper's figures on a dataset split.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure trained models on a dataset split (the test split unless told otherwise).",
        subcommands: [EvaluateSegmenterCommand.self, EvaluateClassifierCommand.self, EvaluateScreeningCommand.self,
                      EvaluateTargetsCommand.self])
}

/// Options both evaluations share.
struct EvaluationArguments: ParsableArguments {
    @Option(help: "Dataset folder written by `nodulekit dataset`.") var dataset: String
    @Option(help: "A training run folder or its .safetensors file.") var checkpoint: String
    @Option(help: "train, validation or test.") var split = "test"
    @Option(help: "Folder for the tables and pictures (nothing is written without it).") var output: String?
    @Option(help: "Compute threads.") var threads = 2

    func validate() throws {
        guard DatasetSplit(rawValue: split) != nil else { throw ValidationError("--split must be train, validation or test") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    var datasetSplit: DatasetSplit { DatasetSplit(rawValue: split) ?? .test }

    func outputFolder() throws -> URL? {
        guard let output else { return nil }
        let url = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// `nodulekit evaluate segmenter`: Dice and IoU per scan, the discriminator's slice figures.
struct EvaluateSegmenterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segmenter",
        abstract: "Dice and IoU of a segmenter per scan (nodule slices), and the discriminator's slice sensitivity and specificity.",
        discussion: "With --output, writes OUTPUT/segmentation.csv (one row per scan) and OUTPUT/summary.csv (the split's figures).")

    @OptionGroup var arguments: EvaluationArguments
    @Option(help: "Probability above which a pixel counts as nodule.") var pixelThreshold: Float = 0.5
    @Option(help: "Discriminator threshold on a slice's highest probability.") var threshold: Float = NoduleDiscriminator.paperThreshold

    func validate() throws {
        guard pixelThreshold > 0, pixelThreshold < 1, threshold > 0, threshold < 1 else {
            throw ValidationError("--pixel-threshold and --threshold must be in (0, 1)")
        }
    }

    func run() throws {
        NeuralNetProcess.configure(threads: arguments.threads)
        let reader = try SegmentationDatasetReader(folder: URL(fileURLWithPath: arguments.dataset), split: arguments.datasetSplit)
        let segmenter = try ModelDescription.loadSegmenter(URL(fileURLWithPath: arguments.checkpoint))
        let e = try SegmenterEvaluation(segmenter: segmenter, reader: reader, pixelThreshold: pixelThreshold,
                                        discriminator: NoduleDiscriminator(threshold: threshold))
        print(SegmentationEvaluationText(e, split: arguments.split).text)
        if let folder = try arguments.outputFolder() {
            var csv = CSVWriter(header: ["seriesuid", "nodule_slices", "other_slices", "dice", "iou"])
            for s in e.scans {
                csv.append([s.seriesUID, String(s.noduleSlices), String(s.otherSlices), String(s.dice), String(s.intersectionOverUnion)])
            }
            try AtomicFile.write(Data(csv.text.utf8), to: folder.appendingPathComponent("segmentation.csv"))
            var summary = CSVWriter(header: ["scans", "dice", "iou", "mean_scan_dice", "sensitivity", "specificity", "threshold"])
            summary.append([String(e.scans.count), String(e.dice), String(e.intersectionOverUnion), String(e.meanScanDice),
                            String(e.discriminator.recall), String(e.discriminator.specificity), String(e.discriminatorThreshold)])
            try AtomicFile.write(Data(summary.text.utf8), to: folder.appendingPathComponent("summary.csv"))
        }
    }
}

/// The printed summary of a segmenter evaluation.
struct SegmentationEvaluationText {
    let text: String

    init(_ e: SegmenterEvaluation, split: String) {
        var lines = [String(format: "%@ split: %d scans; Dice %.3f, IoU %.3f (pooled over nodule slices), mean scan Dice %.3f",
                            split, e.scans.count, e.dice, e.intersectionOverUnion, e.meanScanDice)]
        let d = e.discriminator
        lines.append(String(format: "discriminator (> %.2f): sensitivity %.3f (%d of %d nodule slices), specificity %.3f (%d of %d other slices)",
                            e.discriminatorThreshold, d.recall, d.truePositives, d.truePositives + d.falseNegatives,
                            d.specificity, d.trueNegatives, d.trueNegatives + d.falsePositives))
        for s in e.scans {
            lines.append(String(format: "  %@  Dice %.3f  IoU %.3f  (%d nodule slices)", s.seriesUID, s.dice, s.intersectionOverUnion, s.noduleSlices))
        }
        text = lines.joined(separator: "\n")
    }
}

/// `nodulekit evaluate classifier`: the paper's table columns, ROC and confusion matrix.
struct EvaluateClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Precision, recall, F1 (macro) and accuracy, ROC AUC and the confusion matrix of classifiers, per slice and per patient.",
        discussion: """
            --compare adds more checkpoints, run on the same split, for a Table-1-style comparison; \
            --baselines adds rules on one number per pair (diameter-rule: the segmented area's \
            equivalent diameter; max-intensity-rule: its brightest value), each a logistic \
            regression fitted on the training split. \
            With --output, writes OUTPUT/comparison.csv, OUTPUT/comparison.md, OUTPUT/predictions.csv \
            (per slice, each model's malignant probability), OUTPUT/roc.png|svg \
            (slices) and OUTPUT/roc-patients.png|svg. \
            --annotations adds the level size-matched-nodules: the per-nodule figures on malignant and \
            benign nodules paired by diameter (OUTPUT/size-matched.csv lists the pairs), on which size \
            alone tells the classes apart far less well.
            """)

    @OptionGroup var arguments: EvaluationArguments
    @Option(parsing: .upToNextOption, help: "More checkpoints to compare on the same split.") var compare: [String] = []
    @Flag(help: "Add baselines that see one number per pair (segmented diameter, brightest value), fitted on the training split.")
    var baselines = false
    @Option(help: "CSV of each annotated nodule's own label (seriesuid,nodule,label; phantom's lesions.csv): judge the nodule rows by it, not by the patient's label.")
    var noduleLabels: String?
    @Option(help: "The annotations CSV the set was built with (LUNA16 columns): adds the size-matched nodules, each malignant nodule paired with a benign one of diameter within --size-tolerance of their mean.")
    var annotations: String?
    @Option(help: "With --annotations: how far two paired nodules' diameters may differ, as a fraction of their mean.")
    var sizeTolerance = SizeMatchedNodules.defaultRelativeTolerance

    func validate() throws {
        guard sizeTolerance >= 0, sizeTolerance.isFinite else { throw ValidationError("--size-tolerance must be a non-negative fraction") }
    }

    func run() throws {
        NeuralNetProcess.configure(threads: arguments.threads)
        var reader = try ClassificationDatasetReader(folder: URL(fileURLWithPath: arguments.dataset), split: arguments.datasetSplit)
        if let noduleLabels {
            let labels = try NoduleLabels(contentsOf: URL(fileURLWithPath: noduleLabels))
            let patientLabel = Dictionary(reader.samples.map { ($0.seriesUID, $0.label) }, uniquingKeysWith: { a, _ in a })
            let found = reader.applyNoduleLabels(labels)
            let unlike = Set(reader.samples.compactMap { s in s.noduleLabel.flatMap { $0 != s.label ? "\(s.seriesUID)#\(s.nodule ?? 0)" : nil } }).count
            print("nodule labels: \(found) nodules of the \(arguments.split) split labelled from \(noduleLabels), \(unlike) unlike their patient"
                  + " (\(labels.nodulesUnlikeTheirPatient { patientLabel[$0] }) in the whole file among this split's series)")
        }
        var evaluations: [ClassifierEvaluation] = []
        for path in [arguments.checkpoint] + compare {
            let (classifier, description) = try ModelDescription.loadClassifier(URL(fileURLWithPath: path))
            evaluations.append(try ClassifierEvaluation(classifier: classifier, reader: reader, model: description.name))
        }
        if baselines {
            let train = try ClassificationDatasetReader(folder: URL(fileURLWithPath: arguments.dataset), split: .train)
            for feature in FeatureBaseline.Feature.allCases {
                let rule = try FeatureBaseline.fit(feature, on: train)
                print(String(format: "%@: fitted on %d training pairs, malignant above %.3f", feature.rawValue, train.count, rule.threshold))
                evaluations.append(ClassifierEvaluation(model: feature.rawValue, scoresOfServedPairs: try rule.scores(reader), reader: reader))
            }
        }
        var matched: SizeMatchedNodules?
        if let annotations {
            let rows = try LUNA16CSV.readAnnotations(URL(fileURLWithPath: annotations))
            let m = SizeMatchedNodules(samples: evaluations.first?.samples ?? [], annotations: rows, relativeTolerance: sizeTolerance)
            for i in evaluations.indices { evaluations[i].judgeSizeMatched(m) }
            print(m.summary)
            matched = m
        }
        let table = ComparisonTable(evaluations)
        let coverage = try ClassificationCoverage(folder: URL(fileURLWithPath: arguments.dataset), split: arguments.datasetSplit)
        print("\(arguments.split) split: \(evaluations.first?.scores.count ?? 0) slices of \(evaluations.first?.patients.count ?? 0) patients")
        print(coverage.summary)
        print(table.markdown)
        for e in evaluations {
            let c = e.slices.confusion
            print("\(e.model) confusion (slices; rows true, columns predicted):")
            print("              benign  malignant")
            print(String(format: "  benign    %8d %10d", c.trueNegatives, c.falsePositives))
            print(String(format: "  malignant %8d %10d", c.falseNegatives, c.truePositives))
        }
        if let folder = try arguments.outputFolder() {
            try AtomicFile.write(Data(table.csv.utf8), to: folder.appendingPathComponent("comparison.csv"))
            try AtomicFile.write(Data((table.markdown + "\n" + coverage.summary + ".\n" + (matched.map { "\n" + $0.summary + ".\n" } ?? "")).utf8),
                                 to: folder.appendingPathComponent("comparison.md"))
            var coverageCSV = CSVWriter(header: ["patient", "screened"])
            for p in coverage.patients { coverageCSV.append([p, coverage.unscreened.contains(p) ? "0" : "1"]) }
            try AtomicFile.write(Data(coverageCSV.text.utf8), to: folder.appendingPathComponent("coverage.csv"))
            var predictions = CSVWriter(header: ["patient", "seriesuid", "slice", "label", "max_probability", "nodule", "nodule_label"]
                                        + evaluations.map(\.model))
            for (i, s) in (evaluations.first?.samples ?? []).enumerated() {
                predictions.append([s.patient, s.seriesUID, String(s.slice), s.label.name, String(s.maximumProbability),
                                    s.nodule.map(String.init) ?? "", s.noduleLabel?.name ?? ""]
                                   + evaluations.map { String($0.scores[i]) })
            }
            try AtomicFile.write(Data(predictions.text.utf8), to: folder.appendingPathComponent("predictions.csv"))
            if let matched {
                var pairs = CSVWriter(header: ["malignant_nodule", "malignant_diameter_mm", "benign_nodule", "benign_diameter_mm"])
                for p in matched.pairs {
                    pairs.append([p.malignant, String(format: "%.2f", p.malignantDiameterMM), p.benign, String(format: "%.2f", p.benignDiameterMM)])
                }
                try AtomicFile.write(Data(pairs.text.utf8), to: folder.appendingPathComponent("size-matched.csv"))
            }
            try ROCPicture.write(evaluations.map { ($0.model, $0.sliceROC) }, title: "ROC, \(arguments.split) slices",
                                 to: folder.appendingPathComponent("roc"))
            try ROCPicture.write(evaluations.map { ($0.model, $0.patientROC) }, title: "ROC, \(arguments.split) patients",
                                 to: folder.appendingPathComponent("roc-patients"))
        }
    }
}

/// Table 1 of the paper for any set of evaluated classifiers, as Markdown and CSV.
struct ComparisonTable {
    let rows: [[String]]
    static let header = ["model", "level", "precision", "recall", "f1", "accuracy", "auc"]

    init(_ evaluations: [ClassifierEvaluation]) {
        rows = evaluations.flatMap { e in
            var levels = [("slices", e.slices, e.sliceROC)]
            if let r = e.noduleSlices, let roc = e.noduleSliceROC { levels.append(("nodule-slices", r, roc)) }
            if let r = e.nodules, let roc = e.noduleROC { levels.append(("nodules", r, roc)) }
            if let r = e.sizeMatchedNodules, let roc = e.sizeMatchedNoduleROC { levels.append(("size-matched-nodules", r, roc)) }
            levels.append(("patients", e.patientReport, e.patientROC))
            return levels.map { level, r, roc in
                [e.model, level] + [r.macroPrecision, r.macroRecall, r.macroF1, r.accuracy, roc.area].map { String(format: "%.3f", $0) }
            }
        }
    }

    var markdown: String {
        let lines = ["| " + Self.header.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: Self.header.count)]
            + rows.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    var csv: String {
        var w = CSVWriter(header: Self.header)
        for r in rows { w.append(r) }
        return w.text
    }
}
