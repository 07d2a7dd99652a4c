import Foundation
import ImagingCore
import ImageFormats

/// Settings of a segmentation dataset build.
public struct SegmentationDatasetOptions: Sendable, Equatable {
    /// Side of each slice in pixels (a multiple of 16 for the U-Net).
    public var size = 64
    /// Slices before and after each nodule (the paper's 5).
    public var margin = SliceSelection.paperMargin
    /// CT window mapped to 0…1.
    public var lower = -1000.0
    public var upper = 400.0
    /// Patient-level split and its seed.
    public var fractions = SplitFractions.segmentation
    public var seed: UInt64 = 0
    /// Which part of the scans this machine builds.
    public var shard = Shard.whole
    /// Nodule-free slices added per scan from outside the nodules' slices ± margin, picked
    /// at random (seeded by `seed` and the series UID). The paper adds none; a few teach the
    /// segmenter the anatomy far from nodules (lung apices and bases) that screening meets.
    public var backgroundSlices = 0
    /// Segment each scan's lungs (`LungSegmenter`): background slices are drawn only from
    /// slices that show lung, and each slice's search region (the lungs grown by
    /// `lungMarginMM`, resized as the slice) is written beside it for evaluation to use as
    /// `screen` does. Off by default in the library; the command line turns it on.
    public var lungMask = false
    public var lungMarginMM = 3.0
    public var lungOptions = LungSegmentationOptions()
    /// Millimetres per slice pixel (`SliceSampler.pixelSpacingMM`): each slice becomes a
    /// `size × size` window of that pixel size placed around its nodule (seeded jitter of
    /// up to a quarter window). Nil stretches whole slices to `size` (the older sets).
    public var pixelSpacingMM: Double?
    /// A folder of label masks `<seriesuid>_mask.mhd` on each scan's grid (the readers'
    /// consensus from `masks --lidc`, a phantom's truth masks): the slices' masks come from
    /// them instead of the annotations' spheres, which still choose the slices. Nil: spheres.
    public var maskFolder: URL?
    /// De-identified naming (`--deidentify`): every series UID in file names, the manifest,
    /// splits.csv and the resume records becomes `replacementUID(for:)`, the UID
    /// `nodulekit deidentify` gives the series under the same secret. Slices, arrays and
    /// splits are those of the plain build (they are drawn from the original UIDs).
    public var pseudonyms: KeyedPseudonyms?

    public init() {}

    /// The sampler these options build with (also written as the set's `dataset.json`).
    public var sampler: SliceSampler { SliceSampler(size: size, lower: lower, upper: upper, pixelSpacingMM: pixelSpacingMM) }
}

/// Builds the segmenter's dataset from LUNA16-style scans: for each scan, the slices
/// covered by its nodules plus the margin (the paper's rule), each windowed and resized,
/// with its mask. Scans are split 80/5/15 by patient, never by slice. Writes
/// `scans/<seriesuid>.images.npy` (float32, N×1×S×S) and `scans/<seriesuid>.masks.npy`
/// (uint8, N×1×S×S) per scan, `manifest.csv` (one row per slice) and `splits.csv`.
/// Resumable and shardable like `MaskJob`.
public struct SegmentationDatasetBuilder: Sendable {
    public var annotations: [NoduleAnnotation]
    public var imagesFolder: URL
    public var outputFolder: URL
    public var options: SegmentationDatasetOptions

    public init(annotations: [NoduleAnnotation], imagesFolder: URL, outputFolder: URL, options: SegmentationDatasetOptions = .init()) {
        self.annotations = annotations
        self.imagesFolder = imagesFolder
        self.outputFolder = outputFolder
        self.options = options
    }

    /// One slice of the dataset.
    public struct SliceRecord: Codable, Sendable, Equatable {
        public var seriesUID: String
        public var split: DatasetSplit
        /// Row in the scan's .npy files.
        public var row: Int
        /// The slice index k in the scan.
        public var slice: Int
        /// Mask pixels after resizing (0 for margin slices).
        public var nodulePixels: Int
    }

