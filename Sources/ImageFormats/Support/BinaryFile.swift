import Foundation
import ImagingCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file access for voxel data: sizes, `pread` straight into a final voxel
/// buffer (one kernel copy, no intermediate `Data`), and memory-mapped reads for
/// compressed streams.
enum BinaryFile {
    /// The size of a regular file in bytes.
    static func size(of url: URL) throws -> Int {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw ImageFormatError.cannotRead(path: url.path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ImageFormatError.cannotRead(path: url.path, reason: "not a regular file")
        }
        return Int(info.st_size)
    }

    /// The whole file, memory-mapped when the system allows it.
    static func mapped(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ImageFormatError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads exactly `buffer.count` bytes starting at `offset` into `buffer`; throws
    /// `truncatedData` when the file ends first.
    static func read(_ url: URL, offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw ImageFormatError.cannotRead(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // Large reads are split across the cores: the kernel's page-cache copy and the
        // first-touch page faults of a fresh array then run in parallel.
        let parts = buffer.count >= 32 << 20 ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1
        let failures = FailureBox()
        // Each worker writes a disjoint byte range of the buffer.
        nonisolated(unsafe) let destination = buffer
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = destination.count * p / parts, hi = destination.count * (p + 1) / parts
            if let error = readRange(fd, url: url, offset: offset, buffer: destination, from: lo, to: hi) { failures.set(error) }
        }
        if let error = failures.first { throw error }
    }

    /// Reads bytes lo..<hi of the destination from the file; nil on success.
    private static func readRange(_ fd: Int32, url: URL, offset: Int, buffer: UnsafeMutableRawBufferPointer,
                                  from lo: Int, to hi: Int) -> ImageFormatError? {
        guard let base = buffer.baseAddress else { return nil }
        var done = lo
        while done < hi {
            let n = pread(fd, base + done, min(hi - done, 1 << 30), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                return .cannotRead(path: url.path, reason: String(cString: strerror(errno)))
            }
            if n == 0 {
                return .truncatedData(path: url.path, offset: offset, expectedBytes: buffer.count, foundBytes: done)
            }
            done += n
        }
        return nil
    }
}

/// The first error raised by parallel workers.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: ImageFormatError?
    func set(_ e: ImageFormatError) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    var first: ImageFormatError? { lock.lock(); defer { lock.unlock() }; return error }
}

/// Writes a file in pieces through a POSIX descriptor (used inside `AtomicFile.write`).
final class FileOutput {
    private let fd: Int32
    private let path: String

    init(creating url: URL, reportingAs path: String) throws {
        self.path = path
        fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ImageFormatError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    private var isClosed = false

    deinit { if !isClosed { close(fd) } }

    /// Closes the file, reporting a delayed write error (e.g. a full disk) as a failure.
    func finish() throws {
        isClosed = true
        guard close(fd) == 0 else { throw ImageFormatError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = posixWrite(fd, base + done, min(bytes.count - done, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw ImageFormatError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Creates `url` atomically (`AtomicFile`): `body` writes through a `FileOutput` on
    /// a temporary name that is renamed over `url` only when `body` returns normally.
    static func atomically(_ url: URL, _ body: (FileOutput) throws -> Void) throws {
        try AtomicFile.write(to: url) { tmp in
            let out = try FileOutput(creating: tmp, reportingAs: url.path)
            try body(out)
            try out.finish()
        }
    }
}

#if canImport(Glibc)
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
private let posixWrite = Darwin.write
#endif
