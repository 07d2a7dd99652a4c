import Foundation

/// Runs work over `0..<count` in `threads` contiguous chunks (fewer when there is less
/// work). Each index must write only its own outputs; `concurrentPerform` returns only
/// after every chunk ran, so the closure and the buffers it captures outlive every use.
enum ParallelSlices {
    /// The default thread count: the machine's active processors.
    static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    static func run(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let chunks = max(1, min(threads, count))
        if chunks == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let work = UncheckedBox(escaping)
            DispatchQueue.concurrentPerform(iterations: chunks) { t in
                work.value((count * t / chunks)..<(count * (t + 1) / chunks))
            }
        }
    }
}

/// Carries a value the compiler cannot prove Sendable (a closure over raw buffers whose
/// writes are disjoint) into `concurrentPerform`.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
