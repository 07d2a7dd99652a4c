import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import NeuralNet

/// The oneDNN backend against the OpenBLAS one: the same layers from the same seed, on the same
/// random input and output gradient, give the same output, input gradient and weight and bias
/// gradients within 1e-4 of each reference tensor's largest magnitude. (The finite-difference
/// checks, the direct-convolution oracle, PyTorch parity and determinism run on both backends
/// in their own files through `forEachBackend`.)
final class OneDNNBackendTests: XCTestCase {
    private var savedBackend = NeuralNetBackend.standard

    override func setUp() {
        savedBackend = NeuralNetBackend.current
    }

    override func tearDown() {
        NeuralNetBackend.current = savedBackend
        ComputeThreads.set(ProcessInfo.processInfo.activeProcessorCount)
    }

    func testOneDNNIsAvailableAndSelectable() {
        XCTAssertTrue(NeuralNetBackend.isOneDNNAvailable)
        NeuralNetBackend.current = .onednn
        XCTAssertEqual(NeuralNetBackend.effective, .onednn)
        NeuralNetBackend.current = .openblas
        XCTAssertEqual(NeuralNetBackend.effective, .openblas)
        XCTAssertEqual(NeuralNetBackend.fromEnvironment(["NODULEKIT_NN_BACKEND": "onednn"]), .onednn)
        XCTAssertEqual(NeuralNetBackend.fromEnvironment(["NODULEKIT_NN_BACKEND": "OpenBLAS"]), .openblas)
        XCTAssertEqual(NeuralNetBackend.fromEnvironment(["NODULEKIT_NN_BACKEND": "mkl"]), NeuralNetBackend.standard)
        XCTAssertEqual(NeuralNetBackend.fromEnvironment([:]), NeuralNetBackend.standard)
    }

