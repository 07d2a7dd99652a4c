import ImagingCore

/// Errors raised by the Annotations target. Each names the file, and where it helps the
/// line and column, and says what was found and what was expected.
public enum AnnotationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is empty or has no header row.
    case missingHeader(file: String)
    /// A required column is absent from the header.
    case missingColumn(file: String, column: String, header: [String])
    /// A row has a different number of fields than the header.
    case wrongFieldCount(file: String, line: Int, expected: Int, found: Int)
    /// A field could not be parsed or is out of range.
    case badField(file: String, line: Int, column: String, value: String, expected: String)
    /// A quoted field is not closed before the end of the file.
    case unterminatedQuote(file: String, line: Int)
    /// A `--shard I/N` value is malformed.
    case badShard(String)
    /// Two scans in one folder carry the same series UID.
    case duplicateSeries(uid: String, files: [String])
    /// More nodules in one scan than a UInt8 label map can number.
    case tooManyLabels(seriesUID: String, count: Int)
    /// A phantom's lungs have no room for the nodules asked for.
    case phantomTooSmall(requested: Int, placed: Int, size: GridSize)
    /// Report files to merge disagree on their header.
    case headerMismatch(file: String, expected: [String], found: [String])
    /// An XML file is not well-formed (truncated, a tag left open, a bad character).
    case malformedXML(file: String, line: Int, reason: String)
    /// An LIDC XML file is well-formed but an element is missing, repeated or holds a
    /// value of the wrong kind.
    case lidcStructure(file: String, line: Int, element: String, reason: String)
    /// An LIDC ROI's imageZposition (or SOP UID) names no slice of its scan.
    case lidcSliceNotFound(file: String, line: Int, z: Double, reason: String)
    /// Two LIDC XML files describe the same series.
    case duplicateLidcSeries(uid: String, files: [String])
    /// The LIDC lesion pool holds fewer nodules of a label than the phantoms ask for.
    case lidcPoolTooSmall(folder: String, label: String, available: Int, requested: Int)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .missingHeader(let file):
            return "\(file): no header row (the file is empty)"
        case .missingColumn(let file, let column, let header):
            return "\(file): line 1: missing column '\(column)' (header has: \(header.joined(separator: ", ")))"
        case .wrongFieldCount(let file, let line, let expected, let found):
            return "\(file): line \(line): expected \(expected) fields as in the header, found \(found)"
        case .badField(let file, let line, let column, let value, let expected):
            return "\(file): line \(line), column '\(column)': '\(value)' is not \(expected)"
        case .unterminatedQuote(let file, let line):
            return "\(file): line \(line): a quoted field is never closed"
        case .badShard(let text):
            return "shard '\(text)' must be I/N with 0 ≤ I < N (e.g. 0/4)"
        case .duplicateSeries(let uid, let files):
            return "series \(uid) appears in more than one scan file: \(files.joined(separator: ", "))"
        case .tooManyLabels(let uid, let count):
            return "scan \(uid) has \(count) nodules; a UInt8 label map numbers at most 255"
        case .phantomTooSmall(let requested, let placed, let size):
            return "a \(size) phantom has room for \(placed) of the \(requested) nodules asked for; use a larger --size or fewer --nodules"
        case .headerMismatch(let file, let expected, let found):
            return "\(file): header \(found.joined(separator: ",")) differs from \(expected.joined(separator: ","))"
        case .malformedXML(let file, let line, let reason):
            return "\(file): line \(line): malformed XML: \(reason)"
        case .lidcStructure(let file, let line, let element, let reason):
            return "\(file): line \(line), <\(element)>: \(reason)"
        case .lidcSliceNotFound(let file, let line, let z, let reason):
            return "\(file): line \(line): ROI at imageZposition \(z) matches no slice: \(reason)"
        case .duplicateLidcSeries(let uid, let files):
            return "series \(uid) is described by more than one LIDC XML file: \(files.joined(separator: ", "))"
        case .lidcPoolTooSmall(let folder, let label, let available, let requested):
            return "\(folder): the LIDC pool's \(available) \(label) nodules ran out (each is used once; \(requested) more were asked for one patient); use fewer --count or --nodules, or more XML"
        }
    }
}
