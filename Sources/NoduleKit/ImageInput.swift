import Foundation
import ImagingCore
import ImageFormats
import Annotations
import DICOM

/// Any image input as one call: a MetaImage or NIfTI file by extension, otherwise DICOM —
/// one file, or a folder whose series are found, grouped and assembled. This is glue
/// between targets that may not import each other, so it lives in the umbrella.
public enum ImageInput {
    /// File extensions that are never DICOM, left out of folder scans (a LUNA16 folder's
    /// large .raw files would otherwise each be opened as a candidate dataset).
    public static let nonDICOMExtensions: Set<String> = [
        "mhd", "mha", "raw", "zraw", "nii", "gz", "csv", "npy", "png", "svg", "json", "txt", "md", "safetensors", "py", "xml", "tfm",
    ]

    /// Reads `url`. For DICOM, `seriesUID` picks one series when a folder holds several
    /// (without it, several series are an error that lists them).
    public static func read(_ url: URL, seriesUID: String? = nil, loadOptions: SeriesLoadOptions = .init(),
                            progress: ProgressReporter = SilentProgress()) throws -> AnyVolume {
        if ImageFile.isSupported(url) { return try ImageFile.read(url) }
        let scan = try SeriesScanner.scan(files: try candidateFiles(url), progress: progress)
        let series = try seriesUID.map { try scan.series(withUID: $0) } ?? scan.onlySeries(in: url.path)
        return try series.loadVolume(options: loadOptions)
    }

    /// The files of `url` that may be DICOM: `url` itself when it is a file, else every
    /// non-hidden file below it without a known non-DICOM extension.
    public static func candidateFiles(_ url: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw DICOMError.invalidSeries(url.path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [url] }
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var files: [URL] = []
        for case let file as URL in walker {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  !nonDICOMExtensions.contains(file.pathExtension.lowercased()) else { continue }
            files.append(file)
        }
        return files.sorted { $0.path < $1.path }
    }
}

extension ScanSource {
    /// The DICOM series under `folder` as scan sources named by SeriesInstanceUID (for
    /// `MaskJob.additionalScans`), with the files that were not DICOM images.
    public static func dicomSeries(in folder: URL, loadOptions: SeriesLoadOptions = .init(),
                                   progress: ProgressReporter = SilentProgress()) throws -> (sources: [ScanSource], skipped: [SeriesScan.SkippedFile]) {
        let files = try ImageInput.candidateFiles(folder)
        guard !files.isEmpty else { return ([], []) }
        let scan = try SeriesScanner.scan(files: files, progress: progress)
        let sources = scan.series.map { series in
            var source = ScanSource(
                seriesUID: series.seriesInstanceUID,
                location: series.files.first.map { $0.url.deletingLastPathComponent().path } ?? folder.path,
                readGeometry: {
                    guard let g = series.geometry else {
                        throw DICOMError.invalidSeries(series.seriesInstanceUID,
                                                       reason: "cannot be assembled: " + series.problems.map { "\($0)" }.joined(separator: "; "))
                    }
                    return g
                },
                readVolume: { try series.loadVolume(options: loadOptions) },
                fingerprint: { ScanSource.fingerprint(of: series.files.map(\.url)) })
            source.sliceSOPInstanceUIDs = { series.sliceSOPInstanceUIDs }
            return source
        }
        return (sources, scan.skipped)
    }
}

extension ScanSource {
    /// Every scan under `folder`: `<seriesuid>.mhd/.mha` files and DICOM series (named by
    /// SeriesInstanceUID), with the DICOM files that were skipped. A series UID found twice
    /// keeps its MetaImage copy.
    public static func everyScan(in folder: URL, progress: ProgressReporter = SilentProgress()) throws
        -> (sources: [ScanSource], skipped: [SeriesScan.SkippedFile]) {
        let files = try ScanDiscovery.findScans(in: folder).map { ScanSource(file: $0) }
        let dicom = try dicomSeries(in: folder, progress: progress)
        let known = Set(files.map(\.seriesUID))
        return (files + dicom.sources.filter { !known.contains($0.seriesUID) }, dicom.skipped)
    }
}
