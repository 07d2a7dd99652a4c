import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit masks`: one nodule mask per scan, plus nodules.csv and slices.csv.
struct MasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masks",
        abstract: "Write a nodule mask for every <seriesuid>.mhd/.mha in a folder, with per-nodule reports.",
        discussion: """
            With --annotations, a voxel is in a nodule when its world position lies within \
            diameter/2 of the annotation's world centre. With --lidc, the LIDC-IDRI readers' \
            contours are filled (pylidc's rule), grouped into nodules, and each nodule's \
            consensus at --agreement is written with its label 1, 2, … Writes \
            OUTPUT/<seriesuid>_mask.mhd (the scan's exact geometry), OUTPUT/nodules.csv and \
            OUTPUT/slices.csv. A rerun skips finished scans; a failing scan is listed at the \
            end and the exit status is non-zero.
            """)

    @Option(help: "LUNA16-style annotations CSV (seriesuid, coordX, coordY, coordZ, diameter_mm).")
    var annotations: String?

    @Option(help: "Folder searched recursively for LIDC-IDRI annotation XML (instead of --annotations).")
    var lidc: String?

    @Option(help: "With --lidc: only this reader's marks (1-based reading session), each reading its own label.")
    var reader: Int?

    @Option(help: "With --lidc: the fraction of a nodule's readers that must include a voxel (0 < A <= 1).")
    var agreement = 0.5

    @Option(help: "Folder searched recursively for <seriesuid>.mhd/.mha scans and DICOM series (matched by SeriesInstanceUID).")
    var images: String

    @Option(help: "Folder for masks and reports (created if needed).")
    var output: String

    @Flag(help: "Write each nodule's 1-based row order within its scan instead of 1.")
    var labels = false

    @Option(help: "Slices selected before and after each nodule.")
    var margin = SliceSelection.paperMargin

    @Flag(help: "Write masks zlib-compressed (.zraw).")
    var compress = false

    @Option(help: "Do part I of N (0-based): every N-th scan from the I-th. Join with merge-reports.")
    var shard: String?

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard margin >= 0 else { throw ValidationError("--margin must be 0 or more, got \(margin)") }
        if let shard { _ = try Shard(parsing: shard) }
        guard (annotations == nil) != (lidc == nil) else { throw ValidationError("give exactly one of --annotations and --lidc") }
        if lidc == nil, reader != nil { throw ValidationError("--reader needs --lidc") }
        if let reader, reader < 1 { throw ValidationError("--reader counts from 1, got \(reader)") }
        guard agreement > 0, agreement <= 1 else { throw ValidationError("--agreement must be in (0, 1], got \(agreement)") }
    }

    func run() throws {
        guard let annotations else { return try runLIDC() }
        let list = try LUNA16CSV.readAnnotations(URL(fileURLWithPath: annotations))
        let options = MaskJobOptions(writesLabels: labels, margin: margin, compress: compress,
                                     shard: try shard.map(Shard.init(parsing:)) ?? .whole)
        var job = MaskJob(annotations: list, imagesFolder: URL(fileURLWithPath: images),
                          outputFolder: URL(fileURLWithPath: output), options: options)
        job.additionalScans = try ScanSource.dicomSeries(in: URL(fileURLWithPath: images)).sources
        let summary = try job.run(progress: TerminalProgress(label: "masks", quiet: outputOptions.quiet))
        print(MaskSummaryText(summary).text)
        if !summary.failures.isEmpty { throw ExitCode(1) }
    }

    /// `--lidc`: consensus nodules from the readers' contours.
    func runLIDC() throws {
        let images = URL(fileURLWithPath: images)
        let options = LidcMaskJobOptions(agreement: agreement, reader: reader, margin: margin, compress: compress,
                                         shard: try shard.map(Shard.init(parsing:)) ?? .whole)
        var job = LidcMaskJob(xmlFolder: URL(fileURLWithPath: lidc ?? ""), imagesFolder: images,
                              outputFolder: URL(fileURLWithPath: output), options: options)
        job.additionalScans = try ScanSource.dicomSeries(in: images).sources
        let summary = try job.run(progress: TerminalProgress(label: "masks", quiet: outputOptions.quiet))
        var lines = ["scans: \(summary.scanCount) (\(summary.processed.count) written, \(summary.skipped.count) already done, \(summary.failures.count) failed)",
                     "nodules: \(summary.noduleCount); ROIs: \(summary.roiCount - summary.offGridROICount) on the scans' slices, \(summary.offGridROICount) off them; \(summary.smallNoduleCount) marks of nodules < 3 mm (points or unrated, not masked)",
                     "reports: \(summary.nodulesURL.path), \(summary.slicesURL.path)"]
        lines += summary.unmatchedXML.map { "no scan for: \($0)" }
        lines += summary.failures.map { "failed: \($0.item): \($0.message)" }
        print(lines.joined(separator: "\n"))
        if !summary.failures.isEmpty { throw ExitCode(1) }
    }
}

/// The end-of-run summary of a masks job.
struct MaskSummaryText {
    let text: String
    init(_ s: MaskJobSummary) {
        var lines = ["scans: \(s.scanCount) (\(s.processed.count) written, \(s.skipped.count) already done, \(s.failures.count) failed)"]
        let order = ["inside", "clipped", "outside", "no-scan", "scan-error"]
        let counts = order.compactMap { key in s.statusCounts[key].map { "\($0) \(key)" } }
        lines.append("nodules: " + (counts.isEmpty ? "none" : counts.joined(separator: ", ")))
        lines.append("reports: \(s.nodulesURL.path), \(s.slicesURL.path)")
        for f in s.failures { lines.append("failed: \(f.seriesUID): \(f.message)") }
        text = lines.joined(separator: "\n")
    }
}
