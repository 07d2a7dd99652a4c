import Foundation
import ImagingCore
import ImageFormats

/// Settings of a masks run.
public struct MaskJobOptions: Sendable, Equatable {
    /// Number each nodule (1-based row order within its scan) instead of writing 1.
    public var writesLabels = false
    /// Slices selected before and after each nodule.
    public var margin = SliceSelection.paperMargin
    /// Write masks as zlib-compressed `.zraw`.
    public var compress = false
    /// Which part of the dataset this machine does.
    public var shard = Shard.whole

    public init(writesLabels: Bool = false, margin: Int = SliceSelection.paperMargin, compress: Bool = false, shard: Shard = .whole) {
        self.writesLabels = writesLabels
        self.margin = margin
        self.compress = compress
        self.shard = shard
    }
}

/// What a masks run did.
public struct MaskJobSummary: Sendable {
    /// Scans in this shard.
    public var scanCount = 0
    /// Scans processed in this run.
    public var processed: [String] = []
    /// Scans already finished by an earlier run with the same settings.
    public var skipped: [String] = []
    /// Scans that failed, with the error message.
    public var failures: [(seriesUID: String, message: String)] = []
    /// Report rows by status (inside, clipped, outside, no-scan, scan-error).
    public var statusCounts: [String: Int] = [:]
    /// The report files written.
    public var nodulesURL: URL
    public var slicesURL: URL
}

/// Turns a folder of LUNA16-style scans and an annotation list into one mask per scan
/// (`<seriesuid>_mask.mhd`, the scan's exact geometry) plus `nodules.csv` and
/// `slices.csv`. Each scan's outputs are written atomically and recorded in
/// `.nodulekit/<seriesuid>.json`, so a rerun skips finished scans; a scan that fails is
/// listed and the rest go on.
public struct MaskJob: Sendable {
    public var annotations: [NoduleAnnotation]
    public var imagesFolder: URL
    public var outputFolder: URL
    public var options: MaskJobOptions
    public var readOptions: ImageReadOptions
    /// Scans found by other readers (e.g. DICOM series), joined to the MetaImage and
    /// NIfTI scans of `imagesFolder`; a UID present in both is a duplicate.
    public var additionalScans: [ScanSource] = []

    /// Creates a job.
    public init(annotations: [NoduleAnnotation], imagesFolder: URL, outputFolder: URL,
                options: MaskJobOptions = .init(), readOptions: ImageReadOptions = .init()) {
        self.annotations = annotations
        self.imagesFolder = imagesFolder
        self.outputFolder = outputFolder
        self.options = options
        self.readOptions = readOptions
    }

    /// The mask file of a scan. A series UID that is not a safe file name (`UIDFileName`)
    /// is never written: `run` reports that scan as a failure instead.
    public func maskURL(seriesUID: String) -> URL { outputFolder.appendingPathComponent("\(seriesUID)_mask.mhd") }

