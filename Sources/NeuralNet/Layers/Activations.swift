import Foundation

/// max(0, x); the gradient passes where the input was positive.
public final class ReLU: Layer {
    private var input: Tensor?

    /// A rectifier.
    public init() {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        self.input = training ? input : nil
        var out = [Float](repeating: 0, count: input.count)
        input.scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                parallelRanges(x.count) { range in
                    for i in range { o[i] = max(x[i], 0) }
                }
            }
        }
        return try Tensor(shape: input.shape, scalars: out)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let x = input else { throw NeuralNetError.backwardBeforeForward(layer: "ReLU") }
        try outputGradient.requireSameShape(as: x, "ReLU.backward")
        var dx = [Float](repeating: 0, count: x.count)
        outputGradient.scalars.withUnsafeBufferPointer { g in
            x.scalars.withUnsafeBufferPointer { xs in
                dx.withUnsafeMutableBufferPointer { d in
                    parallelRanges(d.count) { range in
                        for i in range { d[i] = g[i] * (xs[i] > 0 ? 1 : 0) }  // a select, vectorised
                    }
                }
            }
        }
        return try Tensor(shape: x.shape, scalars: dx)
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
