import CDNNL
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's oneDNN CPU engine, made once (nil when oneDNN cannot make one).
///
/// Debian's libdnnl is built with OpenMP threading: a primitive runs on `omp_get_max_threads()`
/// threads of the calling thread, so `run` sets that to `ComputeThreads.count` first. A
/// primitive also splits its work by the thread count in force when it is made, so plans are
/// made under, and keyed by, the count they run with. libgomp ships no development symlink, so
/// `omp_set_num_threads` is looked up in the loaded library.
final class OneDNN: @unchecked Sendable {  // immutable after init; oneDNN engines are thread-safe
    let engine: dnnl_engine_t
    private let setOMPThreads: (@convention(c) (Int32) -> Void)?

    static let shared: OneDNN? = OneDNN()

    private init?() {
        var engine: dnnl_engine_t?
        guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success, let engine else { return nil }
        self.engine = engine
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") {
            setOMPThreads = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Void).self)
        } else {
            setOMPThreads = nil
        }
    }

    /// Sets the calling thread's OpenMP thread count (what oneDNN makes and runs primitives for).
    func setThreads(_ count: Int) {
        setOMPThreads?(Int32(count))
    }

    /// Runs `primitive` on `stream` with `args` (argument index, memory) and waits for it.
    func run(_ primitive: dnnl_primitive_t, _ stream: dnnl_stream_t, _ args: [(Int32, dnnl_memory_t)]) throws {
        setThreads(ComputeThreads.count)
        let list = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        try dnnlCheck(dnnl_primitive_execute(primitive, stream, Int32(list.count), list), "execute")
        try dnnlCheck(dnnl_stream_wait(stream), "stream wait")
    }
}

/// oneDNN's execution argument indices (the DNNL_ARG_* macros of dnnl_types.h).
enum DNNLArg {
    static let src: Int32 = 1, dst: Int32 = 17, weights: Int32 = 33, bias: Int32 = 41
    static let diffSrc: Int32 = 129, diffDst: Int32 = 145, diffWeights: Int32 = 161, diffBias: Int32 = 169
}

/// Throws unless `status` is success.
func dnnlCheck(_ status: dnnl_status_t, _ what: String) throws {
    guard status == dnnl_success else {
        throw NeuralNetError.invalidArgument(operation: "oneDNN \(what)", reason: "status \(status.rawValue)")
    }
}

/// A float32 memory descriptor of `dims` in layout `tag` (`dnnl_format_tag_any` lets a
/// primitive choose).
func memoryDesc(_ dims: [Int], _ tag: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
    var md = dnnl_memory_desc_t()
    let extents = dims.map(Int64.init)
    try dnnlCheck(dnnl_memory_desc_init_by_tag(&md, Int32(extents.count), extents, dnnl_f32, tag), "memory desc")
    return md
}

/// One tensor argument of a primitive: a memory object over the caller's plain buffer (bound
/// per call) and, when the primitive chose another layout, a buffer in that layout with the
/// reorder between the two. A persistent buffer is the library's and kept (a source that
/// backward reads again, weights reordered once per version); otherwise it exists only inside
/// `withBuffer`, so a plan does not hold an activation-sized copy per output and gradient.
final class DNNLArgument {
    private let plain: dnnl_memory_t
    private let inner: dnnl_memory_t?
    private let reorder: dnnl_primitive_t?
    /// The bytes of a transient buffer (0 when persistent or when there is none).
    private let transientBytes: Int
    /// The layout the primitive reads or writes.
    let chosen: dnnl_memory_desc_t
    /// The memory to pass to the primitive.
    var memory: dnnl_memory_t { inner ?? plain }