    /// What a build did.
    public struct Summary: Sendable {
        public var scanCount = 0
        public var processed: [String] = []
        public var skipped: [String] = []
        public var failures: [(seriesUID: String, message: String)] = []
        public var slices: [SliceRecord] = []
        public var manifestURL: URL
    }

    /// The name a series goes by in the output: its UID, or its pseudonym with `pseudonyms`.
    public func publishedUID(_ seriesUID: String) -> String { options.pseudonyms?.replacementUID(for: seriesUID) ?? seriesUID }

    /// The image and mask files of a scan (named by `publishedUID`).
    public func files(seriesUID: String) -> (images: URL, masks: URL) { files(named: publishedUID(seriesUID)) }

    /// The lung search-region file of a scan (written with `lungMask`).
    public func lungsFile(seriesUID: String) -> URL { lungsFile(named: publishedUID(seriesUID)) }

    private func files(named name: String) -> (images: URL, masks: URL) {
        let folder = outputFolder.appendingPathComponent("scans")
        return (folder.appendingPathComponent("\(name).images.npy"), folder.appendingPathComponent("\(name).masks.npy"))
    }

    private func lungsFile(named name: String) -> URL {
        outputFolder.appendingPathComponent("scans").appendingPathComponent("\(name).lungs.npy")
    }

