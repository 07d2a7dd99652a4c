import XCTest
@testable import NeuralNet

/// Every layer's backward pass against central finite differences (see GradientCheck.swift).
final class LayerGradientTests: XCTestCase {
    func testConv2DSamePaddingGradientsMatchFiniteDifferences() throws {
        try forEachBackend { _ in
            var g = SeededGenerator(seed: 1)
            let conv = try Conv2D(inChannels: 2, outChannels: 3, kernelSize: 3, padding: .same, generator: &g)
            conv.bias.value = randomTensor([3], seed: 2)
            try assertGradientsMatch(conv, input: randomTensor([2, 2, 5, 4], seed: 3))
        }
    }

    func testConv2DValidFiveByFiveGradientsMatchFiniteDifferences() throws {
        try forEachBackend { _ in
            var g = SeededGenerator(seed: 4)
            let conv = try Conv2D(inChannels: 2, outChannels: 2, kernelSize: 5, padding: .valid, generator: &g)
            try assertGradientsMatch(conv, input: randomTensor([1, 2, 7, 6], seed: 5))
        }
    }

    func testConv2DOneByOneGradientsMatchFiniteDifferences() throws {
        try forEachBackend { _ in
            var g = SeededGenerator(seed: 6)
            let conv = try Conv2D(inChannels: 3, outChannels: 2, kernelSize: 1, generator: &g)
            try assertGradientsMatch(conv, input: randomTensor([2, 3, 3, 3], seed: 7))
        }
    }

    func testConvTranspose2DGradientsMatchFiniteDifferences() throws {
        try forEachBackend { _ in
            var g = SeededGenerator(seed: 8)
            let up = try ConvTranspose2D(inChannels: 3, outChannels: 2, generator: &g)
            up.bias.value = randomTensor([2], seed: 9)
            try assertGradientsMatch(up, input: randomTensor([2, 3, 3, 2], seed: 10))
        }
    }

    func testMaxPoolGradientGoesToTheWinner() throws {
        // Distinct values 0.05 apart so the ±eps step never changes a window's winner. Rows of
        // 2 windows (scalar) and of 9 (two SIMD groups of 4 and a scalar tail), odd sizes.
        for shape in [[2, 2, 4, 5], [1, 2, 5, 19]] {
            var x = Tensor(shape: shape)
            var rng = SeededGenerator(seed: 11)
            var values = (0..<x.count).map { Float($0) * 0.05 }
            values.shuffle(using: &rng)
            x.scalars = values
            try assertGradientsMatch(MaxPool2D(), input: x, eps: 1e-2)
            // Inference skips the winners but must pool the same values (odd width: floor).
            XCTAssertEqual(try MaxPool2D().forward(x, training: false), try MaxPool2D().forward(x, training: true))
        }
    }

    func testMaxPoolTiesGoToTheFirstMaximum() throws {
        // PyTorch's rule: in a window of equal values the top-left one gets the gradient.
        let pool = MaxPool2D()
        let x = try Tensor(shape: [1, 1, 2, 10], scalars: [Float](repeating: 1, count: 20))
        _ = try pool.forward(x, training: true)
        let dx = try pool.backward(Tensor(shape: [1, 1, 1, 5], repeating: 1))
        XCTAssertEqual(dx.scalars, (0..<20).map { $0 < 10 && $0 % 2 == 0 ? 1 : 0 })
    }

    func testUpSamplingGradientsMatchFiniteDifferences() throws {
        try assertGradientsMatch(UpSampling2D(), input: randomTensor([1, 2, 3, 2], seed: 12))
    }

    func testReLUSigmoidSoftmaxFlattenGradientsMatchFiniteDifferences() throws {
        try assertGradientsMatch(ReLU(), input: randomTensor([2, 2, 3, 3], seed: 13, awayFromZero: true))
        try assertGradientsMatch(Sigmoid(), input: randomTensor([2, 2, 3, 3], seed: 14))
        try assertGradientsMatch(Softmax(), input: randomTensor([2, 3, 2, 2], seed: 15))
        try assertGradientsMatch(Softmax(), input: randomTensor([3, 4], seed: 16))
        try assertGradientsMatch(Flatten(), input: randomTensor([2, 2, 2, 3], seed: 17))
    }

