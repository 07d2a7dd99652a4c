import Annotations
import Foundation
import ImagingCore

/// Settings of a classification dataset build; the defaults are the paper's (Sect. 4.1).
public struct ClassificationDatasetOptions: Sendable, Equatable {
    /// Patient-level split (the paper's 60/15/25) and its seed.
    public var fractions = SplitFractions.classification
    public var seed: UInt64 = 0
    /// Copies of each minority-class pair in the training split (the paper's 3); the
    /// validation and test splits are never oversampled.
    public var oversampling = 3
    /// Identifies the segmenter's weights, so a resumed build notices a new checkpoint.
    public var segmenterFingerprint = ""
    /// Nodule annotations of the scans, when they exist (phantoms, LUNA16): each pair is then
    /// marked with whether its slice crosses a true nodule, so the classifier can be judged
    /// on nodules apart from the discriminator's false positives. Hospital data has none.
    public var annotations: [NoduleAnnotation] = []
    /// De-identified naming (`--deidentify`): series UIDs in file names, the CSVs and the
    /// resume records become `replacementUID(for:)` (the UID `nodulekit deidentify` gives
    /// the series under the same secret) and patients `patientPseudonym(for:)`. Pairs and
    /// splits are those of the plain build.
    public var pseudonyms: KeyedPseudonyms?

    public init() {}
}

/// One pair of the classification dataset: a suspicious slice of a labelled patient.
public struct ClassificationSample: Sendable, Equatable, Codable {
    public var patient: String
    public var seriesUID: String
    public var split: DatasetSplit
    public var label: NoduleClass
    /// Row in the scan's pairs file.
    public var row: Int
    /// The slice index k in the scan.
    public var slice: Int
    /// The slice's highest nodule probability (above the discriminator's threshold).
    public var maximumProbability: Float
    /// How often the sample is served per epoch (the oversampling factor, or 1).
    public var copies: Int
    /// The pairs file, relative to the dataset folder.
    public var pairsFile: String
    /// The annotated nodule the slice crosses (its 1-based row within the scan's
    /// annotations; the one with most voxels on the slice), 0 for none, nil when the scan
    /// has no annotations.
    public var nodule: Int? = nil

    /// Whether the slice crosses an annotated nodule; nil when the scan has no annotations.
    public var onNodule: Bool? { nodule.map { $0 > 0 } }
    /// The crossed nodule's own label, when one is known (`NoduleLabels`; not in the
    /// manifest: training sees only the patient's `label`).
    public var noduleLabel: NoduleClass? = nil
    /// The truth to judge the slice by as a nodule: the nodule's own label, else its patient's.
    public var noduleTruth: NoduleClass { noduleLabel ?? label }

    /// A sample of the given values.
    public init(patient: String, seriesUID: String, split: DatasetSplit, label: NoduleClass, row: Int, slice: Int,
                maximumProbability: Float, copies: Int, pairsFile: String, nodule: Int? = nil) {
        self.patient = patient
        self.seriesUID = seriesUID
        self.split = split
        self.label = label
        self.row = row
        self.slice = slice
        self.maximumProbability = maximumProbability
        self.copies = copies
        self.pairsFile = pairsFile
        self.nodule = nodule
    }
}

/// Builds the classifier's dataset from patient-labelled CT (the transfer step of the
/// paper): every slice of each labelled scan goes through the segmenter; the slices the
/// discriminator keeps become pairs x̄ = {slice, segmented image} labelled with their
/// patient's class. Patients are split 60/15/25 (never a patient in two splits) and the
/// minority class of the training split is oversampled. Writes per scan
/// `scans/<seriesuid>.pairs.npy` (float32, N×2×S×S), `manifest.csv` (one row per pair),
/// `slices.csv` (every screened slice: its highest probability and whether it was kept),
/// `splits.csv` and `dataset.json` (the slice sampler). A rerun skips finished scans.
public struct ClassificationDatasetBuilder {
    public var labels: PatientLabels
    public var scans: [ScanSource]
    public var screener: SliceScreener
    public var outputFolder: URL
    public var options: ClassificationDatasetOptions

    public init(labels: PatientLabels, scans: [ScanSource], screener: SliceScreener, outputFolder: URL,
                options: ClassificationDatasetOptions = .init()) {
        self.labels = labels
        self.scans = scans
        self.screener = screener
        self.outputFolder = outputFolder
        self.options = options
    }

    /// What a build did.
    public struct Summary: Sendable {
        public var processed: [String] = []
        public var skipped: [String] = []
        /// Labelled series found in no scan.
        public var missing: [String] = []
        public var failures: [(seriesUID: String, message: String)] = []
        /// Every pair, oversampling applied.
        public var samples: [ClassificationSample] = []
        /// Every screened slice of every scan.
        public var screenedSlices: [ScreenedSlice] = []
    }

    /// One screened slice, as `slices.csv` lists it.
    public struct ScreenedSlice: Sendable, Equatable, Codable {
        public var seriesUID: String
        public var slice: Int
        public var maximumProbability: Float
        public var suspicious: Bool
    }

