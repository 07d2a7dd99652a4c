import Foundation
import ImagingCore

/// Takes 2-D network inputs out of a volume: one k-slice, windowed to 0…1 and resampled
/// onto a square of `size` pixels (bilinear for intensities, nearest for labels, so a mask
/// stays a mask).
///
/// Two ways to size a slice. Without `pixelSpacingMM` (datasets built before it existed)
/// the whole slice is stretched to `size × size`, so a pixel's size in millimetres follows
/// the scan's field of view. With it, every output pixel covers `pixelSpacingMM` mm of the
/// patient whatever the scan's pixel spacing (anti-aliased by a box filter when shrinking),
/// so a network trained on one spacing meets nodules of the same size in pixels on another:
/// training takes `size × size` windows placed around the nodules, screening a canvas that
/// covers the whole slice (`screeningWindow`).
public struct SliceSampler: Sendable, Equatable, Codable {
    /// Output side in pixels (the training window; the classifier's input side).
    public var size: Int
    /// Hounsfield units mapped to 0 and 1.
    public var lower: Double
    public var upper: Double
    /// Millimetres per output pixel; nil stretches the whole slice to `size`.
    public var pixelSpacingMM: Double?

    /// The paper's window (−1000…400 HU → 0…1).
    public init(size: Int, lower: Double = -1000, upper: Double = 400, pixelSpacingMM: Double? = nil) {
        self.size = size
        self.lower = lower
        self.upper = max(upper, lower + 1e-6)
        self.pixelSpacingMM = pixelSpacingMM.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
    }

    /// The sampler a dataset folder was built with (its `dataset.json`), or nil when the
    /// folder has none.
    public static func ofDataset(_ folder: URL) throws -> SliceSampler? {
        let url = folder.appendingPathComponent(datasetFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode(SliceSampler.self, from: Data(contentsOf: url)) } catch {
            throw AnnotationError.unreadable(file: url.path, reason: "not a slice sampler description: \(error)")
        }
    }

    /// Writes `dataset.json` (size and window) into a dataset folder, atomically.
    public func write(toDataset folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: folder.appendingPathComponent(Self.datasetFileName))
    }

    /// The file naming a dataset folder's sampler.
    public static let datasetFileName = "dataset.json"

    /// Slice `k` of `volume`, windowed and resized (size × size, row-major, j then i):
    /// the whole slice, or with `pixelSpacingMM` the `size × size` window at its centre.
    public func image<V: VoxelScalar>(_ volume: Volume<V>, k: Int) -> [Float] {
        image(volume, k: k, window: window(for: volume.geometry))
    }

    /// Slice `k` of a label volume, resized by nearest neighbour; values stay labels.
    public func labels(_ volume: Volume<UInt8>, k: Int) -> [UInt8] {
        labels(volume, k: k, window: window(for: volume.geometry))
    }

    /// Slice `k` of `volume` through `window`, windowed to 0…1; outside the slice reads 0.
    public func image<V: VoxelScalar>(_ volume: Volume<V>, k: Int, window: SliceWindow) -> [Float] {
        let s = volume.size
        let scale = 1 / (upper - lower), lower = self.lower
        // Bounded as a Double: a hostile spacing (1e-300 mm) makes the step infinite, which Int() traps on.
        let step = max(window.stepX, window.stepY)
        let taps = pixelSpacingMM == nil ? 1 : (step <= 8 ? Int(max(step, 1).rounded(.up)) : 8)
        return volume.withUnsafeVoxels { v in
            let base = k * s.sliceCount, channels = volume.channelCount
            return window.sample(sliceWidth: s.i, sliceHeight: s.j, nearest: false, taps: min(max(taps, 1), 8), outside: 0) { i, j in
                min(max((v[(base + j * s.i + i) * channels].doubleValue - lower) * scale, 0), 1)
            }
        }
    }

    /// Slice `k` of a label volume through `window` (nearest); outside the slice reads 0.
    public func labels(_ volume: Volume<UInt8>, k: Int, window: SliceWindow) -> [UInt8] {
        let s = volume.size
        return volume.withUnsafeVoxels { v in
            let base = k * s.sliceCount
            return window.sample(sliceWidth: s.i, sliceHeight: s.j, nearest: true, taps: 1, outside: 0) { i, j in
                Double(v[base + j * s.i + i])
            }
        }.map { UInt8(clampingDouble: Double($0)) }
    }

    /// Slice pixels per output pixel along i and j on `geometry`.
    public func steps(for geometry: ImageGeometry) -> (x: Double, y: Double) {
        let s = geometry.size
        guard let mm = pixelSpacingMM else { return (Double(s.i) / Double(size), Double(s.j) / Double(size)) }
        return (mm / geometry.spacing.x, mm / geometry.spacing.y)
    }

    /// The `size × size` window centred on slice coordinates (`centreX`, `centreY`), the
    /// slice's centre by default; without `pixelSpacingMM`, always the whole slice.
    public func window(for geometry: ImageGeometry, centreX: Double? = nil, centreY: Double? = nil) -> SliceWindow {
        let s = geometry.size, step = steps(for: geometry)
        let cx = pixelSpacingMM == nil ? nil : centreX, cy = pixelSpacingMM == nil ? nil : centreY
        return SliceWindow.centred(canvasWidth: size, canvasHeight: size, stepX: step.x, stepY: step.y,
                                   centreX: cx ?? Double(s.i - 1) / 2, centreY: cy ?? Double(s.j - 1) / 2)
    }

    /// The canvas screening runs the segmenter on: the whole slice at `pixelSpacingMM`
    /// (each side rounded up to a multiple of `multiple`, never below `size`), centred; the
    /// `size × size` stretch without it.
    public func screeningWindow(for geometry: ImageGeometry, multiple: Int = 16) -> SliceWindow {
        guard pixelSpacingMM != nil else { return window(for: geometry) }
        let s = geometry.size, step = steps(for: geometry), m = max(1, multiple)
        func side(_ pixels: Int, _ step: Double) -> Int {
            let needed = Int(min((Double(pixels) / step).rounded(.up), 16_384))
            return max(size, (needed + m - 1) / m * m)
        }
        let side = max(side(s.i, step.x), side(s.j, step.y))
        return SliceWindow.centred(canvasWidth: side, canvasHeight: side, stepX: step.x, stepY: step.y,
                                   centreX: Double(s.i - 1) / 2, centreY: Double(s.j - 1) / 2)
    }

    /// A training window that holds slice point (`x`, `y`) (a nodule's centre): centred on
    /// it moved by up to a quarter of the window each way (`jitter` in −1…1 per axis), then
    /// shifted to stay inside the slice where the slice is larger than the window.
    public func window(for geometry: ImageGeometry, holding x: Double, _ y: Double, jitter: (Double, Double)) -> SliceWindow {
        guard pixelSpacingMM != nil else { return window(for: geometry) }
        let s = geometry.size, step = steps(for: geometry)
        func centre(_ p: Double, _ jitter: Double, _ extent: Int, _ step: Double) -> Double {
            let half = Double(size) / 2 * step, quarter = half / 2
            let c = p + min(max(jitter, -1), 1) * quarter
            let low = half - 0.5, high = Double(extent) - 0.5 - half
            return low <= high ? min(max(c, low), high) : Double(extent - 1) / 2
        }
        return SliceWindow.centred(canvasWidth: size, canvasHeight: size, stepX: step.x, stepY: step.y,
                                   centreX: centre(x, jitter.0, s.i, step.x), centreY: centre(y, jitter.1, s.j, step.y))
    }
}
