import Foundation
import ImagingCore
import ImageFormats

/// Settings of an LIDC masks run.
public struct LidcMaskJobOptions: Sendable, Equatable {
    /// The fraction of a nodule's readers that must include a voxel.
    public var agreement = 0.5
    /// Only this reader's marks (1-based session number), each reading its own label.
    public var reader: Int?
    /// Slices selected before and after each nodule in slices.csv.
    public var margin = SliceSelection.paperMargin
    /// Write masks as zlib-compressed `.zraw`.
    public var compress = false
    /// Which part of the dataset this machine does.
    public var shard = Shard.whole

    public init(agreement: Double = 0.5, reader: Int? = nil, margin: Int = SliceSelection.paperMargin,
                compress: Bool = false, shard: Shard = .whole) {
        self.agreement = agreement
        self.reader = reader
        self.margin = margin
        self.compress = compress
        self.shard = shard
    }
}

/// What an LIDC masks run did.
public struct LidcMaskJobSummary: Sendable {
    /// Scans with an LIDC file in this shard.
    public var scanCount = 0
    public var processed: [String] = []
    public var skipped: [String] = []
    /// Scans or XML files that failed, with the message.
    public var failures: [(item: String, message: String)] = []
    /// XML files whose series is in no scan of the images folder.
    public var unmatchedXML: [String] = []
    /// Nodules written, and ROIs on and off the scans' grids (this run's scans).
    public var noduleCount = 0
    public var roiCount = 0
    public var offGridROICount = 0
    /// Marks of nodules < 3 mm (single points, not masked) in this run's scans.
    public var smallNoduleCount = 0
    public var nodulesURL: URL
    public var slicesURL: URL
}

/// Turns a folder of LIDC-IDRI XML files and a folder of scans (MetaImage, NIfTI, or
/// DICOM series handed in as `additionalScans`), matched by SeriesInstanceUID, into a label
/// mask of consensus nodules per scan (`<seriesuid>_mask.mhd`, the scan's geometry) plus
/// `nodules.csv` and `slices.csv`. ROIs that fall off a scan's slices (a slab of the
/// series) are counted, not errors. Resumable and shardable like `MaskJob`.
public struct LidcMaskJob: Sendable {
    public var xmlFolder: URL
    public var imagesFolder: URL
    public var outputFolder: URL
    public var options: LidcMaskJobOptions
    public var readOptions: ImageReadOptions
    /// Scans found by other readers (DICOM series), joined to the MetaImage scans.
    public var additionalScans: [ScanSource] = []

    /// Creates a job.
    public init(xmlFolder: URL, imagesFolder: URL, outputFolder: URL, options: LidcMaskJobOptions = .init(),
                readOptions: ImageReadOptions = .init()) {
        self.xmlFolder = xmlFolder
        self.imagesFolder = imagesFolder
        self.outputFolder = outputFolder
        self.options = options
        self.readOptions = readOptions
    }

    /// The mask file of a scan.
    public func maskURL(seriesUID: String) -> URL { outputFolder.appendingPathComponent("\(seriesUID)_mask.mhd") }