    func testOneDNNRunsOnComputeThreadsCount() throws {
        // Debian's oneDNN uses OpenMP: each primitive runs on omp_get_max_threads() threads.
        typealias MaxThreads = @convention(c) () -> Int32
        let symbol = try XCTUnwrap(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_max_threads"))
        let maxThreads = unsafeBitCast(symbol, to: MaxThreads.self)
        NeuralNetBackend.current = .onednn
        var g = SeededGenerator(seed: 3)
        let conv = try Conv2D(inChannels: 8, outChannels: 8, generator: &g)
        for threads in [1, 2, 3, 1] {
            ComputeThreads.set(threads)
            _ = try conv.forward(randomTensor([2, 8, 8, 8], seed: 4), training: false)
            XCTAssertEqual(maxThreads(), Int32(threads), "after ComputeThreads.set(\(threads))")
        }
        NeuralNetProcess.configure(threads: 2)
        _ = try conv.forward(randomTensor([2, 8, 8, 8], seed: 4), training: false)
        XCTAssertEqual(maxThreads(), 2, "after NeuralNetProcess.configure(threads: 2)")
    }

    /// The weight gradient of one training step of `conv` on `x`, as bits.
    static func gradient(_ conv: Conv2D, _ x: Tensor) throws -> [UInt32] {
        conv.zeroGradients()
        let y = try conv.forward(x, training: true)
        _ = try conv.backward(randomTensor(y.shape, seed: 9))
        return conv.weight.gradient.scalars.map(\.bitPattern)
    }

    func testAChangedThreadCountGetsItsOwnPrimitives() throws {
        // oneDNN splits a primitive's work (the weight gradient's reduction over the batch) by
        // the thread count in force when it is made: after ComputeThreads.set a layer must give
        // the bits a fresh layer gives with that count, not those of its old primitives.
        NeuralNetBackend.current = .onednn
        // Shapes whose bits differ between 1 and 2 threads depend on the CPU's kernels (on
        // an AVX2 EPYC the first does; on an AVX-512 one oneDNN splits it alike for both).
        let candidates: [(channels: Int, shape: [Int])] = [(8, [4, 8, 64, 64]), (8, [16, 8, 64, 64]), (32, [16, 32, 32, 32]),
                                                           (64, [16, 64, 16, 16]), (16, [32, 16, 64, 64])]
        var found: (make: () throws -> Conv2D, x: Tensor, one: [UInt32], two: [UInt32])?
        for candidate in candidates where found == nil {
            func make() throws -> Conv2D {
                var g = SeededGenerator(seed: 7)
                return try Conv2D(inChannels: candidate.channels, outChannels: candidate.channels, generator: &g)
            }
            let x = randomTensor(candidate.shape, seed: 8)
            let reused = try make()
            ComputeThreads.set(2)
            let two = try Self.gradient(reused, x)
            ComputeThreads.set(1)
            let one = try Self.gradient(reused, x)
            if one != two { found = (make, x, one, two) }
        }
        guard let (make, x, one, two) = found else {
            return XCTFail("no candidate shape tells the thread counts apart on this CPU; add one")
        }
        func gradient(_ conv: Conv2D) throws -> [UInt32] { try Self.gradient(conv, x) }
        let reused = try make(), fresh = try make()
        ComputeThreads.set(1)
        XCTAssertEqual(one, try gradient(reused), "1 thread, reused")
        XCTAssertEqual(one, try gradient(fresh), "1 thread after 2")
        ComputeThreads.set(2)
        XCTAssertEqual(two, try gradient(fresh), "2 threads after 1")
        XCTAssertEqual(two, try gradient(reused), "2 threads again")
    }

    /// One forward (training) and backward of `make()`'s network under `backend`, after
    /// `updates` Adam steps on a copy made the same way (so cached weight layouts must follow
    /// the changed weights).
    private func run(
        _ backend: NeuralNetBackend, _ make: () throws -> Layer, input x: Tensor, seed: UInt64, updates: Int = 0,
        parametersOnly: Bool = false
    ) throws -> (y: Tensor, dx: Tensor?, gradients: [Tensor], layer: Layer) {
        NeuralNetBackend.current = backend
        let layer = try make()
        let adam = Adam(learningRate: 0.05)
        for step in 0..<updates {  // training steps before the measured pass
            let y = try layer.forward(x, training: true)
            layer.zeroGradients()
            _ = try layer.backward(randomTensor(y.shape, seed: seed + 100 + UInt64(step)))
            adam.update(layer)
        }
        let y = try layer.forward(x, training: true)
        layer.zeroGradients()
        let dy = randomTensor(y.shape, seed: seed)
        var dx: Tensor?
        if parametersOnly { try layer.backwardParameters(dy) } else { dx = try layer.backward(dy) }
        return (y, dx, layer.parameters.map { $0.parameter.gradient }, layer)
    }

    /// Runs `make()`'s network on both backends and compares everything; `label` names the case.
    private func assertBackendsAgree(
        _ label: String, input: Tensor, seed: UInt64, updates: Int = 0, expectZeros: Bool = false,
        file: StaticString = #filePath, line: UInt = #line, _ make: () throws -> Layer
    ) throws {
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            let tag = "\(label), \(threads) threads"
            let reference = try run(.openblas, make, input: input, seed: seed, updates: updates)
            let dnnl = try run(.onednn, make, input: input, seed: seed, updates: updates)
            assertConvLayers(in: dnnl.layer, ran: .onednn, tag, file: file, line: line)
            assertConvLayers(in: reference.layer, ran: .openblas, tag, file: file, line: line)
            XCTAssertEqual(dnnl.y.shape, reference.y.shape, tag, file: file, line: line)
            assertRelativelyClose(dnnl.y, reference.y, "\(tag): output", file: file, line: line)
            if expectZeros {  // the fused ReLU really ran: about half the outputs are clamped
                let zeros = dnnl.y.scalars.filter { $0 == 0 }.count
                XCTAssertGreaterThan(zeros, dnnl.y.count / 5, "\(tag): ReLU zeros", file: file, line: line)
            }
            if let dx = dnnl.dx, let rx = reference.dx {
                XCTAssertEqual(dx.shape, input.shape, tag, file: file, line: line)
                assertRelativelyClose(dx, rx, "\(tag): input gradient", file: file, line: line)
            }
            XCTAssertEqual(dnnl.gradients.count, reference.gradients.count, tag, file: file, line: line)
            for (i, (found, expected)) in zip(dnnl.gradients, reference.gradients).enumerated() {
                assertRelativelyClose(found, expected, "\(tag): gradient of \(dnnl.layer.parameters[i].name)", file: file, line: line)
            }
            // The parameter-only backward (a training step's first layer) gives the same gradients.
            let partial = try run(.onednn, make, input: input, seed: seed, updates: updates, parametersOnly: true)
            XCTAssertEqual(partial.gradients, dnnl.gradients, "\(tag): parameter-only backward", file: file, line: line)
        }
    }

