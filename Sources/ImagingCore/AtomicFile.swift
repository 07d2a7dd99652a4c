import Foundation

/// Writes files so that an interrupted run never leaves a half-written output that
/// looks whole: the bytes go to a hidden temporary name in the same folder, which is
/// then renamed over the destination (rename is atomic within one file system).
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating the parent folder if needed.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { tmp in try data.write(to: tmp) }
    }

    /// Writes a file atomically: `produce` writes the temporary URL it is given, and the
    /// result is renamed to `url` only when `produce` returns normally.
    public static func write(to url: URL, _ produce: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ImagingError.writeFailed(path: url.path, reason: "cannot create folder \(folder.path): \(error.localizedDescription)")
        }
        let tmp = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try produce(tmp)
        } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: tmp)
            throw ImagingError.writeFailed(path: url.path, reason: reason)
        }
    }
}
