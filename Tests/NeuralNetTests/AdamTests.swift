import XCTest
@testable import NeuralNet

final class AdamTests: XCTestCase {
    /// Keras's update, written out for two steps with gradients g1 = 0.5, g2 = −2 on w0 = 1.
    func testTwoStepsFollowTheKerasFormulaAndClearGradients() throws {
        var g = SeededGenerator(seed: 1)
        let dense = try Dense(inFeatures: 1, outFeatures: 1, generator: &g)
        dense.weight.value = try Tensor(shape: [1, 1], scalars: [1])
        let adam = Adam(learningRate: 0.1)
        var (m, v, w) = (0.0, 0.0, 1.0)
        for (t, grad) in [(1.0, 0.5), (2.0, -2.0)] {
            dense.weight.gradient = try Tensor(shape: [1, 1], scalars: [Float(grad)])
            adam.update(dense)
            m = 0.9 * m + 0.1 * grad
            v = 0.999 * v + 0.001 * grad * grad
            w -= 0.1 * (1 - pow(0.999, t)).squareRoot() / (1 - pow(0.9, t)) * m / (v.squareRoot() + 1e-7)
            XCTAssertEqual(Double(dense.weight.value.scalars[0]), w, accuracy: 1e-6)
            XCTAssertEqual(dense.weight.gradient.scalars, [0], "update clears the gradient")
        }
        XCTAssertEqual(adam.step, 2)
    }

    /// Many elements (the eight-lane body and the scalar tail), weight decay on: every element
    /// follows the decoupled-decay formula, computed in Double, for three steps.
    func testEveryElementFollowsTheFormulaWithWeightDecay() throws {
        var g = SeededGenerator(seed: 2)
        let dense = try Dense(inFeatures: 37, outFeatures: 1, generator: &g)
        let adam = Adam(learningRate: 0.01, weightDecay: 0.1)
        var w = dense.weight.value.scalars.map(Double.init)
        var m = [Double](repeating: 0, count: w.count), v = m
        for t in 1...3 {
            let grad = (0..<w.count).map { _ in Double(g.nextNormal()) }
            dense.weight.gradient = try Tensor(shape: [1, 37], scalars: grad.map(Float.init))
            adam.update(dense)
            let alpha = 0.01 * (1 - pow(0.999, Double(t))).squareRoot() / (1 - pow(0.9, Double(t)))
            for i in w.indices {
                m[i] = 0.9 * m[i] + 0.1 * grad[i]
                v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i]
                w[i] -= 0.01 * 0.1 * w[i]
                w[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
            }
            for i in w.indices {
                XCTAssertEqual(Double(dense.weight.value.scalars[i]), w[i], accuracy: 1e-5, "element \(i), step \(t)")
            }
        }
    }
}
