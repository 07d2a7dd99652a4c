import Foundation
import ImagingCore

/// The series found under a folder, and the files that were not DICOM images.
public struct SeriesScan: Sendable {
    /// A file that was left out, and why.
    public struct SkippedFile: Sendable, Equatable {
        /// The file.
        public let path: String
        /// Why it was left out.
        public let reason: String
    }

    /// Series in a stable order (study UID, series UID, group).
    public let series: [DICOMSeries]
    /// Non-DICOM, unreadable and non-image files.
    public let skipped: [SkippedFile]

    /// The series with `uid` (SeriesInstanceUID or `id`); throws when absent or ambiguous.
    public func series(withUID uid: String) throws -> DICOMSeries {
        if let exact = series.first(where: { $0.id == uid }) { return exact }
        let matches = series.filter { $0.seriesInstanceUID == uid }
        guard let first = matches.first else {
            throw DICOMError.invalidSeries(uid, reason: "no such series; found \(series.map(\.id).joined(separator: ", "))")
        }
        return first
    }

    /// The only series; throws listing them when there are several or none.
    public func onlySeries(in path: String) throws -> DICOMSeries {
        guard series.count == 1, let s = series.first else {
            let list = series.map { "\($0.id) (\($0.modality), \($0.fileCount) files)" }.joined(separator: "; ")
            throw DICOMError.invalidSeries(path, reason: series.isEmpty ? "no DICOM image series found" : "holds \(series.count) series, pick one: \(list)")
        }
        return s
    }
}

/// Finds DICOM series in a folder tree: every file is tried (non-DICOM ones are
/// skipped), headers are read in parallel, files are grouped by StudyInstanceUID and
/// SeriesInstanceUID and then by image size and orientation.
public enum SeriesScanner {
    /// Scans `url` (a folder, searched recursively, or a single file).
    public static func scan(_ url: URL, progress: any ProgressReporter = SilentProgress()) throws -> SeriesScan {
        try scan(files: try listFiles(url), progress: progress)
    }

    /// Scans exactly `files` (e.g. a folder's files less those known to be something
    /// else, such as MetaImage volumes, which a caller need not have parsed as DICOM).
    public static func scan(files: [URL], progress: any ProgressReporter = SilentProgress()) throws -> SeriesScan {
        try DICOMLibrary.ensureInitialized()
        let results = ConcurrentResults<ScanOutcome>(count: files.count)
        let done = ProgressCounter(total: files.count, reporter: progress)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let file = files[index]
            let outcome: ScanOutcome
            do {
                let header = try SliceHeader(url: file, dataset: DICOMFile.readDataset(at: file))
                if header.isImage, !header.seriesInstanceUID.isEmpty {
                    outcome = .headers(try header.frameSlices())
                } else {
                    outcome = .skipped(.init(path: file.path, reason: header.isImage ? "no SeriesInstanceUID" : "not an image (no Rows/Columns/PixelData)"))
                }
            } catch {
                // The reason without the path the error repeats.
                let text = "\(error)"
                outcome = .skipped(.init(path: file.path, reason: text.hasPrefix(file.path + ": ") ? String(text.dropFirst(file.path.count + 2)) : text))
            }
            results.set(index, outcome)
            done.advance(item: file.lastPathComponent)
        }
        var headers: [SliceHeader] = []
        var skipped: [SeriesScan.SkippedFile] = []
        for r in results.values {
            switch r {
            case .headers(let h)?: headers += h
            case .skipped(let s)?: skipped.append(s)
            case nil: break
            }
        }
        return SeriesScan(series: group(headers), skipped: skipped)
    }

    /// Groups headers into series (exposed for tests and tools that read headers
    /// themselves).
    public static func group(_ headers: [SliceHeader]) -> [DICOMSeries] {
        let bySeries = Dictionary(grouping: headers) { "\($0.studyInstanceUID)|\($0.seriesInstanceUID)" }
        var out: [DICOMSeries] = []
        for key in bySeries.keys.sorted() {
            guard let members = bySeries[key] else { continue }
            let byGeometry = Dictionary(grouping: members) { geometryKey($0) }
            // Largest group first keeps the plain UID.
            let groups = byGeometry.values.sorted { $0.count != $1.count ? $0.count > $1.count : geometryKey($0[0]) < geometryKey($1[0]) }
            for (n, files) in groups.enumerated() {
                let uid = files[0].seriesInstanceUID
                let sorted = files.sorted { $0.url.path < $1.url.path }
                let extra: [SeriesProblem] = groups.count > 1 ? [.mixedGeometry(seriesInstanceUID: uid, groups: groups.count)] : []
                out.append(DICOMSeries(id: n == 0 ? uid : "\(uid)#\(n + 1)", files: sorted, extraProblems: extra))
            }
        }
        return out
    }

    /// Size and orientation, rounded so scanner noise in IOP does not split a series.
    static func geometryKey(_ h: SliceHeader) -> String {
        let iop = [h.rowDirection, h.columnDirection].compactMap { $0 }.flatMap { [$0.x, $0.y, $0.z] }
        return "\(h.columns)x\(h.rows) " + iop.map { String(format: "%.3f", $0 == 0 ? 0 : $0) }.joined(separator: ",")
    }

    static func listFiles(_ url: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw DICOMError.unreadable(path: url.path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [url] }
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
            throw DICOMError.unreadable(path: url.path, reason: "cannot list the folder")
        }
        var files: [URL] = []
        for case let file as URL in walker where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(file)
        }
        return files.sorted { $0.path < $1.path }
    }
}

/// What reading one file's header gave.
enum ScanOutcome: Sendable {
    case headers([SliceHeader])
    case skipped(SeriesScan.SkippedFile)
}

/// Results written by index from concurrent workers.
final class ConcurrentResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.lock(); storage[index] = value; lock.unlock() }
    var values: [T?] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Counts finished items and forwards them to a progress reporter.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var completed = 0
    private let total: Int
    private let reporter: any ProgressReporter
    init(total: Int, reporter: any ProgressReporter) { self.total = total; self.reporter = reporter }
    func advance(item: String) {
        lock.lock(); completed += 1; let c = completed; lock.unlock()
        reporter.update(completed: c, total: total, item: item)
    }
}
