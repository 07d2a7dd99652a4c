import CDNNL
import COpenBLAS
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How many threads NeuralNet's loops and OpenBLAS use. Results are bit-identical for a
/// fixed thread count: work is split into the same fixed chunks every run and no
/// reduction depends on thread timing.
public enum ComputeThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current = 0

    /// The thread count in force (by default the number of active processors).
    public static var count: Int {
        lock.lock()
        if current == 0 {
            current = max(1, ProcessInfo.processInfo.activeProcessorCount)
            openblas_set_num_threads(1)
        }
        defer { lock.unlock() }
        return current
    }

    /// Sets the thread count for NeuralNet's loops and matrix products (values below 1 mean 1).
    /// OpenBLAS is kept single-threaded: NeuralNet splits each product across threads itself,
    /// because OpenBLAS's own idle threads spin and steal cores from the loops around sgemm.
    public static func set(_ threads: Int) {
        let n = max(1, threads)
        lock.lock(); current = n; lock.unlock()
        openblas_set_num_threads(1)
    }
}

/// Process-wide set-up for a program whose main work is NeuralNet's (training, screening).
public enum NeuralNetProcess {
    /// Sets the thread count (`ComputeThreads.set`) and keeps freed memory in the process heap.
    ///
    /// Every step allocates its activations afresh; by default glibc gives large freed blocks
    /// back to the kernel, and the next step's arrays fault their pages in again (zeroed by the
    /// kernel, with two threads contending for the address-space lock). Blocks up to 32 MB
    /// (glibc's ceiling for this setting) then come from the heap, which is never trimmed, so a
    /// step reuses the last step's pages: about 5% of a U-Net training step. The resident size
    /// stays at its peak until the process ends, hence a call for executables, not libraries.
    public static func configure(threads: Int) {
        ComputeThreads.set(threads)
        // malloc.h is not in Swift's Glibc module, so mallopt is looked up by name; its
        // parameters are glibc's M_TRIM_THRESHOLD (-1), M_TOP_PAD (-2), M_MMAP_THRESHOLD (-3).
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-3, 32 << 20)
        _ = mallopt(-1, Int32.max)
        _ = mallopt(-2, 64 << 20)
    }
}

/// Runs `body(i)` for every i in 0..<count, split into contiguous chunks across the threads.
/// Each index must write only its own outputs.
@inline(__always)
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    let threads = min(ComputeThreads.count, count)
    if threads <= 1 || count < 2 {
        for i in 0..<count { body(i) }
        return
    }
    // concurrentPerform returns only after every chunk ran, so `body` (and the buffers it
    // captures) outlives all uses; callers guarantee disjoint writes.
    withoutActuallyEscaping(body) { escaping in
        let work = UncheckedSendable(escaping)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = count * t / threads, end = count * (t + 1) / threads
            for i in start..<end { work.value(i) }
        }
    }
}

/// Runs `body` over `0..<count` in contiguous ranges, in parallel when `count` is large
/// enough to pay for it; for element-wise kernels (each index writes only itself).
func parallelRanges(_ count: Int, _ body: (Range<Int>) -> Void) {
    let chunks = max(1, min(ComputeThreads.count, count / 65_536))
    parallelFor(chunks) { t in body((count * t / chunks)..<(count * (t + 1) / chunks)) }
}

