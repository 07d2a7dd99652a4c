import XCTest
@testable import NeuralNet

/// Conv2D picks its unroll by size (batched im2col below 256 output pixels; per-sample above,
/// shifted once C·k ≥ 64, in bands of ~2048 output pixels; the input itself for 1×1). Every path against a direct
/// convolution in Double: output, input gradient, weight and bias gradients.
final class ConvPathTests: XCTestCase {
    func testEveryUnrollPathMatchesADirectConvolution() throws {
        try forEachBackend { backend in
            // (n, c, o, h, w, k, padding): which path each takes is noted.
            let cases: [(Int, Int, Int, Int, Int, Int, Padding)] = [
                (3, 3, 4, 5, 6, 3, .same),     // batched
                (3, 22, 5, 16, 17, 3, .same),  // per-sample, shifted
                (2, 2, 3, 16, 16, 3, .same),   // per-sample, full im2col (C·k < 64)
                (2, 13, 3, 20, 21, 5, .valid), // per-sample, shifted, 5×5 valid
                (2, 5, 3, 16, 16, 1, .same),   // per-sample, the input itself
                (4, 6, 2, 3, 4, 1, .same),     // batched 1×1
                (1, 22, 3, 5, 700, 3, .same),  // per-sample, shifted, bands of 2, 2 and 1 rows
                (2, 2, 3, 9, 600, 5, .valid),  // per-sample, full im2col, bands of 3 and 2 rows
            ]
            for (index, (n, c, o, h, w, k, padding)) in cases.enumerated() {
                for threads in [1, 2] {
                    ComputeThreads.set(threads)
                    defer { ComputeThreads.set(ProcessInfo.processInfo.activeProcessorCount) }
                    var g = SeededGenerator(seed: UInt64(40 + index))
                    let conv = try Conv2D(inChannels: c, outChannels: o, kernelSize: k, padding: padding, generator: &g)
                    conv.bias.value = randomTensor([o], seed: UInt64(50 + index))
                    let x = randomTensor([n, c, h, w], seed: UInt64(60 + index))
                    let y = try conv.forward(x, training: true)
                    let dy = randomTensor(y.shape, seed: UInt64(70 + index))
                    let dx = try conv.backward(dy)
                    let reference = directConvolution(x, conv.weight.value, conv.bias.value, dy, padding: padding)
                    let label = "\(backend): case \(index), \(threads) threads"
                    XCTAssertEqual(y.shape, reference.y.shape, label)
                    assertClose(y.scalars, reference.y.scalars, "\(label): output")
                    assertClose(dx.scalars, reference.dx.scalars, "\(label): input gradient")
                    assertClose(conv.weight.gradient.scalars, reference.dw.scalars, "\(label): weight gradient")
                    assertClose(conv.bias.gradient.scalars, reference.db.scalars, "\(label): bias gradient")
                    // Inference after training reuses the workspaces and must give the same output.
                    XCTAssertEqual(try conv.forward(x, training: false), y, label)
                    // Changed weights (by hand, then by Adam) must not reuse a stale weight layout.
                    conv.weight.value.scalars[0] += 0.5
                    Adam(learningRate: 0.1).update(conv)
                    let reference2 = directConvolution(x, conv.weight.value, conv.bias.value, dy, padding: padding)
                    assertClose(try conv.forward(x, training: false).scalars, reference2.y.scalars, "\(label): after an update")
                }
            }
        }
    }

    func testSequentialFusesConvAndReLUWithoutChangingResults() throws {
        try forEachBackend { _ in
            for shape in [[2, 3, 4, 4], [2, 24, 16, 16]] {
                var g1 = SeededGenerator(seed: 80), g2 = SeededGenerator(seed: 80)
                let c = shape[1]
                let fused = Sequential([try Conv2D(inChannels: c, outChannels: 4, generator: &g1), ReLU()])
                let conv = try Conv2D(inChannels: c, outChannels: 4, generator: &g2), relu = ReLU()
                let x = randomTensor(shape, seed: 81)
                let y = try fused.forward(x, training: true)
                XCTAssertEqual(y, try relu.forward(conv.forward(x, training: true), training: true))
                let dy = randomTensor(y.shape, seed: 82)
                XCTAssertEqual(try fused.backward(dy), try conv.backward(relu.backward(dy)))
                XCTAssertEqual(fused.parameters.map { $0.parameter.gradient }, conv.parameters.map { $0.parameter.gradient })
            }
        }
    }

