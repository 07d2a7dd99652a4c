import XCTest
@testable import NeuralNet

/// Finite-difference oracle. The scalar probed is L = Σ r ⊙ layer(x) with a fixed random r,
/// so backward(r) must equal ∂L/∂x and ∂L/∂θ. Central differences in Float with step `eps`
/// on small tensors; the error is the relative norm ‖analytic − numeric‖ / ‖numeric‖ over
/// the probed entries, which a wrong backward pass (sign, factor, transpose, index) drives
/// to O(1) while rounding keeps a correct one well under `tolerance`.
func assertGradientsMatch(
    _ layer: Layer, input: Tensor, eps: Float = 1e-2, tolerance: Float = 1e-2, probes: Int = 40,
    seed: UInt64 = 7, file: StaticString = #filePath, line: UInt = #line
) throws {
    var rng = SeededGenerator(seed: seed)
    let y = try layer.forward(input, training: true)
    var r = Tensor(shape: y.shape)
    for i in r.scalars.indices { r.scalars[i] = rng.nextNormal() }
    layer.zeroGradients()
    _ = try layer.forward(input, training: true)
    let dx = try layer.backward(r)
    XCTAssertEqual(dx.shape, input.shape, "input gradient shape", file: file, line: line)

    func loss(_ x: Tensor) throws -> Double {
        let out = try layer.forward(x, training: true)
        return zip(out.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    func relativeError(_ analytic: [Float], _ numeric: [Float]) -> Float {
        let diff = zip(analytic, numeric).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let scale = max(numeric.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot(), 1e-6)
        return diff / scale
    }
    func probeIndices(_ count: Int) -> [Int] {
        count <= probes ? Array(0..<count) : (0..<probes).map { _ in Int(rng.next() % UInt64(count)) }
    }

    // Input gradient.
    var analytic: [Float] = [], numeric: [Float] = []
    for i in probeIndices(input.count) {
        var plus = input, minus = input
        plus.scalars[i] += eps
        minus.scalars[i] -= eps
        numeric.append(Float((try loss(plus) - loss(minus)) / Double(2 * eps)))
        analytic.append(dx.scalars[i])
    }
    let inputError = relativeError(analytic, numeric)
    XCTAssertLessThan(inputError, tolerance, "input gradient relative error", file: file, line: line)

    // Every parameter's gradient.
    for named in layer.parameters {
        let p = named.parameter
        let grad = p.gradient
        analytic = []; numeric = []
        for i in probeIndices(p.value.count) {
            let saved = p.value.scalars[i]
            p.value.scalars[i] = saved + eps
            let lp = try loss(input)
            p.value.scalars[i] = saved - eps
            let lm = try loss(input)
            p.value.scalars[i] = saved
            numeric.append(Float((lp - lm) / Double(2 * eps)))
            analytic.append(grad.scalars[i])
        }
        let error = relativeError(analytic, numeric)
        XCTAssertLessThan(error, tolerance, "\(named.name) gradient relative error", file: file, line: line)
    }
}

/// A tensor of normal values from a fixed seed; with `awayFromZero`, |x| ≥ 0.1 so a
/// finite-difference step never crosses a ReLU kink.
func randomTensor(_ shape: [Int], seed: UInt64, awayFromZero: Bool = false) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    var t = Tensor(shape: shape)
    for i in t.scalars.indices {
        let v = rng.nextNormal()
        t.scalars[i] = awayFromZero ? (v < 0 ? v - 0.1 : v + 0.1) : v
    }
    return t
}