    /// `input`: the reorder goes plain → chosen (before the primitive), else chosen → plain.
    init(
        _ engine: dnnl_engine_t, plain plainDesc: dnnl_memory_desc_t, chosen: dnnl_memory_desc_t, input: Bool,
        persistent: Bool = true
    ) throws {
        var p = plainDesc, c = chosen
        self.chosen = chosen
        var memory: dnnl_memory_t?
        try dnnlCheck(dnnl_memory_create(&memory, &p, engine, nil), "memory")
        guard let memory else { throw NeuralNetError.invalidArgument(operation: "oneDNN memory", reason: "none made") }
        plain = memory
        guard dnnl_memory_desc_equal(&p, &c) == 0 else {
            inner = nil
            reorder = nil
            transientBytes = 0
            return
        }
        transientBytes = persistent ? 0 : dnnl_memory_desc_get_size(&c)
        var buffer: dnnl_memory_t?, pd: dnnl_primitive_desc_t?, primitive: dnnl_primitive_t?
        // DNNL_MEMORY_ALLOCATE, or DNNL_MEMORY_NONE for a buffer given in `withBuffer`.
        try dnnlCheck(dnnl_memory_create(&buffer, &c, engine, persistent ? UnsafeMutableRawPointer(bitPattern: -1) : nil),
                      "memory")
        try dnnlCheck(input ? dnnl_reorder_primitive_desc_create(&pd, &p, engine, &c, engine, nil)
                        : dnnl_reorder_primitive_desc_create(&pd, &c, engine, &p, engine, nil), "reorder")
        defer { dnnl_primitive_desc_destroy(pd) }
        try dnnlCheck(dnnl_primitive_create(&primitive, pd), "reorder")
        inner = buffer
        reorder = primitive
    }

    deinit {
        dnnl_memory_destroy(plain)
        if let inner { dnnl_memory_destroy(inner) }
        if let reorder { dnnl_primitive_destroy(reorder) }
    }

    /// Runs `body` with the transient buffer allocated (directly when there is none).
    func withBuffer<R>(_ body: () throws -> R) throws -> R {
        guard transientBytes > 0, let inner else { return try body() }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: transientBytes, alignment: 64)
        defer {
            dnnl_memory_set_data_handle(inner, nil)
            buffer.deallocate()
        }
        try dnnlCheck(dnnl_memory_set_data_handle(inner, buffer), "bind")
        return try body()
    }

    /// Points the plain memory at `pointer` (valid until the next bind).
    func bind(_ pointer: UnsafeRawPointer) throws {
        try dnnlCheck(dnnl_memory_set_data_handle(plain, UnsafeMutableRawPointer(mutating: pointer)), "bind")
    }

    /// Copies plain → chosen (inputs) or chosen → plain (outputs); nothing when they agree.
    func reorder(_ stream: dnnl_stream_t, input: Bool) throws {
        guard let reorder, let inner else { return }
        try OneDNN.shared?.run(reorder, stream, input ? [(DNNLArg.src, plain), (DNNLArg.dst, inner)]
                                                      : [(DNNLArg.src, inner), (DNNLArg.dst, plain)])
    }
}

/// The geometry of one oneDNN convolution: NCHW float32 input and output, weights [O, C, k, k]
/// (stored input-major, [C, O, k, k], when `inputMajorWeights`), square kernel, equal padding
/// on every side, ReLU applied to the output when `relu`, on `threads` threads.
struct DNNLConvShape: Hashable {
    let inputMajorWeights: Bool
    let n, c, h, w, o, k, stride, pad: Int
    let relu: Bool
    let threads: Int

    var outH: Int { (h + 2 * pad - k) / stride + 1 }
    var outW: Int { (w + 2 * pad - k) / stride + 1 }
    var inputCount: Int { n * c * h * w }
    var outputCount: Int { n * o * outH * outW }
    var weightCount: Int { o * c * k * k }
    var strides: [Int64] { [Int64(stride), Int64(stride)] }
    var padding: [Int64] { [Int64(pad), Int64(pad)] }

    /// The weights' descriptor in the layout the primitive chooses.
    func anyWeights() throws -> dnnl_memory_desc_t { try memoryDesc([o, c, k, k], dnnl_format_tag_any) }
}

/// The oneDNN primitives of one `DNNLConvShape`, made on first use and kept (with the
/// library buffers of its blocked layouts) by the layer that owns it.
///
/// Forward: src and dst in the layouts the primitive prefers (reordered from and to NCHW),
/// weights reordered only when the parameter's version changes. Backward: weights-and-bias
/// first (diff_dst in its preferred layout, src as the forward left it), then, when asked,
/// data with the same diff_dst layout so one reorder serves both.
final class DNNLConvPlan: DNNLPlan {
    let shape: DNNLConvShape
    private let engine: dnnl_engine_t
    let stream: dnnl_stream_t
    private let forwardPD: dnnl_primitive_desc_t
    private let forwardPrimitive: dnnl_primitive_t
    private let src, weights, dst, bias: DNNLArgument
    private var weightsVersion: Int?
    private var backwardWeights: (pd: dnnl_primitive_desc_t, primitive: dnnl_primitive_t,
                                  diffDst: DNNLArgument, diffWeights: DNNLArgument, diffBias: DNNLArgument)?
    private var backwardData: (pd: dnnl_primitive_desc_t, primitive: dnnl_primitive_t,
                               weights: DNNLArgument, diffSrc: DNNLArgument, version: Int?)?

