import Annotations
import Foundation
import ImagingCore
import NeuralNet
@testable import NoduleModels
import TestSupport
import XCTest

/// The classifier's training loop, its augmentation and the model files of a run.
final class ClassifierTrainingTests: XCTestCase {
    /// Pairs whose class is the disc's size: radius 2–3 px benign, 5–6 px malignant, anywhere
    /// in a noisy 16×16 slice; channel 1 is the disc's "segmentation". `count` pairs a patient.
    static func writeDataset(in folder: URL, count: Int = 24) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scans"), withIntermediateDirectories: true)
        var g = NeuralNet.SeededGenerator(seed: 9)
        var rows = [ClassificationManifest.columns.dropLast().joined(separator: ",")]  // without the optional nodule column
        for (p, split) in [(0, "train"), (1, "train"), (2, "train"), (3, "train"), (4, "validation"), (5, "test")] {
            var values: [Float] = []
            for n in 0..<count {
                let malignant = n % 2 == 1
                let r = (malignant ? 5 : 2) + g.nextUniform(), cx = 5 + g.nextUniform() * 6, cy = 5 + g.nextUniform() * 6
                var image: [Float] = [], mask: [Float] = []
                for y in 0..<16 { for x in 0..<16 {
                    let inside = (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy) <= r * r
                    image.append((inside ? 0.8 : 0.2) + 0.05 * g.nextNormal())
                    mask.append(inside ? 0.95 : 0.02)
                } }
                values += image + mask
                rows.append("P\(p),1.\(p),\(split),\(malignant ? "malignant" : "benign"),\(n),\(n),0.9,1,scans/1.\(p).pairs.npy")
            }
            try DatasetArrays.write(shape: [count, 2, 16, 16], values: values, to: folder.appendingPathComponent("scans/1.\(p).pairs.npy"))
        }
        try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
    }

    func testEncoderClassifierLearnsDiscSizeAndEvaluatesOnTheTestSplit() throws {
        ComputeThreads.set(1)
        let folder = try TestEnvironment.temporaryDirectory(self)
        try Self.writeDataset(in: folder)
        let train = try ClassificationDatasetReader(folder: folder, split: .train)
        let validation = try ClassificationDatasetReader(folder: folder, split: .validation)
        XCTAssertEqual([train.count, validation.count, train.channels, train.size], [96, 24, 2, 16])
        let classifier = try EncoderClassifier(.init(imageSize: 16, dropoutRate: 0, seed: 2))
        var options = TrainingOptions()
        options.epochs = 15
        options.learningRate = 3e-3
        options.augmentsBySymmetry = true
        let run = folder.appendingPathComponent("run")
        let result = try ClassifierTrainer(classifier: classifier, training: train, validation: validation,
                                           outputFolder: run, options: options).run()
        XCTAssertEqual(result.history.scoreName, "accuracy")
        XCTAssertGreaterThanOrEqual(result.history.best?.validationScore ?? 0, 0.9, "\(result.history.records)")
        let csv = try String(contentsOf: run.appendingPathComponent("history.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("epoch,train_loss,val_loss,val_accuracy\n"))
        XCTAssertEqual(try TrainingHistory(contentsOf: run.appendingPathComponent("history.csv")), result.history)

        // The best checkpoint, reloaded through model.json, scores the test split.
        try ModelDescription.encoder(classifier.configuration).write(toRun: run)
        let (reloaded, description) = try ModelDescription.loadClassifier(run)
        XCTAssertEqual(description.name, "encoder")
        let test = try ClassificationDatasetReader(folder: folder, split: .test)
        let evaluation = try ClassifierEvaluation(classifier: reloaded, reader: test, model: "encoder")
        XCTAssertGreaterThanOrEqual(evaluation.slices.accuracy, 0.9)
        XCTAssertGreaterThan(evaluation.sliceROC.area, 0.9)
        XCTAssertEqual(evaluation.patients.map(\.slices), [24])
    }

    func testSymmetriesMoveChannelsTogetherAndCoverAllEight() throws {
        let side = 4, n = 64
        let pattern = (0..<(side * side)).map(Float.init)
        let x = try Tensor(shape: [n, 2, side, side], scalars: (0..<n).flatMap { _ in pattern + pattern.map { $0 + 100 } })
        var g = NeuralNet.SeededGenerator(seed: 1)
        let y = try ClassifierTrainer.applyRandomSymmetries(x, using: &g)
        func symmetries(of p: [Float]) -> [[Float]] {
            (0..<8).map { s in
                (0..<(side * side)).map { idx in
                    let i = idx % side, j = idx / side
                    var si = s & 1 != 0 ? side - 1 - i : i, sj = s & 2 != 0 ? side - 1 - j : j
                    if s & 4 != 0 { swap(&si, &sj) }
                    return p[sj * side + si]
                }
            }
        }
        let all = symmetries(of: pattern)
        var seen = Set<Int>()
        for b in 0..<n {
            let c0 = Array(y.scalars[(b * 32)..<(b * 32 + 16)]), c1 = Array(y.scalars[(b * 32 + 16)..<(b * 32 + 32)])
            guard let s = all.firstIndex(of: c0) else { return XCTFail("sample \(b) is no symmetry of the input") }
            XCTAssertEqual(c1, c0.map { $0 + 100 }, "channels of sample \(b) moved differently")
            seen.insert(s)
        }
        XCTAssertEqual(seen.count, 8)
    }

    func testModelDescriptionRoundTripsAndNamesAMissingModelFile() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let description = ModelDescription.unet(.init(widthMultiplier: 0.0625, levels: 3, seed: 4))
        let unet = try description.makeSegmenter()
        try unet.saveWeights(to: folder.appendingPathComponent("best.safetensors"))
        XCTAssertThrowsError(try ModelDescription.loadSegmenter(folder)) { XCTAssertTrue("\($0)".contains("model.json"), "\($0)") }
        try description.write(toRun: folder)
        XCTAssertEqual(try ModelDescription.locate(folder).description, description)
        let loaded = try ModelDescription.loadSegmenter(folder.appendingPathComponent("best.safetensors"))
        let x = try Tensor(shape: [1, 1, 16, 16], scalars: (0..<256).map { Float($0 % 13) / 13 })
        XCTAssertEqual(try loaded.probabilities(x), try unet.probabilities(x))
        XCTAssertThrowsError(try ModelDescription.loadClassifier(folder))  // a segmenter is no classifier
        XCTAssertThrowsError(try SliceScreener.load(segmenter: folder)) { XCTAssertTrue("\($0)".contains("dataset.json"), "\($0)") }
    }
}