    /// Every `*.xml` below `folder`, sorted.
    public static func findXML(in folder: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw AnnotationError.unreadable(file: folder.path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [folder] }
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]) else {
            throw AnnotationError.unreadable(file: folder.path, reason: "cannot list the folder")
        }
        var files: [URL] = []
        for case let url as URL in walker where url.pathExtension.lowercased() == "xml" { files.append(url) }
        return files.sorted { $0.path < $1.path }
    }

    /// Runs the job. Throws only when nothing can be done; a bad XML file or scan is
    /// listed in the summary and the rest go on.
    public func run(progress: ProgressReporter = SilentProgress()) throws -> LidcMaskJobSummary {
        let suffix = options.shard.isWhole ? "" : ".shard-\(options.shard.index)-of-\(options.shard.count)"
        var summary = LidcMaskJobSummary(nodulesURL: outputFolder.appendingPathComponent("nodules\(suffix).csv"),
                                         slicesURL: outputFolder.appendingPathComponent("slices\(suffix).csv"))
        // The readings, by series; a file that does not parse is listed (by shard 0).
        var messages: [String: [(url: URL, message: LidcReadMessage)]] = [:]
        for url in try Self.findXML(in: xmlFolder) {
            do {
                let m = try LidcXMLReader.read(url)
                messages[m.seriesInstanceUID, default: []].append((url, m))
            } catch {
                if options.shard.index == 0 { summary.failures.append((url.path, "\(error)")) }
            }
        }
        var sources = try ScanDiscovery.survey(in: imagesFolder).scans.map { ScanSource(file: $0, options: readOptions) } + additionalScans
        let counts = Dictionary(grouping: sources, by: \.seriesUID)
        sources = sources.filter { counts[$0.seriesUID]?.count == 1 && messages[$0.seriesUID] != nil }.sorted { $0.seriesUID < $1.seriesUID }
        if options.shard.index == 0 {
            for (uid, group) in counts where group.count > 1 && messages[uid] != nil {
                summary.failures.append((uid, "series UID in several scans: " + group.map(\.location).sorted().joined(separator: ", ")))
            }
            summary.unmatchedXML = messages.filter { counts[$0.key] == nil }.flatMap { $0.value.map(\.url.path) }.sorted()
        }
        let scans = options.shard.select(sources)
        summary.scanCount = scans.count
        var rows: [NoduleReport.Row] = []
        for (n, scan) in scans.enumerated() {
            defer { progress.update(completed: n + 1, total: scans.count, item: scan.seriesUID) }
            guard let files = messages[scan.seriesUID], files.count == 1, let (xmlURL, message) = files.first else {
                let names = (messages[scan.seriesUID] ?? []).map(\.url.path)
                summary.failures.append((scan.seriesUID, "\(AnnotationError.duplicateLidcSeries(uid: scan.seriesUID, files: names))"))
                continue
            }
            let key = stamp(scan: scan, xml: xmlURL)
            if let done = finished(scan.seriesUID, key: key) {
                rows += done.rows
                summary.skipped.append(scan.seriesUID)
                summary.noduleCount += done.rows.count
                continue
            }
            do {
                let (scanRows, placed) = try process(scan, message: message)
                try store.record(Record(rows: scanRows), for: scan.seriesUID, key: key)
                rows += scanRows
                summary.processed.append(scan.seriesUID)
                summary.noduleCount += scanRows.count
                summary.roiCount += placed.roiCount
                summary.offGridROICount += placed.offGridROICount
                summary.smallNoduleCount += placed.smallNoduleCount
            } catch {
                summary.failures.append((scan.seriesUID, "\(scan.location): \(error)"))
            }
        }
        try LidcReport.write(rows, nodulesURL: summary.nodulesURL, slicesURL: summary.slicesURL)
        return summary
    }

    /// One scan: its nodules, its label mask written, its report rows.
    func process(_ scan: ScanSource, message: LidcReadMessage) throws -> ([NoduleReport.Row], LidcScanNodules) {
        let geometry = try scan.readGeometry()
        let builder = LidcNoduleBuilder(agreement: options.agreement, reader: options.reader)
        let placed = try builder.nodules(in: message, geometry: geometry, sopInstanceUIDs: scan.sliceSOPInstanceUIDs())
        let mask = try LidcNoduleBuilder.labelMask(placed.nodules, geometry: geometry, seriesUID: scan.seriesUID)
        try ImageFile.write(mask, to: maskURL(seriesUID: scan.seriesUID), options: ImageWriteOptions(compress: options.compress))
        return (LidcReport.rows(placed, seriesUID: scan.seriesUID, geometry: geometry, margin: options.margin), placed)
    }

    // MARK: Resuming

    struct Record: Codable { var rows: [NoduleReport.Row] }

    private var store: ResumeStore<Record> { ResumeStore(outputFolder: outputFolder) }

    private func finished(_ uid: String, key: String) -> Record? {
        guard (try? ImageFile.readGeometry(maskURL(seriesUID: uid))) != nil else { return nil }
        return store.finished(uid, key: key)
    }

    /// A fingerprint of everything that decides a scan's outputs.
    private func stamp(scan: ScanSource, xml: URL) -> String {
        var text = "lidc v1 agreement=\(options.agreement) reader=\(options.reader ?? 0) margin=\(options.margin)"
        text += " compress=\(options.compress) scan=\(scan.fingerprint()) xml=\(ScanSource.fingerprint(of: [xml]))"
        return ResumeStore<Record>.fingerprint(text)
    }
}
