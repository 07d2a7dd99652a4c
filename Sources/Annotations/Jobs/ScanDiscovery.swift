import Foundation
import ImageFormats

/// A scan file named by its series UID, as LUNA16 lays them out (`<seriesuid>.mhd`).
public struct ScanFile: Sendable, Equatable {
    public var seriesUID: String
    public var url: URL
}

/// Finds LUNA16-style scans in a folder tree.
public enum ScanDiscovery {
    /// Every `<seriesuid>.mhd` or `.mha` below `folder` (recursively), sorted by UID.
    /// Files named `*_mask.*` are skipped (they are this toolkit's own outputs). Two files
    /// with the same UID are an error naming both.
    public static func findScans(in folder: URL) throws -> [ScanFile] {
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
        return try byUID.keys.sorted().map { uid in
            let urls = byUID[uid] ?? []
            guard urls.count == 1, let url = urls.first else {
                throw AnnotationError.duplicateSeries(uid: uid, files: urls.map(\.path).sorted())
            }
            return ScanFile(seriesUID: uid, url: url)
        }
    }
}
