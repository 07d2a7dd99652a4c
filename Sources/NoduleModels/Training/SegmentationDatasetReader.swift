import Annotations
import Foundation
import NeuralNet

/// The slices of one split of a segmentation dataset folder (see `SegmentationDatasetBuilder`),
/// served as batches of image and mask tensors [B, 1, S, S]. The `.npy` files are
/// memory-mapped, not read into the heap: a batch copies its slices out, so a dataset larger
/// than memory trains in bounded memory (the kernel pages the files in and out).
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
    /// The mapped arrays of each scan, and for each slice its scan and row.
    private let files: [MappedSegmentationArrays]
    private let slices: [(file: Int, row: Int)]
    /// Each slice's lung search region (0/1, S×S per slice, in order), when every slice of
    /// the split has one (sets built with the lung mask). Small: read, not mapped.
    public let lungRegions: [UInt8]?

    /// Maps every slice the manifest assigns to `split`; throws if a file is missing, the
    /// arrays disagree with each other or with the manifest, or slices differ in size.
    public init(folder: URL, split: DatasetSplit) throws {
        let manifest = try SegmentationDatasetManifest(folder: folder)
        let entries = manifest.entries.filter { $0.split == split }
        var files: [MappedSegmentationArrays] = [], fileIndex: [String: Int] = [:]
        var slices: [(file: Int, row: Int)] = [], uids: [String] = []
        var regions: [UInt8]? = entries.allSatisfy { $0.lungsFile != nil } ? [] : nil
        var lungsCache: (file: String, values: [UInt8])?
        var size: Int?
        for e in entries {
            let key = e.imagesFile + "\u{0}" + e.masksFile
            if fileIndex[key] == nil {
                fileIndex[key] = files.count
                files.append(try manifest.mappedArrays(imagesFile: e.imagesFile, masksFile: e.masksFile))
            }
            guard let f = fileIndex[key] else { continue }
            let shape = files[f].shape
            let side = shape[2]
            if size == nil { size = side }
            guard side == size, e.row >= 0, e.row < shape[0] else {
                throw NoduleModelsError.invalidDataset(
                    path: folder.appendingPathComponent(e.imagesFile).path,
                    reason: "manifest row \(e.row) of \(e.seriesUID) is not in an array of shape \(shape) (slices must all be \(size ?? side) pixels)")
            }
            slices.append((f, e.row))
            if regions != nil, let lungsFile = e.lungsFile {
                if lungsCache?.file != lungsFile {
                    lungsCache = (lungsFile, try manifest.lungRegions(file: lungsFile, shape: shape))
                }
                let per = side * side
                if let values = lungsCache?.values { regions? += values[(e.row * per)..<((e.row + 1) * per)] }
            }
            uids.append(e.seriesUID)
        }
        guard let size else {
            throw NoduleModelsError.invalidDataset(path: folder.path, reason: "manifest.csv lists no \(split.rawValue) slices")
        }
        self.split = split
        self.size = size
        self.count = uids.count
        self.seriesUIDs = uids
        self.files = files
        self.slices = slices
        self.lungRegions = regions
        self.fingerprint = Self.fingerprint(files, slices, pixels: size * size)
    }

    /// `datasetFingerprint([images, masks])` of the split's slices in order (masks as 0/1),
    /// streamed from the mapped files so the split is never held in memory.
    private static func fingerprint(_ files: [MappedSegmentationArrays], _ slices: [(file: Int, row: Int)], pixels: Int) -> String {
        var hash = FNV1a()
        for masks in [false, true] {
            hash.add(UInt64(slices.count * pixels))
            for (f, row) in slices {
                files[f].withSlice(row) { x, m in
                    if masks {
                        for v in m { hash.add(UInt64((v != 0 ? Float(1) : 0).bitPattern)) }
                    } else {
                        for v in x { hash.add(UInt64(v.bitPattern)) }
                    }
                }
            }
        }
        return String(hash.value, radix: 16)
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
            files[slices[i].file].withSlice(slices[i].row) { image, mask in
                x.append(contentsOf: image)
                for v in mask { y.append(v != 0 ? 1 : 0) }
            }
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