    private let srcPlain, dstPlain, weightsPlain, biasPlain: dnnl_memory_desc_t

    init(_ shape: DNNLConvShape) throws {
        guard let dnnl = OneDNN.shared else {
            throw NeuralNetError.invalidArgument(operation: "oneDNN", reason: "no CPU engine")
        }
        self.shape = shape
        engine = dnnl.engine
        dnnl.setThreads(shape.threads)
        var s: dnnl_stream_t?
        try dnnlCheck(dnnl_stream_create(&s, engine, UInt32(dnnl_stream_default_flags.rawValue)), "stream")
        guard let s else { throw NeuralNetError.invalidArgument(operation: "oneDNN stream", reason: "none made") }
        stream = s
        let (n, c, h, w, o, k) = (shape.n, shape.c, shape.h, shape.w, shape.o, shape.k)
        srcPlain = try memoryDesc([n, c, h, w], dnnl_nchw)
        dstPlain = try memoryDesc([n, o, shape.outH, shape.outW], dnnl_nchw)
        weightsPlain = try memoryDesc([o, c, k, k], shape.inputMajorWeights ? dnnl_iohw : dnnl_oihw)
        biasPlain = try memoryDesc([o], dnnl_x)
        var srcAny = try memoryDesc([n, c, h, w], dnnl_format_tag_any)
        var dstAny = try memoryDesc([n, o, shape.outH, shape.outW], dnnl_format_tag_any)
        var weightsAny = try shape.anyWeights()
        var biasMD = biasPlain
        var desc = dnnl_convolution_desc_t()
        let (strides, padding) = (shape.strides, shape.padding)
        try dnnlCheck(dnnl_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct,
                                                     &srcAny, &weightsAny, &biasMD, &dstAny, strides, padding, padding),
                  "forward desc")
        var attr: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attr), "attr")
        defer { dnnl_primitive_attr_destroy(attr) }
        if shape.relu {
            var ops: dnnl_post_ops_t?
            try dnnlCheck(dnnl_post_ops_create(&ops), "post-ops")
            defer { dnnl_post_ops_destroy(ops) }
            try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "ReLU post-op")
            try dnnlCheck(dnnl_primitive_attr_set_post_ops(attr, ops), "post-ops")
        }
        (forwardPD, forwardPrimitive) = try DNNLConvPlan.primitive(&desc, attr, engine, hint: nil, "forward")
        src = try DNNLArgument(engine, plain: srcPlain, chosen: forwardPD.md(dnnl_query_src_md), input: true)
        weights = try DNNLArgument(engine, plain: weightsPlain, chosen: forwardPD.md(dnnl_query_weights_md), input: true)
        dst = try DNNLArgument(engine, plain: dstPlain, chosen: forwardPD.md(dnnl_query_dst_md), input: false,
                               persistent: false)
        bias = try DNNLArgument(engine, plain: biasPlain, chosen: biasPlain, input: true)
    }

    deinit {
        if let b = backwardData { dnnl_primitive_destroy(b.primitive); dnnl_primitive_desc_destroy(b.pd) }
        if let b = backwardWeights { dnnl_primitive_destroy(b.primitive); dnnl_primitive_desc_destroy(b.pd) }
        dnnl_primitive_destroy(forwardPrimitive)
        dnnl_primitive_desc_destroy(forwardPD)
        dnnl_stream_destroy(stream)
    }

    /// The primitive descriptor and primitive of `desc` (`what` names it in errors).
    private static func primitive(
        _ desc: inout dnnl_convolution_desc_t, _ attr: dnnl_primitive_attr_t?, _ engine: dnnl_engine_t,
        hint: dnnl_primitive_desc_t?, _ what: String
    ) throws -> (dnnl_primitive_desc_t, dnnl_primitive_t) {
        var pd: dnnl_primitive_desc_t?, primitive: dnnl_primitive_t?
        try withUnsafePointer(to: &desc) { d in
            try dnnlCheck(dnnl_primitive_desc_create(&pd, UnsafeRawPointer(d), attr, engine, hint), "\(what) primitive desc")
        }
        guard let pd else { throw NeuralNetError.invalidArgument(operation: "oneDNN \(what)", reason: "no primitive desc") }
        try dnnlCheck(dnnl_primitive_create(&primitive, pd), what)
        guard let primitive else { throw NeuralNetError.invalidArgument(operation: "oneDNN \(what)", reason: "no primitive") }
        return (pd, primitive)
    }

    /// y = conv(x, weights) + bias (then ReLU when the shape says so), NCHW in and out.
    /// `version` identifies the weights' contents: they are reordered only when it changes.
    func forward(
        _ x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, version: Int, bias b: UnsafePointer<Float>,
        into y: UnsafeMutablePointer<Float>
    ) throws {
        try src.bind(x)
        try src.reorder(stream, input: true)
        try weights.bind(w)
        if weightsVersion != version {
            try weights.reorder(stream, input: true)
            weightsVersion = version
        }
        try bias.bind(b)
        try dst.bind(y)
        try dst.withBuffer {
            try OneDNN.shared?.run(forwardPrimitive, stream, [
                (DNNLArg.src, src.memory), (DNNLArg.weights, weights.memory), (DNNLArg.bias, bias.memory),
                (DNNLArg.dst, dst.memory),
            ])
            try dst.reorder(stream, input: false)
        }
    }

    /// The gradients for output gradient `dy` after a forward of `x` (the last forward of
    /// this plan): dW into `dw` and db into `db` (overwritten, weights' plain layout), and
    /// the input gradient into `dx` when given.
    func backward(
        _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, version: Int,
        dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>
    ) throws {
        let bw = try makeBackwardWeights()
        try bw.diffDst.bind(dy)
        try bw.diffDst.withBuffer {
            try bw.diffDst.reorder(stream, input: true)
            try src.bind(x)  // the forward's reordered copy, when there is one, is still in src.memory
            try bw.diffWeights.bind(dw)
            try bw.diffBias.bind(db)
            try OneDNN.shared?.run(bw.primitive, stream, [
                (DNNLArg.src, src.memory), (DNNLArg.diffDst, bw.diffDst.memory),
                (DNNLArg.diffWeights, bw.diffWeights.memory), (DNNLArg.diffBias, bw.diffBias.memory),
            ])
            try bw.diffWeights.reorder(stream, input: false)
            guard let dx else { return }
            var bd = try makeBackwardData(diffDst: bw.diffDst.chosen)
            try bd.weights.bind(w)
            if bd.version != version {
                try bd.weights.reorder(stream, input: true)
                bd.version = version
                backwardData = bd
            }
            try bd.diffSrc.bind(dx)
            try bd.diffSrc.withBuffer {
                try OneDNN.shared?.run(bd.primitive, stream, [
                    (DNNLArg.diffDst, bw.diffDst.memory), (DNNLArg.weights, bd.weights.memory),
                    (DNNLArg.diffSrc, bd.diffSrc.memory),
                ])
                try bd.diffSrc.reorder(stream, input: false)
            }
        }
    }

    private func makeBackwardWeights() throws -> (pd: dnnl_primitive_desc_t, primitive: dnnl_primitive_t,
                                                  diffDst: DNNLArgument, diffWeights: DNNLArgument, diffBias: DNNLArgument) {
        if let made = backwardWeights { return made }
        OneDNN.shared?.setThreads(shape.threads)
        var srcMD = src.chosen, biasMD = biasPlain
        var diffDstAny = try memoryDesc([shape.n, shape.o, shape.outH, shape.outW], dnnl_format_tag_any)
        var weightsAny = try shape.anyWeights()
        var desc = dnnl_convolution_desc_t()
        let (strides, padding) = (shape.strides, shape.padding)
        try dnnlCheck(dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &srcMD, &weightsAny,
                                                              &biasMD, &diffDstAny, strides, padding, padding),
                  "backward weights desc")
        let (pd, primitive) = try DNNLConvPlan.primitive(&desc, nil, engine, hint: forwardPD, "backward weights")
        let made = (pd: pd, primitive: primitive,
                    diffDst: try DNNLArgument(engine, plain: dstPlain, chosen: pd.md(dnnl_query_diff_dst_md), input: true,
                                              persistent: false),
                    diffWeights: try DNNLArgument(engine, plain: weightsPlain, chosen: pd.md(dnnl_query_diff_weights_md), input: false),
                    diffBias: try DNNLArgument(engine, plain: biasPlain, chosen: biasPlain, input: false))
        backwardWeights = made
        return made
    }

    private func makeBackwardData(diffDst: dnnl_memory_desc_t) throws -> (pd: dnnl_primitive_desc_t, primitive: dnnl_primitive_t,
                                                                        weights: DNNLArgument, diffSrc: DNNLArgument, version: Int?) {
        if let made = backwardData { return made }
        OneDNN.shared?.setThreads(shape.threads)
        var diffDstMD = diffDst
        var diffSrcAny = try memoryDesc([shape.n, shape.c, shape.h, shape.w], dnnl_format_tag_any)
        var weightsAny = try shape.anyWeights()
        var desc = dnnl_convolution_desc_t()
        let (strides, padding) = (shape.strides, shape.padding)
        try dnnlCheck(dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &diffSrcAny, &weightsAny,
                                                           &diffDstMD, strides, padding, padding),
                  "backward data desc")
        let (pd, primitive) = try DNNLConvPlan.primitive(&desc, nil, engine, hint: forwardPD, "backward data")
        let made = (pd: pd, primitive: primitive,
                    weights: try DNNLArgument(engine, plain: weightsPlain, chosen: pd.md(dnnl_query_weights_md), input: true),
                    diffSrc: try DNNLArgument(engine, plain: srcPlain, chosen: pd.md(dnnl_query_diff_src_md), input: false,
                                              persistent: false),
                    version: Int?.none)
        backwardData = made
        return made
    }
}

