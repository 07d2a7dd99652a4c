/// Transposed convolution with a 2×2 kernel and stride 2 (the U-Net up-convolution):
/// out[b, o, 2i + a, 2j + d] = bias[o] + Σ_c x[b, c, i, j] · W[c, o, a, d].
///
/// Weight shape [inChannels, outChannels, 2, 2] as in PyTorch. Kernel windows do not overlap,
/// so with X in channel-major layout [C, N·HW] the layer is one sgemm, Y = Wᵀ · X, followed by a
/// scatter of Y's rows (o, a, d) into the doubled image; backward gathers and reverses it.
///
/// With `NeuralNetBackend.onednn` both passes run on oneDNN primitives instead (`DNNLUpConvPlan`).
public final class ConvTranspose2D: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let inChannels, outChannels: Int
    /// The input of the last training forward, channel-major [C, N·HW]; the shape says it is valid.
    private var columns: [Float] = []
    private var cachedShape: [Int]?
    /// Y = Wᵀ·X of the last forward, reused for the gathered gradient G in backward.
    private var products: [Float] = []
    /// dX channel-major, before it is put back into NCHW.
    private var columnsGradient: [Float] = []
    /// oneDNN primitives per input shape, and what a oneDNN training forward keeps for backward.
    private var dnnlPlans = DNNLPlanCache<DNNLUpConvPlan>()
    private var dnnlTrained: (plan: DNNLUpConvPlan, input: [Float])?
    /// The backend the last forward pass ran on (nil before the first).
    private(set) var lastBackend: NeuralNetBackend?

    /// An up-convolution with weights drawn by `initializer` from `generator` and zero bias.
    public init(
        inChannels: Int, outChannels: Int, initializer: Initializer = .glorotUniform,
        generator: inout SeededGenerator
    ) throws {
        guard inChannels > 0, outChannels > 0 else {
            throw NeuralNetError.invalidArgument(operation: "ConvTranspose2D", reason: "channels must be positive")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        // PyTorch's fan for a transposed conv weight [in, out, k, k]: fanIn = out·k², fanOut = in·k².
        weight = Parameter(initializer.make(
            shape: [inChannels, outChannels, 2, 2], fanIn: outChannels * 4, fanOut: inChannels * 4,
            generator: &generator))
        bias = Parameter(Tensor(shape: [outChannels]))
    }

    public var parameters: [NamedParameter] {
        [NamedParameter(name: "weight", parameter: weight), NamedParameter(name: "bias", parameter: bias)]
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        try forward(input, training: training, relu: false)
    }

    /// The forward pass, optionally with a ReLU applied as the output is written (`Sequential`
    /// fuses a ConvTranspose2D → ReLU pair this way).
    func forward(_ input: Tensor, training: Bool, relu: Bool) throws -> Tensor {
        let (n, c, h, w) = try input.nchw("ConvTranspose2D.forward")
        guard c == inChannels else {
            throw NeuralNetError.shapeMismatch(
                operation: "ConvTranspose2D.forward", expected: "[N, \(inChannels), H, W]", found: input.shape)
        }
        dnnlTrained = nil
        lastBackend = NeuralNetBackend.effective
        if lastBackend == .onednn {
            cachedShape = nil
            let plan = try dnnlPlans.plan(DNNLUpConvShape(n: n, c: c, h: h, w: w, o: outChannels, relu: relu,
                                                          threads: ComputeThreads.count))
            let out = try plan.forward(input.scalars, weight: weight, bias: bias)
            if training { dnnlTrained = (plan, input.scalars) }
            return try Tensor(shape: [n, outChannels, 2 * h, 2 * w], scalars: out)
        }
        let plane = h * w, columns = n * plane, rows = outChannels * 4
        // Both buffers are kept between calls (no fresh pages) and fully overwritten.
        resize(&self.columns, to: inChannels * columns)
        resize(&products, to: rows * columns)
        self.columns.withUnsafeMutableBufferPointer { xb in
            guard let xs = xb.baseAddress else { return }
            channelMajor(input.scalars, n: n, c: c, plane: plane, into: xs)
        }
        weight.value.scalars.withUnsafeBufferPointer { wb in
            self.columns.withUnsafeBufferPointer { xb in
                products.withUnsafeMutableBufferPointer { yb in
                    guard let ws = wb.baseAddress, let xs = xb.baseAddress, let ys = yb.baseAddress else { return }
                    sgemm(transA: true, transB: false, m: rows, n: columns, k: inChannels, ws, xs, beta: 0, ys)
                }
            }
        }
        cachedShape = training ? input.shape : nil
        let y = products
        let b = bias.value.scalars
        // Scatter: row (o, a, d) of Y, column (s, i, j) → out[s, o, 2i + a, 2j + d].
        let out = uninitializedFloats(n * outChannels * 4 * plane) { os in
            y.withUnsafeBufferPointer { yb in
                guard let ys = yb.baseAddress else { return }
                parallelFor(n * outChannels) { job in
                    let s = job / outChannels, o = job % outChannels
                    let dst = os + job * 4 * plane, shift = b[o]
                    for a in 0..<2 {
                        for d in 0..<2 {
                            let src = ys + (o * 4 + a * 2 + d) * columns + s * plane
                            for i in 0..<h {
                                let row = dst + (2 * i + a) * 2 * w + d
                                if relu {
                                    for j in 0..<w { row[2 * j] = max(src[i * w + j] + shift, 0) }
                                } else {
                                    for j in 0..<w { row[2 * j] = src[i * w + j] + shift }
                                }
                            }
                        }
                    }
                }
            }
        }
        return try Tensor(shape: [n, outChannels, 2 * h, 2 * w], scalars: out)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        if let (plan, input) = dnnlTrained {
            return try plan.backward(outputGradient, input: input, weight: weight, bias: bias)
        }
        guard let inputShape = cachedShape else { throw NeuralNetError.backwardBeforeForward(layer: "ConvTranspose2D") }
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        guard outputGradient.shape == [n, outChannels, 2 * h, 2 * w] else {
            throw NeuralNetError.shapeMismatch(
                operation: "ConvTranspose2D.backward", expected: "\([n, outChannels, 2 * h, 2 * w])",
                found: outputGradient.shape)
        }
        let plane = h * w, columns = n * plane, rows = outChannels * 4
        // Gather: the inverse of the forward scatter, G[(o, a, d), (s, i, j)].
        resize(&products, to: rows * columns)
        products.withUnsafeMutableBufferPointer { gm in
            outputGradient.scalars.withUnsafeBufferPointer { gb in
                guard let gs = gb.baseAddress, let dst = gm.baseAddress else { return }
                parallelFor(n * outChannels) { job in
                    let s = job / outChannels, o = job % outChannels
                    let src = gs + job * 4 * plane
                    for a in 0..<2 {
                        for d in 0..<2 {
                            let row = dst + (o * 4 + a * 2 + d) * columns + s * plane
                            for i in 0..<h {
                                let line = src + (2 * i + a) * 2 * w + d
                                for j in 0..<w { row[i * w + j] = line[2 * j] }
                            }
                        }
                    }
                }
            }
        }
        sgemm(transA: false, transB: true, m: inChannels, n: rows, k: columns, self.columns, products, beta: 1,
              &weight.gradient.scalars)
        resize(&columnsGradient, to: inChannels * columns)
        weight.value.scalars.withUnsafeBufferPointer { wb in
            products.withUnsafeBufferPointer { gb in
                columnsGradient.withUnsafeMutableBufferPointer { db in
                    guard let ws = wb.baseAddress, let gs = gb.baseAddress, let ds = db.baseAddress else { return }
                    sgemm(transA: false, transB: false, m: inChannels, n: columns, k: rows, ws, gs, beta: 0, ds)
                }
            }
        }
        let dx = columnsGradient
        let db = channelSums(outputGradient.scalars, n: n, c: outChannels, plane: 4 * plane)
        for o in 0..<outChannels { bias.gradient.scalars[o] += db[o] }
        return try Tensor(shape: inputShape, scalars: batchMajor(dx, n: n, c: inChannels, plane: plane, bias: nil))
    }
}

/// Gives a kept buffer `count` elements (contents undefined until written).
private func resize(_ buffer: inout [Float], to count: Int) {
    if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
}
