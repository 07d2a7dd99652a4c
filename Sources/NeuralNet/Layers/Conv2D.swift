/// 'same' keeps the spatial size (zero padding k/2); 'valid' uses no padding.
public enum Padding: Sendable {
    case same, valid
}

/// 2-D convolution, stride 1, odd square kernel, with bias.
///
/// Weight shape [outChannels, inChannels, k, k] as in PyTorch. The input is unrolled (see
/// `ConvGeometry`) so forward and both gradients are sgemms:
///   Y = W · U,   dW += dY · Uᵀ,   dU = Wᵀ · dY,   dX = fold(dU).
/// From 256 output pixels per image each sample is unrolled into a per-thread workspace that
/// stays in cache and multiplied straight into NCHW, samples spread over threads; a training
/// forward keeps only the input and backward unrolls each sample again. Smaller images use one
/// im2col block for the whole batch, kept for backward, so the weights are packed once for a
/// wide product instead of once per sample.
///
/// With `NeuralNetBackend.onednn` the same passes run on oneDNN convolution primitives instead
/// (one plan per input shape, kept by the layer).
public final class Conv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let inChannels, outChannels, kernelSize: Int
    public let padding: Padding
    /// Batched layout only: the im2col block of the last forward, reused as the next call's.
    private var cols: [Float] = []
    /// Per-thread unroll space of the per-sample layout, kept between calls.
    private var workspace: [Float] = []
    /// Set by a training forward: the geometry, and the input for the per-sample layout.
    private var trained: (geo: ConvGeometry, input: ConvInput?)?
    /// The shifted unroll's weight layout and the `weight.version` it was made from.
    private var rowWeights: (version: Int, scalars: [Float])?
    /// oneDNN primitives per input shape, and what a oneDNN training forward keeps for backward.
    private var dnnlPlans = DNNLPlanCache<DNNLConvPlan>()
    private var dnnlTrained: (plan: DNNLConvPlan, input: [Float])?
    /// The backend the last forward pass ran on (nil before the first).
    private(set) var lastBackend: NeuralNetBackend?

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
        try forward(input, training: training, relu: false)
    }

    /// The forward pass, optionally with a ReLU applied to the output as it is written
    /// (`Sequential` fuses a Conv2D → ReLU pair this way).
    func forward(_ input: Tensor, training: Bool, relu: Bool) throws -> Tensor {
        let (n, c, h, w) = try input.nchw("Conv2D.forward")
        guard c == inChannels else {
            throw NeuralNetError.shapeMismatch(operation: "Conv2D.forward", expected: "[N, \(inChannels), H, W]", found: input.shape)
        }
        return try forward(ConvInput(first: input.scalars, second: nil, firstChannels: c), n: n, h: h, w: w,
                           training: training, relu: relu)
    }

    /// The forward pass on `concatenateChannels([first, second])` without building it
    /// (`Sequential` uses it for a SkipConnection followed by a Conv2D).
    func forward(concatenating first: Tensor, _ second: Tensor, training: Bool, relu: Bool) throws -> Tensor {
        let a = try first.nchw("Conv2D.forward"), b = try second.nchw("Conv2D.forward")
        guard a.n == b.n, a.h == b.h, a.w == b.w, a.c + b.c == inChannels else {
            throw NeuralNetError.shapeMismatch(
                operation: "Conv2D.forward", expected: "two parts of [\(a.n), \(inChannels) channels in all, \(a.h), \(a.w)]",
                found: second.shape)
        }
        // The 1×1 path and oneDNN read one contiguous input.
        if kernelSize == 1 || NeuralNetBackend.effective == .onednn {
            return try forward(Tensor.concatenateChannels([first, second]), training: training, relu: relu)
        }
        return try forward(ConvInput(first: first.scalars, second: second.scalars, firstChannels: a.c), n: a.n, h: a.h, w: a.w,
                           training: training, relu: relu)
    }

    private func forward(_ input: ConvInput, n: Int, h: Int, w: Int, training: Bool, relu: Bool) throws -> Tensor {
        let c = inChannels
        let pad = padding == .same ? kernelSize / 2 : 0
        let geo = ConvGeometry(n: n, c: c, h: h, w: w, outH: h + 2 * pad - kernelSize + 1,
                               outW: w + 2 * pad - kernelSize + 1, k: kernelSize, pad: pad)
        guard geo.outH > 0, geo.outW > 0 else {
            throw NeuralNetError.shapeMismatch(
                operation: "Conv2D.forward", expected: "H, W ≥ \(kernelSize) for 'valid' padding", found: [n, c, h, w])
        }
        trained = nil
        dnnlTrained = nil
        lastBackend = input.second == nil ? NeuralNetBackend.effective : .openblas
        if lastBackend == .onednn {
            let plan = try dnnlPlans.plan(DNNLConvShape(
                inputMajorWeights: false, n: n, c: c, h: h, w: w, o: outChannels, k: kernelSize, stride: 1, pad: pad, relu: relu,
                threads: ComputeThreads.count))
            let out = try plan.forward(input.first, weight: weight, bias: bias)
            if training { dnnlTrained = (plan, input.first) }
            return try Tensor(shape: [n, outChannels, geo.outH, geo.outW], scalars: out)
        }
        let out: [Float]
        if geo.perSample {
            cols = []
            out = forwardPerSample(input, geo, relu: relu)
            if training { trained = (geo, input) }
        } else {
            out = forwardBatched(input, geo, relu: relu)
            if training { trained = (geo, nil) }
        }
        return try Tensor(shape: [n, outChannels, geo.outH, geo.outW], scalars: out)
    }

    private func forwardPerSample(_ x: ConvInput, _ geo: ConvGeometry, relu: Bool) -> [Float] {
        let (n, o, plane, rows) = (geo.n, outChannels, geo.plane, geo.unrollRows)
        let threads = min(ComputeThreads.count, n)
        let band = geo.bandRows, bandLength = (band + geo.haloLines) * geo.outW
        let unrollSize = geo.isIdentityUnroll ? 0 : rows * bandLength
        let weights = kernelRowWeights(geo)
        return withWorkspace(threads * unrollSize) { ws in
            uninitializedFloats(n * o * plane) { ys in
                x.withSource(geo) { xs in
                    weights.withUnsafeBufferPointer { wb in
                        bias.value.scalars.withUnsafeBufferPointer { bb in
                            guard let wts = wb.baseAddress, let bs = bb.baseAddress else { return }
                            parallelFor(threads) { t in
                                let u = ws + t * unrollSize
                                for s in (n * t / threads)..<(n * (t + 1) / threads) {
                                    let y = ys + s * o * plane
                                    if geo.isIdentityUnroll {
                                        sgemm(transA: false, transB: false, m: o, n: plane, k: rows, wts,
                                              xs.plane(sample: s, channel: 0), beta: 0, y, split: false)
                                    }
                                    // Bands of output rows: unroll one, multiply it into its rows of Y.
                                    for r0 in stride(from: 0, to: geo.isIdentityUnroll ? 0 : geo.outH, by: band) {
                                        let count = min(band, geo.outH - r0), stride = (count + geo.haloLines) * geo.outW
                                        convUnroll(xs, sample: s, geo, into: u, rowStride: stride,
                                                   lines: r0..<(r0 + count + geo.haloLines))
                                        for g in 0..<geo.shifts {
                                            sgemm(transA: false, transB: false, m: o, n: count * geo.outW, k: rows,
                                                  wts + g * o * rows, u + g * geo.outW, ldb: stride,
                                                  beta: g == 0 ? 0 : 1, y + r0 * geo.outW, ldc: plane, split: false)
                                        }
                                        // Bias (and ReLU) on the band while it is still in cache.
                                        addBias(y + r0 * geo.outW, bs, channels: o, count: count * geo.outW, stride: plane, relu: relu)
                                    }
                                    if geo.isIdentityUnroll { addBias(y, bs, channels: o, count: plane, stride: plane, relu: relu) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func forwardBatched(_ x: ConvInput, _ geo: ConvGeometry, relu: Bool) -> [Float] {
        let (n, o, plane, rows) = (geo.n, outChannels, geo.plane, geo.unrollRows)
        if cols.count != rows * n * plane { cols = [Float](repeating: 0, count: rows * n * plane) }
        x.withSource(geo) { xs in
            cols.withUnsafeMutableBufferPointer { cb in
                guard let cs = cb.baseAddress else { return }
                parallelFor(n) { b in convUnroll(xs, sample: b, geo, into: cs + b * plane, rowStride: n * plane) }
            }
        }
        let y = uninitializedFloats(o * n * plane) { ys in
            weight.value.scalars.withUnsafeBufferPointer { wb in
                cols.withUnsafeBufferPointer { cb in
                    guard let ws = wb.baseAddress, let cs = cb.baseAddress else { return }
                    sgemm(transA: false, transB: false, m: o, n: n * plane, k: rows, ws, cs, beta: 0, ys)
                }
            }
        }
        return batchMajor(y, n: n, c: o, plane: plane, bias: bias.value.scalars, relu: relu)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backward(outputGradient, inputGradient: true)
    }

    /// Only the weight and bias gradients: the input gradient's product and fold are skipped.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backward(outputGradient, inputGradient: false)
    }

    /// The backward pass; without `inputGradient` it returns an empty tensor.
    private func backward(_ outputGradient: Tensor, inputGradient: Bool) throws -> Tensor {
        if let (plan, input) = dnnlTrained {
            return try plan.backward(outputGradient, input: input, weight: weight, bias: bias,
                                     inputGradient: inputGradient, layer: "Conv2D")
        }
        guard let (geo, input) = trained else { throw NeuralNetError.backwardBeforeForward(layer: "Conv2D") }
        let (n, o, plane) = (geo.n, outChannels, geo.plane)
        guard outputGradient.shape == [n, o, geo.outH, geo.outW] else {
            throw NeuralNetError.shapeMismatch(
                operation: "Conv2D.backward", expected: "\([n, o, geo.outH, geo.outW])", found: outputGradient.shape)
        }
        let db = channelSums(outputGradient.scalars, n: n, c: o, plane: plane)
        bias.gradient.scalars.withUnsafeMutableBufferPointer { gb in
            for ch in 0..<o { gb[ch] += db[ch] }
        }
        let dx: [Float]
        if let input, geo.perSample {
            dx = backwardPerSample(outputGradient.scalars, input, geo, inputGradient: inputGradient)
        } else {
            dx = backwardBatched(outputGradient.scalars, geo, inputGradient: inputGradient)
        }
        guard inputGradient else { return Tensor(shape: [0]) }
        return try Tensor(shape: [n, inChannels, geo.h, geo.w], scalars: dx)
    }

    private func backwardPerSample(_ dy: [Float], _ x: ConvInput, _ geo: ConvGeometry, inputGradient: Bool) -> [Float] {
        let (n, c, o, plane, rows, length) = (geo.n, geo.c, outChannels, geo.plane, geo.unrollRows, geo.unrollLength)
        let threads = min(ComputeThreads.count, n)
        let unrollSize = geo.isIdentityUnroll ? 0 : rows * length
        let weights = kernelRowWeights(geo)
        let gradientSize = geo.shifts * o * rows
        // Each thread sums its samples' dW into its own slice of the workspace (its first
        // sample overwrites it, so no clearing); the slices are added in a fixed order
        // afterwards, so the result depends on the thread count only.
        return withWorkspace(threads * (2 * unrollSize + gradientSize)) { ws in
            let ps = ws + threads * 2 * unrollSize
            // Without an input gradient nothing is written to dx; one float keeps the body running.
            let dx = uninitializedFloats(inputGradient ? n * c * geo.h * geo.w : 1) { xs in
                dy.withUnsafeBufferPointer { gb in
                    x.withSource(geo) { inputs in
                        weights.withUnsafeBufferPointer { wb in
                            guard let gs = gb.baseAddress, let wts = wb.baseAddress else { return }
                            parallelFor(threads) { t in
                                let u = ws + t * 2 * unrollSize, du = u + unrollSize
                                let dW = ps + t * gradientSize, first = n * t / threads
                                for s in first..<(n * (t + 1) / threads) {
                                    let g = gs + s * o * plane
                                    let unrolled = geo.isIdentityUnroll
                                        ? inputs.plane(sample: s, channel: 0) : unroll(inputs, sample: s, geo, into: u)
                                    for shift in 0..<geo.shifts {
                                        sgemm(transA: false, transB: true, m: o, n: rows, k: plane, g,
                                              unrolled + shift * geo.outW, ldb: length, beta: s == first ? 0 : 1,
                                              dW + shift * o * rows, split: false)
                                    }
                                    guard inputGradient else { continue }
                                    if geo.isIdentityUnroll {
                                        sgemm(transA: true, transB: false, m: c, n: plane, k: o, wts, g, beta: 0,
                                              xs + s * c * plane, split: false)
                                        continue
                                    }
                                    if geo.shifted {  // the columns no shift-0 product writes
                                        for row in 0..<rows { (du + row * length + plane).update(repeating: 0, count: length - plane) }
                                    }
                                    for shift in 0..<geo.shifts {
                                        sgemm(transA: true, transB: false, m: rows, n: plane, k: o, wts + shift * o * rows, g,
                                              beta: shift == 0 ? 0 : 1, du + shift * geo.outW, ldc: length, split: false)
                                    }
                                    for ch in 0..<c { convFold(du, rowStride: length, geo, into: xs, sample: s, channel: ch) }
                                }
                            }
                        }
                    }
                }
            }
            addWeightGradient(ps, slices: threads, geo)
            return dx
        }
    }

    private func backwardBatched(_ dy: [Float], _ geo: ConvGeometry, inputGradient: Bool) -> [Float] {
        let (n, o, plane, rows) = (geo.n, outChannels, geo.plane, geo.unrollRows)
        let g = channelMajor(dy, n: n, c: o, plane: plane)
        withWorkspace(o * rows) { dW in  // the batched layout uses no unroll workspace
            sgemm(transA: false, transB: true, m: o, n: rows, k: n * plane, g, cols, beta: 0, dW)
            addWeightGradient(dW, slices: 1, geo)
        }
        guard inputGradient else { return [] }
        let dcols = uninitializedFloats(rows * n * plane) { ds in
            weight.value.scalars.withUnsafeBufferPointer { wb in
                g.withUnsafeBufferPointer { gb in
                    guard let ws = wb.baseAddress, let gs = gb.baseAddress else { return }
                    sgemm(transA: true, transB: false, m: rows, n: n * plane, k: o, ws, gs, beta: 0, ds)
                }
            }
        }
        return uninitializedFloats(n * geo.c * geo.h * geo.w) { xs in
            dcols.withUnsafeBufferPointer { cb in
                guard let cs = cb.baseAddress else { return }
                parallelFor(n * geo.c) { job in
                    let b = job / geo.c
                    convFold(cs + b * plane, rowStride: n * plane, geo, into: xs, sample: b, channel: job % geo.c)
                }
            }
        }
    }

    /// Unrolls one sample into `u` and returns it.
    private func unroll(
        _ x: ConvSource, sample s: Int, _ geo: ConvGeometry, into u: UnsafeMutablePointer<Float>
    ) -> UnsafePointer<Float> {
        convUnroll(x, sample: s, geo, into: u, rowStride: geo.unrollLength)
        return UnsafePointer(u)
    }

    /// The weights as `shifts` matrices [O × unrollRows], one per kernel row ki when the
    /// unroll is shifted: W_ki[o, (c, kj)] = W[o, c, ki, kj]; otherwise W itself.
    /// Kept until the weights change (inference and each training step's backward reuse it).
    private func kernelRowWeights(_ geo: ConvGeometry) -> [Float] {
        let source = weight.value.scalars
        guard geo.shifted else { return source }
        if let cached = rowWeights, cached.version == weight.version, cached.scalars.count == source.count {
            return cached.scalars
        }
        let (oc, k) = (outChannels * geo.c, geo.k)
        let scalars = uninitializedFloats(source.count) { dst in
            source.withUnsafeBufferPointer { sb in
                guard let src = sb.baseAddress else { return }
                parallelFor(k) { ki in
                    for j in 0..<oc {
                        let from = src + (j * k + ki) * k, to = dst + (ki * oc + j) * k
                        for kj in 0..<k { to[kj] = from[kj] }
                    }
                }
            }
        }
        rowWeights = (weight.version, scalars)
        return scalars
    }

    /// Adds the sum of `slices` consecutive gradients laid out as `kernelRowWeights` to
    /// `weight.gradient`, the slices in order.
    private func addWeightGradient(_ ps: UnsafePointer<Float>, slices: Int, _ geo: ConvGeometry) {
        let (o, c, k) = (outChannels, geo.c, geo.k)
        let size = o * c * k * k
        weight.gradient.scalars.withUnsafeMutableBufferPointer { gb in
            guard let gs = gb.baseAddress, gb.count == size else { return }
            // Parallel over output channels; each element still sums the slices in order.
            let perChannel = c * k * k
            parallelFor(o) { oc0 in
                for t in 0..<slices {
                    let slice = ps + t * size
                    if !geo.shifted {
                        let from = slice + oc0 * perChannel, to = gs + oc0 * perChannel
                        for i in 0..<perChannel { to[i] += from[i] }
                        continue
                    }
                    for ki in 0..<k {
                        for ic in 0..<c {
                            let oc = oc0 * c + ic
                            let from = slice + (ki * o * c + oc) * k, to = gs + (oc * k + ki) * k
                            for kj in 0..<k { to[kj] += from[kj] }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` on the per-thread workspace grown to at least `count` floats.
    private func withWorkspace<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        if workspace.count < max(1, count) { workspace = [Float](repeating: 0, count: max(1, count)) }
        return workspace.withUnsafeMutableBufferPointer { wb in
            // Non-empty by the line above, so the base address exists.
            body(wb.baseAddress ?? UnsafeMutablePointer<Float>.allocate(capacity: 1))
        }
    }
}
