import Annotations
import Foundation
import ImageFormats
import NeuralNet
import NoduleModels
import TestSupport
import XCTest

/// A short run on phantom-like slices (a bright disc, the "nodule", in a noisy background
/// with a dimmer "vessel" that is not a nodule), written in the dataset format of
/// `SegmentationDatasetBuilder`.
final class SegmentationTrainingTests: XCTestCase {
    private let size = 16

    private func writeScan(_ uid: String, slices: Int, seed: UInt64, in folder: URL) throws -> [String] {
        var g = SeededGenerator(seed: seed)
        var images: [Float] = [], masks: [UInt8] = [], rows: [String] = []
        for s in 0..<slices {
            let cx = 4 + g.nextUniform() * 8, cy = 4 + g.nextUniform() * 8, r = 3 + g.nextUniform() * 2
            let vessel = Int(g.nextUniform() * Float(size))
            var pixels = 0
            for y in 0..<size {
                for x in 0..<size {
                    let inside = (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy) <= r * r && s % 4 != 0
                    images.append((inside ? 0.8 : (x == vessel ? 0.45 : 0.2)) + 0.08 * g.nextNormal())
                    masks.append(inside ? 1 : 0)
                    pixels += inside ? 1 : 0
                }
            }
            rows.append("\(uid),SPLIT,\(s),\(s),\(pixels),scans/\(uid).images.npy,scans/\(uid).masks.npy")
        }
        let shape = [slices, 1, size, size]
        try NumPyArray(shape: shape, values: images).write(to: folder.appendingPathComponent("scans/\(uid).images.npy"))
        try NumPyArray(shape: shape, values: masks).write(to: folder.appendingPathComponent("scans/\(uid).masks.npy"))
        return rows
    }