    func testDenseGradientsMatchFiniteDifferences() throws {
        var g = SeededGenerator(seed: 18)
        let dense = try Dense(inFeatures: 6, outFeatures: 4, generator: &g)
        dense.bias.value = randomTensor([4], seed: 19)
        try assertGradientsMatch(dense, input: randomTensor([3, 6], seed: 20))
    }

    func testDropoutScalesSurvivorsAndPassesTheirGradient() throws {
        // Dropout draws a new mask every forward, so it is checked directly, not by differences.
        let dropout = try Dropout(rate: 0.5, seed: 21)
        let x = randomTensor([4, 2, 8, 8], seed: 22, awayFromZero: true)
        let y = try dropout.forward(x, training: true)
        let g = randomTensor(x.shape, seed: 23)
        let dx = try dropout.backward(g)
        var kept = 0
        for i in x.scalars.indices {
            let factor = y.scalars[i] / x.scalars[i]
            XCTAssertTrue(factor == 0 || abs(factor - 2) < 1e-6)
            XCTAssertEqual(dx.scalars[i], g.scalars[i] * factor, accuracy: 1e-6)
            if factor != 0 { kept += 1 }
        }
        XCTAssertEqual(Double(kept) / Double(x.count), 0.5, accuracy: 0.06)
        XCTAssertEqual(try dropout.forward(x, training: false), x, "inference is the identity")
        // The branch-free mask keeps exactly the elements whose uniform draw is ≥ rate.
        for rate: Float in [0.5, 0.3, 0.1, 0.999] {
            let ones = Tensor(shape: [1000], repeating: 1)
            let kept = try Dropout(rate: rate, seed: 24).forward(ones, training: true).scalars.map { $0 != 0 }
            var g = SeededGenerator(seed: 24)
            XCTAssertEqual(kept, (0..<1000).map { _ in g.nextUniform() >= rate }, "rate \(rate)")
        }
    }

    func testSkipConnectionGradientsMatchFiniteDifferences() throws {
        try forEachBackend { _ in
            var g = SeededGenerator(seed: 24)
            let skip = SkipConnection(try Conv2D(inChannels: 2, outChannels: 3, generator: &g))
            try assertGradientsMatch(skip, input: randomTensor([2, 2, 4, 4], seed: 25))
            XCTAssertEqual(skip.parameters.map(\.name), ["inner.weight", "inner.bias"])
        }
    }

    /// conv → act → [pool → conv → act → up-conv → act] ⧺ skip → 1×1 conv: every parameter of
    /// a two-level U-Net, end to end. The activation is the smooth sigmoid here because a
    /// finite-difference step through a deep net crosses ReLU kinks (ReLU has its own check).
    func testTwoLevelUNetGradientsMatchFiniteDifferences() throws {
        try forEachBackend { _ in
            let net = try makeTinyUNet(seed: 26, activation: Sigmoid.init)
            try assertGradientsMatch(net, input: randomTensor([2, 1, 6, 6], seed: 27), eps: 3e-3, tolerance: 1e-2, probes: 30)
        }
    }

    func testLossGradientsMatchFiniteDifferences() throws {
        let logits = randomTensor([2, 3, 2, 2], seed: 28)
        var targets = Tensor(shape: logits.shape)
        for b in 0..<2 { for p in 0..<4 { targets.scalars[b * 12 + ((b + p) % 3) * 4 + p] = 1 } }
        var weights = Tensor(shape: logits.shape)
        for i in weights.scalars.indices { weights.scalars[i] = Float(i % 3) + 0.5 }
        var binaryTargets = targets
        binaryTargets.scalars[0] = 0.3  // soft labels are allowed
        let cases: [(Tensor) throws -> (loss: Float, gradient: Tensor)] = [
            { try Loss.binaryCrossEntropyWithLogits(logits: $0, targets: binaryTargets) },
            { try Loss.binaryCrossEntropyWithLogits(logits: $0, targets: binaryTargets, weights: weights) },
            { try Loss.categoricalCrossEntropyWithLogits(logits: $0, targets: targets) },
            { try Loss.categoricalCrossEntropyWithLogits(logits: $0, targets: targets, classWeights: [0.2, 1, 3]) },
        ]
        let eps: Float = 1e-2
        for (index, lossFunction) in cases.enumerated() {
            let analytic = try lossFunction(logits).gradient
            for i in logits.scalars.indices {
                var plus = logits, minus = logits
                plus.scalars[i] += eps
                minus.scalars[i] -= eps
                let numeric = (try lossFunction(plus).loss - lossFunction(minus).loss) / (2 * eps)
                XCTAssertEqual(analytic.scalars[i], numeric, accuracy: 2e-3 + 1e-2 * abs(numeric), "loss \(index) element \(i)")
            }
        }
    }