    /// Runs the build.
    public func run(progress: ProgressReporter = SilentProgress()) throws -> Summary {
        let annotated = Set(annotations.map(\.seriesUID))
        let survey = try ScanDiscovery.survey(in: imagesFolder)
        let allScans = survey.scans.filter { annotated.contains($0.seriesUID) }
        let splits = PatientSplitter.split(allScans.map(\.seriesUID), fractions: options.fractions, seed: options.seed)
        let scans = options.shard.select(allScans)
        let byUID = Dictionary(grouping: annotations, by: \.seriesUID)
        let suffix = options.shard.isWhole ? "" : ".shard-\(options.shard.index)-of-\(options.shard.count)"
        var summary = Summary(scanCount: scans.count, manifestURL: outputFolder.appendingPathComponent("manifest\(suffix).csv"))
        let store = ResumeStore<[SliceRecord]>(outputFolder: outputFolder)
        if options.shard.index == 0 {
            for d in survey.duplicates where annotated.contains(d.seriesUID) {
                summary.failures.append((d.seriesUID, "series UID in several files: " + d.files.map(\.path).joined(separator: ", ")))
            }
        }

        for (n, scan) in scans.enumerated() {
            let nodules = byUID[scan.seriesUID] ?? []
            let split = splits[scan.seriesUID] ?? .train
            let key = fingerprint(nodules, split: split, scan: scan)
            let outputs = files(seriesUID: scan.seriesUID)
            let whole = FileManager.default.fileExists(atPath: outputs.images.path) && FileManager.default.fileExists(atPath: outputs.masks.path)
            if whole, let done = store.finished(publishedUID(scan.seriesUID), key: key) {
                summary.slices += done
                summary.skipped.append(scan.seriesUID)
            } else {
                do {
                    let records = try build(scan, nodules: nodules, split: split)
                    try store.record(records, for: publishedUID(scan.seriesUID), key: key)
                    summary.slices += records
                    summary.processed.append(scan.seriesUID)
                } catch {
                    summary.failures.append((scan.seriesUID, "\(scan.url.path): \(error)"))
                }
            }
            progress.update(completed: n + 1, total: scans.count, item: scan.seriesUID)
        }
        var manifest = CSVWriter(header: ["seriesuid", "split", "row", "slice", "nodule_pixels", "images_file", "masks_file", "lungs_file"])
        for r in summary.slices {   // records carry the published name already
            let f = files(named: r.seriesUID)
            manifest.append([r.seriesUID, r.split.rawValue, String(r.row), String(r.slice), String(r.nodulePixels),
                             "scans/" + f.images.lastPathComponent, "scans/" + f.masks.lastPathComponent,
                             options.lungMask ? "scans/" + lungsFile(named: r.seriesUID).lastPathComponent : ""])
        }
        try AtomicFile.write(Data(manifest.text.utf8), to: summary.manifestURL)
        try options.sampler.write(toDataset: outputFolder)
        var splitCSV = CSVWriter(header: ["seriesuid", "split"])
        for (uid, split) in splits.map({ (publishedUID($0.key), $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            splitCSV.append([uid, split.rawValue])
        }
        try AtomicFile.write(Data(splitCSV.text.utf8), to: outputFolder.appendingPathComponent("splits.csv"))
        return summary
    }

    /// Reads one scan, selects its slices and writes its two arrays.
    func build(_ scan: ScanFile, nodules: [NoduleAnnotation], split: DatasetSplit) throws -> [SliceRecord] {
        // The scan's name names its arrays: refuse one that could not (UIDFileName).
        _ = try UIDFileName.url(in: outputFolder.appendingPathComponent("scans"), uid: publishedUID(scan.seriesUID), source: "series UID")
        let image = try ImageFile.read(scan.url).converted(to: Int16.self)
        var (mask, placements) = try NoduleMaskRenderer().render(nodules, on: image.geometry, seriesUID: scan.seriesUID)
        if let folder = options.maskFolder { mask = try Self.givenMask(in: folder, seriesUID: scan.seriesUID, for: image.geometry) }
        var slices = SliceSelection.union(SliceSelection.select(placements, margin: options.margin, sliceCount: image.size.k))
        var region: Volume<UInt8>?
        if options.lungMask {
            let lungs = try LungSegmenter.segment(image, options: options.lungOptions)
            region = lungs.regionVolume(dilatedByMM: options.lungMarginMM, threads: options.lungOptions.threads)
        }
        if options.backgroundSlices > 0 {
            let chosen = Set(slices)
            var others = (0..<image.size.k).filter { k in
                !chosen.contains(k) && (region.map { $0.slice(k: k).contains { $0 != 0 } } ?? true)
            }
            var rng = SeededGenerator(seed: options.seed ^ ResumeStore<Int>.hash(scan.seriesUID))
            for n in stride(from: others.count - 1, to: 0, by: -1) { others.swapAt(n, Int(rng.next() % UInt64(n + 1))) }
            slices = (slices + others.prefix(options.backgroundSlices)).sorted()
        }
        let sampler = options.sampler
        var pixels: [Float] = [], labels: [UInt8] = [], searched: [UInt8] = []
        var records: [SliceRecord] = []
        pixels.reserveCapacity(slices.count * options.size * options.size)
        for (row, k) in slices.enumerated() {
            let window = trainingWindow(sampler, slice: k, of: image.geometry, placements: placements, region: region,
                                        seriesUID: scan.seriesUID)
            pixels += sampler.image(image, k: k, window: window)
            let m = sampler.labels(mask, k: k, window: window)
            labels += m
            if let region { searched += sampler.labels(region, k: k, window: window) }
            records.append(SliceRecord(seriesUID: publishedUID(scan.seriesUID), split: split, row: row, slice: k,
                                       nodulePixels: m.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }))
        }
        let shape = [slices.count, 1, options.size, options.size]
        let outputs = files(seriesUID: scan.seriesUID)
        try NumPyArray(shape: shape, values: pixels).write(to: outputs.images)
        try NumPyArray(shape: shape, values: labels).write(to: outputs.masks)
        if region != nil { try NumPyArray(shape: shape, values: searched).write(to: lungsFile(seriesUID: scan.seriesUID)) }
        return records
    }

    /// `<seriesuid>_mask.mhd` of `folder`, which must lie on the scan's grid.
    static func givenMask(in folder: URL, seriesUID: String, for geometry: ImageGeometry) throws -> Volume<UInt8> {
        let url = folder.appendingPathComponent("\(seriesUID)_mask.mhd")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AnnotationError.unreadable(file: url.path, reason: "no mask for series \(seriesUID) (--masks expects <seriesuid>_mask.mhd)")
        }
        let mask = try ImageFile.read(url).converted(to: UInt8.self)
        func apart(_ a: Vector3, _ b: Vector3) -> Double { max(abs(a.x - b.x), abs(a.y - b.y), abs(a.z - b.z)) }
        guard mask.geometry.size == geometry.size, apart(mask.geometry.origin, geometry.origin) < 1e-3,
              apart(mask.geometry.spacing, geometry.spacing) < 1e-6,
              mask.geometry.direction.maxAbsDifference(geometry.direction) < 1e-6 else {
            throw AnnotationError.unreadable(file: url.path, reason: "its grid \(mask.geometry.size) differs from the scan's \(geometry.size) (size, origin, spacing and direction must match)")
        }
        return mask
    }