    func testConv2DAgreesWithOpenBLAS() throws {
        // (n, c, o, h, w, k, padding), covering each OpenBLAS unroll (see ConvPathTests).
        let cases: [(Int, Int, Int, Int, Int, Int, Padding)] = [
            (3, 3, 4, 5, 6, 3, .same),     // batched im2col
            (3, 22, 5, 16, 17, 3, .same),  // per-sample, shifted
            (2, 2, 3, 16, 16, 3, .same),   // per-sample, full im2col
            (2, 13, 3, 20, 21, 5, .valid), // 5×5 valid
            (2, 5, 3, 16, 16, 1, .same),   // 1×1 per-sample
            (4, 6, 2, 3, 4, 1, .same),     // 1×1 batched
            (2, 16, 32, 16, 16, 3, .same), // channel counts oneDNN blocks by 8
        ]
        for (index, (n, c, o, h, w, k, padding)) in cases.enumerated() {
            let seed = UInt64(200 + 10 * index)
            let make = { () throws -> Layer in
                var g = SeededGenerator(seed: seed)
                let conv = try Conv2D(inChannels: c, outChannels: o, kernelSize: k, padding: padding, generator: &g)
                conv.bias.value = randomTensor([o], seed: seed + 1)
                return conv
            }
            let x = randomTensor([n, c, h, w], seed: seed + 2)
            try assertBackendsAgree("conv case \(index)", input: x, seed: seed + 3, make)
            try assertBackendsAgree("conv case \(index) after 2 updates", input: x, seed: seed + 4, updates: 2, make)
            // Sequential fuses the conv with a following ReLU (oneDNN: an eltwise post-op).
            try assertBackendsAgree("conv+ReLU case \(index)", input: x, seed: seed + 5, expectZeros: true) {
                Sequential([try make(), ReLU()])
            }
        }
    }

    func testConcatenatingConvAgreesWithOpenBLAS() throws {
        // Skip → conv (→ ReLU): the U-Net decoder step Sequential runs on both halves in place.
        for (index, (shape, kernel)) in [([2, 3, 4, 4], 3), ([2, 12, 16, 16], 3), ([2, 8, 16, 16], 1)].enumerated() {
            let c = shape[1], seed = UInt64(300 + 10 * index)
            let make = { (relu: Bool) throws -> Layer in
                var g = SeededGenerator(seed: seed)
                let skip = SkipConnection(try Conv2D(inChannels: c, outChannels: c, generator: &g))
                let conv = try Conv2D(inChannels: 2 * c, outChannels: 5, kernelSize: kernel, generator: &g)
                conv.bias.value = randomTensor([5], seed: seed + 1)
                return Sequential(relu ? [skip, conv, ReLU()] : [skip, conv])
            }
            let x = randomTensor(shape, seed: seed + 2)
            try assertBackendsAgree("skip→conv \(shape) k\(kernel)", input: x, seed: seed + 3) { try make(false) }
            try assertBackendsAgree("skip→conv→ReLU \(shape) k\(kernel)", input: x, seed: seed + 4, updates: 1,
                                    expectZeros: true) { try make(true) }
        }
    }

