import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit dataset classification`: screened slice pairs of patient-labelled scans.
struct ClassificationDatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classification",
        abstract: "Screen every slice of patient-labelled scans with a trained segmenter; keep the suspicious ones as labelled pairs; split 60/15/25 by patient.",
        discussion: """
            LABELS is a CSV with columns seriesuid,label (benign|malignant or 0|1) and an optional \
            patient column. Scans are <seriesuid>.mhd/.mha files and DICOM series (by \
            SeriesInstanceUID) under SERIES. A slice is kept when its highest nodule probability \
            exceeds --threshold; only the lungs (grown by --lung-margin-mm) are searched unless \
            --no-lung-mask. The pair (slice, segmented image) gets its patient's label. The \
            training split's minority class is oversampled --oversampling times. Writes \
            OUTPUT/scans/<seriesuid>.pairs.npy (float32, N×2×S×S), OUTPUT/manifest.csv, \
            OUTPUT/slices.csv, OUTPUT/splits.csv and OUTPUT/dataset.json. A rerun skips finished scans. \
            With --deidentify series are named by the "2.25." UID `nodulekit deidentify` gives them \
            under the same secret and patients by "P-" and 16 hex digits of HMAC-SHA256(secret, \
            "patient-id:" + patient); the pairs do not change.
            """)

    @Option(help: "Patient labels CSV (seriesuid,label[,patient]).") var labels: String
    @Option(help: "Folder searched recursively for MetaImage scans and DICOM series.") var series: String
    @Option(help: "Trained segmenter: a `train segmenter` output folder or its .safetensors file.") var segmenter: String
    @Option(help: "Output folder.") var output: String
    @Option(help: "Discriminator threshold on a slice's highest probability.") var threshold: Float = NoduleDiscriminator.paperThreshold
    @Option(help: "Split as TRAIN/VALIDATION/TEST percentages of patients.") var split = "60/15/25"
    @Option(help: "Copies of each minority-class pair in the training split.") var oversampling = 3
    @Option(help: "Seed of the patient split.") var seed: UInt64 = 0
    @Option(help: "Nodule annotations of the scans, if any (LUNA16 CSV): marks each pair on_nodule 1/0.") var annotations: String?
    @Option(help: "Compute threads.") var threads = 2
    @OptionGroup var lungSearch: LungSearchOptions
    @OptionGroup var deidentification: DatasetDeidentifyOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard threshold > 0, threshold < 1 else { throw ValidationError("--threshold must be in (0, 1)") }
        guard (1...100).contains(oversampling) else { throw ValidationError("--oversampling must be 1…100") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        _ = try SplitFractions(parsing: split)
    }

    func run() throws {
        NeuralNetProcess.configure(threads: threads)
        let checkpoint = URL(fileURLWithPath: segmenter)
        let screener = try SliceScreener.load(segmenter: checkpoint, discriminator: NoduleDiscriminator(threshold: threshold),
                                              searchRegion: lungSearch.searchRegion(threads: threads))
        var options = ClassificationDatasetOptions()
        options.fractions = try SplitFractions(parsing: split)
        options.seed = seed
        options.oversampling = oversampling
        options.pseudonyms = try deidentification.pseudonyms()
        options.segmenterFingerprint = ScanSource.fingerprint(of: [try ModelDescription.locate(checkpoint).weights])
        if let annotations { options.annotations = try LUNA16CSV.readAnnotations(URL(fileURLWithPath: annotations)) }
        let scans = try ScanSource.everyScan(in: URL(fileURLWithPath: series))
        let builder = ClassificationDatasetBuilder(
            labels: try PatientLabels(contentsOf: URL(fileURLWithPath: labels)), scans: scans.sources, screener: screener,
            outputFolder: URL(fileURLWithPath: output), options: options)
        let s = try builder.run(progress: TerminalProgress(label: "screening", quiet: outputOptions.quiet))
        print("scans: \(s.processed.count) screened, \(s.skipped.count) already done, \(s.failures.count) failed, \(s.missing.count) labelled but not found")
        let kept = s.screenedSlices.filter(\.suspicious).count
        print("slices: \(s.screenedSlices.count) screened, \(kept) suspicious (threshold \(threshold))")
        for splitName in DatasetSplit.allCases {
            let rows = s.samples.filter { $0.split == splitName }
            let served = rows.reduce(0) { $0 + $1.copies }, malignant = rows.filter { $0.label == .malignant }.count
            let onNodule = options.annotations.isEmpty ? "" : ", \(rows.filter { $0.onNodule == true }.count) on an annotated nodule"
            print("\(splitName.rawValue): \(rows.count) pairs (\(malignant) malignant, \(rows.count - malignant) benign\(onNodule)), \(served) served per epoch")
        }
        for uid in s.missing { print("not found: \(uid)") }
        for f in s.failures { print("failed: \(f.seriesUID): \(f.message)") }
        if !s.failures.isEmpty { throw ExitCode(1) }
    }
}
