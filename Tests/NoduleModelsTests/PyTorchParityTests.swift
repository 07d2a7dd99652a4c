import Foundation
import NeuralNet
import NoduleModels
import TestSupport
import XCTest

/// The safetensors → PyTorch path: scripts/nn/paper_models.py's `load_run` builds each model
/// kind from our model.json, loads our best.safetensors strictly (every name and shape must
/// match) and gives our probabilities within 1e-4 (Tests/Oracles/torch_run.py).
final class PyTorchParityTests: XCTestCase {
    struct OracleReport: Decodable {
        var kind: String
        var torch: String
        var tensors: Int
        var parameters: Int
        var output_shape: [Int]
        var max_abs_diff: Double
        var output_mean: Double
        var output_spread: Double
    }

    /// Saves `network` as a run folder, runs our inference and PyTorch's on `shape`, checks
    /// they agree and that PyTorch holds exactly our tensors.
    @discardableResult
    private func check(_ description: ModelDescription, network: Layer, shape: [Int], seed: UInt64,
                       ours: (URL, Tensor) throws -> Tensor) throws -> OracleReport {
        let folder = try CheckpointFixtures.runFolder(self, description, network: network, sampler: nil)
        let x = try CheckpointFixtures.seededInput(shape, seed: seed)
        let y = try ours(folder, x)
        let (xPath, yPath) = try CheckpointFixtures.writePair(input: x, ours: y, in: folder)
        let r = try PythonOracle.json("torch_run.py", [folder.path, xPath, yPath], as: OracleReport.self)
        print("pytorch \(description.name) (torch \(r.torch)): max |pytorch − ours| = \(r.max_abs_diff) over \(r.output_shape), spread \(r.output_spread)")
        XCTAssertEqual(r.output_shape, y.shape)
        XCTAssertLessThan(r.max_abs_diff, 1e-4)
        XCTAssertGreaterThanOrEqual(r.max_abs_diff, 0)
        XCTAssertGreaterThan(r.output_spread, 0.01, "outputs that differ, so the comparison means something")
        XCTAssertEqual(r.tensors, network.parameters.count)
        XCTAssertEqual(r.parameters, network.parameters.reduce(0) { $0 + $1.parameter.value.count })
        return r
    }

    func testThePaperSizedUNetAtTheCascadeWidthGivesOurProbabilities() throws {
        // The cascade's segmenter: 5 levels at width 0.125 (base 8), on a non-square slice.
        let c = UNetSegmenter.Configuration(widthMultiplier: 0.125, levels: 5, seed: 7)
        let unet = try UNetSegmenter(c)
        let r = try check(.unet(c), network: unet.network, shape: [2, 1, 32, 48], seed: 1) { folder, x in
            try ModelDescription.loadSegmenter(folder).probabilities(x)
        }
        XCTAssertEqual(r.kind, "segmenter")
    }

    func testAnOddWidthUNetRoundsItsChannelsAsWeDo() throws {
        // 64 × 0.09 = 5.76 → 6 channels (truncation would give 5, and fail the strict load).
        let c = UNetSegmenter.Configuration(widthMultiplier: 0.09, levels: 3, seed: 2)
        try check(.unet(c), network: try UNetSegmenter(c).network, shape: [1, 1, 16, 16], seed: 2) { folder, x in
            try ModelDescription.loadSegmenter(folder).probabilities(x)
        }
    }

    private func classifier(_ description: ModelDescription, shape: [Int], seed: UInt64) throws {
        let r = try check(description, network: try description.makeClassifier().network, shape: shape, seed: seed) { folder, x in
            try ModelDescription.loadClassifier(folder).classifier.probabilities(x)
        }
        XCTAssertEqual(r.kind, "classifier")
    }

    func testThePaperEncoderClassifierGivesOurProbabilities() throws {
        try classifier(.encoder(.init(imageSize: 64, seed: 3)), shape: [3, 2, 64, 64], seed: 3)
    }

    func testAnEncoderClassifierWithOtherStagesGivesOurProbabilities() throws {
        try classifier(.encoder(.init(imageSize: 32, channels: [4, 6], hiddenUnits: 10, seed: 4)), shape: [2, 2, 32, 32], seed: 4)
    }

    func testTheFullyConnectedBaselineGivesOurProbabilities() throws {
        try classifier(.fullyConnected(.init(imageSize: 16, hiddenUnits: [24, 12], seed: 5)), shape: [4, 2, 16, 16], seed: 5)
    }

    func testTheEncoderDecoderBaselineGivesOurProbabilities() throws {
        try classifier(.encoderDecoder(.init(imageSize: 16, widthMultiplier: 0.0625, levels: 3, hiddenUnits: [16, 8], seed: 6)),
                       shape: [2, 2, 16, 16], seed: 6)
    }
}