/// Carries a value the compiler cannot prove Sendable into `concurrentPerform`.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Row-major C = alpha · op(A) · op(B) + beta · C, with op(A) m × k and op(B) k × n, by the
/// `GEMMProvider` in force.
///
/// The provider runs single-threaded (see `ComputeThreads.set`); large products are split
/// here into column (or row) blocks, one per thread, each a plain sgemm on its own slice of C.
/// The split depends only on the thread count, and k is never split, so results are
/// bit-identical run to run. Pass `split: false` from inside a parallel loop. Leading
/// dimensions default to the dense ones; pass them for a matrix inside a larger one.
func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    _ a: UnsafePointer<Float>, lda: Int? = nil, _ b: UnsafePointer<Float>, ldb: Int? = nil, beta: Float,
    _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil, split: Bool = true
) {
    guard m > 0, n > 0 else { return }
    let lda = lda ?? (transA ? m : k), ldb = ldb ?? (transB ? k : n), ldc = ldc ?? n
    guard k > 0 else {
        // An empty product: C = beta · C (oneDNN rejects a zero leading dimension).
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    let provider = GEMMProvider.current
    func call(_ m: Int, _ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
        // oneDNN refuses only what OpenBLAS can still compute (no such case is known): then
        // OpenBLAS runs the product rather than the program stopping.
        if provider == .onednn,
           oneDNNSgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc) {
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    let threads = ComputeThreads.count
    guard split, threads > 1, m * n * k >= 1 << 21, max(m, n) >= 32 * threads else {
        call(m, n, a, b, c)
        return
    }
    // Block boundaries on multiples of 16 keep each slice aligned with the kernel's tiles.
    let splitColumns = n >= m
    let extent = splitColumns ? n : m
    parallelFor(threads) { t in
        let start = (extent * t / threads) & ~15
        let end = t == threads - 1 ? extent : (extent * (t + 1) / threads) & ~15
        guard end > start else { return }
        if splitColumns {
            call(m, end - start, a, b + (transB ? start * ldb : start), c + start)
        } else {
            call(end - start, n, a + (transA ? start : start * lda), b, c + start * ldc)
        }
    }
}

/// NCHW [N, C, HW] → channel-major [C, N·HW], the layout one batched sgemm wants.
func channelMajor(_ x: [Float], n: Int, c: Int, plane: Int) -> [Float] {
    uninitializedFloats(x.count) { d in channelMajor(x, n: n, c: c, plane: plane, into: d) }
}

/// `channelMajor` into `d`, which holds x.count floats.
func channelMajor(_ x: [Float], n: Int, c: Int, plane: Int, into d: UnsafeMutablePointer<Float>) {
    x.withUnsafeBufferPointer { src in
        guard let s = src.baseAddress else { return }
        parallelFor(n * c) { job in
            let b = job / c, ch = job % c
            (d + ch * n * plane + b * plane).update(from: s + job * plane, count: plane)
        }
    }
}

/// Channel-major [C, N·HW] → NCHW, adding `bias[c]` to every element of channel c and
/// clamping at zero when `relu`.
func batchMajor(_ y: [Float], n: Int, c: Int, plane: Int, bias: [Float]?, relu: Bool = false) -> [Float] {
    uninitializedFloats(y.count) { d in
        y.withUnsafeBufferPointer { src in
            guard let s = src.baseAddress else { return }
            parallelFor(n * c) { job in
                let b = job / c, ch = job % c
                let from = s + ch * n * plane + b * plane, to = d + job * plane
                let add = bias?[ch] ?? 0
                if relu {
                    for i in 0..<plane { to[i] = max(from[i] + add, 0) }
                } else {
                    for i in 0..<plane { to[i] = from[i] + add }
                }
            }
        }
    }
}

/// Sum over batch and space of an NCHW gradient, per channel (the bias gradient).
func channelSums(_ g: [Float], n: Int, c: Int, plane: Int) -> [Float] {
    var sums = [Float](repeating: 0, count: c)
    g.withUnsafeBufferPointer { src in
        sums.withUnsafeMutableBufferPointer { dst in
            let s = src.baseAddress!, d = dst.baseAddress!
            parallelFor(c) { ch in
                var total: Float = 0
                for b in 0..<n { total += sum(s + (b * c + ch) * plane, count: plane) }
                d[ch] = total
            }
        }
    }
    return sums
}

/// The sum of `count` floats, in four eight-lane accumulators (a single running sum waits on
/// each add's latency); the order is fixed by `count`, so the result is repeatable.
func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
    var i = 0
    let raw = UnsafeRawPointer(x)
    while i + 32 <= count {
        a0 += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
        a1 += raw.loadUnaligned(fromByteOffset: 4 * (i + 8), as: SIMD8<Float>.self)
        a2 += raw.loadUnaligned(fromByteOffset: 4 * (i + 16), as: SIMD8<Float>.self)
        a3 += raw.loadUnaligned(fromByteOffset: 4 * (i + 24), as: SIMD8<Float>.self)
        i += 32
    }
    while i + 8 <= count {
        a0 += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
        i += 8
    }
    var total = ((a0 + a1) + (a2 + a3)).sum()
    while i < count {
        total += x[i]
        i += 1
    }
    return total
}

/// One single-threaded `dnnl_sgemm` (row-major, as `cblas_sgemm` with CblasRowMajor): its
/// OpenMP team is set to the calling thread alone, which `sgemm`'s split has given a slice.
/// Returns whether oneDNN ran it.
private func oneDNNSgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, _ a: UnsafePointer<Float>, lda: Int,
    _ b: UnsafePointer<Float>, ldb: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int
) -> Bool {
    OneDNN.shared?.setThreads(1)
    return dnnl_sgemm(CChar(UInt8(ascii: transA ? "T" : "N")), CChar(UInt8(ascii: transB ? "T" : "N")),
                      Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc)) == dnnl_success
}
