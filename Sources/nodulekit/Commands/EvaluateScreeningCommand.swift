import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit evaluate screening`: LUNA16's FROC of the cascade's 3-D findings on a split.
struct EvaluateScreeningCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screening",
        abstract: "Screen every scan of a segmentation set's split as `screen` does and score its 3-D findings against the annotations: LUNA16's FROC and CPM.",
        discussion: """
            --dataset is a `dataset segmentation` folder (its splits.csv names the split's scans), \
            --checkpoint the segmenter. A finding detects a nodule when its centre lies within the \
            nodule's radius; its score is its highest probability. With --output, writes \
            OUTPUT/froc.csv (the curve), OUTPUT/sensitivities.csv (at 1/8 … 8 false positives per \
            scan, and the CPM), OUTPUT/findings.csv (every finding, hit or not, with its continuation) and OUTPUT/froc.png|svg.
            """)

    @OptionGroup var arguments: EvaluationArguments
    @Option(help: "Folder searched for the scans (MetaImage or DICOM).") var images: String
    @Option(help: "LUNA16-style annotations CSV of the scans.") var annotations: String
    @OptionGroup var findingOptions: FindingOptions
    @OptionGroup var lungSearch: LungSearchOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        NeuralNetProcess.configure(threads: arguments.threads)
        let dataset = URL(fileURLWithPath: arguments.dataset)
        let splits = try CSVTable(contentsOf: dataset.appendingPathComponent("splits.csv"))
        let uidColumn = try splits.column("seriesuid"), splitColumn = try splits.column("split")
        let wanted = Set(splits.rows.filter { $0.fields[splitColumn] == arguments.split }.map { $0.fields[uidColumn] })
        let scans = try ScanSource.everyScan(in: URL(fileURLWithPath: images)).sources.filter { wanted.contains($0.seriesUID) }
        guard !scans.isEmpty else {
            throw ValidationError("no scan of the \(arguments.split) split of \(dataset.path) is under \(images)")
        }
        let truth = try LUNA16CSV.readAnnotations(URL(fileURLWithPath: annotations)).filter { wanted.contains($0.seriesUID) }
        let screener = try SliceScreener.load(segmenter: URL(fileURLWithPath: arguments.checkpoint),
                                              searchRegion: lungSearch.searchRegion(threads: arguments.threads))
        let cascade = try findingOptions.cascade(screener, classifier: nil)
        let progress = TerminalProgress(label: "screening", quiet: outputOptions.quiet)
        var findings: [FROCEvaluation.Finding] = [], continuations: [Double?] = []
        for (n, scan) in scans.enumerated() {
            let report = try cascade.screen(try scan.readVolume())
            findings += report.nodules.map { .init(seriesUID: scan.seriesUID, center: $0.center, score: Double($0.maximumProbability)) }
            continuations += report.nodules.map(\.continuation)
            progress.update(completed: n + 1, total: scans.count, item: scan.seriesUID)
        }
        let froc = try FROCEvaluation(findings: findings, annotations: truth, scanCount: scans.count)
        let falsePositives = froc.outcomes.filter { $0 == false }.count
        print("\(arguments.split) split: \(scans.count) scans, \(froc.noduleCount) nodules, \(froc.findingCount) findings "
              + "(\(froc.detectedNodules) nodules detected, \(falsePositives) false positives)")
        print(zip(FROCEvaluation.operatingPoints, froc.sensitivities)
            .map { String(format: "%g FP/scan: %.3f", $0, $1) }.joined(separator: ", "))
        print(String(format: "CPM %.3f", froc.cpm))
        if let folder = try arguments.outputFolder() { try write(froc, findings: findings, continuations: continuations, to: folder) }
    }

    private func write(_ froc: FROCEvaluation, findings: [FROCEvaluation.Finding], continuations: [Double?], to folder: URL) throws {
        var curve = CSVWriter(header: ["threshold", "fp_per_scan", "sensitivity"])
        for p in froc.curve { curve.append([String(p.threshold), String(p.falsePositivesPerScan), String(p.sensitivity)]) }
        try AtomicFile.write(Data(curve.text.utf8), to: folder.appendingPathComponent("froc.csv"))
        var points = CSVWriter(header: ["fp_per_scan", "sensitivity"])
        for (rate, s) in zip(FROCEvaluation.operatingPoints, froc.sensitivities) { points.append([String(rate), String(s)]) }
        points.append(["cpm", String(froc.cpm)])
        try AtomicFile.write(Data(points.text.utf8), to: folder.appendingPathComponent("sensitivities.csv"))
        var rows = CSVWriter(header: ["seriesuid", "coordX", "coordY", "coordZ", "score", "outcome", "continuation"])
        for ((f, outcome), continuation) in zip(zip(findings, froc.outcomes), continuations) {
            rows.append([f.seriesUID, String(f.center.x), String(f.center.y), String(f.center.z), String(f.score),
                         outcome.map { $0 ? "hit" : "false-positive" } ?? "repeat", continuation.map { String($0) } ?? ""])
        }
        try AtomicFile.write(Data(rows.text.utf8), to: folder.appendingPathComponent("findings.csv"))
        // The curve on LUNA16's log axis: x is log2 of false positives per scan, 1/8 … 8.
        let shown = froc.curve.filter { $0.falsePositivesPerScan > 0 }
            .map { (x: min(max(log2($0.falsePositivesPerScan), -3), 3), y: $0.sensitivity) }
        let plot = LinePlot(title: String(format: "FROC, %@ split (CPM %.3f)", arguments.split, froc.cpm),
                            xLabel: "log2 false positives per scan", yLabel: "sensitivity",
                            series: [.init(name: "cascade", points: shown, colour: LinePlot.palette[0])],
                            xRange: -3...3, yRange: 0...1)
        try plot.writePNG(to: folder.appendingPathComponent("froc.png"))
        try plot.writeSVG(to: folder.appendingPathComponent("froc.svg"))
    }
}
