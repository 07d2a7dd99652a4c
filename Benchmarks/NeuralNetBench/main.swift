// nn-bench: times NeuralNet on the paper's networks. Prints one line per case,
// `NAME seconds` (median), which scripts/bench/neuralnet.sh pairs with PyTorch's.
// Usage: nn-bench [--threads 1,2] [--sizes 64,128] [--repeats 3] [--cases unet,classifier,gflops,peak]
//                 [--phases train,infer]   (the last two narrow a run, e.g. for a profiler)
//                 [--backend openblas|onednn]   (NeuralNetBackend; oneDNN's rows end in _onednn)
import COpenBLAS
import Dispatch
import Foundation
import NeuralNet

/// NN_BENCH_CLOCK=cpu times with the process's CPU clock instead of the wall clock: with one
/// thread it ignores time lost to other work on a busy machine (for iterating, not reporting).
let cpuClock = ProcessInfo.processInfo.environment["NN_BENCH_CLOCK"] == "cpu"
/// NN_BENCH_STAT=min reports the fastest run instead of the median (less noise when iterating).
let fastest = ProcessInfo.processInfo.environment["NN_BENCH_STAT"] == "min"

func now() -> Double {
    guard cpuClock else { return Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = now()
    try body()
    return now() - start
}

func median(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up: first-touch allocations, OpenBLAS buffers
    let times = try (0..<repeats).map { _ in try seconds(body) }.sorted()
    return fastest ? times[0] : times[times.count / 2]
}

func option(_ name: String, default value: [Int]) -> [Int] {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return value }
    return args[i + 1].split(separator: ",").compactMap { Int($0) }
}

func words(_ name: String, default value: [String]) -> Set<String> {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return Set(value) }
    return Set(args[i + 1].split(separator: ",").map(String.init))
}

func filled(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    var t = Tensor(shape: shape)
    for i in t.scalars.indices { t.scalars[i] = rng.nextNormal() }
    return t
}

let threadCounts = option("--threads", default: [1, 2])
let sizes = option("--sizes", default: [64, 128])
let repeats = option("--repeats", default: [3]).first ?? 3
let cases = words("--cases", default: ["unet", "classifier", "gflops", "peak"])
let phases = words("--phases", default: ["train", "infer"])
let batch = 16
if let name = words("--backend", default: []).first {
    guard let backend = NeuralNetBackend(rawValue: name) else { fatalError("nn-bench: unknown backend \(name)") }
    NeuralNetBackend.current = backend
}
/// Row names of the OpenBLAS backend stay as they were; oneDNN's get a suffix.
let suffix = NeuralNetBackend.current == .onednn ? "_onednn" : ""

do {
    for threads in threadCounts {
        NeuralNetProcess.configure(threads: threads)
        // The machine's measured peak, for the U-Net rows' GFLOP/s.
        let peak = cases.contains("peak") ? fmaPeakGFLOPS(threads: threads, repeats: repeats) : nil
        if let peak {
            print("peak_t\(threads) gflops=\(peak.gflops) isa=\(peak.isa)")
            if peak.isa == "avx512f" {
                let narrow = fmaPeakGFLOPS(threads: threads, repeats: repeats, avx2Only: true)
                print("peak_t\(threads) gflops=\(narrow.gflops) isa=\(narrow.isa)")
            }
        }
        for size in sizes where cases.contains("unet") {
            let net = try makePaperUNet(seed: 1)
            let adam = Adam()
            let x = filled([batch, 1, size, size], seed: 2)
            var masks = Tensor(shape: [batch, 1, size, size])
            for i in masks.scalars.indices where x.scalars[i] > 1 { masks.scalars[i] = 1 }
            if phases.contains("train") {
                let train = try median(repeats: repeats) {
                    let logits = try net.forward(x, training: true)
                    try net.backwardParameters(Loss.binaryCrossEntropyWithLogits(logits: logits, targets: masks).gradient)
                    adam.update(net)
                }
                print("unet\(size)_train_t\(threads)\(suffix) \(train)")
                // Forward, backward data and backward weights: three times the forward work.
                let flops = 3 * Double(batch) * forwardFLOPs(net, height: size, width: size).flops
                if let peak { print("peakshare_unet\(size)_train_t\(threads)\(suffix) gflops=\(flops / train / 1e9) peak=\(peak.gflops)") }
            }
            if phases.contains("infer") {
                let infer = try median(repeats: repeats) { _ = try net.forward(x, training: false) }
                print("unet\(size)_infer_t\(threads)\(suffix) \(infer)")
                let flops = Double(batch) * forwardFLOPs(net, height: size, width: size).flops
                if let peak { print("peakshare_unet\(size)_infer_t\(threads)\(suffix) gflops=\(flops / infer / 1e9) peak=\(peak.gflops)") }
            }
        }
        if cases.contains("classifier") {
            let classifier = try makePaperClassifier(seed: 3)
            let adam = Adam()
            let x = filled([batch, 2, 64, 64], seed: 4)
            var labels = Tensor(shape: [batch, 2])
            for b in 0..<batch { labels.scalars[b * 2 + b % 2] = 1 }
            if phases.contains("train") {
                let train = try median(repeats: max(repeats, 20)) {
                    let logits = try classifier.forward(x, training: true)
                    try classifier.backwardParameters(Loss.categoricalCrossEntropyWithLogits(logits: logits, targets: labels).gradient)
                    adam.update(classifier)
                }
                print("classifier_train_t\(threads)\(suffix) \(train)")
            }
            if phases.contains("infer") {
                let infer = try median(repeats: max(repeats, 20)) { _ = try classifier.forward(x, training: false) }
                print("classifier_infer_t\(threads)\(suffix) \(infer)")
            }
        }
        guard cases.contains("gflops") else { continue }

        // Conv throughput against raw sgemm of the same matrix product: the 3×3 conv
        // 64→128 on 16×64×64 (the U-Net's second level at 128×128 input) is
        // [128 × 576] · [576 × 65536], 2·128·576·65536 flops.
        var g = SeededGenerator(seed: 5)
        let conv = try Conv2D(inChannels: 64, outChannels: 128, generator: &g)
        let input = filled([batch, 64, 64, 64], seed: 6)
        let flops = 2.0 * 128 * 576 * Double(batch * 64 * 64)
        let convTime = try median(repeats: repeats) { _ = try conv.forward(input, training: false) }
        let a = [Float](repeating: 0.5, count: 128 * 576), b = [Float](repeating: 0.25, count: 576 * batch * 4096)
        var c = [Float](repeating: 0, count: 128 * batch * 4096)
        // The reference is OpenBLAS at its best: its own threading with this many threads.
        openblas_set_num_threads(Int32(threads))
        let gemmTime = median(repeats: repeats) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 128, Int32(batch * 4096), 576,
                        1, a, 576, b, Int32(batch * 4096), 0, &c, Int32(batch * 4096))
        }
        ComputeThreads.set(threads)  // back to NeuralNet's own splitting
        print("gflops_t\(threads)\(suffix) conv=\(flops / convTime / 1e9) sgemm=\(flops / gemmTime / 1e9)")
    }
} catch {
    print("nn-bench: \(error)")
}