    /// Runs the job. Throws only when nothing can be done (unreadable folder, unwritable
    /// output); a bad scan is recorded in the summary instead.
    public func run(progress: ProgressReporter = SilentProgress()) throws -> MaskJobSummary {
        var survey = try ScanDiscovery.survey(in: imagesFolder)
        var sources = survey.scans.map { ScanSource(file: $0, options: readOptions) } + additionalScans
        // A UID that two readers both found is a duplicate like any other.
        let counts = Dictionary(grouping: sources, by: \.seriesUID)
        for (uid, group) in counts where group.count > 1 {
            survey.duplicates.append((uid, group.map { URL(fileURLWithPath: $0.location) }))
        }
        survey.duplicates.sort { $0.seriesUID < $1.seriesUID }
        sources = sources.filter { counts[$0.seriesUID]?.count == 1 }.sorted { $0.seriesUID < $1.seriesUID }
        let allScans = sources
        let scans = options.shard.select(allScans)
        let byUID = Dictionary(grouping: annotations, by: \.seriesUID)
        let suffix = options.shard.isWhole ? "" : ".shard-\(options.shard.index)-of-\(options.shard.count)"
        var summary = MaskJobSummary(scanCount: scans.count,
                                     nodulesURL: outputFolder.appendingPathComponent("nodules\(suffix).csv"),
                                     slicesURL: outputFolder.appendingPathComponent("slices\(suffix).csv"))
        var rows: [NoduleReport.Row] = []

        for (n, scan) in scans.enumerated() {
            let nodules = byUID[scan.seriesUID] ?? []
            let key = stamp(for: nodules, scan: scan)
            if let done = finishedRows(scan.seriesUID, key: key) {
                rows += done
                summary.skipped.append(scan.seriesUID)
            } else {
                do {
                    let scanRows = try process(scan, nodules: nodules)
                    try record(scanRows, seriesUID: scan.seriesUID, key: key)
                    rows += scanRows
                    summary.processed.append(scan.seriesUID)
                } catch {
                    summary.failures.append((scan.seriesUID, "\(scan.location): \(error)"))
                    rows += NoduleReport.unplacedRows(nodules, status: NoduleStatus.scanError.rawValue)
                }
            }
            progress.update(completed: n + 1, total: scans.count, item: scan.seriesUID)
        }
        // Annotations whose scan is in no shard, and UIDs found in several files, are
        // reported once, by shard 0.
        if options.shard.index == 0 {
            for d in survey.duplicates {
                summary.failures.append((d.seriesUID, "series UID in several files: " + d.files.map(\.path).joined(separator: ", ")))
                rows += NoduleReport.unplacedRows(byUID[d.seriesUID] ?? [], status: NoduleStatus.scanError.rawValue)
            }
            let present = Set(allScans.map(\.seriesUID) + survey.duplicates.map(\.seriesUID))
            let missing = annotations.filter { !present.contains($0.seriesUID) }
            for (_, group) in Dictionary(grouping: missing, by: \.seriesUID) {
                rows += NoduleReport.unplacedRows(group, status: NoduleStatus.noScan.rawValue)
            }
        }
        for row in rows { summary.statusCounts[row.nodule.last ?? "", default: 0] += 1 }
        try NoduleReport.write(rows, nodulesURL: summary.nodulesURL, slicesURL: summary.slicesURL)
        return summary
    }

    /// Reads one scan's geometry, renders and writes its mask, and returns its report
    /// rows. A mask needs the grid only, so the voxels are not decoded; the header is
    /// checked and the data file is checked to hold them (`ImageFile.readGeometry`).
    func process(_ scan: ScanSource, nodules: [NoduleAnnotation]) throws -> [NoduleReport.Row] {
        // A UID from a DICOM header names the mask: refuse one that would leave the folder.
        let maskURL = try UIDFileName.url(in: outputFolder, uid: scan.seriesUID, suffix: "_mask.mhd", source: "series UID")
        let geometry = try scan.readGeometry()
        let renderer = NoduleMaskRenderer(writesLabels: options.writesLabels)
        let (mask, placements) = try renderer.render(nodules, on: geometry, seriesUID: scan.seriesUID)
        try ImageFile.write(mask, to: maskURL, options: ImageWriteOptions(compress: options.compress))
        let selections = SliceSelection.select(placements, margin: options.margin, sliceCount: geometry.size.k)
        return NoduleReport.rows(placements, selections)
    }

    // MARK: Resuming

    private var store: ResumeStore<[NoduleReport.Row]> { ResumeStore(outputFolder: outputFolder) }

    /// The rows of a scan finished by an earlier run with the same settings, annotations
    /// and scan files, when its mask (header and data) is still whole.
    private func finishedRows(_ uid: String, key: String) -> [NoduleReport.Row]? {
        guard UIDFileName.isSafeName(uid), (try? ImageFile.readGeometry(maskURL(seriesUID: uid))) != nil else { return nil }
        return store.finished(uid, key: key)
    }

    private func record(_ rows: [NoduleReport.Row], seriesUID: String, key: String) throws {
        try store.record(rows, for: seriesUID, key: key)
    }

    /// A fingerprint of everything that decides a scan's outputs.
    private func stamp(for nodules: [NoduleAnnotation], scan: ScanSource) -> String {
        var text = "v2 labels=\(options.writesLabels) margin=\(options.margin) compress=\(options.compress)"
        text += " scan=\(scan.fingerprint())"
        for a in nodules { text += "|\(a.line),\(a.center.x),\(a.center.y),\(a.center.z),\(a.diameterMM ?? -1)" }
        return ResumeStore<[NoduleReport.Row]>.fingerprint(text)
    }
}