    /// Where slice k's training window lies: around the nodule whose slices (± margin)
    /// are nearest k, else the slice's lung region, else the slice centre; moved by a
    /// jitter seeded by the set's seed, the series and k.
    func trainingWindow(_ sampler: SliceSampler, slice k: Int, of geometry: ImageGeometry, placements: [NodulePlacement],
                        region: Volume<UInt8>?, seriesUID: String) -> SliceWindow {
        guard sampler.pixelSpacingMM != nil else { return sampler.window(for: geometry) }
        var rng = SeededGenerator(seed: options.seed ^ ResumeStore<Int>.hash(seriesUID) ^ (UInt64(k) &* 0x9E37_79B9_7F4A_7C15))
        let jitter = (Double(rng.next() % 2001) / 1000 - 1, Double(rng.next() % 2001) / 1000 - 1)
        let nearest = placements.compactMap { p -> (Double, NodulePlacement)? in
            guard let r = p.sliceRange else { return nil }
            let distance = k < r.lowerBound ? r.lowerBound - k : (k > r.upperBound ? k - r.upperBound : 0)
            return (Double(distance) + abs(p.continuousIndex.z - Double(k)) * 1e-3, p)
        }.min { $0.0 < $1.0 }?.1
        if let p = nearest {
            return sampler.window(for: geometry, holding: p.continuousIndex.x, p.continuousIndex.y, jitter: jitter)
        }
        if let region, let centre = Self.centroid(of: region, slice: k) {
            return sampler.window(for: geometry, holding: centre.x, centre.y, jitter: jitter)
        }
        let s = geometry.size
        return sampler.window(for: geometry, holding: Double(s.i - 1) / 2, Double(s.j - 1) / 2, jitter: jitter)
    }

    /// The mean (i, j) of slice k's non-zero voxels, nil when it has none.
    static func centroid(of region: Volume<UInt8>, slice k: Int) -> (x: Double, y: Double)? {
        let s = region.size
        var sx = 0.0, sy = 0.0, n = 0.0
        region.withUnsafeVoxels { v in
            let base = k * s.sliceCount
            for j in 0..<s.j { for i in 0..<s.i where v[base + j * s.i + i] != 0 { sx += Double(i); sy += Double(j); n += 1 } }
        }
        return n > 0 ? (sx / n, sy / n) : nil
    }

    private func fingerprint(_ nodules: [NoduleAnnotation], split: DatasetSplit, scan: ScanFile) -> String {
        var text = "seg-v2 size=\(options.size) margin=\(options.margin) window=\(options.lower),\(options.upper) split=\(split.rawValue)"
        if options.backgroundSlices > 0 { text += " background=\(options.backgroundSlices) seed=\(options.seed)" }
        if let mm = options.pixelSpacingMM { text += " pixel=\(mm)mm" }
        if let folder = options.maskFolder {
            let url = folder.appendingPathComponent("\(scan.seriesUID)_mask.mhd")
            text += " masks=" + ScanFile(seriesUID: scan.seriesUID + "_mask", url: url).fileFingerprint()
        }
        if options.lungMask { text += " lungs=\(options.lungMarginMM) \(options.lungOptions.resultKey)" }
        text += " scan=\(scan.fileFingerprint())"
        for a in nodules { text += "|\(a.center.x),\(a.center.y),\(a.center.z),\(a.diameterMM ?? -1)" }
        return ResumeStore<[SliceRecord]>.fingerprint(text)
    }
}
