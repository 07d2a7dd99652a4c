import Annotations
import Foundation
import ImagingCore
import NeuralNet

/// The segmenter and discriminator run over every axial slice (k) of a scan.
public struct ScreenedScan: Sendable {
    /// Side S of the square canvas the segmenter saw (the sampler's size, or with a
    /// physical pixel size the whole slice at that size).
    public let size: Int
    /// Where the canvas lies on the scan's slices.
    public let window: SliceWindow
    /// Side of the classifier's pairs (the sampler's size; equal to `size` unless slices
    /// are sampled by physical size on a scan larger than the training window).
    public let pairSize: Int
    /// Slices screened (the scan's k extent).
    public let sliceCount: Int
    /// Windowed, resized slices, K×S×S (the network's input x̂).
    public let inputs: [Float]
    /// Nodule probability per pixel, K×S×S (the segmented image ŷ).
    public let probabilities: [Float]
    /// The highest probability of each slice.
    public let maximumProbabilities: [Float]
    /// Whether the discriminator fired on each slice.
    public let suspicious: [Bool]
    /// The lungs, when the screener searched inside them.
    public var lungs: LungMask?
    /// Where probabilities were kept (the lungs grown by the margin), on the scan's grid;
    /// nil when the whole scan was searched.
    public var searchRegion: Volume<UInt8>?
    /// How long each phase took: the lung mask and search region (when searched), slices
    /// sampled into the network's window, the segmenter's forward passes.
    public var stageSeconds: [StageTime] = []

    /// The indices of the suspicious slices.
    public var suspiciousSlices: [Int] { suspicious.indices.filter { suspicious[$0] } }

    /// Slice k's input and probabilities as the classifier's two channels (x̄ = {x̂, ŷ},
    /// 2 × pairSize²): the whole canvas, or on a larger canvas the `pairSize` square
    /// around the slice's most probable pixel (kept inside the canvas).
    public func pair(slice k: Int) -> [Float] {
        pair(slice: k, origin: pairOrigin(slice: k))
    }

    /// Slice k's pair centred on a canvas point (a nodule's centre on that slice), the square
    /// kept inside the canvas; the whole canvas when pairs are canvas-sized.
    public func pair(slice k: Int, centredAt point: (x: Double, y: Double)) -> [Float] {
        pair(slice: k, origin: pairOrigin(centre: (Int(point.x.rounded()), Int(point.y.rounded()))))
    }

    private func pair(slice k: Int, origin: (x: Int, y: Int)) -> [Float] {
        let per = size * size
        if pairSize >= size {
            return Array(inputs[(k * per)..<((k + 1) * per)]) + probabilities[(k * per)..<((k + 1) * per)]
        }
        let base = k * per
        var x̂ = [Float](), ŷ = [Float]()
        x̂.reserveCapacity(pairSize * pairSize)
        ŷ.reserveCapacity(pairSize * pairSize)
        for y in origin.y..<(origin.y + pairSize) {
            let row = base + y * size
            x̂ += inputs[(row + origin.x)..<(row + origin.x + pairSize)]
            ŷ += probabilities[(row + origin.x)..<(row + origin.x + pairSize)]
        }
        return x̂ + ŷ
    }

    /// The canvas pixel at the top left of slice k's pair window.
    public func pairOrigin(slice k: Int) -> (x: Int, y: Int) {
        guard pairSize < size else { return (0, 0) }
        let per = size * size, base = k * per
        var best = base
        for p in base..<(base + per) where probabilities[p] > probabilities[best] { best = p }
        return pairOrigin(centre: ((best - base) % size, (best - base) / size))
    }

    /// The top left of the pair window centred on a canvas pixel, kept inside the canvas.
    func pairOrigin(centre: (x: Int, y: Int)) -> (x: Int, y: Int) {
        guard pairSize < size else { return (0, 0) }
        func clamped(_ c: Int) -> Int { min(max(c - pairSize / 2, 0), size - pairSize) }
        return (clamped(centre.x), clamped(centre.y))
    }
}

/// Where a screener looks for nodules.
public enum SearchRegion: Sendable, Equatable {
    /// Every pixel of every slice.
    case everywhere
    /// Inside the lungs (`LungSegmenter`) grown by `marginMM`: probabilities outside are set
    /// to 0 before the discriminator and the 3-D nodules see them.
    case lungs(marginMM: Double, options: LungSegmentationOptions)

    /// What changes the result (not thread counts), for resume keys.
    public var resultKey: String {
        switch self {
        case .everywhere: return "everywhere"
        case .lungs(let margin, let options): return "lungs+\(margin)mm \(options.resultKey)"
        }
    }

    /// The lungs grown by 3 mm, with the segmenter's defaults: what the commands use.
    public static let lungsWithDefaultMargin = SearchRegion.lungs(marginMM: 3, options: .init())
}

/// Runs a `Segmenter` over a scan slice by slice — each slice windowed and resized by a
/// `SliceSampler` exactly as the training set was — and flags slices with a
/// `NoduleDiscriminator`. Slices go through the network in batches. With a lung search
/// region, the lungs are segmented first and only probabilities inside them count.
public struct SliceScreener {
    public var segmenter: Segmenter
    public var sampler: SliceSampler
    public var discriminator: NoduleDiscriminator
    /// Slices per forward pass.
    public var batchSize: Int
    /// Where nodules are looked for.
    public var searchRegion: SearchRegion

