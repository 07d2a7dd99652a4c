import ArgumentParser
import Foundation
import ImagingCore

/// Draws a one-line progress bar on standard error when it is a terminal; silent
/// otherwise or when quiet.
final class TerminalProgress: ProgressReporter, @unchecked Sendable {
    private let enabled: Bool
    private let label: String
    private let lock = NSLock()
    private let start = Date()

    init(label: String, quiet: Bool) {
        self.label = label
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    func update(completed: Int, total: Int, item: String) {
        guard enabled, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        let width = 30
        let filled = completed * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        let eta = completed > 0 ? elapsed / Double(completed) * Double(total - completed) : 0
        let line = "\r\(label) \(bar) \(completed)/\(total) \(String(format: "%.0fs left", eta)) \(item.suffix(24))"
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        if completed == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Options every long-running command shares.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "No progress bar.")
    var quiet = false
}
