/// 'same' keeps the spatial size (zero padding k/2); 'valid' uses no padding.
public enum Padding: Sendable {
    case same, valid
}

/// 2-D convolution, stride 1, odd square kernel, with bias.
///
/// Weight shape [outChannels, inChannels, k, k] as in PyTorch. The input is unrolled by im2col
/// into `cols` with one row per (c, ki, kj), so forward and both gradients are sgemms:
///   Y  = W · cols,   dW += dY · colsᵀ,   dcols = Wᵀ · dY,   dX = col2im(dcols).
/// Two layouts of `cols`: for large images one [C·k·k, H'·W'] block per sample, multiplied
/// sample by sample in parallel straight into NCHW (a 1×1 conv then needs no im2col at all);
/// for small images one [C·k·k, N·H'·W'] block for the whole batch, so the weights are packed
/// once for a wide product instead of once per sample.
public final class Conv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let inChannels, outChannels, kernelSize: Int
    public let padding: Padding
    /// The unrolled input of the last forward; kept as the workspace of the next call with the
    /// same geometry (its padding zeros are then already in place), which saves a large
    /// allocation and its page faults per call.
    private var cols: [Float] = []
    private var colsGeometry: Geometry?
    /// Set by a training forward: what backward needs besides `cols`.
    private var trainedGeometry: Geometry?

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

    /// Sizes of one call, and where element (row, sample b, pixel p) of `cols` lives:
    /// row · rowStride + b · sampleStride + p.
    struct Geometry: Equatable {
        let n, c, h, w, outH, outW, k, pad: Int
        var plane: Int { outH * outW }
        var rows: Int { c * k * k }
        /// Per-sample blocks once an image has 256 output pixels: packing W per sample then
        /// costs under 1/256 of the product.
        var perSample: Bool { plane >= 256 }
        var rowStride: Int { perSample ? plane : n * plane }
        var sampleStride: Int { perSample ? rows * plane : plane }
        /// A 1×1 'same' conv reads the NCHW input directly as its per-sample cols.
        var isIdentityUnroll: Bool { perSample && k == 1 && pad == 0 }
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let (n, c, h, w) = try input.nchw("Conv2D.forward")
        guard c == inChannels else {
            throw NeuralNetError.shapeMismatch(operation: "Conv2D.forward", expected: "[N, \(inChannels), H, W]", found: input.shape)
        }
        let pad = padding == .same ? kernelSize / 2 : 0
        let geo = Geometry(n: n, c: c, h: h, w: w, outH: h + 2 * pad - kernelSize + 1,
                           outW: w + 2 * pad - kernelSize + 1, k: kernelSize, pad: pad)
        guard geo.outH > 0, geo.outW > 0 else {
            throw NeuralNetError.shapeMismatch(
                operation: "Conv2D.forward", expected: "H, W ≥ \(kernelSize) for 'valid' padding", found: input.shape)
        }
        let (o, plane, rows) = (outChannels, geo.plane, geo.rows)
        var cols: [Float] = []
        if !geo.isIdentityUnroll, colsGeometry == geo { swap(&cols, &self.cols) }  // unique: written in place
        self.cols = []
        colsGeometry = nil
        if geo.isIdentityUnroll { cols = input.scalars } else { im2col(input.scalars, geo, into: &cols) }
        defer {
            if training || !geo.isIdentityUnroll {
                self.cols = cols
                colsGeometry = geo.isIdentityUnroll ? nil : geo
            }
            trainedGeometry = training ? geo : nil
        }
        var out: [Float]
        if geo.perSample {
            out = [Float](repeating: 0, count: n * o * plane)
            let b = bias.value.scalars
            weight.value.scalars.withUnsafeBufferPointer { wt in
                cols.withUnsafeBufferPointer { cb in
                    out.withUnsafeMutableBufferPointer { ob in
                        let (ws, cs, os) = (wt.baseAddress!, cb.baseAddress!, ob.baseAddress!)
                        parallelFor(n) { s in
                            let y = os + s * o * plane
                            sgemm(transA: false, transB: false, m: o, n: plane, k: rows,
                                  ws, cs + s * geo.sampleStride, beta: 0, y, split: false)
                            for ch in 0..<o {
                                let row = y + ch * plane, value = b[ch]
                                for i in 0..<plane { row[i] += value }
                            }
                        }
                    }
                }
            }
        } else {
            var y = [Float](repeating: 0, count: o * n * plane)
            sgemm(transA: false, transB: false, m: o, n: n * plane, k: rows, weight.value.scalars, cols, beta: 0, &y)
            out = batchMajor(y, n: n, c: o, plane: plane, bias: bias.value.scalars)
        }
        return try Tensor(shape: [n, o, geo.outH, geo.outW], scalars: out)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let geo = trainedGeometry else { throw NeuralNetError.backwardBeforeForward(layer: "Conv2D") }
        let (n, o, plane, rows) = (geo.n, outChannels, geo.plane, geo.rows)
        guard outputGradient.shape == [n, o, geo.outH, geo.outW] else {
            throw NeuralNetError.shapeMismatch(
                operation: "Conv2D.backward", expected: "\([n, o, geo.outH, geo.outW])", found: outputGradient.shape)
        }
        let db = channelSums(outputGradient.scalars, n: n, c: o, plane: plane)
        for ch in 0..<o { bias.gradient.scalars[ch] += db[ch] }
        var dx = [Float](repeating: 0, count: n * inChannels * geo.h * geo.w)
        if geo.perSample {
            // Each thread sums its samples' dW into its own slice; the slices are added in a
            // fixed order afterwards, so the result depends on the thread count only.
            let threads = min(ComputeThreads.count, n)
            var partial = [Float](repeating: 0, count: threads * o * rows)
            outputGradient.scalars.withUnsafeBufferPointer { gb in
                cols.withUnsafeBufferPointer { cb in
                    weight.value.scalars.withUnsafeBufferPointer { wt in
                        partial.withUnsafeMutableBufferPointer { pb in
                            dx.withUnsafeMutableBufferPointer { xb in
                                let (gs, cs, ws, ps, xs) = (gb.baseAddress!, cb.baseAddress!, wt.baseAddress!, pb.baseAddress!, xb.baseAddress!)
                                parallelFor(threads) { t in
                                    var dcols = [Float](repeating: 0, count: rows * plane)
                                    for s in (n * t / threads)..<(n * (t + 1) / threads) {
                                        let g = gs + s * o * plane
                                        sgemm(transA: false, transB: true, m: o, n: rows, k: plane,
                                              g, cs + s * geo.sampleStride, beta: 1, ps + t * o * rows, split: false)
                                        dcols.withUnsafeMutableBufferPointer { d in
                                            sgemm(transA: true, transB: false, m: rows, n: plane, k: o,
                                                  ws, g, beta: 0, d.baseAddress!, split: false)
                                            for ch in 0..<geo.c { col2im(d.baseAddress!, xs, geo, sample: s, channel: ch, sampleOffset: 0) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for t in 0..<threads {
                for i in 0..<(o * rows) { weight.gradient.scalars[i] += partial[t * o * rows + i] }
            }
        } else {
            let g = channelMajor(outputGradient.scalars, n: n, c: o, plane: plane)
            var dcols = [Float](repeating: 0, count: rows * n * plane)
            sgemm(transA: false, transB: true, m: o, n: rows, k: n * plane, g, cols, beta: 1, &weight.gradient.scalars)
            sgemm(transA: true, transB: false, m: rows, n: n * plane, k: o, weight.value.scalars, g, beta: 0, &dcols)
            dcols.withUnsafeBufferPointer { cb in
                dx.withUnsafeMutableBufferPointer { xb in
                    let (cs, xs) = (cb.baseAddress!, xb.baseAddress!)
                    parallelFor(n * geo.c) { job in
                        col2im(cs, xs, geo, sample: job / geo.c, channel: job % geo.c, sampleOffset: (job / geo.c) * plane)
                    }
                }
            }
        }
        return try Tensor(shape: [n, inChannels, geo.h, geo.w], scalars: dx)
    }

    /// cols[(c, ki, kj), b, (oh, ow)] = x[b, c, oh + ki − pad, ow + kj − pad], zero outside;
    /// parallel over rows × samples, each job filling one row of one sample. Only in-bounds
    /// entries are written: `cols` must be zeros or the result of a call with the same geometry.
    private func im2col(_ x: [Float], _ geo: Geometry, into cols: inout [Float]) {
        let (k, pad, h, w, outH, outW, plane) = (geo.k, geo.pad, geo.h, geo.w, geo.outH, geo.outW, geo.plane)
        if cols.count != geo.rows * geo.n * plane { cols = [Float](repeating: 0, count: geo.rows * geo.n * plane) }
        x.withUnsafeBufferPointer { xb in
            cols.withUnsafeMutableBufferPointer { cb in
                let xs = xb.baseAddress!, cs = cb.baseAddress!
                parallelFor(geo.rows * geo.n) { job in
                    let row = job / geo.n, b = job % geo.n
                    let c = row / (k * k), ki = (row / k) % k, kj = row % k
                    let src = xs + (b * geo.c + c) * h * w
                    let dst = cs + row * geo.rowStride + b * geo.sampleStride
                    let lo = max(0, pad - kj), hi = max(lo, min(outW, w + pad - kj))
                    for oh in 0..<outH {
                        let ih = oh + ki - pad
                        guard ih >= 0, ih < h else { continue }  // this output row stays zero
                        for ow in lo..<hi { dst[oh * outW + ow] = src[ih * w + ow + kj - pad] }
                    }
                }
            }
        }
    }
}

/// The adjoint of im2col for one (sample, channel) plane of dx: dx[b, c, ih, iw] sums every
/// cols entry that read it. `dcols` rows are `geo.rowStride` apart; `sampleOffset` locates
/// the sample inside a row.
private func col2im(
    _ dcols: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ geo: Conv2D.Geometry,
    sample b: Int, channel c: Int, sampleOffset: Int
) {
    let (k, pad, h, w, outH, outW) = (geo.k, geo.pad, geo.h, geo.w, geo.outH, geo.outW)
    let rowStride = geo.perSample ? geo.plane : geo.rowStride
    let dst = dx + (b * geo.c + c) * h * w
    for ki in 0..<k {
        for kj in 0..<k {
            let src = dcols + ((c * k + ki) * k + kj) * rowStride + sampleOffset
            let lo = max(0, pad - kj), hi = max(lo, min(outW, w + pad - kj))
            for oh in 0..<outH {
                let ih = oh + ki - pad
                guard ih >= 0, ih < h else { continue }
                for ow in lo..<hi { dst[ih * w + ow + kj - pad] += src[oh * outW + ow] }
            }
        }
    }
}