    /// A screener; `sampler.size` must be an input side the segmenter takes.
    public init(segmenter: Segmenter, sampler: SliceSampler, discriminator: NoduleDiscriminator = .init(), batchSize: Int = 16,
                searchRegion: SearchRegion = .everywhere) throws {
        try segmenter.validateInput(shape: [1, segmenter.inputChannels, sampler.size, sampler.size])
        guard segmenter.inputChannels == 1 else {
            throw NoduleModelsError.unsupportedInput(model: "SliceScreener", expected: "a segmenter of 1 input channel",
                                                     found: [1, segmenter.inputChannels, sampler.size, sampler.size])
        }
        self.segmenter = segmenter
        self.sampler = sampler
        self.discriminator = discriminator
        self.batchSize = max(1, batchSize)
        self.searchRegion = searchRegion
    }

    /// Screens every slice of `volume`; `progress` counts slices. Throws
    /// `ImagingError.lungsNotFound` when searching the lungs of a scan that has none.
    public func screen<V: VoxelScalar>(_ volume: Volume<V>, progress: ProgressReporter = SilentProgress()) throws -> ScreenedScan {
        let window = sampler.screeningWindow(for: volume.geometry)
        let k = volume.size.k, s = window.width, per = s * s
        if s != sampler.size { try segmenter.validateInput(shape: [1, 1, s, s]) }
        var lungs: LungMask?, region: Volume<UInt8>?
        var stages: [StageTime] = []
        if case .lungs(let margin, let options) = searchRegion {
            let started = Date()
            let mask = try LungSegmenter.segment(volume.converted(to: Int16.self), options: options)
            lungs = mask
            region = mask.regionVolume(dilatedByMM: margin, threads: options.threads)
            stages.append(StageTime(name: "lungs", seconds: Date().timeIntervalSince(started)))
        }
        var sampling = 0.0, forward = 0.0
        var inputs = [Float](), probabilities = [Float]()
        inputs.reserveCapacity(k * per)
        probabilities.reserveCapacity(k * per)
        for start in stride(from: 0, to: k, by: batchSize) {
            let end = min(start + batchSize, k)
            var batch: [Float] = []
            batch.reserveCapacity((end - start) * per)
            let sampled = Date()
            for slice in start..<end { batch += sampler.image(volume, k: slice, window: window) }
            let passed = Date()
            var out = try segmenter.probabilities(Tensor(shape: [end - start, 1, s, s], scalars: batch)).scalars
            forward += Date().timeIntervalSince(passed)
            if let region {
                // The region resized as the slice was (nearest, so it stays a mask).
                for slice in start..<end {
                    let inside = sampler.labels(region, k: slice, window: window), base = (slice - start) * per
                    for p in 0..<per where inside[p] == 0 { out[base + p] = 0 }
                }
            }
            inputs += batch
            probabilities += out
            sampling += passed.timeIntervalSince(sampled)
            progress.update(completed: end, total: k, item: "slice \(end)")
        }
        let maxima = (0..<k).map { probabilities[($0 * per)..<(($0 + 1) * per)].max() ?? 0 }
        var scan = ScreenedScan(size: s, window: window, pairSize: sampler.size, sliceCount: k, inputs: inputs, probabilities: probabilities,
                                maximumProbabilities: maxima, suspicious: maxima.map { $0 > discriminator.threshold })
        scan.lungs = lungs
        scan.searchRegion = region
        scan.stageSeconds = stages + [StageTime(name: "slices sampled", seconds: sampling), StageTime(name: "forward", seconds: forward)]
        return scan
    }

    /// Screens a volume of any voxel type (read as Float).
    public func screen(_ volume: AnyVolume, progress: ProgressReporter = SilentProgress()) throws -> ScreenedScan {
        try screen(volume.converted(to: Float.self), progress: progress)
    }
}

extension SliceScreener {
    /// The screener of a trained segmenter: its checkpoint (run folder or `.safetensors`
    /// file) and, beside it, `model.json` and the `dataset.json` of its training set, so
    /// slices are windowed and resized exactly as in training.
    public static func load(segmenter checkpoint: URL, discriminator: NoduleDiscriminator = .init(), batchSize: Int = 16,
                            searchRegion: SearchRegion = .everywhere) throws -> SliceScreener {
        let (description, weights) = try ModelDescription.locate(checkpoint)
        let segmenter = try description.makeSegmenter()
        try segmenter.loadWeights(from: weights)
        let folder = weights.deletingLastPathComponent()
        guard let sampler = try SliceSampler.ofDataset(folder) else {
            throw NoduleModelsError.invalidDataset(
                path: folder.appendingPathComponent(SliceSampler.datasetFileName).path,
                reason: "missing: the segmenter's run folder needs the dataset.json of its training set (window and size)")
        }
        return try SliceScreener(segmenter: segmenter, sampler: sampler, discriminator: discriminator, batchSize: batchSize,
                                 searchRegion: searchRegion)
    }
}
