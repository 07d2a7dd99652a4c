import Foundation
import ImageFormats

/// A scan file named by its series UID, as LUNA16 lays them out (`<seriesuid>.mhd`).
public struct ScanFile: Sendable, Equatable {
    public var seriesUID: String
    public var url: URL

    /// Name, size and modification time of every file of this scan (`<seriesuid>.*` in its
    /// folder: the header and its data), so a resumed job notices a scan that changed.
    public func fileFingerprint() -> String {
        let folder = url.deletingLastPathComponent()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix(seriesUID + ".") }.sorted()
        return names.map { name -> String in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            return "\(name):\(size):\(modified)"
        }.joined(separator: ";")
    }
}

/// What a folder holds: scans with a unique series UID, and UIDs found in several files.
public struct ScanSurvey: Sendable {
    /// Scans sorted by UID.
    public var scans: [ScanFile]
    /// UIDs that name more than one file, with the files (sorted).
    public var duplicates: [(seriesUID: String, files: [URL])]
}

/// Finds LUNA16-style scans in a folder tree.
public enum ScanDiscovery {
    /// Every `<seriesuid>.mhd` or `.mha` below `folder` (recursively), sorted by UID.
    /// Files named `*_mask.*` are skipped (they are this toolkit's own outputs). Two files
    /// with the same UID are an error naming both.
    public static func findScans(in folder: URL) throws -> [ScanFile] {
        let survey = try self.survey(in: folder)
        if let d = survey.duplicates.first {
            throw AnnotationError.duplicateSeries(uid: d.seriesUID, files: d.files.map(\.path))
        }
        return survey.scans
    }

    /// Like `findScans`, but a UID found in several files is listed in `duplicates`
    /// instead of stopping the search, so a batch job can report it and go on.
    public static func survey(in folder: URL) throws -> ScanSurvey {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw AnnotationError.unreadable(file: folder.path, reason: "not a folder")
        }
        guard let walker = fm.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                         options: [.skipsHiddenFiles]) else {
            throw AnnotationError.unreadable(file: folder.path, reason: "cannot list the folder")
        }
        var byUID: [String: [URL]] = [:]
        for case let url as URL in walker {
            let ext = url.pathExtension.lowercased()
            guard ext == "mhd" || ext == "mha" else { continue }
            let uid = url.deletingPathExtension().lastPathComponent
            if uid.hasSuffix("_mask") { continue }
            byUID[uid, default: []].append(url)
        }
        var survey = ScanSurvey(scans: [], duplicates: [])
        for uid in byUID.keys.sorted() {
            let urls = (byUID[uid] ?? []).sorted { $0.path < $1.path }
            if urls.count == 1, let url = urls.first {
                survey.scans.append(ScanFile(seriesUID: uid, url: url))
            } else {
                survey.duplicates.append((uid, urls))
            }
        }
        return survey
    }
}
