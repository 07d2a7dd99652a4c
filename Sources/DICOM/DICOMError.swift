import Foundation

/// Everything that can go wrong reading, assembling or writing DICOM. Each case says
/// what failed, where (file, tag, slice) and why; `description` is one sentence.
public enum DICOMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// DCMTK's data dictionary (Debian's libdcmtk17, `dicom.dic`) could not be loaded.
    case dictionaryNotLoaded(String)
    /// The file cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// The bytes are not a DICOM dataset the parser accepts.
    case notDICOM(path: String, reason: String)
    /// A required element is absent.
    case missingElement(path: String, tag: DICOMTag, needed: String)
    /// An element holds a value that cannot be used.
    case invalidValue(path: String, tag: DICOMTag, value: String, expected: String)
    /// The dataset holds no pixel data.
    case noPixelData(path: String)
    /// A pixel format or transfer syntax no codec here decodes.
    case unsupportedPixelData(path: String, transferSyntax: String, reason: String)
    /// A codec failed on the pixel data.
    case decodeFailed(path: String, transferSyntax: String, reason: String)
    /// A folder or series cannot become a volume.
    case invalidSeries(String, reason: String)
    /// A keyword the data dictionary does not know.
    case unknownKeyword(String)
    /// Writing a file failed or the object to write is invalid.
    case writeFailed(path: String, reason: String)
    /// Anything else the bridge reported.
    case library(path: String, code: Int32, reason: String)

    public var description: String {
        switch self {
        case .dictionaryNotLoaded(let why): return "DICOM data dictionary not loaded: \(why)"
        case .unreadable(let path, let why): return "\(path): cannot read the file: \(why)"
        case .notDICOM(let path, let why): return "\(path): not a readable DICOM dataset: \(why)"
        case .missingElement(let path, let tag, let needed): return "\(path): \(tag) is missing; it is needed for \(needed)"
        case .invalidValue(let path, let tag, let value, let expected): return "\(path): \(tag) holds '\(value)'; expected \(expected)"
        case .noPixelData(let path): return "\(path): the dataset holds no PixelData (7FE0,0010)"
        case .unsupportedPixelData(let path, let ts, let why): return "\(path): pixel data in transfer syntax \(ts) cannot be decoded: \(why)"
        case .decodeFailed(let path, let ts, let why): return "\(path): decoding pixel data (transfer syntax \(ts)) failed: \(why)"
        case .invalidSeries(let what, let why): return "\(what): \(why)"
        case .unknownKeyword(let keyword): return "unknown DICOM keyword '\(keyword)'"
        case .writeFailed(let path, let why): return "\(path): cannot write DICOM: \(why)"
        case .library(let path, let code, let why): return "\(path): DICOM library error \(code): \(why)"
        }
    }
}