    private struct ScanRecord: Codable {
        var samples: [ClassificationSample]
        var slices: [ScreenedSlice]
    }

    /// The name a series goes by in the output: its UID, or its pseudonym with `pseudonyms`.
    public func publishedUID(_ seriesUID: String) -> String { options.pseudonyms?.replacementUID(for: seriesUID) ?? seriesUID }

    /// The name a patient goes by in the output: as labelled, or its pseudonym with `pseudonyms`.
    public func publishedPatient(_ patient: String) -> String { options.pseudonyms?.patientPseudonym(for: patient) ?? patient }

    /// The pairs file of a scan (named by `publishedUID`).
    public func pairsFile(seriesUID: String) -> String { "scans/\(publishedUID(seriesUID)).pairs.npy" }

    /// Runs the build; `progress` counts scans.
    public func run(progress: ProgressReporter = SilentProgress()) throws -> Summary {
        guard options.oversampling >= 1 else {
            throw NoduleModelsError.invalidDataset(path: outputFolder.path, reason: "oversampling must be 1 or more, got \(options.oversampling)")
        }
        try FileManager.default.createDirectory(at: outputFolder.appendingPathComponent("scans"), withIntermediateDirectories: true)
        let labelled = scans.filter { labels.bySeries[$0.seriesUID] != nil }
        var summary = Summary()
        let found = Set(labelled.map(\.seriesUID))
        summary.missing = labels.entries.map(\.seriesUID).filter { !found.contains($0) }
        let patients = labelled.compactMap { labels.bySeries[$0.seriesUID]?.patient }
        let splits = PatientSplitter.split(patients, fractions: options.fractions, seed: options.seed)
        let store = ResumeStore<ScanRecord>(outputFolder: outputFolder)
        let annotationsBySeries = Dictionary(grouping: options.annotations, by: \.seriesUID)
        var samples: [ClassificationSample] = []
        for (n, scan) in labelled.enumerated() {
            guard let entry = labels.bySeries[scan.seriesUID] else { continue }
            let split = splits[entry.patient] ?? .train
            let nodules = annotationsBySeries[scan.seriesUID] ?? []
            let key = ResumeStore<ScanRecord>.fingerprint(
                "cls-v2 \(scan.fingerprint()) seg=\(options.segmenterFingerprint) t=\(screener.discriminator.threshold) "
                + "sampler=\(screener.sampler) region=\(screener.searchRegion.resultKey) \(entry.patient) \(entry.label) \(split) "
                + nodules.map { "\($0.center.x),\($0.center.y),\($0.center.z),\($0.diameterMM ?? -1)" }.joined(separator: ";"))
            // The UID (from a DICOM header or a file name) names the pairs file and the resume record.
            let name = publishedUID(scan.seriesUID)
            guard UIDFileName.isSafeName(name) else {
                let refusal = ImagingError.unsafeFileName(uid: scan.seriesUID, source: "series UID", folder: outputFolder.path)
                summary.failures.append((scan.seriesUID, "\(scan.location): \(refusal)"))
                progress.update(completed: n + 1, total: labelled.count, item: scan.seriesUID)
                continue
            }
            let pairsURL = outputFolder.appendingPathComponent(pairsFile(seriesUID: scan.seriesUID))
            if FileManager.default.fileExists(atPath: pairsURL.path), let done = store.finished(name, key: key) {
                samples += done.samples
                summary.screenedSlices += done.slices
                summary.skipped.append(scan.seriesUID)
            } else {
                do {
                    let record = try build(scan, entry: entry, split: split, nodules: nodules, to: pairsURL)
                    try store.record(record, for: name, key: key)
                    samples += record.samples
                    summary.screenedSlices += record.slices
                    summary.processed.append(scan.seriesUID)
                } catch {
                    summary.failures.append((scan.seriesUID, "\(scan.location): \(error)"))
                }
            }
            progress.update(completed: n + 1, total: labelled.count, item: scan.seriesUID)
        }
        summary.samples = Self.oversample(samples, factor: options.oversampling)
        try writeTables(summary, splits: splits)
        try screener.sampler.write(toDataset: outputFolder)
        return summary
    }

    /// Sets `copies` to `factor` on the training split's minority class (the class with
    /// fewer pairs there; none on a tie) and to 1 everywhere else.
    public static func oversample(_ samples: [ClassificationSample], factor: Int) -> [ClassificationSample] {
        let train = samples.filter { $0.split == .train }
        let benign = train.filter { $0.label == .benign }.count, malignant = train.count - benign
        let minority: NoduleClass? = benign == malignant ? nil : (benign < malignant ? .benign : .malignant)
        return samples.map { s in
            var s = s
            s.copies = s.split == .train && s.label == minority ? factor : 1
            return s
        }
    }