    func testBinaryCrossEntropyIsStableForHugeLogits() throws {
        let logits = try Tensor(shape: [1, 4], scalars: [1000, -1000, 80, -80])
        let targets = try Tensor(shape: [1, 4], scalars: [1, 0, 0, 1])
        let (loss, grad) = try Loss.binaryCrossEntropyWithLogits(logits: logits, targets: targets)
        XCTAssertEqual(loss, (0 + 0 + 80 + 80) / 4, accuracy: 1e-3)
        XCTAssertEqual(grad.scalars, [0, 0, 0.25, -0.25])
    }
}

/// A two-level U-Net: the smallest network that exercises pool, up-conv and the skip.
func makeTinyUNet(seed: UInt64, width: Int = 3, activation: () -> Layer = ReLU.init) throws -> Sequential {
    var g = SeededGenerator(seed: seed)
    return Sequential([
        try Conv2D(inChannels: 1, outChannels: width, generator: &g), activation(),
        SkipConnection(Sequential([
            MaxPool2D(),
            try Conv2D(inChannels: width, outChannels: 2 * width, generator: &g), activation(),
            try ConvTranspose2D(inChannels: 2 * width, outChannels: width, generator: &g), activation(),
        ])),
        try Conv2D(inChannels: 2 * width, outChannels: 1, kernelSize: 1, generator: &g),
    ])
}

/// Images with ≥ 256 output pixels take Conv2D's per-sample path (see `Conv2D.Geometry`).
final class Conv2DPerSamplePathTests: XCTestCase {
    func testPerSampleConvGradientsMatchFiniteDifferences() throws {
        try forEachBackend { _ in
            ComputeThreads.set(2)
            var g = SeededGenerator(seed: 30)
            let conv = try Conv2D(inChannels: 2, outChannels: 3, kernelSize: 3, generator: &g)
            conv.bias.value = randomTensor([3], seed: 31)
            try assertGradientsMatch(conv, input: randomTensor([3, 2, 16, 17], seed: 32), tolerance: 2e-2)
            let pointwise = try Conv2D(inChannels: 3, outChannels: 2, kernelSize: 1, generator: &g)
            try assertGradientsMatch(pointwise, input: randomTensor([3, 3, 16, 16], seed: 33), tolerance: 2e-2)
        }
    }

    func testPerSampleConvMatchesADirectSum() throws {
        try forEachBackend { _ in
            var g = SeededGenerator(seed: 34)
            let conv = try Conv2D(inChannels: 2, outChannels: 4, kernelSize: 3, generator: &g)
            conv.bias.value = randomTensor([4], seed: 36)
            let x = randomTensor([2, 2, 16, 16], seed: 35)
            let y = try conv.forward(x, training: false)
            for b in 0..<2 {
                for (o, i, j) in [(0, 0, 0), (3, 15, 15), (1, 7, 9), (2, 0, 15)] {
                    var sum = conv.bias.value.scalars[o]
                    for c in 0..<2 { for ki in 0..<3 { for kj in 0..<3 {
                        let (ii, jj) = (i + ki - 1, j + kj - 1)
                        guard ii >= 0, ii < 16, jj >= 0, jj < 16 else { continue }
                        sum += conv.weight.value.scalars[((o * 2 + c) * 3 + ki) * 3 + kj] * x.scalars[((b * 2 + c) * 16 + ii) * 16 + jj]
                    } } }
                    XCTAssertEqual(y.scalars[((b * 4 + o) * 16 + i) * 16 + j], sum, accuracy: 1e-5)
                }
            }
        }
    }
}