private extension OpaquePointer {
    /// The memory descriptor a primitive descriptor chose for `what`.
    func md(_ what: dnnl_query_t) throws -> dnnl_memory_desc_t {
        guard let md = dnnl_primitive_desc_query_md(self, what, 0) else {
            throw NeuralNetError.invalidArgument(operation: "oneDNN query", reason: "no memory desc \(what.rawValue)")
        }
        return md.pointee
    }
}

/// A oneDNN plan made for one shape of a layer's input.
protocol DNNLPlan: AnyObject {
    associatedtype Shape: Hashable
    var shape: Shape { get }
    init(_ shape: Shape) throws
}

/// A layer's oneDNN plans, one per shape it met, the oldest dropped beyond `capacity`
/// (a training step and an inference pass of another batch size stay cached together).
struct DNNLPlanCache<Plan: DNNLPlan> {
    private var plans: [Plan] = []
    private let capacity = 4

    /// The plan for `shape`, made if new.
    mutating func plan(_ shape: Plan.Shape) throws -> Plan {
        if let index = plans.firstIndex(where: { $0.shape == shape }) {
            let plan = plans.remove(at: index)
            plans.append(plan)
            return plan
        }
        let plan = try Plan(shape)
        if plans.count == capacity { plans.removeFirst() }
        plans.append(plan)
        return plan
    }
}