    func testConvTranspose2DAgreesWithOpenBLAS() throws {
        for (index, (n, c, o, h, w)) in [(2, 3, 2, 3, 2), (2, 16, 8, 8, 8), (1, 6, 4, 5, 7)].enumerated() {
            let seed = UInt64(400 + 10 * index)
            let make = { () throws -> Layer in
                var g = SeededGenerator(seed: seed)
                let up = try ConvTranspose2D(inChannels: c, outChannels: o, generator: &g)
                up.bias.value = randomTensor([o], seed: seed + 1)
                return up
            }
            let x = randomTensor([n, c, h, w], seed: seed + 2)
            try assertBackendsAgree("up-conv case \(index)", input: x, seed: seed + 3, updates: 2, make)
            try assertBackendsAgree("up-conv+ReLU case \(index)", input: x, seed: seed + 4, expectZeros: true) {
                Sequential([try make(), ReLU()])
            }
        }
    }

    func testOneDNNBackwardAfterInferenceOnlyThrows() throws {
        NeuralNetBackend.current = .onednn
        var g = SeededGenerator(seed: 1)
        let conv = try Conv2D(inChannels: 2, outChannels: 3, generator: &g)
        let up = try ConvTranspose2D(inChannels: 2, outChannels: 3, generator: &g)
        let x = randomTensor([1, 2, 4, 4], seed: 2)
        _ = try conv.forward(x, training: false)
        _ = try up.forward(x, training: false)
        XCTAssertThrowsError(try conv.backward(Tensor(shape: [1, 3, 4, 4])))
        XCTAssertThrowsError(try up.backward(Tensor(shape: [1, 3, 8, 8])))
        _ = try conv.forward(x, training: true)
        XCTAssertThrowsError(try conv.backward(Tensor(shape: [1, 3, 4, 5]))) { error in
            XCTAssertEqual("\(error)", "Conv2D.backward: expected a tensor of shape [1, 3, 4, 4], found [1, 3, 4, 5]")
        }
    }
}

/// Fails unless every Conv2D and ConvTranspose2D in `layer` ran its last forward on `backend`.
func assertConvLayers(in layer: Layer, ran backend: NeuralNetBackend, _ label: String,
                      file: StaticString = #filePath, line: UInt = #line) {
    var found = 0
    func visit(_ layer: Layer) {
        switch layer {
        case let conv as Conv2D:
            found += 1
            XCTAssertEqual(conv.lastBackend, backend, "\(label): Conv2D backend", file: file, line: line)
        case let up as ConvTranspose2D:
            found += 1
            XCTAssertEqual(up.lastBackend, backend, "\(label): ConvTranspose2D backend", file: file, line: line)
        case let sequential as Sequential:
            sequential.layers.forEach(visit)
        case let skip as SkipConnection:
            visit(skip.inner)
        default:
            break
        }
    }
    visit(layer)
    XCTAssertGreaterThan(found, 0, "\(label): no convolution", file: file, line: line)
}

/// Every element within 1e-4 of the reference's largest magnitude.
func assertRelativelyClose(_ found: Tensor, _ expected: Tensor, _ label: String,
                           file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(found.shape, expected.shape, label, file: file, line: line)
    let scale = max(expected.scalars.map(abs).max() ?? 0, 1e-6)
    let worst = zip(found.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst / scale, 1e-4, "\(label): worst \(worst) of scale \(scale)", file: file, line: line)
    XCTAssertGreaterThan(scale, 1e-6, "\(label): reference is all zeros", file: file, line: line)
}

/// Runs `body` once per backend (oneDNN, then OpenBLAS), restoring the selection after.
func forEachBackend(_ body: (NeuralNetBackend) throws -> Void) rethrows {
    let saved = NeuralNetBackend.current
    defer { NeuralNetBackend.current = saved }
    for backend in [NeuralNetBackend.onednn, .openblas] {
        NeuralNetBackend.current = backend
        try body(backend)
    }
}