    func testParameterOnlyBackwardGivesTheSameGradientsAsAFullBackward() throws {
        try forEachBackend { backend in
            // A training step skips the first conv's input gradient; every parameter gradient must
            // stay bit-equal to a full backward's, on the batched, full-im2col, shifted and 1×1 paths.
            for (shape, kernel) in [([2, 3, 4, 4], 3), ([2, 2, 16, 16], 3), ([2, 24, 16, 16], 3), ([2, 5, 16, 16], 1)] {
                for threads in [1, 2] {
                    ComputeThreads.set(threads)
                    defer { ComputeThreads.set(ProcessInfo.processInfo.activeProcessorCount) }
                    func make() throws -> Sequential {
                        var g = SeededGenerator(seed: 95)
                        return Sequential([
                            try Conv2D(inChannels: shape[1], outChannels: 4, kernelSize: kernel, generator: &g), ReLU(),
                            try Conv2D(inChannels: 4, outChannels: 2, generator: &g),
                        ])
                    }
                    let full = try make(), partial = try make()
                    let x = randomTensor(shape, seed: 96)
                    let y = try full.forward(x, training: true)
                    XCTAssertEqual(try partial.forward(x, training: true), y)
                    let dy = randomTensor(y.shape, seed: 97)
                    let dx = try full.backward(dy)
                    try partial.backwardParameters(dy)
                    let label = "\(backend): \(shape), kernel \(kernel), \(threads) threads"
                    XCTAssertEqual(dx.shape, shape, label)
                    XCTAssertEqual(partial.parameters.map(\.name), full.parameters.map(\.name))
                    XCTAssertEqual(partial.parameters.map { $0.parameter.gradient }, full.parameters.map { $0.parameter.gradient }, label)
                    XCTAssertNotEqual(full.parameters[0].parameter.gradient.scalars.max(), 0, "the first conv learns, \(label)")
                }
            }
            // Layers before the first one with parameters are not needed for the gradients.
            var g = SeededGenerator(seed: 98)
            let net = Sequential([ReLU(), try Dense(inFeatures: 3, outFeatures: 2, generator: &g)])
            _ = try net.forward(randomTensor([4, 3], seed: 99), training: true)
            try net.backwardParameters(randomTensor([4, 2], seed: 100))
            XCTAssertNotEqual(net.parameters[0].parameter.gradient.scalars.map(abs).max(), 0)
        }
    }

    func testSequentialFeedsASkipConnectionToAConvWithoutChangingResults() throws {
        try forEachBackend { _ in
            // Skip → 3×3 conv → ReLU (the U-Net decoder step) and skip → 1×1 conv, batched and
            // per-sample, shifted and not: the same values as running the layers one by one.
            for (shape, kernel) in [([2, 3, 4, 4], 3), ([2, 12, 16, 16], 3), ([2, 2, 16, 16], 3), ([2, 12, 16, 16], 1)] {
                func make() throws -> (Sequential, SkipConnection, Conv2D, ReLU) {
                    var g = SeededGenerator(seed: 90)
                    let c = shape[1]
                    let skip = SkipConnection(try Conv2D(inChannels: c, outChannels: c, generator: &g))
                    let conv = try Conv2D(inChannels: 2 * c, outChannels: 3, kernelSize: kernel, generator: &g)
                    let relu = ReLU()
                    return (Sequential([skip, conv, relu]), skip, conv, relu)
                }
                let (fused, _, _, _) = try make()
                let (_, skip, conv, relu) = try make()
                let x = randomTensor(shape, seed: 91)
                let y = try fused.forward(x, training: true)
                XCTAssertEqual(y, try relu.forward(conv.forward(skip.forward(x, training: true), training: true), training: true), "\(shape)")
                let dy = randomTensor(y.shape, seed: 92)
                XCTAssertEqual(try fused.backward(dy), try skip.backward(conv.backward(relu.backward(dy))), "\(shape)")
                let separate = Sequential([skip, conv, relu])
                XCTAssertEqual(fused.parameters.map { $0.parameter.gradient }, separate.parameters.map { $0.parameter.gradient })
                XCTAssertEqual(try fused.forward(x, training: false), y, "inference after training, \(shape)")
            }
        }
    }
}

/// Max-normalised comparison: every element within 1e-4 of the reference's largest magnitude.
private func assertClose(_ found: [Float], _ expected: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(found.count, expected.count, label, file: file, line: line)
    let scale = max(expected.map(abs).max() ?? 0, 1e-6)
    let worst = zip(found, expected).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThan(worst / scale, 1e-4, label, file: file, line: line)
}

/// Forward, dX, dW and db of a stride-1 convolution by its definition, in Double.
private func directConvolution(
    _ x: Tensor, _ weight: Tensor, _ bias: Tensor, _ dy: Tensor, padding: Padding
) -> (y: Tensor, dx: Tensor, dw: Tensor, db: Tensor) {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, k) = (weight.shape[0], weight.shape[2])
    let pad = padding == .same ? k / 2 : 0
    let outH = h + 2 * pad - k + 1, outW = w + 2 * pad - k + 1
    var y = [Double](repeating: 0, count: n * o * outH * outW)
    var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: weight.count)
    var db = [Double](repeating: 0, count: o)
    for b in 0..<n {
        for oc in 0..<o {
            for oh in 0..<outH {
                for ow in 0..<outW {
                    let out = ((b * o + oc) * outH + oh) * outW + ow
                    let g = Double(dy.scalars[out])
                    var sum = Double(bias.scalars[oc])
                    db[oc] += g
                    for ic in 0..<c {
                        for ki in 0..<k {
                            for kj in 0..<k {
                                let ih = oh + ki - pad, iw = ow + kj - pad
                                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                let xi = ((b * c + ic) * h + ih) * w + iw, wi = ((oc * c + ic) * k + ki) * k + kj
                                sum += Double(x.scalars[xi]) * Double(weight.scalars[wi])
                                dx[xi] += g * Double(weight.scalars[wi])
                                dw[wi] += g * Double(x.scalars[xi])
                            }
                        }
                    }
                    y[out] = sum
                }
            }
        }
    }
    func tensor(_ shape: [Int], _ values: [Double]) -> Tensor {
        (try? Tensor(shape: shape, scalars: values.map(Float.init))) ?? Tensor(shape: shape)
    }
    return (tensor([n, o, outH, outW], y), tensor(x.shape, dx), tensor(weight.shape, dw), tensor([o], db))
}
