/// 'same' keeps the spatial size (zero padding k/2); 'valid' uses no padding.
public enum Padding: Sendable {
    case same, valid
}

/// 2-D convolution, stride 1, odd square kernel, with bias.
///
/// Weight shape [outChannels, inChannels, k, k] as in PyTorch. The whole batch is unrolled by
/// im2col into `cols` [C·k·k, N·H'·W'] so forward and both gradients are one sgemm each:
///   Y  = W · cols,   dW += dY · colsᵀ,   dcols = Wᵀ · dY,   dX = col2im(dcols).
public final class Conv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let inChannels, outChannels, kernelSize: Int
    public let padding: Padding
    private var cached: (cols: [Float], inputShape: [Int], outH: Int, outW: Int)?

    /// A convolution with weights drawn by `initializer` from `generator` and zero bias.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int = 3, padding: Padding = .same,
        initializer: Initializer = .glorotUniform, generator: inout SeededGenerator
    ) throws {
        guard inChannels > 0, outChannels > 0, kernelSize > 0, kernelSize % 2 == 1 else {
            throw NeuralNetError.invalidArgument(
                operation: "Conv2D", reason: "channels must be positive and the kernel size odd, got \(kernelSize)")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.padding = padding
        let k2 = kernelSize * kernelSize
        weight = Parameter(initializer.make(
            shape: [outChannels, inChannels, kernelSize, kernelSize],
            fanIn: inChannels * k2, fanOut: outChannels * k2, generator: &generator))
        bias = Parameter(Tensor(shape: [outChannels]))
    }

    public var parameters: [NamedParameter] {
        [NamedParameter(name: "weight", parameter: weight), NamedParameter(name: "bias", parameter: bias)]
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let (n, c, h, w) = try input.nchw("Conv2D.forward")
        guard c == inChannels else {
            throw NeuralNetError.shapeMismatch(operation: "Conv2D.forward", expected: "[N, \(inChannels), H, W]", found: input.shape)
        }
        let pad = padding == .same ? kernelSize / 2 : 0
        let outH = h + 2 * pad - kernelSize + 1, outW = w + 2 * pad - kernelSize + 1
        guard outH > 0, outW > 0 else {
            throw NeuralNetError.shapeMismatch(
                operation: "Conv2D.forward", expected: "H, W ≥ \(kernelSize) for 'valid' padding", found: input.shape)
        }
        let cols = im2col(input.scalars, n: n, h: h, w: w, outH: outH, outW: outW, pad: pad)
        let columns = n * outH * outW
        var y = [Float](repeating: 0, count: outChannels * columns)
        sgemm(transA: false, transB: false, m: outChannels, n: columns, k: inChannels * kernelSize * kernelSize,
              weight.value.scalars, cols, beta: 0, &y)
        cached = training ? (cols, input.shape, outH, outW) : nil
        let out = batchMajor(y, n: n, c: outChannels, plane: outH * outW, bias: bias.value.scalars)
        return try Tensor(shape: [n, outChannels, outH, outW], scalars: out)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let (cols, inputShape, outH, outW) = cached else {
            throw NeuralNetError.backwardBeforeForward(layer: "Conv2D")
        }
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        guard outputGradient.shape == [n, outChannels, outH, outW] else {
            throw NeuralNetError.shapeMismatch(
                operation: "Conv2D.backward", expected: "\([n, outChannels, outH, outW])", found: outputGradient.shape)
        }
        let plane = outH * outW, columns = n * plane, rows = inChannels * kernelSize * kernelSize
        let g = channelMajor(outputGradient.scalars, n: n, c: outChannels, plane: plane)
        var dcols = [Float](repeating: 0, count: rows * columns)
        sgemm(transA: false, transB: true, m: outChannels, n: rows, k: columns, g, cols, beta: 1, &weight.gradient.scalars)
        sgemm(transA: true, transB: false, m: rows, n: columns, k: outChannels, weight.value.scalars, g, beta: 0, &dcols)
        let db = channelSums(outputGradient.scalars, n: n, c: outChannels, plane: plane)
        for o in 0..<outChannels { bias.gradient.scalars[o] += db[o] }
        let pad = padding == .same ? kernelSize / 2 : 0
        let dx = col2im(dcols, n: n, h: h, w: w, outH: outH, outW: outW, pad: pad)
        return try Tensor(shape: inputShape, scalars: dx)
    }

    /// cols[(c, ki, kj), (b, oh, ow)] = x[b, c, oh + ki − pad, ow + kj − pad], zero outside.
    private func im2col(_ x: [Float], n: Int, h: Int, w: Int, outH: Int, outW: Int, pad: Int) -> [Float] {
        let k = kernelSize, plane = outH * outW, columns = n * plane
        var cols = [Float](repeating: 0, count: inChannels * k * k * columns)
        x.withUnsafeBufferPointer { xb in
            cols.withUnsafeMutableBufferPointer { cb in
                let xs = xb.baseAddress!, cs = cb.baseAddress!
                parallelFor(inChannels * k * k) { row in
                    let c = row / (k * k), ki = (row / k) % k, kj = row % k
                    for b in 0..<n {
                        let src = xs + (b * inChannels + c) * h * w
                        let dst = cs + row * columns + b * plane
                        for oh in 0..<outH {
                            let ih = oh + ki - pad
                            guard ih >= 0, ih < h else { continue }  // row stays zero
                            let lo = max(0, pad - kj), hi = min(outW, w + pad - kj)
                            for ow in lo..<max(lo, hi) { dst[oh * outW + ow] = src[ih * w + ow + kj - pad] }
                        }
                    }
                }
            }
        }
        return cols
    }

    /// The adjoint of im2col: dx[b, c, ih, iw] sums every column entry that read it.
    private func col2im(_ dcols: [Float], n: Int, h: Int, w: Int, outH: Int, outW: Int, pad: Int) -> [Float] {
        let k = kernelSize, plane = outH * outW, columns = n * plane
        var dx = [Float](repeating: 0, count: n * inChannels * h * w)
        dcols.withUnsafeBufferPointer { cb in
            dx.withUnsafeMutableBufferPointer { xb in
                let cs = cb.baseAddress!, xs = xb.baseAddress!
                parallelFor(n * inChannels) { job in
                    let b = job / inChannels, c = job % inChannels
                    let dst = xs + job * h * w
                    for ki in 0..<k {
                        for kj in 0..<k {
                            let src = cs + ((c * k + ki) * k + kj) * columns + b * plane
                            for oh in 0..<outH {
                                let ih = oh + ki - pad
                                guard ih >= 0, ih < h else { continue }
                                let lo = max(0, pad - kj), hi = min(outW, w + pad - kj)
                                for ow in lo..<max(lo, hi) { dst[ih * w + ow + kj - pad] += src[oh * outW + ow] }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
