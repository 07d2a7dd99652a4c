import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit dataset …`: training sets for the paper's networks.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Build training datasets from scans and annotations.",
        subcommands: [SegmentationDatasetCommand.self, ClassificationDatasetCommand.self])
}

/// `nodulekit dataset segmentation`: nodule slices ± margin with masks, split by patient.
struct SegmentationDatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segmentation",
        abstract: "Slices covered by nodules (± margin), windowed and resized, with masks; split 80/5/15 by scan.",
        discussion: """
            Each slice is sampled by physical size: a SIZE×SIZE window of --pixel-mm pixels (anti-aliased) \
            placed around the slice's nodule with a seeded jitter, so a model trained on one pixel spacing \
            meets nodules of the same size in pixels on another; `screen` runs the segmenter on the whole \
            slice at that pixel size. \
            Writes OUTPUT/scans/<seriesuid>.images.npy (float32, N×1×S×S, window mapped to 0…1), \
            OUTPUT/scans/<seriesuid>.masks.npy (uint8), OUTPUT/manifest.csv (one row per slice) \
            and OUTPUT/splits.csv; unless --no-lung-mask, each scan's lungs are segmented, background \
            slices come only from slices that show lung, and OUTPUT/scans/<seriesuid>.lungs.npy \
            (uint8) holds each slice's search region for `evaluate segmenter`. A rerun skips finished scans. \
            With --deidentify every series UID in names and tables is the "2.25." UID `nodulekit deidentify` \
            gives the series under the same secret; the arrays do not change.
            """)

    @Option(help: "LUNA16-style annotations CSV.") var annotations: String
    @Option(help: "Folder searched recursively for <seriesuid>.mhd/.mha.") var images: String
    @Option(help: "Output folder.") var output: String
    @Option(help: "Slice side in pixels (a multiple of 16).") var size = 64
    @Option(name: .customLong("pixel-mm"),
            help: "Millimetres per slice pixel: each slice is a SIZE-pixel window of this pixel size around its nodule.")
    var pixelMM = 1.5
    @Flag(help: "Stretch whole slices to SIZE pixels instead (pixel size follows each scan's field of view; the sets before 0.x).")
    var stretchSlices = false
    @Option(help: "Slices before and after each nodule.") var margin = SliceSelection.paperMargin
    @Option(help: "Window as LOWER,UPPER in HU, mapped to 0…1.") var window = "-1000,400"
    @Option(help: "Split as TRAIN/VALIDATION/TEST percentages.") var split = "80/5/15"
    @Option(help: "Seed of the patient split.") var seed: UInt64 = 0
    @Option(help: "Do part I of N (0-based).") var shard: String?
    @Option(help: "Random nodule-free slices added per scan (the paper adds none).") var backgroundSlices = 0
    @Option(help: "Folder of label masks <seriesuid>_mask.mhd (e.g. LIDC consensus, phantom truth) used instead of the annotations' spheres.")
    var masks: String?
    @OptionGroup var lungSearch: LungSearchOptions
    @OptionGroup var deidentification: DatasetDeidentifyOptions
    @OptionGroup var outputOptions: OutputOptions

    func options() throws -> SegmentationDatasetOptions {
        var o = SegmentationDatasetOptions()
        guard size >= 16, size <= 1024, size % 16 == 0 else { throw ValidationError("--size must be a multiple of 16 from 16 to 1024") }
        guard margin >= 0 else { throw ValidationError("--margin must be 0 or more") }
        guard (0...10_000).contains(backgroundSlices) else { throw ValidationError("--background-slices must be 0…10000") }
        o.backgroundSlices = backgroundSlices
        let w = window.split(separator: ",").compactMap { Double($0) }
        guard w.count == 2, w[1] > w[0] else { throw ValidationError("--window must be LOWER,UPPER with UPPER > LOWER") }
        guard pixelMM.isFinite, (0.05...50).contains(pixelMM) else { throw ValidationError("--pixel-mm must be 0.05…50") }
        o.size = size
        o.pixelSpacingMM = stretchSlices ? nil : pixelMM
        o.margin = margin
        o.lower = w[0]
        o.upper = w[1]
        o.fractions = try SplitFractions(parsing: split)
        o.seed = seed
        o.shard = try shard.map(Shard.init(parsing:)) ?? .whole
        o.lungMask = !lungSearch.noLungMask
        o.lungMarginMM = lungSearch.lungMarginMm
        o.maskFolder = masks.map { URL(fileURLWithPath: $0) }
        o.pseudonyms = try deidentification.pseudonyms()
        return o
    }

    func validate() throws { _ = try options() }

    func run() throws {
        let builder = SegmentationDatasetBuilder(
            annotations: try LUNA16CSV.readAnnotations(URL(fileURLWithPath: annotations)),
            imagesFolder: URL(fileURLWithPath: images), outputFolder: URL(fileURLWithPath: output), options: try options())
        let s = try builder.run(progress: TerminalProgress(label: "dataset", quiet: outputOptions.quiet))
        let bySplit = Dictionary(grouping: s.slices, by: \.split)
        print("scans: \(s.scanCount) (\(s.processed.count) written, \(s.skipped.count) already done, \(s.failures.count) failed)")
        print("slices: " + DatasetSplit.allCases.map { "\(bySplit[$0]?.count ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        print("manifest: \(s.manifestURL.path)")
        for f in s.failures { print("failed: \(f.seriesUID): \(f.message)") }
        if !s.failures.isEmpty { throw ExitCode(1) }
    }
}
