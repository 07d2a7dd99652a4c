import XCTest
@testable import NeuralNet

final class DeterminismAndShapeTests: XCTestCase {
    /// Trains the tiny U-Net (with dropout) for five Adam steps on the backend in force.
    private func trainedWeights(threads: Int) throws -> [String: Tensor] {
        ComputeThreads.set(threads)
        var g = SeededGenerator(seed: 5)
        let net = Sequential([
            try Conv2D(inChannels: 1, outChannels: 4, generator: &g), ReLU(), try Dropout(rate: 0.5, seed: 9),
            SkipConnection(Sequential([
                MaxPool2D(), try Conv2D(inChannels: 4, outChannels: 8, generator: &g), ReLU(),
                try ConvTranspose2D(inChannels: 8, outChannels: 4, generator: &g), ReLU(),
            ])),
            try Conv2D(inChannels: 8, outChannels: 1, kernelSize: 1, generator: &g),
        ])
        let data = try TrainingTests.discs(count: 8, seed: 6)
        let adam = Adam()
        for _ in 0..<5 {
            let logits = try net.forward(data.images, training: true)
            _ = try net.backward(Loss.binaryCrossEntropyWithLogits(logits: logits, targets: data.masks).gradient)
            adam.update(net)
        }
        assertConvLayers(in: net, ran: NeuralNetBackend.current, "trained U-Net")
        return net.stateDictionary()
    }

    func testSameSeedAndThreadCountGiveBitIdenticalWeights() throws {
        try forEachBackend { backend in
            for threads in [1, 2] {
                let first = try trainedWeights(threads: threads)
                let second = try trainedWeights(threads: threads)
                XCTAssertEqual(first.count, 8)
                for (name, tensor) in first {
                    XCTAssertEqual(tensor.scalars.map(\.bitPattern), second[name]?.scalars.map(\.bitPattern),
                                   "\(backend), \(threads) threads: \(name)")
                }
            }
        }
    }

    func testSeededGeneratorIsReproducibleAndWellSpread() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let xs = (0..<10_000).map { _ in a.nextNormal() }
        XCTAssertEqual(xs, (0..<10_000).map { _ in b.nextNormal() })
        let mean = xs.reduce(0, +) / Float(xs.count)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(xs.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    func testShapeMismatchesAreThrownErrors() throws {
        var g = SeededGenerator(seed: 1)
        let conv = try Conv2D(inChannels: 3, outChannels: 2, generator: &g)
        XCTAssertThrowsError(try conv.forward(Tensor(shape: [1, 2, 4, 4]), training: false)) { error in
            XCTAssertEqual("\(error)", "Conv2D.forward: expected a tensor of shape [N, 3, H, W], found [1, 2, 4, 4]")
        }
        XCTAssertThrowsError(try conv.backward(Tensor(shape: [1, 2, 4, 4])))  // no forward yet
        _ = try conv.forward(Tensor(shape: [1, 3, 4, 4]), training: true)
        XCTAssertThrowsError(try conv.backward(Tensor(shape: [1, 2, 5, 4])))
        let valid = try Conv2D(inChannels: 1, outChannels: 1, kernelSize: 5, padding: .valid, generator: &g)
        XCTAssertThrowsError(try valid.forward(Tensor(shape: [1, 1, 4, 4]), training: false))
        XCTAssertThrowsError(try Conv2D(inChannels: 1, outChannels: 1, kernelSize: 4, generator: &g))
        XCTAssertThrowsError(try MaxPool2D().forward(Tensor(shape: [1, 1, 1, 4]), training: false))
        XCTAssertThrowsError(try MaxPool2D().forward(Tensor(shape: [0, 1, 4, 4]), training: false))
        XCTAssertThrowsError(try Dense(inFeatures: 3, outFeatures: 2, generator: &g).forward(Tensor(shape: [2, 4]), training: false))
        XCTAssertThrowsError(try Tensor(shape: [2, 2], scalars: [1, 2, 3]))
        XCTAssertThrowsError(try Tensor.concatenateChannels([Tensor(shape: [1, 1, 2, 2]), Tensor(shape: [1, 1, 2, 3])]))
        XCTAssertThrowsError(try Loss.binaryCrossEntropyWithLogits(logits: Tensor(shape: [2]), targets: Tensor(shape: [3])))
        XCTAssertThrowsError(try Loss.categoricalCrossEntropyWithLogits(
            logits: Tensor(shape: [1, 2]), targets: Tensor(shape: [1, 2]), classWeights: [1, 2, 3]))
        XCTAssertThrowsError(try Dropout(rate: 1, seed: 0))
    }

    func testOddSizedPoolingDropsTheLastRowAndColumnLikePyTorch() throws {
        let x = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 9, 3, 4, 9, 9, 9, 9])
        XCTAssertEqual(try MaxPool2D().forward(x, training: false).scalars, [4])
    }
}