extension DNNLConvPlan {
    /// The forward pass on the NCHW input `x` with `weights` (whose contents `version` names) and `bias`.
    func forward(_ x: [Float], weights: [Float], version: Int, bias: [Float]) throws -> [Float] {
        let count = shape.outputCount
        return try [Float](unsafeUninitializedCapacity: count) { out, initialized in
            try x.withUnsafeBufferPointer { xb in
                try weights.withUnsafeBufferPointer { wb in
                    try bias.withUnsafeBufferPointer { bb in
                        guard let xs = xb.baseAddress, let ws = wb.baseAddress, let bs = bb.baseAddress, let ys = out.baseAddress,
                              xb.count == shape.inputCount, wb.count == shape.weightCount, bb.count == shape.o
                        else { throw NeuralNetError.invalidArgument(operation: "oneDNN forward", reason: "empty or mis-sized tensor") }
                        try forward(xs, weights: ws, version: version, bias: bs, into: ys)
                    }
                }
            }
            initialized = count
        }
    }

    /// The backward pass after `forward(x, …)`: dX (empty without `inputGradient`), dW and db.
    func backward(
        _ dy: [Float], input x: [Float], weights: [Float], version: Int, inputGradient: Bool
    ) throws -> (dx: [Float], dw: [Float], db: [Float]) {
        var dw = [Float](repeating: 0, count: shape.weightCount), db = [Float](repeating: 0, count: shape.o)
        let count = inputGradient ? shape.inputCount : 0
        let dx = try [Float](unsafeUninitializedCapacity: count) { dxb, initialized in
            try dy.withUnsafeBufferPointer { gb in
                try x.withUnsafeBufferPointer { xb in
                    try weights.withUnsafeBufferPointer { wb in
                        try dw.withUnsafeMutableBufferPointer { dwb in
                            try db.withUnsafeMutableBufferPointer { dbb in
                                guard let gs = gb.baseAddress, let xs = xb.baseAddress, let ws = wb.baseAddress,
                                      let dws = dwb.baseAddress, let dbs = dbb.baseAddress, gb.count == shape.outputCount
                                else { throw NeuralNetError.invalidArgument(operation: "oneDNN backward", reason: "empty or mis-sized tensor") }
                                try backward(gs, input: xs, weights: ws, version: version,
                                             dx: inputGradient ? dxb.baseAddress : nil, dw: dws, db: dbs)
                            }
                        }
                    }
                }
            }
            initialized = count
        }
        return (dx, dw, db)
    }

