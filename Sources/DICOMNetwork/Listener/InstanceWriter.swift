import CDICOMBridge
import DICOM
import Foundation

/// Where received instances go: `root/<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm`, each
/// UID through `DICOMUID.fileName` (the one sanitiser), so a UID holding `/`, `..` or any
/// non-UID character is refused and never names a path outside `root`. The bridge writes
/// to a hidden temporary name beside the target and renames it when the file is whole.
final class InstanceWriter: @unchecked Sendable {
    let root: URL
    let log: (@Sendable (DICOMLogLevel, String) -> Void)?
    private let lock = NSLock()
    private var stored: [URL] = []
    private var folders: Set<String> = []

    init(root: URL, log: (@Sendable (DICOMLogLevel, String) -> Void)?) {
        self.root = root.standardizedFileURL
        self.log = log
    }

    /// Files written so far.
    var files: [URL] { lock.lock(); defer { lock.unlock() }; return stored }

    /// A chosen file, or why an instance is refused.
    enum Target { case file(URL), refused(String) }

    /// The target for an instance, or why it is refused.
    func target(study: String, series: String, sop: String) -> Target {
        for (name, uid) in [("StudyInstanceUID", study), ("SeriesInstanceUID", series), ("SOPInstanceUID", sop)] where DICOMUID.fileName(uid) == nil {
            return .refused("its \(name) '\(uid.prefix(80))' is not a valid UID, so it cannot name a file under \(root.path)")
        }
        let folder = root.appendingPathComponent(study).appendingPathComponent(series)
        let file = folder.appendingPathComponent(sop + ".dcm").standardizedFileURL
        guard file.path.hasPrefix(root.path + "/") else { return .refused("\(file.path) would leave \(root.path)") }
        lock.lock(); let known = folders.contains(folder.path); lock.unlock()
        if !known {  // a series' folder is made once, not per instance
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                return .refused("cannot create \(folder.path): \(error.localizedDescription)")
            }
            lock.lock(); folders.insert(folder.path); lock.unlock()
        }
        return .file(file)
    }

    /// Calls `body` with a sink whose callbacks reach this writer.
    func withSink<R>(_ body: (inout ndk_store_sink) throws -> R) rethrows -> R {
        var sink = ndk_store_sink(choose: { context, calling, study, series, sop, out, capacity in
            guard let context, let out else { return 1 }
            let me = Unmanaged<InstanceWriter>.fromOpaque(context).takeUnretainedValue()
            let s = { (p: UnsafePointer<CChar>?) in p.map { String(cString: $0) } ?? "" }
            let text: String, refused: Int32
            switch me.target(study: s(study), series: s(series), sop: s(sop)) {
            case .file(let url): text = url.path; refused = 0
            case .refused(let why): text = why; refused = 1
            }
            let bytes = Array(text.utf8.prefix(capacity - 1))
            guard refused == 1 || bytes.count == text.utf8.count else { return 1 }
            bytes.withUnsafeBufferPointer { b in
                out.withMemoryRebound(to: UInt8.self, capacity: capacity) { o in
                    if let base = b.baseAddress { o.update(from: base, count: b.count) }
                    o[b.count] = 0
                }
            }
            return refused
        }, notify: { context, level, message in
            guard let context, let message else { return }
            let me = Unmanaged<InstanceWriter>.fromOpaque(context).takeUnretainedValue()
            let text = String(cString: message)
            if text.hasPrefix("stored ") {
                me.lock.lock(); me.stored.append(URL(fileURLWithPath: String(text.dropFirst(7)))); me.lock.unlock()
            }
            me.log?(DICOMLogLevel(rawValue: level) ?? .info, text)
        }, context: Unmanaged.passUnretained(self).toOpaque())
        return try withExtendedLifetime(self) { try body(&sink) }
    }
}
