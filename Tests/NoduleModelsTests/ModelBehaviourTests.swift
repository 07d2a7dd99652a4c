import NeuralNet
import NoduleModels
import XCTest

final class ModelBehaviourTests: XCTestCase {
    private func ramp(_ shape: [Int]) throws -> Tensor {
        let n = shape.reduce(1, *)
        return try Tensor(shape: shape, scalars: (0..<n).map { Float($0 % 97) / 97 })
    }

    func testUNetKeepsSpatialSizeForAnyMultipleOf16() throws {
        let unet = try UNetSegmenter(.init(widthMultiplier: 0.0625))
        for (h, w) in [(16, 16), (32, 48)] {
            let p = try unet.probabilities(ramp([2, 1, h, w]))
            XCTAssertEqual(p.shape, [2, 1, h, w])
            XCTAssertTrue(p.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        }
    }

    func testUNetRejectsSidesNotMultipleOf16AndWrongChannels() throws {
        let unet = try UNetSegmenter(.init(widthMultiplier: 0.0625))
        XCTAssertThrowsError(try unet.probabilities(ramp([1, 1, 40, 32]))) {
            XCTAssertEqual($0 as? NoduleModelsError,
                           .unsupportedInput(model: "UNetSegmenter", expected: "[N, 1, H×W multiples of 16]", found: [1, 1, 40, 32]))
        }
        XCTAssertThrowsError(try unet.probabilities(ramp([1, 2, 32, 32])))
        XCTAssertThrowsError(try UNetSegmenter(.init(widthMultiplier: 0)))
        XCTAssertThrowsError(try UNetSegmenter(.init(levels: 1)))
    }

    func testClassifiersGiveTwoProbabilitiesPerSample() throws {
        let models: [Classifier] = [
            try EncoderClassifier(.init(imageSize: 32)),
            try FullyConnectedClassifier(.init(imageSize: 32)),
            try EncoderDecoderClassifier(.init(imageSize: 32, widthMultiplier: 0.0625, levels: 3)),
        ]
        for model in models {
            let p = try model.probabilities(ramp([3, 2, 32, 32]))
            XCTAssertEqual(p.shape, [3, 2])
            for b in 0..<3 { XCTAssertEqual(p.scalars[2 * b] + p.scalars[2 * b + 1], 1, accuracy: 1e-5) }
            XCTAssertThrowsError(try model.probabilities(ramp([1, 2, 64, 64])), "\(type(of: model)) took the wrong size")
        }
        XCTAssertThrowsError(try EncoderClassifier(.init(imageSize: 36)))  // not a multiple of 8
    }

    func testDiscriminatorFiresStrictlyAboveThreshold() throws {
        let d = NoduleDiscriminator()
        XCTAssertEqual(d.threshold, 0.35)
        let probabilities = try Tensor(shape: [4, 1, 1, 3], scalars: [
            0.1, 0.2, 0.34,   // below
            0.0, 0.35, 0.1,   // equal: not suspicious (the paper's rule is "> 0.35")
            0.0, 0.3501, 0.0, // just above
            0.9, 0.0, 0.0,
        ])
        XCTAssertEqual(try d.suspicious(probabilities), [false, false, true, true])
        XCTAssertEqual(try d.maximumProbabilities(probabilities), [0.34, 0.35, 0.3501, 0.9])
        XCTAssertEqual(try NoduleDiscriminator(threshold: 0.5).suspicious(probabilities), [false, false, false, true])
        XCTAssertTrue(d.isSuspicious([0.0, 0.36]))
        XCTAssertThrowsError(try d.suspicious(Tensor(shape: [0, 1])))
    }

    func testSegmenterPlugsIntoDiscriminatorAndLoadsItsOwnWeights() throws {
        let a = try UNetSegmenter(.init(widthMultiplier: 0.0625, levels: 3, seed: 1))
        let b = try UNetSegmenter(.init(widthMultiplier: 0.0625, levels: 3, seed: 2))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("unet-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.saveWeights(to: url)
        try b.loadWeights(from: url)
        let x = try ramp([2, 1, 16, 16])
        XCTAssertEqual(try a.probabilities(x), try b.probabilities(x))
        XCTAssertEqual(try NoduleDiscriminator(threshold: 0).screen(x, with: b), [true, true])
        let wide = try UNetSegmenter(.init(widthMultiplier: 0.125, levels: 3))
        XCTAssertThrowsError(try wide.loadWeights(from: url))  // shapes differ: named, not crashed
    }
}
