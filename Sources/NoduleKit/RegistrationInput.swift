import Foundation
import DICOM
import ImageFormats
import ImagingCore

/// An image read for registration or resampling.
public struct RegistrationInput: Sendable {
    /// The voxels (SUV body weight for a PET series).
    public var volume: AnyVolume
    /// Whether a PET DICOM series was converted to SUV.
    public var isSUV: Bool
    /// The DICOM FrameOfReferenceUID (nil for MetaImage/NIfTI input).
    public var frameOfReferenceUID: String?
}

extension ImageInput {
    /// An input for registration or resampling, as `read` finds it, with a PET DICOM
    /// series (Modality PT) converted to SUV body weight.
    public static func readForRegistration(_ url: URL, seriesUID: String? = nil,
                                           progress: ProgressReporter = SilentProgress()) throws -> RegistrationInput {
        if ImageFile.isSupported(url) { return RegistrationInput(volume: try ImageFile.read(url), isSUV: false, frameOfReferenceUID: nil) }
        let scan = try SeriesScanner.scan(files: try candidateFiles(url), progress: progress)
        let series = try seriesUID.map { try scan.series(withUID: $0) } ?? scan.onlySeries(in: url.path)
        let frame = series.files.first?.dataset.string(.frameOfReferenceUID).flatMap { $0.isEmpty ? nil : $0 }
        if series.modality == "PT" { return RegistrationInput(volume: AnyVolume(try series.loadSUVVolume()), isSUV: true, frameOfReferenceUID: frame) }
        return RegistrationInput(volume: try series.loadVolume(), isSUV: false, frameOfReferenceUID: frame)
    }
}
