import CFMAPeak
import Dispatch
import Foundation
import NeuralNet

/// Multiply-add work of a network's forward pass on one `height × width` image: 2 flops per
/// multiply-add of every convolution, transposed convolution and dense layer (activations,
/// pooling and concatenation are memory work and not counted, as is usual).
func forwardFLOPs(_ layer: Layer, height: Int, width: Int) -> (flops: Double, height: Int, width: Int) {
    switch layer {
    case let s as Sequential:
        var total = 0.0, h = height, w = width
        for inner in s.layers {
            let step = forwardFLOPs(inner, height: h, width: w)
            total += step.flops
            (h, w) = (step.height, step.width)
        }
        return (total, h, w)
    case let s as SkipConnection:
        return forwardFLOPs(s.inner, height: height, width: width)
    case let c as Conv2D:
        let (h, w) = c.padding == .same ? (height, width) : (height - c.kernelSize + 1, width - c.kernelSize + 1)
        return (2 * Double(c.inChannels * c.outChannels * c.kernelSize * c.kernelSize * h * w), h, w)
    case let c as ConvTranspose2D:
        return (2 * Double(c.inChannels * c.outChannels * 4 * height * width), height * 2, width * 2)
    case let d as Dense:
        return (2 * Double(d.inFeatures * d.outFeatures), 1, 1)
    case is MaxPool2D:
        return (0, height / 2, width / 2)
    default:
        return (0, height, width)
    }
}

/// The single-precision peak of `threads` threads running the plain FMA loop at once
/// (GFLOP/s, the median of `repeats` runs of about 0.3 s), and the instruction set it used.
func fmaPeakGFLOPS(threads: Int, repeats: Int, avx2Only: Bool = false) -> (gflops: Double, isa: String) {
    let iterations: Int64 = 60_000_000
    var sink: Float = 0
    _ = nodulekit_fma_loop(1_000_000, &sink)  // warm the clocks up
    var runs: [Double] = []
    for _ in 0..<max(1, repeats) {
        let start = now()
        let flops = Locked(0.0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var local: Float = 0
            let done = avx2Only ? nodulekit_fma_loop_avx2(iterations, &local) : nodulekit_fma_loop(iterations, &local)
            flops.add(done + Double(local.isNaN ? 1 : 0))
        }
        runs.append(flops.value / (now() - start) / 1e9)
    }
    let isa = String(cString: nodulekit_fma_isa())
    return (runs.sorted()[runs.count / 2], avx2Only && isa == "avx512f" ? "avx2+fma" : isa)
}

/// A Double that threads add to under a lock.
final class Locked: @unchecked Sendable {
    private let lock = NSLock()
    private var total: Double
    init(_ value: Double) { total = value }
    func add(_ x: Double) { lock.lock(); total += x; lock.unlock() }
    var value: Double { lock.lock(); defer { lock.unlock() }; return total }
}
