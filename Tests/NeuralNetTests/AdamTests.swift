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
}
