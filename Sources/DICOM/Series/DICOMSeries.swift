import Foundation
import ImagingCore

/// One series found on disk: image files sharing StudyInstanceUID and
/// SeriesInstanceUID (and, when a series mixes them, one size and orientation).
public struct DICOMSeries: Sendable {
    /// A name unique within a scan: the SeriesInstanceUID, with "#2", "#3"… appended to
    /// the extra groups of a series that mixes sizes or orientations.
    public let id: String
    /// StudyInstanceUID.
    public let studyInstanceUID: String
    /// SeriesInstanceUID (shared by the groups of a mixed series).
    public let seriesInstanceUID: String
    /// Modality of the first file.
    public let modality: String
    /// SeriesDescription of the first file.
    public let seriesDescription: String
    /// The slices, in discovery order: one per file, or one per frame of an enhanced
    /// multi-frame file.
    public let files: [SliceHeader]
    /// Sorted slices and geometry; nil when the files carry no usable geometry.
    public let stack: SliceStack?
    /// Everything found wrong or unusual.
    public let problems: [SeriesProblem]

    init(id: String, files: [SliceHeader], extraProblems: [SeriesProblem]) {
        self.id = id
        let first = files[0]
        studyInstanceUID = first.studyInstanceUID
        seriesInstanceUID = first.seriesInstanceUID
        modality = first.modality
        seriesDescription = first.dataset.string(.seriesDescription) ?? ""
        self.files = files
        var problems = extraProblems
        do {
            let stack = try SliceStack(headers: files, name: id)
            self.stack = stack
            problems += stack.problems
        } catch {
            self.stack = nil
            problems.append(.missingGeometry(files: files.filter { $0.position == nil || $0.normal == nil }.map(\.url.lastPathComponent)))
        }
        self.problems = problems
    }

    /// Number of image files (duplicates included; an enhanced multi-frame file counts
    /// once).
    public var fileCount: Int { Set(files.map(\.url)).count }

    /// Number of slices found (a multi-frame file contributes one per frame).
    public var sliceCount: Int { files.count }

    /// The volume grid, when the geometry is known.
    public var geometry: ImageGeometry? { stack?.geometry }

    /// Whether the slices come from an enhanced multi-frame file.
    public var isMultiFrame: Bool { files.contains { $0.frames > 1 } }
}
