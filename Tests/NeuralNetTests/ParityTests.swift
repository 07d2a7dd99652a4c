import Foundation
import XCTest
@testable import NeuralNet

/// Parity with PyTorch (oracle: scripts/nn/make_parity_fixtures.py, run in float64): the same
/// network, weights and input give the same logits, losses and every parameter gradient.
/// Tolerance: 1e-4 of the largest magnitude in each reference tensor, per element.
final class ParityTests: XCTestCase {
    private func fixture(_ name: String) throws -> [String: Tensor] {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"),
            "fixture \(name) missing: run scripts/nn/make_parity_fixtures.py")
        return try Safetensors.read(from: url)
    }

    /// The network of make_parity_fixtures.py, layer for layer (so parameter names match).
    private func makeNetwork() throws -> Sequential {
        var g = SeededGenerator(seed: 0)  // weights are replaced by the fixture's
        return Sequential([
            try Conv2D(inChannels: 2, outChannels: 4, generator: &g), ReLU(),
            SkipConnection(Sequential([
                MaxPool2D(), try Conv2D(inChannels: 4, outChannels: 6, generator: &g), ReLU(),
                try ConvTranspose2D(inChannels: 6, outChannels: 4, generator: &g), ReLU(),
            ])),
            try Conv2D(inChannels: 8, outChannels: 3, kernelSize: 5, padding: .valid, generator: &g),
            Sigmoid(), UpSampling2D(),
            try Conv2D(inChannels: 3, outChannels: 2, kernelSize: 1, generator: &g),
            MaxPool2D(), Flatten(),
            try Dense(inFeatures: 32, outFeatures: 16, generator: &g), ReLU(),
            try Dense(inFeatures: 16, outFeatures: 4, generator: &g),
        ])
    }

    private func assertClose(_ ours: Tensor, _ reference: Tensor?, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try XCTUnwrap(reference, "\(what) missing from fixture", file: file, line: line)
        XCTAssertEqual(ours.shape, reference.shape, what, file: file, line: line)
        let scale = max(reference.scalars.map(abs).max() ?? 0, 1e-12)
        let worst = zip(ours.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, 1e-4, "\(what): worst error \(worst) of scale \(scale)", file: file, line: line)
    }

    func testForwardLossAndEveryGradientMatchPyTorch() throws {
        try forEachBackend { _ in
            let io = try fixture("parity_io"), gradients = try fixture("parity_gradients")
            let net = try makeNetwork()
            try net.loadStateDictionary(fixture("parity_weights"))
            let input = try XCTUnwrap(io["input"]), targets = try XCTUnwrap(io["targets"])
            let classWeights = try XCTUnwrap(io["class_weights"]).scalars

            let logits = try net.forward(input, training: true)
            try assertClose(logits, io["logits"], "logits")
            let (loss, dLogits) = try Loss.categoricalCrossEntropyWithLogits(
                logits: logits, targets: targets, classWeights: classWeights)
            try assertClose(try Tensor(shape: [1], scalars: [loss]), io["loss"], "loss")
            net.zeroGradients()
            _ = try net.backward(dLogits)
            XCTAssertEqual(Set(net.parameters.map(\.name)), Set(gradients.keys))
            for p in net.parameters {
                try assertClose(p.parameter.gradient, gradients[p.name], "gradient of \(p.name)")
            }
        }
    }

    func testWeightedBinaryCrossEntropyMatchesPyTorch() throws {
        let io = try fixture("parity_io")
        let (loss, gradient) = try Loss.binaryCrossEntropyWithLogits(
            logits: XCTUnwrap(io["bce_logits"]), targets: XCTUnwrap(io["bce_targets"]), weights: io["bce_weights"])
        try assertClose(try Tensor(shape: [1], scalars: [loss]), io["bce_loss"], "BCE loss")
        try assertClose(gradient, io["bce_gradient"], "BCE gradient")
    }
}
