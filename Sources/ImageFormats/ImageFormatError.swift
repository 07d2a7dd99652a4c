import ImagingCore

/// Why an image file could not be read or written. Every case names the file, the
/// header key (or byte offset) involved and what was wrong, so `description` reads as
/// one sentence a user can act on.
public enum ImageFormatError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The extension is not one of .mhd, .mha, .nii, .nii.gz.
    case unsupportedExtension(path: String)
    /// The file (or a data file it names) could not be opened or read.
    case cannotRead(path: String, reason: String)
    /// A required header key is absent.
    case missingKey(path: String, key: String)
    /// A header value could not be parsed as what the key needs.
    case invalidValue(path: String, key: String, value: String, expected: String)
    /// A header key holds the wrong number of values.
    case wrongValueCount(path: String, key: String, found: Int, expected: Int)
    /// The element (voxel) type is unknown or not supported.
    case unsupportedElementType(path: String, key: String, value: String)
    /// A feature of the format this reader does not implement (ASCII data, 4-D images…).
    case unsupportedFeature(path: String, key: String, reason: String)
    /// A size is zero, negative or absurd.
    case invalidDimensions(path: String, key: String, value: String)
    /// A data file named by the header resolves outside the header's folder.
    case dataFileOutsideFolder(path: String, key: String, dataFile: String)
    /// The voxels would need more bytes than `ImageReadOptions.maximumBytes` allows.
    case tooLarge(path: String, key: String, bytes: Int, limit: Int)
    /// The file ends before the bytes the header promises.
    case truncatedData(path: String, offset: Int, expectedBytes: Int, foundBytes: Int)
    /// A zlib or gzip stream is corrupt, too short or too long.
    case compression(path: String, offset: Int, reason: String)
    /// The header describes geometry ImagingCore rejects (zero spacing, singular direction…).
    case invalidGeometry(path: String, key: String, reason: String)
    /// A NIfTI-1 header field is invalid.
    case invalidNIfTIHeader(path: String, field: String, offset: Int, reason: String)
    /// A PNG could not be built from the given pixels.
    case invalidPixels(path: String, reason: String)
    /// A file could not be written.
    case writeFailed(path: String, reason: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .unsupportedExtension(let p), .cannotRead(let p, _), .missingKey(let p, _),
             .invalidValue(let p, _, _, _), .wrongValueCount(let p, _, _, _),
             .unsupportedElementType(let p, _, _), .unsupportedFeature(let p, _, _),
             .invalidDimensions(let p, _, _), .dataFileOutsideFolder(let p, _, _),
             .tooLarge(let p, _, _, _), .truncatedData(let p, _, _, _), .compression(let p, _, _),
             .invalidGeometry(let p, _, _), .invalidNIfTIHeader(let p, _, _, _),
             .invalidPixels(let p, _), .writeFailed(let p, _):
            return p
        }
    }

    public var description: String {
        switch self {
        case .unsupportedExtension(let p):
            return "\(p): unsupported image format; expected .mhd, .mha, .nii or .nii.gz"
        case .cannotRead(let p, let reason):
            return "\(p): cannot read: \(reason)"
        case .missingKey(let p, let key):
            return "\(p): required key \(key) is missing"
        case .invalidValue(let p, let key, let value, let expected):
            return "\(p): \(key) = '\(value)' is not valid; expected \(expected)"
        case .wrongValueCount(let p, let key, let found, let expected):
            return "\(p): \(key) holds \(found) values, expected \(expected)"
        case .unsupportedElementType(let p, let key, let value):
            return "\(p): \(key) '\(value)' is not a supported element type"
        case .unsupportedFeature(let p, let key, let reason):
            return "\(p): \(key): \(reason)"
        case .invalidDimensions(let p, let key, let value):
            return "\(p): \(key) = '\(value)' is not a valid image size (each extent must be 1 or more)"
        case .dataFileOutsideFolder(let p, let key, let dataFile):
            return "\(p): \(key) '\(dataFile)' resolves outside the header's folder (set allowDataFileOutsideFolder to permit)"
        case .tooLarge(let p, let key, let bytes, let limit):
            return "\(p): \(key) implies \(bytes) bytes of voxels, more than the limit of \(limit) bytes"
        case .truncatedData(let p, let offset, let expected, let found):
            return "\(p): truncated: expected \(expected) bytes from byte offset \(offset), found \(found)"
        case .compression(let p, let offset, let reason):
            return "\(p): compressed data from byte offset \(offset) is invalid: \(reason)"
        case .invalidGeometry(let p, let key, let reason):
            return "\(p): \(key) gives invalid geometry: \(reason)"
        case .invalidNIfTIHeader(let p, let field, let offset, let reason):
            return "\(p): NIfTI header field \(field) at byte offset \(offset): \(reason)"
        case .invalidPixels(let p, let reason):
            return "\(p): cannot write PNG: \(reason)"
        case .writeFailed(let p, let reason):
            return "\(p): cannot write: \(reason)"
        }
    }
}
