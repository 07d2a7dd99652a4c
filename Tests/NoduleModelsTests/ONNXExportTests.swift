import Annotations
import Foundation
import ImageFormats
import NeuralNet
import NoduleModels
import TestSupport
import XCTest

/// Every model kind exported to ONNX, checked by the ONNX checker and run by onnxruntime
/// (Tests/Oracles/onnx_run.py) on the same input as our inference: outputs agree within 1e-4.
final class ONNXExportTests: XCTestCase {
    struct OracleReport: Decodable {
        struct Value: Decodable { var name: String; var shape: [Dim] }
        enum Dim: Decodable, Equatable {
            case fixed(Int), symbolic(String)
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let n = try? c.decode(Int.self) { self = .fixed(n) } else { self = .symbolic(try c.decode(String.self)) }
            }
        }
        var opset: Int
        var inputs: [Value]
        var outputs: [Value]
        var operators: [String]
        var metadata: [String: String]
        var output_shape: [Int]
        var max_abs_diff: Double
        var output_mean: Double
        var output_spread: Double
    }

    private func runFolder(_ description: ModelDescription, network: Layer, sampler: SliceSampler?) throws -> URL {
        try CheckpointFixtures.runFolder(self, description, network: network, sampler: sampler)
    }

    private func seededInput(_ shape: [Int], seed: UInt64) throws -> Tensor {
        try CheckpointFixtures.seededInput(shape, seed: seed)
    }

    /// Exports the checkpoint, runs the oracle on `input` against `ours`, returns its report.
    private func oracle(_ folder: URL, input: Tensor, ours: Tensor) throws -> OracleReport {
        let onnxURL = folder.appendingPathComponent("model.onnx")
        try ONNXExport.checkpoint(folder).write(to: onnxURL)
        let (x, y) = try CheckpointFixtures.writePair(input: input, ours: ours, in: folder)
        let report = try PythonOracle.json("onnx_run.py", [onnxURL.path, x, y], as: OracleReport.self)
        print("onnx \(report.metadata["nodulekit.model"] ?? "?"): max |onnxruntime − ours| = \(report.max_abs_diff), mean output \(report.output_mean), spread \(report.output_spread)")
        // Outputs that differ between pixels and samples, so the comparison means something.
        XCTAssertGreaterThan(report.output_spread, 0.01)
        return report
    }

    func testUNetSegmenterMatchesOnnxRuntimeOnANonSquareInput() throws {
        let c = UNetSegmenter.Configuration(widthMultiplier: 0.0625, levels: 4, seed: 5)
        let unet = try UNetSegmenter(c)
        let folder = try runFolder(.unet(c), network: unet.network, sampler: SliceSampler(size: 64, lower: -1000, upper: 400))
        let trained = try ModelDescription.loadSegmenter(folder)
        let x = try seededInput([2, 1, 32, 48], seed: 1)
        let ours = try trained.probabilities(x)
        let r = try oracle(folder, input: x, ours: ours)
        XCTAssertLessThan(r.max_abs_diff, 1e-4)
        XCTAssertGreaterThanOrEqual(r.max_abs_diff, 0)
        XCTAssertEqual(r.opset, 13)
        XCTAssertEqual(r.output_shape, [2, 1, 32, 48])
        XCTAssertEqual(r.inputs.first?.name, "ct_slice")
        XCTAssertEqual(r.inputs.first?.shape, [.symbolic("N"), .fixed(1), .symbolic("H"), .symbolic("W")])
        XCTAssertEqual(r.outputs.first?.name, "nodule_probability")
        XCTAssertEqual(r.operators, ["Concat", "Conv", "ConvTranspose", "MaxPool", "Relu", "Sigmoid"])  // no Dropout
        XCTAssertEqual(r.metadata["preprocessing.window_hu"], "-1000.0,400.0")
        XCTAssertEqual(r.metadata["preprocessing.size"], "64")
        XCTAssertEqual(r.metadata["nodulekit.model"], "unet")
        // Not a constant output: the sigmoid is not saturated, so the comparison means something.
        XCTAssertGreaterThan(r.output_mean, 0.01)
        XCTAssertLessThan(r.output_mean, 0.99)
    }

    /// Exports a classifier run, checks onnxruntime against our probabilities on `shape`.
    private func classifierReport(_ description: ModelDescription, sampler: SliceSampler? = nil, shape: [Int], seed: UInt64) throws -> OracleReport {
        let folder = try runFolder(description, network: try description.makeClassifier().network, sampler: sampler)
        let (trained, _) = try ModelDescription.loadClassifier(folder)
        let x = try seededInput(shape, seed: seed)
        let r = try oracle(folder, input: x, ours: try trained.probabilities(x))
        XCTAssertLessThan(r.max_abs_diff, 1e-4)
        XCTAssertGreaterThanOrEqual(r.max_abs_diff, 0)
        XCTAssertEqual(r.output_shape, [shape[0], 2])
        XCTAssertEqual(r.metadata["nodulekit.model"], description.name)
        return r
    }

    func testEncoderClassifierMatchesOnnxRuntime() throws {
        let r = try classifierReport(.encoder(.init(imageSize: 32, seed: 3)), shape: [3, 2, 32, 32], seed: 2)
        XCTAssertEqual(r.inputs.first?.name, "slice_pair")
        XCTAssertEqual(r.inputs.first?.shape, [.symbolic("N"), .fixed(2), .fixed(32), .fixed(32)])
        XCTAssertEqual(r.outputs.first?.name, "class_probabilities")
        XCTAssertEqual(r.operators, ["Conv", "Flatten", "Gemm", "MaxPool", "Relu", "Softmax"])
        XCTAssertNil(r.metadata["preprocessing.window_hu"])
    }

    func testFullyConnectedClassifierMatchesOnnxRuntime() throws {
        let r = try classifierReport(.fullyConnected(.init(imageSize: 16, hiddenUnits: [24, 12], seed: 4)),
                                     sampler: SliceSampler(size: 16), shape: [4, 2, 16, 16], seed: 3)
        XCTAssertEqual(r.operators, ["Flatten", "Gemm", "Relu", "Softmax"])
        XCTAssertEqual(r.metadata["preprocessing.size"], "16")
    }

    func testEncoderDecoderClassifierMatchesOnnxRuntime() throws {
        let r = try classifierReport(.encoderDecoder(.init(imageSize: 16, widthMultiplier: 0.0625, levels: 3, hiddenUnits: [16], seed: 6)),
                                     shape: [2, 2, 16, 16], seed: 4)
        XCTAssertEqual(r.operators, ["Concat", "Conv", "ConvTranspose", "Flatten", "Gemm", "MaxPool", "Relu", "Softmax"])
    }

    func testAnUnsupportedLayerIsAnErrorNamingIt() throws {
        final class Wrapper: Segmenter {
            let network: Layer = Sequential([Sequential([UpSampling2D()])])
            var inputChannels: Int { 1 }
            func validateInput(shape: [Int]) throws {}
        }
        XCTAssertThrowsError(try ONNXExport.segmenter(Wrapper())) { error in
            XCTAssertEqual("\(error)", "ONNX export: layer 0.0 is a UpSampling2D, which has no ONNX form here")
        }
    }

    func testAMissingModelDescriptionIsAnErrorNamingTheFile() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        XCTAssertThrowsError(try ONNXExport.checkpoint(folder)) { error in
            XCTAssertTrue("\(error)".contains("model.json: missing"), "\(error)")
        }
    }
}
