// What every harness shares: starting libFuzzer's driver from a Swift `main`, and a
// scratch folder for readers that only take a URL (the input is written there first).
import Foundation

/// libFuzzer's driver (linked by `-sanitize=fuzzer`). SwiftPM renames an executable's
/// entry point, so libFuzzer's own `main` never runs: start the driver from ours.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer with this process's arguments, feeding every input to `callback`, and exits.
public func runFuzzDriver(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}

/// A folder of this process (under `$TMPDIR`, which scripts/fuzz/run.sh puts in
/// /dev/shm), made once, where harnesses write the input under the names a reader expects.
public enum Scratch {
    nonisolated(unsafe) private static var made: URL?

    /// The folder, created on first use.
    public static var folder: URL {
        if let made { return made }
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("nodulekit-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        made = url
        return url
    }

    /// Writes `data` to `name` in the folder and returns its URL.
    @discardableResult
    public static func write(_ data: Data, as name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        try? data.write(to: url)
        return url
    }
}
