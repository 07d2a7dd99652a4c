import Annotations
import Foundation
import NeuralNet

/// The slices of one split of a segmentation dataset folder (see `SegmentationDatasetBuilder`),
/// held in memory and served as batches of image and mask tensors [B, 1, S, S].
public struct SegmentationDatasetReader: Sendable {
    /// The split read.
    public let split: DatasetSplit
    /// Side S of every slice.
    public let size: Int
    /// Number of slices.
    public let count: Int
    /// Which scan each slice comes from (manifest order).
    public let seriesUIDs: [String]
    /// A fingerprint of the slices and masks, in order (a resumed training run checks it).
    public let fingerprint: String
    private let images: [Float]
    private let masks: [Float]
    /// Each slice's lung search region (0/1), when every slice of the split has one.
    public let lungRegions: [UInt8]?

    /// Reads every slice the manifest assigns to `split`; throws if a file is missing, the
    /// arrays disagree with each other or with the manifest, or slices differ in size.
    public init(folder: URL, split: DatasetSplit) throws {
        let manifest = try SegmentationDatasetManifest(folder: folder)
        let entries = manifest.entries.filter { $0.split == split }
        var images: [Float] = [], masks: [Float] = [], uids: [String] = []
        var regions: [UInt8]? = entries.allSatisfy { $0.lungsFile != nil } ? [] : nil
        var size: Int?
        var cache: (file: String, arrays: (shape: [Int], images: [Float], masks: [UInt8]), lungs: [UInt8]?)?
        for e in entries {
            if cache?.file != e.imagesFile {
                let arrays = try manifest.arrays(imagesFile: e.imagesFile, masksFile: e.masksFile)
                let lungs = try regions == nil ? nil : e.lungsFile.map { try manifest.lungRegions(file: $0, shape: arrays.shape) }
                cache = (e.imagesFile, arrays, lungs)
            }
            guard let arrays = cache?.arrays else { continue }
            let shape = arrays.shape
            let side = shape[2]
            if size == nil { size = side }
            guard side == size, e.row >= 0, e.row < shape[0] else {
                throw NoduleModelsError.invalidDataset(
                    path: folder.appendingPathComponent(e.imagesFile).path,
                    reason: "manifest row \(e.row) of \(e.seriesUID) is not in an array of shape \(shape) (slices must all be \(size ?? side) pixels)")
            }
            let per = side * side
            images += arrays.images[(e.row * per)..<((e.row + 1) * per)]
            masks += arrays.masks[(e.row * per)..<((e.row + 1) * per)].map { $0 != 0 ? 1 : 0 }
            if let lungs = cache?.lungs { regions? += lungs[(e.row * per)..<((e.row + 1) * per)] }
            uids.append(e.seriesUID)
        }
        guard let size else {
            throw NoduleModelsError.invalidDataset(path: folder.path, reason: "manifest.csv lists no \(split.rawValue) slices")
        }
        self.split = split
        self.size = size
        self.count = uids.count
        self.seriesUIDs = uids
        self.images = images
        self.masks = masks
        self.lungRegions = regions
        self.fingerprint = datasetFingerprint([images, masks])
    }

    /// The slices at `indices` as (images, masks), each [indices.count, 1, S, S].
    public func batch(_ indices: [Int]) throws -> (images: Tensor, masks: Tensor) {
        let per = size * size
        var x: [Float] = [], y: [Float] = []
        x.reserveCapacity(indices.count * per)
        y.reserveCapacity(indices.count * per)
        for i in indices {
            guard i >= 0, i < count else {
                throw NoduleModelsError.invalidDataset(path: split.rawValue, reason: "slice \(i) out of 0..<\(count)")
            }
            x += images[(i * per)..<((i + 1) * per)]
            y += masks[(i * per)..<((i + 1) * per)]
        }
        let shape = [indices.count, 1, size, size]
        return (try Tensor(shape: shape, scalars: x), try Tensor(shape: shape, scalars: y))
    }

    /// Slice indices cut into batches of `batchSize` (the last may be smaller), shuffled by
    /// `shuffleSeed` (Fisher–Yates on a seeded stream) or in order when it is nil.
    public func batchIndices(batchSize: Int, shuffleSeed: UInt64?) -> [[Int]] {
        TrainingLoop.batchIndices(count: count, batchSize: batchSize, shuffleSeed: shuffleSeed)
    }
}