    private func makeDataset() throws -> URL {
        let folder = try TestEnvironment.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scans"), withIntermediateDirectories: true)
        var lines = ["seriesuid,split,row,slice,nodule_pixels,images_file,masks_file"]
        for (uid, split, n) in [("1.1", "train", 24), ("1.2", "train", 24), ("1.3", "validation", 12), ("1.4", "test", 4)] {
            lines += try writeScan(uid, slices: n, seed: UInt64(uid.count + lines.count), in: folder)
                .map { $0.replacingOccurrences(of: "SPLIT", with: split) }
        }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    func testReaderSelectsSplitByManifest() throws {
        let folder = try makeDataset()
        let train = try SegmentationDatasetReader(folder: folder, split: .train)
        let test = try SegmentationDatasetReader(folder: folder, split: .test)
        XCTAssertEqual([train.count, test.count, train.size], [48, 4, 16])
        XCTAssertEqual(Set(train.seriesUIDs), ["1.1", "1.2"])
        XCTAssertEqual(train.batchIndices(batchSize: 16, shuffleSeed: 3).map(\.count), [16, 16, 16])
        XCTAssertEqual(train.batchIndices(batchSize: 16, shuffleSeed: 3), train.batchIndices(batchSize: 16, shuffleSeed: 3))
        XCTAssertEqual(Set(train.batchIndices(batchSize: 16, shuffleSeed: 3).joined()), Set(0..<48))
        let (x, y) = try test.batch([0, 3])
        XCTAssertEqual(x.shape, [2, 1, 16, 16])
        XCTAssertEqual(y.shape, [2, 1, 16, 16])
        XCTAssertThrowsError(try SegmentationDatasetReader(folder: folder.appendingPathComponent("missing"), split: .train))
    }

    func testTinyUNetLossFallsAndRunResumes() throws {
        ComputeThreads.set(1)
        let folder = try makeDataset()
        let output = folder.appendingPathComponent("run")
        let train = try SegmentationDatasetReader(folder: folder, split: .train)
        let validation = try SegmentationDatasetReader(folder: folder, split: .validation)
        var options = TrainingOptions()
        options.epochs = 10
        options.batchSize = 8
        options.learningRate = 1e-2
        options.seed = 5
        let config = UNetSegmenter.Configuration(widthMultiplier: 0.125, levels: 3, dropoutRate: 0, seed: 1)
        var batches = 0
        let result = try SegmentationTrainer(segmenter: UNetSegmenter(config), training: train, validation: validation,
                                             outputFolder: output, options: options).run { event in
            if case .batch = event { batches += 1 }
        }
        let records = result.history.records
        XCTAssertEqual(records.map(\.epoch), Array(1...10))
        XCTAssertEqual(batches, 60)
        XCTAssertLessThan(records[9].trainLoss, 0.5 * records[0].trainLoss, "\(records)")
        XCTAssertLessThan(records[9].validationLoss, 0.5 * records[0].validationLoss, "\(records)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: result.bestCheckpoint.path))
        XCTAssertEqual(try TrainingHistory(contentsOf: output.appendingPathComponent("history.csv")), result.history)

        options.epochs = 11
        options.resume = true
        let resumed = try SegmentationTrainer(segmenter: UNetSegmenter(config), training: train, validation: validation,
                                              outputFolder: output, options: options).run()
        XCTAssertEqual(resumed.resumedAfterEpoch, 10)
        XCTAssertEqual(resumed.history.records.map(\.epoch), Array(1...11))
        XCTAssertEqual(Array(resumed.history.records.prefix(10)), records)

        // The same run resumed on other training data (a scan rewritten with other slices) is
        // refused, naming run.json and the split, and its files are left as they were.
        _ = try writeScan("1.1", slices: 24, seed: 99, in: folder)
        let changed = try SegmentationDatasetReader(folder: folder, split: .train)
        XCTAssertNotEqual(changed.fingerprint, train.fingerprint)
        XCTAssertEqual(try SegmentationDatasetReader(folder: folder, split: .validation).fingerprint, validation.fingerprint)
        let historyBefore = try Data(contentsOf: output.appendingPathComponent("history.csv"))
        let lastBefore = try Data(contentsOf: output.appendingPathComponent("last.safetensors"))
        options.epochs = 12
        XCTAssertThrowsError(try SegmentationTrainer(segmenter: UNetSegmenter(config), training: changed, validation: validation,
                                                     outputFolder: output, options: options).run()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("run.json") && text.contains("training") && !text.contains("validation "), text)
        }
        XCTAssertEqual(try Data(contentsOf: output.appendingPathComponent("history.csv")), historyBefore)
        XCTAssertEqual(try Data(contentsOf: output.appendingPathComponent("last.safetensors")), lastBefore)
    }

    func testARunInterruptedBetweenHistoryAndCheckpointResumesFromTheCheckpointsEpoch() throws {
        ComputeThreads.set(1)
        let folder = try makeDataset()
        let output = folder.appendingPathComponent("run")
        let train = try SegmentationDatasetReader(folder: folder, split: .train)
        let validation = try SegmentationDatasetReader(folder: folder, split: .validation)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 16
        options.seed = 5
        let config = UNetSegmenter.Configuration(widthMultiplier: 0.125, levels: 2, dropoutRate: 0, seed: 1)
        func runTraining(_ options: TrainingOptions) throws -> TrainingResult {
            try SegmentationTrainer(segmenter: UNetSegmenter(config), training: train, validation: validation,
                                    outputFolder: output, options: options).run()
        }
        let first = try runTraining(options)
        let last = output.appendingPathComponent("last.safetensors"), historyURL = output.appendingPathComponent("history.csv")
        XCTAssertEqual(try Safetensors.readWithMetadata(from: last).metadata["nodulekit.epoch"], "2")

        // Stopped after history.csv got epoch 3's row, before last.safetensors did: epoch 3
        // runs again from epoch 2's weights, and the orphan row is replaced.
        var orphan = first.history
        orphan.records.append(EpochRecord(epoch: 3, trainLoss: 99, validationLoss: 99, validationScore: 0))
        try orphan.write(to: historyURL)
        options.epochs = 3
        options.resume = true
        let resumed = try runTraining(options)
        XCTAssertEqual(resumed.resumedAfterEpoch, 2)
        XCTAssertEqual(resumed.history.records.map(\.epoch), [1, 2, 3])
        XCTAssertNotEqual(resumed.history.records[2].trainLoss, 99)
        XCTAssertEqual(Array(resumed.history.records.prefix(2)), first.history.records)

        // Weights newer than the history (an older version wrote the checkpoint first) cannot
        // be resumed without repeating or losing an epoch: refused, naming history.csv.
        let (state, _) = try Safetensors.readWithMetadata(from: last)
        try Safetensors.write(state, metadata: ["nodulekit.epoch": "5"], to: last)
        options.epochs = 6
        XCTAssertThrowsError(try runTraining(options)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("history.csv") && text.contains("epoch 3") && text.contains("epoch 5"), text)
        }
    }

    func testEarlyStoppingCountsEpochsSinceBest() {
        var h = TrainingHistory()
        for (e, v) in [0.5, 0.4, 0.45, 0.41, 0.42].enumerated() {
            h.records.append(EpochRecord(epoch: e + 1, trainLoss: 1, validationLoss: v, validationScore: 0))
        }
        XCTAssertEqual(h.best?.epoch, 2)
        XCTAssertEqual(h.epochsSinceBest, 3)
    }
}
