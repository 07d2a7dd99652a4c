import Annotations
import Foundation
import ImageFormats
import NeuralNet

/// The pairs of one split of a classification dataset folder (see
/// `ClassificationDatasetBuilder`), served as batches [B, 2, S, S] with one-hot targets.
/// Oversampled pairs appear `copies` times. The `.pairs.npy` files are memory-mapped, not
/// read into the heap: a batch copies its pairs out, so a set larger than memory trains in
/// bounded memory, and copies cost nothing.
public struct ClassificationDatasetReader: Sendable {
    /// The split read.
    public let split: DatasetSplit
    /// Side S of every pair.
    public let size: Int
    /// Channels per sample (2 for the paper's pairs).
    public let channels: Int
    /// The samples served, copies included, in manifest order.
    public private(set) var samples: [ClassificationSample]
    /// A fingerprint of the pairs and their labels, in order (a resumed training run checks it).
    public let fingerprint: String
    /// The mapped pairs files, and for each served sample its file and row.
    private let files: [MappedNumPyArray<Float>]
    private let rows: [(file: Int, row: Int)]

    /// Gives each sample on a nodule listed in `labels` that nodule's own label
    /// (`ClassificationSample.noduleLabel`), for evaluation; batches still carry patient labels.
    /// Returns how many distinct nodules of the split it found there.
    @discardableResult
    public mutating func applyNoduleLabels(_ labels: NoduleLabels) -> Int {
        var found = Set<String>()
        for n in samples.indices {
            guard let nodule = samples[n].nodule, nodule > 0,
                  let label = labels.label(seriesUID: samples[n].seriesUID, nodule: nodule) else { continue }
            samples[n].noduleLabel = label
            found.insert("\(samples[n].seriesUID)#\(nodule)")
        }
        return found.count
    }

    /// Number of samples served per epoch (copies included).
    public var count: Int { samples.count }

    /// Reads every pair the manifest assigns to `split`; throws if a file is missing, lies
    /// outside the folder, or disagrees with the manifest.
    public init(folder: URL, split: DatasetSplit) throws {
        let entries = try ClassificationManifest.read(folder: folder).filter { $0.split == split }
        var files: [MappedNumPyArray<Float>] = [], fileIndex: [String: Int] = [:]
        var rows: [(file: Int, row: Int)] = [], served: [ClassificationSample] = []
        var shape: [Int]?
        for e in entries {
            guard !e.pairsFile.hasPrefix("/"), !e.pairsFile.split(separator: "/").contains("..") else {
                throw NoduleModelsError.invalidDataset(path: folder.appendingPathComponent("manifest.csv").path,
                                                       reason: "pairs file \(e.pairsFile) lies outside the dataset folder")
            }
            let url = folder.appendingPathComponent(e.pairsFile)
            if fileIndex[e.pairsFile] == nil {
                let mapped = try MappedNumPyArray<Float>(contentsOf: url)
                guard mapped.shape.count == 4 else {
                    throw AnnotationError.badField(file: url.path, line: 0, column: "shape", value: "\(mapped.shape)",
                                                   expected: "4 dimensions")
                }
                fileIndex[e.pairsFile] = files.count
                files.append(mapped)
            }
            guard let f = fileIndex[e.pairsFile] else { continue }
            let arrayShape = files[f].shape, itemShape = Array(arrayShape.dropFirst())
            guard itemShape.count == 3, (1...16).contains(itemShape[0]), (1...4096).contains(itemShape[1]), itemShape[1] == itemShape[2] else {
                throw NoduleModelsError.invalidDataset(path: url.path,
                                                       reason: "pairs must be N×C×S×S with C ≤ 16 and S ≤ 4096, found \(arrayShape)")
            }
            if shape == nil { shape = itemShape }
            guard itemShape == shape, e.row >= 0, e.row < arrayShape[0] else {
                throw NoduleModelsError.invalidDataset(
                    path: url.path,
                    reason: "manifest row \(e.row) of \(e.seriesUID) is not in an array of shape \(arrayShape) (samples must all be \(shape ?? itemShape))")
            }
            for _ in 0..<e.copies {
                rows.append((f, e.row))
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
        self.files = files
        self.rows = rows
        self.fingerprint = Self.fingerprint(files, rows, per: shape.reduce(1, *), labels: served.map(\.label.rawValue))
    }

    /// `datasetFingerprint([pairs], extra: labels)` of the served pairs in order, streamed
    /// from the mapped files so the split is never held in memory.
    private static func fingerprint(_ files: [MappedNumPyArray<Float>], _ rows: [(file: Int, row: Int)], per: Int,
                                    labels: [Int]) -> String {
        var hash = FNV1a()
        hash.add(UInt64(rows.count * per))
        for (f, row) in rows {
            files[f].withElements((row * per)..<((row + 1) * per)) { values in
                for v in values { hash.add(UInt64(v.bitPattern)) }
            }
        }
        for v in labels { hash.add(UInt64(bitPattern: Int64(v))) }
        return String(hash.value, radix: 16)
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
            let (f, row) = rows[i]
            files[f].withElements((row * per)..<((row + 1) * per)) { x.append(contentsOf: $0) }
            y += samples[i].label == .malignant ? [0, 1] : [1, 0]
        }
        return (try Tensor(shape: [indices.count, channels, size, size], scalars: x),
                try Tensor(shape: [indices.count, 2], scalars: y))
    }
}
