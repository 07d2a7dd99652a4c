import Annotations
import Foundation
import NeuralNet

/// The pairs of one split of a classification dataset folder (see
/// `ClassificationDatasetBuilder`), held in memory and served as batches [B, 2, S, S] with
/// one-hot targets. Oversampled pairs appear `copies` times.
public struct ClassificationDatasetReader: Sendable {
    /// The split read.
    public let split: DatasetSplit
    /// Side S of every pair.
    public let size: Int
    /// Channels per sample (2 for the paper's pairs).
    public let channels: Int
    /// The samples served, copies included, in manifest order.
    public let samples: [ClassificationSample]
    /// A fingerprint of the pairs and their labels, in order (a resumed training run checks it).
    public let fingerprint: String
    private let pairs: [Float]

    /// Number of samples served per epoch (copies included).
    public var count: Int { samples.count }

    /// Reads every pair the manifest assigns to `split`; throws if a file is missing, lies
    /// outside the folder, or disagrees with the manifest.
    public init(folder: URL, split: DatasetSplit) throws {
        let entries = try ClassificationManifest.read(folder: folder).filter { $0.split == split }
        var pairs: [Float] = [], served: [ClassificationSample] = []
        var shape: [Int]?
        var cache: (file: String, shape: [Int], values: [Float])?
        for e in entries {
            guard !e.pairsFile.hasPrefix("/"), !e.pairsFile.split(separator: "/").contains("..") else {
                throw NoduleModelsError.invalidDataset(path: folder.appendingPathComponent("manifest.csv").path,
                                                       reason: "pairs file \(e.pairsFile) lies outside the dataset folder")
            }
            if cache?.file != e.pairsFile {
                let (s, v) = try DatasetArrays.readFloats(folder.appendingPathComponent(e.pairsFile), rank: 4)
                cache = (e.pairsFile, s, v)
            }
            guard let arrays = cache else { continue }
            let itemShape = Array(arrays.shape.dropFirst())
            guard itemShape.count == 3, (1...16).contains(itemShape[0]), (1...4096).contains(itemShape[1]), itemShape[1] == itemShape[2] else {
                throw NoduleModelsError.invalidDataset(path: folder.appendingPathComponent(e.pairsFile).path,
                                                       reason: "pairs must be N×C×S×S with C ≤ 16 and S ≤ 4096, found \(arrays.shape)")
            }
            if shape == nil { shape = itemShape }
            guard itemShape == shape, e.row >= 0, e.row < arrays.shape[0] else {
                throw NoduleModelsError.invalidDataset(
                    path: folder.appendingPathComponent(e.pairsFile).path,
                    reason: "manifest row \(e.row) of \(e.seriesUID) is not in an array of shape \(arrays.shape) (samples must all be \(shape ?? itemShape))")
            }
            let per = itemShape.reduce(1, *)
            for _ in 0..<e.copies {
                pairs += arrays.values[(e.row * per)..<((e.row + 1) * per)]
                served.append(e)
            }
        }
        guard let shape, shape.count == 3, shape[1] == shape[2] else {
            throw NoduleModelsError.invalidDataset(path: folder.path, reason: "manifest.csv lists no \(split.rawValue) pairs")
        }
        self.split = split
        self.channels = shape[0]
        self.size = shape[1]
        self.samples = served
        self.pairs = pairs
        self.fingerprint = datasetFingerprint([pairs], extra: served.map(\.label.rawValue))
    }

    /// The samples at `indices` as (inputs [n, C, S, S], one-hot targets [n, 2]).
    public func batch(_ indices: [Int]) throws -> (inputs: Tensor, targets: Tensor) {
        let per = channels * size * size
        var x: [Float] = [], y: [Float] = []
        x.reserveCapacity(indices.count * per)
        for i in indices {
            guard i >= 0, i < count else {
                throw NoduleModelsError.invalidDataset(path: split.rawValue, reason: "sample \(i) out of 0..<\(count)")
            }
            x += pairs[(i * per)..<((i + 1) * per)]
            y += samples[i].label == .malignant ? [0, 1] : [1, 0]
        }
        return (try Tensor(shape: [indices.count, channels, size, size], scalars: x),
                try Tensor(shape: [indices.count, 2], scalars: y))
    }
}