    private func build(_ scan: ScanSource, entry: PatientLabels.Entry, split: DatasetSplit, nodules: [NoduleAnnotation],
                       to url: URL) throws -> ScanRecord {
        let volume = try scan.readVolume()
        let screened = try screener.screen(volume)
        var noduleOfSlice: [Int]?
        if !nodules.isEmpty {
            let mask = try NoduleMaskRenderer(writesLabels: true).render(nodules, on: volume.geometry, seriesUID: scan.seriesUID).mask
            noduleOfSlice = (0..<mask.size.k).map { k in
                var counts = [Int](repeating: 0, count: 256)
                for v in mask.slice(k: k) { counts[Int(v)] += 1 }
                return (1..<256).max { counts[$0] < counts[$1] }.flatMap { counts[$0] > 0 ? $0 : nil } ?? 0
            }
        }
        let kept = screened.suspiciousSlices
        var pairs: [Float] = []
        pairs.reserveCapacity(kept.count * 2 * screened.pairSize * screened.pairSize)
        for k in kept { pairs += screened.pair(slice: k) }
        try DatasetArrays.write(shape: [kept.count, 2, screened.pairSize, screened.pairSize], values: pairs, to: url)
        let samples = kept.enumerated().map { row, k in
            ClassificationSample(patient: publishedPatient(entry.patient), seriesUID: publishedUID(scan.seriesUID), split: split, label: entry.label, row: row,
                                 slice: k, maximumProbability: screened.maximumProbabilities[k], copies: 1,
                                 pairsFile: pairsFile(seriesUID: scan.seriesUID), nodule: noduleOfSlice.map { $0[k] })
        }
        let slices = (0..<screened.sliceCount).map {
            ScreenedSlice(seriesUID: publishedUID(scan.seriesUID), slice: $0, maximumProbability: screened.maximumProbabilities[$0],
                          suspicious: screened.suspicious[$0])
        }
        return ScanRecord(samples: samples, slices: slices)
    }

    private func writeTables(_ summary: Summary, splits: [String: DatasetSplit]) throws {
        var manifest = CSVWriter(header: ClassificationManifest.columns)
        for s in summary.samples {
            manifest.append([s.patient, s.seriesUID, s.split.rawValue, s.label.name, String(s.row), String(s.slice),
                             String(s.maximumProbability), String(s.copies), s.pairsFile, s.nodule.map(String.init) ?? ""])
        }
        try AtomicFile.write(Data(manifest.text.utf8), to: outputFolder.appendingPathComponent("manifest.csv"))
        var slices = CSVWriter(header: ["seriesuid", "slice", "max_probability", "suspicious"])
        for s in summary.screenedSlices {
            slices.append([s.seriesUID, String(s.slice), String(s.maximumProbability), s.suspicious ? "1" : "0"])
        }
        try AtomicFile.write(Data(slices.text.utf8), to: outputFolder.appendingPathComponent("slices.csv"))
        var splitCSV = CSVWriter(header: ["patient", "split"])
        for (patient, split) in splits.map({ (publishedPatient($0.key), $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            splitCSV.append([patient, split.rawValue])
        }
        try AtomicFile.write(Data(splitCSV.text.utf8), to: outputFolder.appendingPathComponent("splits.csv"))
    }
}

/// Reads the `manifest.csv` of a classification dataset folder.
public enum ClassificationManifest {
    /// Its columns; the last, `nodule` (the annotated nodule the slice crosses, 0 for none,
    /// empty without annotations), may be absent.
    public static let columns = ["patient", "seriesuid", "split", "label", "row", "slice", "max_probability", "copies", "pairs_file",
                                 "nodule"]

    /// Every sample of `folder/manifest.csv`; throws naming the line of a bad row.
    public static func read(folder: URL) throws -> [ClassificationSample] {
        let table = try CSVTable(contentsOf: folder.appendingPathComponent("manifest.csv"))
        let c = try columns.dropLast().map(table.column)
        let noduleColumn = try? table.column("nodule")
        return try table.rows.map { r in
            guard let split = DatasetSplit(rawValue: r.fields[c[2]]) else {
                throw AnnotationError.badField(file: table.source, line: r.line, column: "split", value: r.fields[c[2]],
                                               expected: "train, validation or test")
            }
            guard let label = NoduleClass(text: r.fields[c[3]]) else {
                throw AnnotationError.badField(file: table.source, line: r.line, column: "label", value: r.fields[c[3]],
                                               expected: "benign or malignant")
            }
            let copies = try table.int(r, c[7])
            guard copies >= 1, copies <= 1000 else {
                throw AnnotationError.badField(file: table.source, line: r.line, column: "copies", value: String(copies), expected: "1…1000")
            }
            var nodule: Int?
            if let n = noduleColumn, !r.fields[n].isEmpty {
                guard let value = Int(r.fields[n]), value >= 0 else {
                    throw AnnotationError.badField(file: table.source, line: r.line, column: "nodule", value: r.fields[n],
                                                   expected: "0 or a nodule's 1-based row")
                }
                nodule = value
            }
            return ClassificationSample(patient: r.fields[c[0]], seriesUID: r.fields[c[1]], split: split, label: label,
                                        row: try table.int(r, c[4]), slice: try table.int(r, c[5]),
                                        maximumProbability: Float(try table.double(r, c[6])), copies: copies, pairsFile: r.fields[c[8]],
                                        nodule: nodule)
        }
    }
}
