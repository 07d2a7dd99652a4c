import Foundation
import ImagingCore
import ImageFormats

/// A scan a batch job can work on, whatever its format: its series UID, a name for
/// messages, and how to read its grid, its voxels and a fingerprint of its files. MetaImage
/// and NIfTI scans come from `ScanDiscovery`; other readers (the DICOM series of the
/// `DICOM` target, which this target may not import) hand their own sources in.
public struct ScanSource: Sendable {
    /// The series UID the annotations name.
    public var seriesUID: String
    /// Where the scan is, for messages (a file or a folder).
    public var location: String
    /// Reads the scan's geometry (cheaply, when the format allows).
    public var readGeometry: @Sendable () throws -> ImageGeometry
    /// Reads the scan's voxels.
    public var readVolume: @Sendable () throws -> AnyVolume
    /// Names, sizes and times of the scan's files, so a resumed job notices a change.
    public var fingerprint: @Sendable () -> String
    /// The SOP Instance UID of each k-slice where the format knows it (DICOM), else empty:
    /// LIDC ROIs name their slice by it.
    public var sliceSOPInstanceUIDs: @Sendable () -> [String?] = { [] }

    /// A source from custom readers.
    public init(seriesUID: String, location: String, readGeometry: @escaping @Sendable () throws -> ImageGeometry,
                readVolume: @escaping @Sendable () throws -> AnyVolume, fingerprint: @escaping @Sendable () -> String) {
        self.seriesUID = seriesUID
        self.location = location
        self.readGeometry = readGeometry
        self.readVolume = readVolume
        self.fingerprint = fingerprint
    }

    /// A MetaImage (or NIfTI) scan file.
    public init(file: ScanFile, options: ImageReadOptions = .init()) {
        let url = file.url
        self.init(seriesUID: file.seriesUID, location: url.path,
                  readGeometry: { try ImageFile.readGeometry(url, options: options) },
                  readVolume: { try ImageFile.read(url, options: options) },
                  fingerprint: { file.fileFingerprint() })
    }

    /// Name, size and modification time of each file, for fingerprints.
    public static func fingerprint(of files: [URL]) -> String {
        files.map(\.path).sorted().map { path -> String in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            return "\(path):\(size):\(modified)"
        }.joined(separator: ";")
    }
}
