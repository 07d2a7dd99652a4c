import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit masks`: one nodule mask per scan, plus nodules.csv and slices.csv.
struct MasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masks",
        abstract: "Write a nodule mask for every <seriesuid>.mhd/.mha in a folder, with per-nodule reports.",
        discussion: """
            A voxel is in a nodule when its world position lies within diameter/2 of the \
            annotation's world centre. Writes OUTPUT/<seriesuid>_mask.mhd (the scan's exact \
            geometry), OUTPUT/nodules.csv and OUTPUT/slices.csv. A rerun skips finished scans; \
            a failing scan is listed at the end and the exit status is non-zero.
            """)

    @Option(help: "LUNA16-style annotations CSV (seriesuid, coordX, coordY, coordZ, diameter_mm).")
    var annotations: String

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
    }

    func run() throws {
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