    /// A layer's forward: its `weight` and `bias` on `x`.
    func forward(_ x: [Float], weight: Parameter, bias: Parameter) throws -> [Float] {
        try forward(x, weights: weight.value.scalars, version: weight.version, bias: bias.value.scalars)
    }

    /// A layer's backward on tensors for `layer`: checks the output gradient's shape, adds dW
    /// and db to the parameters' gradients and returns dX (an empty tensor without `inputGradient`).
    func backward(
        _ outputGradient: Tensor, input: [Float], weight: Parameter, bias: Parameter, inputGradient: Bool, layer: String
    ) throws -> Tensor {
        let s = shape
        guard outputGradient.shape == [s.n, s.o, s.outH, s.outW] else {
            throw NeuralNetError.shapeMismatch(
                operation: "\(layer).backward", expected: "\([s.n, s.o, s.outH, s.outW])", found: outputGradient.shape)
        }
        let (dx, dw, db) = try backward(outputGradient.scalars, input: input, weights: weight.value.scalars,
                                        version: weight.version, inputGradient: inputGradient)
        weight.gradient.add(dw)
        bias.gradient.add(db)
        guard inputGradient else { return Tensor(shape: [0]) }
        return try Tensor(shape: [s.n, s.c, s.h, s.w], scalars: dx)
    }
}

extension Tensor {
    /// Adds `other` element by element (equal counts).
    mutating func add(_ other: [Float]) {
        scalars.withUnsafeMutableBufferPointer { g in
            for i in g.indices { g[i] += other[i] }
        }
    }
}

/// The input shape of a ConvTranspose2D (2×2 kernel, stride 2), whether a ReLU follows, and
/// the thread count.
struct DNNLUpConvShape: Hashable {
    let n, c, h, w, o: Int
    let relu: Bool
    let threads: Int
}

/// ConvTranspose2D on oneDNN. Its 2×2 stride-2 windows do not overlap, so it is a 1×1
/// convolution to 4·O channels (o, a, d), whose weights are the layer's [C, O, 2, 2] array read
/// as [4·O, C, 1, 1] input-major, followed by a depth-to-space reorder,
/// out[n, o, 2i + a, 2j + d] = y[n, (o, a, d), i, j]; backward reorders dY the other way first.
/// (oneDNN 2.6 runs its deconvolution primitive as a strided backward-data convolution: the
/// U-Net's four up-convolutions took 0.68 s of a 1.6 s inference that way.)
final class DNNLUpConvPlan: DNNLPlan {
    let shape: DNNLUpConvShape
    private let conv: DNNLConvPlan
    /// 6-D views [N, O, H, 2, W, 2] of the 1×1 conv's [N, 4·O, H, W] (depth) and of the NCHW
    /// [N, O, 2H, 2W] image (space), bound per call, and the reorders between them.
    private let depth, space: dnnl_memory_t
    private let toSpace, toDepth: dnnl_primitive_t

