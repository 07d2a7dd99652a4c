import Foundation

/// max(0, x); the gradient passes where the input was positive.
public final class ReLU: Layer {
    /// The last training output: positive exactly where the input was.
    private var output: Tensor?

    /// A rectifier.
    public init() {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let out = uninitializedFloats(input.count) { o in
            input.scalars.withUnsafeBufferPointer { x in
                guard let xs = x.baseAddress else { return }
                parallelRanges(x.count) { range in
                    for i in range { o[i] = max(xs[i], 0) }
                }
            }
        }
        let y = try Tensor(shape: input.shape, scalars: out)
        output = training ? y : nil
        return y
    }

    /// Records `output`, already rectified by a fused producer (see `Sequential`), as this
    /// layer's forward result.
    func adopt(output y: Tensor, training: Bool) {
        output = training ? y : nil
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let y = output else { throw NeuralNetError.backwardBeforeForward(layer: "ReLU") }
        try outputGradient.requireSameShape(as: y, "ReLU.backward")
        let dx = uninitializedFloats(y.count) { d in
            outputGradient.scalars.withUnsafeBufferPointer { g in
                y.scalars.withUnsafeBufferPointer { ys in
                    guard let gs = g.baseAddress, let yv = ys.baseAddress else { return }
                    parallelRanges(ys.count) { range in passWherePositive(gs, yv, d, range) }
                }
            }
        }
        return try Tensor(shape: y.shape, scalars: dx)
    }
}

/// d[i] = y[i] > 0 ? g[i] : 0 over `range`, eight lanes at a time: a scalar select compiles to
/// a branch here, which random signs make mispredict.
@inline(__always)
func passWherePositive(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ range: Range<Int>
) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound {
        let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(d + i).storeBytes(of: gv.replacing(with: 0, where: .!(yv .> 0)), as: SIMD8<Float>.self)
        i += 8
    }
    while i < range.upperBound {
        d[i] = y[i] > 0 ? g[i] : 0
        i += 1
    }
}

/// 1 / (1 + e^(−x)); dx = dy · y · (1 − y). For training, prefer a loss on logits.
public final class Sigmoid: Layer {
    private var output: Tensor?

    /// A logistic function.
    public init() {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        var out = input
        for i in out.scalars.indices { out.scalars[i] = 1 / (1 + exp(-out.scalars[i])) }
        output = training ? out : nil
        return out
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let y = output else { throw NeuralNetError.backwardBeforeForward(layer: "Sigmoid") }
        try outputGradient.requireSameShape(as: y, "Sigmoid.backward")
        var dx = outputGradient
        for i in dx.scalars.indices { dx.scalars[i] *= y.scalars[i] * (1 - y.scalars[i]) }
        return dx
    }
}

/// Softmax over axis 1 (classes of [N, C] or channels of [N, C, H, W], per pixel);
/// dx = y ⊙ (dy − Σ_c dy·y).
public final class Softmax: Layer {
    private var output: Tensor?

    /// A softmax over the class axis.
    public init() {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let (n, c, inner) = try classAxis(input.shape, "Softmax.forward")
        var out = input
        for b in 0..<n {
            for p in 0..<inner {
                let base = b * c * inner + p
                let logSum = logSumExp(input.scalars, base: base, stride: inner, count: c)
                for k in 0..<c { out.scalars[base + k * inner] = exp(input.scalars[base + k * inner] - logSum) }
            }
        }
        output = training ? out : nil
        return out
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let y = output else { throw NeuralNetError.backwardBeforeForward(layer: "Softmax") }
        try outputGradient.requireSameShape(as: y, "Softmax.backward")
        let (n, c, inner) = try classAxis(y.shape, "Softmax.backward")
        var dx = outputGradient
        for b in 0..<n {
            for p in 0..<inner {
                let base = b * c * inner + p
                var dot: Float = 0
                for k in 0..<c { dot += outputGradient.scalars[base + k * inner] * y.scalars[base + k * inner] }
                for k in 0..<c {
                    let i = base + k * inner
                    dx.scalars[i] = y.scalars[i] * (outputGradient.scalars[i] - dot)
                }
            }
        }
        return dx
    }
}

/// Splits a shape into (batch, classes, elements per class) around axis 1.
func classAxis(_ shape: [Int], _ operation: String) throws -> (n: Int, c: Int, inner: Int) {
    guard shape.count >= 2, !shape.contains(0) else {
        throw NeuralNetError.shapeMismatch(operation: operation, expected: "[N, C, ...]", found: shape)
    }
    return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
}

/// log Σ_k e^(x[base + k·stride]) for k < count, shifted by the maximum so it never overflows.
func logSumExp(_ x: [Float], base: Int, stride: Int, count: Int) -> Float {
    var top = -Float.infinity
    for k in 0..<count { top = max(top, x[base + k * stride]) }
    var sum: Float = 0
    for k in 0..<count { sum += exp(x[base + k * stride] - top) }
    return top + log(sum)
}
