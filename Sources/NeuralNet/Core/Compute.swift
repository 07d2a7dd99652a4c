import COpenBLAS
import Dispatch
import Foundation

/// How many threads NeuralNet's loops and OpenBLAS use. Results are bit-identical for a
/// fixed thread count: work is split into the same fixed chunks every run and no
/// reduction depends on thread timing.
public enum ComputeThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The thread count in force.
    public static var count: Int {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// Sets the thread count for NeuralNet loops and for OpenBLAS (values below 1 mean 1).
    public static func set(_ threads: Int) {
        let n = max(1, threads)
        lock.lock(); current = n; lock.unlock()
        openblas_set_num_threads(Int32(n))
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

/// Carries a value the compiler cannot prove Sendable into `concurrentPerform`.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Row-major C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n.
@inline(__always)
func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, beta: Float,
    _ c: UnsafeMutablePointer<Float>
) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(transA ? m : k), b, Int32(transB ? k : n),
        beta, c, Int32(n))
}

/// NCHW [N, C, HW] → channel-major [C, N·HW], the layout one batched sgemm wants.
func channelMajor(_ x: [Float], n: Int, c: Int, plane: Int) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!, s = src.baseAddress!
            parallelFor(n * c) { job in
                let b = job / c, ch = job % c
                (d + ch * n * plane + b * plane).update(from: s + job * plane, count: plane)
            }
        }
    }
    return out
}

/// Channel-major [C, N·HW] → NCHW, adding `bias[c]` to every element of channel c.
func batchMajor(_ y: [Float], n: Int, c: Int, plane: Int, bias: [Float]?) -> [Float] {
    var out = [Float](repeating: 0, count: y.count)
    y.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!, s = src.baseAddress!
            parallelFor(n * c) { job in
                let b = job / c, ch = job % c
                let from = s + ch * n * plane + b * plane, to = d + job * plane
                let add = bias?[ch] ?? 0
                for i in 0..<plane { to[i] = from[i] + add }
            }
        }
    }
    return out
}

/// Sum over batch and space of an NCHW gradient, per channel (the bias gradient).
func channelSums(_ g: [Float], n: Int, c: Int, plane: Int) -> [Float] {
    var sums = [Float](repeating: 0, count: c)
    g.withUnsafeBufferPointer { src in
        sums.withUnsafeMutableBufferPointer { dst in
            let s = src.baseAddress!, d = dst.baseAddress!
            parallelFor(c) { ch in
                var total: Float = 0
                for b in 0..<n {
                    let row = s + (b * c + ch) * plane
                    for i in 0..<plane { total += row[i] }
                }
                d[ch] = total
            }
        }
    }
    return sums
}