    init(_ shape: DNNLUpConvShape) throws {
        guard let engine = OneDNN.shared?.engine else {
            throw NeuralNetError.invalidArgument(operation: "oneDNN", reason: "no CPU engine")
        }
        self.shape = shape
        let (n, c, h, w, o) = (shape.n, shape.c, shape.h, shape.w, shape.o)
        conv = try DNNLConvPlan(DNNLConvShape(
            inputMajorWeights: true, n: n, c: c, h: h, w: w, o: 4 * o, k: 1, stride: 1, pad: 0, relu: shape.relu,
            threads: shape.threads))
        let dims = [n, o, h, 2, w, 2].map(Int64.init)
        func view(_ strides: [Int]) throws -> dnnl_memory_desc_t {
            var md = dnnl_memory_desc_t()
            try dnnlCheck(dnnl_memory_desc_init_by_strides(&md, 6, dims, dnnl_f32, strides.map(Int64.init)), "memory desc")
            return md
        }
        var depthMD = try view([4 * o * h * w, 4 * h * w, w, 2 * h * w, 1, h * w])
        var spaceMD = try view([4 * o * h * w, 4 * h * w, 4 * w, 2 * w, 2, 1])
        func memory(_ md: inout dnnl_memory_desc_t) throws -> dnnl_memory_t {
            var m: dnnl_memory_t?
            try dnnlCheck(dnnl_memory_create(&m, &md, engine, nil), "memory")
            guard let m else { throw NeuralNetError.invalidArgument(operation: "oneDNN memory", reason: "none made") }
            return m
        }
        func reorder(_ from: inout dnnl_memory_desc_t, _ to: inout dnnl_memory_desc_t) throws -> dnnl_primitive_t {
            var pd: dnnl_primitive_desc_t?, primitive: dnnl_primitive_t?
            try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, &from, engine, &to, engine, nil), "reorder")
            defer { dnnl_primitive_desc_destroy(pd) }
            try dnnlCheck(dnnl_primitive_create(&primitive, pd), "reorder")
            guard let primitive else { throw NeuralNetError.invalidArgument(operation: "oneDNN reorder", reason: "none made") }
            return primitive
        }
        depth = try memory(&depthMD)
        space = try memory(&spaceMD)
        toSpace = try reorder(&depthMD, &spaceMD)
        toDepth = try reorder(&spaceMD, &depthMD)
    }

    deinit {
        dnnl_primitive_destroy(toSpace)
        dnnl_primitive_destroy(toDepth)
        dnnl_memory_destroy(depth)
        dnnl_memory_destroy(space)
    }

    /// Reorders `source` (depth-major when `toSpace`, else the image) into a new array.
    private func shuffle(_ source: [Float], toSpace forward: Bool) throws -> [Float] {
        try [Float](unsafeUninitializedCapacity: source.count) { out, initialized in
            try source.withUnsafeBufferPointer { sb in
                guard let src = sb.baseAddress, let dst = out.baseAddress else { return }
                try dnnlCheck(dnnl_memory_set_data_handle(forward ? depth : space, UnsafeMutableRawPointer(mutating: src)), "bind")
                try dnnlCheck(dnnl_memory_set_data_handle(forward ? space : depth, dst), "bind")
                try OneDNN.shared?.run(forward ? toSpace : toDepth, conv.stream,
                                       forward ? [(DNNLArg.src, depth), (DNNLArg.dst, space)]
                                               : [(DNNLArg.src, space), (DNNLArg.dst, depth)])
            }
            initialized = source.count
        }
    }

    /// The layer's forward on the NCHW input `x`: [N, O, 2H, 2W].
    func forward(_ x: [Float], weight: Parameter, bias: Parameter) throws -> [Float] {
        let bias4 = bias.value.scalars.flatMap { [$0, $0, $0, $0] }  // channel (o, a, d) takes bias[o]
        return try shuffle(conv.forward(x, weights: weight.value.scalars, version: weight.version, bias: bias4), toSpace: true)
    }

    /// The layer's backward after `forward(x, …)`: adds dW and db to the gradients, returns dX.
    func backward(_ outputGradient: Tensor, input x: [Float], weight: Parameter, bias: Parameter) throws -> Tensor {
        let s = shape
        guard outputGradient.shape == [s.n, s.o, 2 * s.h, 2 * s.w] else {
            throw NeuralNetError.shapeMismatch(
                operation: "ConvTranspose2D.backward", expected: "\([s.n, s.o, 2 * s.h, 2 * s.w])", found: outputGradient.shape)
        }
        let gathered = try shuffle(outputGradient.scalars, toSpace: false)
        let (dx, dw, db4) = try conv.backward(gathered, input: x, weights: weight.value.scalars, version: weight.version,
                                              inputGradient: true)
        weight.gradient.add(dw)
        bias.gradient.add((0..<s.o).map { (db4[4 * $0] + db4[4 * $0 + 1]) + (db4[4 * $0 + 2] + db4[4 * $0 + 3]) })
        return try Tensor(shape: [s.n, s.c, s.h, s.w], scalars: dx)
    }
}
