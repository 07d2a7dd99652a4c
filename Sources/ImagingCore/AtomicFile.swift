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

/// Writes a folder of files (a DICOM series) so that an interrupted write never leaves a
/// folder that looks whole: the files go into a hidden temporary folder beside the
/// destination, which is renamed onto it once every file is written. A destination that
/// does not exist or is empty is replaced in one atomic rename; into a folder that
/// already holds files, each finished file is moved in (atomically per file) and the
/// files are never left half-written.
public enum AtomicFolder {
    /// Calls `produce` with a temporary folder to fill; when it returns normally, the
    /// contents become `folder`. When it throws, nothing is left behind.
    public static func write(to folder: URL, _ produce: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw ImagingError.writeFailed(path: folder.path, reason: "cannot create folder \(parent.path): \(error.localizedDescription)")
        }
        let tmp = parent.appendingPathComponent(".\(folder.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try fm.createDirectory(at: tmp, withIntermediateDirectories: false)
            try produce(tmp)
        } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
        // rename(2) replaces a missing or empty folder atomically.
        if rename(tmp.path, folder.path) == 0 { return }
        let code = errno
        guard code == ENOTEMPTY || code == EEXIST else {
            try? fm.removeItem(at: tmp)
            throw ImagingError.writeFailed(path: folder.path, reason: String(cString: strerror(code)))
        }
        do {
            for name in try fm.contentsOfDirectory(atPath: tmp.path) {
                let from = tmp.appendingPathComponent(name), to = folder.appendingPathComponent(name)
                guard rename(from.path, to.path) == 0 else {
                    throw ImagingError.writeFailed(path: to.path, reason: String(cString: strerror(errno)))
                }
            }
            try? fm.removeItem(at: tmp)
        } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
    }
}
