import Annotations
import Foundation
import ImageFormats
import NeuralNet
import NoduleModels
import TestSupport
import XCTest

/// Data-parallel training through the in-process `Collectives` fake (ranks are threads):
/// 2 ranks at per-rank batch 8 train the weights 1 rank trains at batch 16, dropout on, on a
/// training count (45) that no batch size divides. The same under real MPI is
/// CLITests.DistributedTrainingTests.
final class DataParallelTrainingTests: XCTestCase {
    /// Results handed back from the rank threads.
    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var weights: [Int: [String: Tensor]] = [:]
        var history: [Int: [EpochRecord]] = [:]
        var errors: [Int: String] = [:]
    }

    /// A segmentation dataset folder: `count` training and 20 validation slices of 16², noise
    /// with a bright square as the nodule.
    static func writeDataset(_ folder: URL, count: Int, seed: UInt64) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scans"), withIntermediateDirectories: true)
        var lines = ["seriesuid,split,row,slice,nodule_pixels,images_file,masks_file"]
        var g = SeededGenerator(seed: seed)
        for (uid, split, n) in [("9.1", "train", count), ("9.2", "validation", 20)] {
            var images: [Float] = [], masks: [UInt8] = []
            for row in 0..<n {
                let (cx, cy) = (Int(g.nextUniform() * 10) + 3, Int(g.nextUniform() * 10) + 3)
                for y in 0..<16 {
                    for x in 0..<16 {
                        let inside = abs(x - cx) <= 2 && abs(y - cy) <= 2
                        images.append((inside ? 0.8 : 0.2) + 0.1 * g.nextNormal())
                        masks.append(inside ? 1 : 0)
                    }
                }
                lines.append("\(uid),\(split),\(row),\(row),25,scans/\(uid).images.npy,scans/\(uid).masks.npy")
            }
            try NumPyArray(shape: [n, 1, 16, 16], values: images).write(to: folder.appendingPathComponent("scans/\(uid).images.npy"))
            try NumPyArray(shape: [n, 1, 16, 16], values: masks).write(to: folder.appendingPathComponent("scans/\(uid).masks.npy"))
        }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
    }

    static let configuration = UNetSegmenter.Configuration(widthMultiplier: 0.0625, levels: 3, dropoutRate: 0.5, seed: 7)

    /// Trains `ranks` threads (rank r on `datasets[r]`) for 2 epochs; returns each rank's
    /// final weights or error.
    private func train(ranks: Int, perRankBatch: Int, datasets: [URL], classifier: Bool = false) throws -> Box {
        let group = InProcessGroup(size: ranks)
        let out = try TestEnvironment.temporaryDirectory(self)
        let box = Box()
        let done = DispatchGroup()
        for rank in 0..<ranks {
            done.enter()
            let dataset = datasets[rank]
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    var options = TrainingOptions()
                    options.epochs = 2
                    options.batchSize = perRankBatch
                    options.learningRate = 1e-3
                    options.seed = 3
                    options.augmentsBySymmetry = classifier
                    let (result, weights) = classifier
                        ? try Self.trainClassifier(dataset, options, group.member(rank), out)
                        : try Self.trainSegmenter(dataset, options, group.member(rank), out)
                    box.lock.withLock {
                        box.weights[rank] = weights
                        box.history[rank] = result.history.records
                    }
                } catch {
                    box.lock.withLock { box.errors[rank] = "\(error)" }
                }
            }
        }
        done.wait()
        return box
    }

    private static func trainSegmenter(_ dataset: URL, _ options: TrainingOptions, _ collectives: Collectives,
                                       _ out: URL) throws -> (TrainingResult, [String: Tensor]) {
        let unet = try UNetSegmenter(configuration)
        var trainer = SegmentationTrainer(
            segmenter: unet, training: try SegmentationDatasetReader(folder: dataset, split: .train),
            validation: try SegmentationDatasetReader(folder: dataset, split: .validation), outputFolder: out, options: options)
        trainer.collectives = collectives
        return (try trainer.run(), unet.network.stateDictionary())
    }

    /// The paper's encoder (dropout 0.5) with augmentation on.
    private static func trainClassifier(_ dataset: URL, _ options: TrainingOptions, _ collectives: Collectives,
                                        _ out: URL) throws -> (TrainingResult, [String: Tensor]) {
        let encoder = try EncoderClassifier(.init(imageSize: 16, dropoutRate: 0.5, seed: 2))
        var trainer = ClassifierTrainer(
            classifier: encoder, training: try ClassificationDatasetReader(folder: dataset, split: .train),
            validation: try ClassificationDatasetReader(folder: dataset, split: .validation), outputFolder: out, options: options)
        trainer.collectives = collectives
        return (try trainer.run(), encoder.network.stateDictionary())
    }

    /// max over parameters of ‖a − b‖ / ‖a‖.
    static func relativeDifference(_ a: [String: Tensor], _ b: [String: Tensor]) -> Double {
        a.keys.map { key -> Double in
            guard let x = a[key]?.scalars, let y = b[key]?.scalars, x.count == y.count else { return .infinity }
            let diff = zip(x, y).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            let norm = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            return (diff / max(norm, 1e-30)).squareRoot()
        }.max() ?? .infinity
    }

    func testTwoRanksAtBatch8TrainTheWeightsOfOneRankAtBatch16() throws {
        let data = try TestEnvironment.temporaryDirectory(self)
        try Self.writeDataset(data, count: 45, seed: 1)
        let one = try train(ranks: 1, perRankBatch: 16, datasets: [data])
        let two = try train(ranks: 2, perRankBatch: 8, datasets: [data, data])
        XCTAssertEqual(one.errors, [:])
        XCTAssertEqual(two.errors, [:])
        let w1 = try XCTUnwrap(one.weights[0]), w2 = try XCTUnwrap(two.weights[0]), w2b = try XCTUnwrap(two.weights[1])
        let initial = try UNetSegmenter(Self.configuration).network.stateDictionary()
        let moved = Self.relativeDifference(initial.filter { $0.key.hasSuffix("weight") }, w1), gap = Self.relativeDifference(w1, w2)
        print("data-parallel in-process: 1 rank × 16 vs 2 ranks × 8 after 2 epochs (6 steps): max relative weight difference \(gap); training moved the kernels by \(moved)")
        XCTAssertGreaterThan(moved, 1e-3)         // six Adam steps really changed the weights
        XCTAssertLessThan(gap, 1e-5)
        XCTAssertEqual(w2, w2b)                   // both ranks hold the same weights, bit for bit
        // Validation sharded over 2 ranks (batches of 8: rank 0 takes 8 + 4 slices, rank 1
        // takes 8) and reduced gives the figures of one rank validating all 20.
        let h1 = try XCTUnwrap(one.history[0]), h2 = try XCTUnwrap(two.history[0])
        XCTAssertEqual(h1.count, 2)
        XCTAssertEqual(h2.count, 2)
        XCTAssertEqual(two.history[1]?.count, 0)  // rank 1 keeps no history
        for (a, b) in zip(h1, h2) {
            XCTAssertEqual(a.validationLoss, b.validationLoss, accuracy: 1e-5 * a.validationLoss)
            XCTAssertEqual(a.validationScore, b.validationScore, accuracy: 1e-4)
            XCTAssertEqual(a.trainLoss, b.trainLoss, accuracy: 1e-5 * a.trainLoss)
        }
        print("data-parallel in-process: validation loss \(h1.map(\.validationLoss)) (1 rank) vs \(h2.map(\.validationLoss)) (2 ranks, sharded)")
    }

    func testTheEncoderClassifierWithDropoutAndAugmentationTrainsAlikeOnTwoRanks() throws {
        let data = try TestEnvironment.temporaryDirectory(self)
        try ClassifierTrainingTests.writeDataset(in: data, count: 23)  // 92 training pairs: batches 16 × 5 + 12
        let one = try train(ranks: 1, perRankBatch: 16, datasets: [data], classifier: true)
        let two = try train(ranks: 2, perRankBatch: 8, datasets: [data, data], classifier: true)
        XCTAssertEqual(one.errors, [:])
        XCTAssertEqual(two.errors, [:])
        let w1 = try XCTUnwrap(one.weights[0]), w2 = try XCTUnwrap(two.weights[0])
        let gap = Self.relativeDifference(w1, w2)
        print("data-parallel in-process: encoder classifier, 1 rank × 16 vs 2 ranks × 8, 2 epochs: max relative weight difference \(gap)")
        XCTAssertLessThan(gap, 1e-5)
        XCTAssertEqual(try XCTUnwrap(one.history[0]).map(\.validationScore), try XCTUnwrap(two.history[0]).map(\.validationScore))
    }

    func testRanksWithDifferentDataAreRefusedNamingTheRank() throws {
        let a = try TestEnvironment.temporaryDirectory(self), b = try TestEnvironment.temporaryDirectory(self)
        try Self.writeDataset(a, count: 20, seed: 1)
        try Self.writeDataset(b, count: 20, seed: 2)
        let run = try train(ranks: 2, perRankBatch: 8, datasets: [a, b])
        XCTAssertEqual(run.errors.count, 2)
        for rank in 0..<2 {
            XCTAssertTrue(run.errors[rank]?.contains("the dataset on rank 1 differs from rank 0's") ?? false, run.errors[rank] ?? "no error")
        }
    }
}
