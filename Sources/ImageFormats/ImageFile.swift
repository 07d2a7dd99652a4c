import Foundation
import ImagingCore

/// Limits and permissions for reading image files from untrusted sources.
public struct ImageReadOptions: Sendable {
    /// Whether a header may name data files outside its own folder (absolute paths,
    /// `..` escapes). Off by default: a downloaded header must not read arbitrary files.
    public var allowDataFileOutsideFolder = false
    /// The most voxel bytes a file may ask for; checked before allocating (16 GiB).
    public var maximumBytes = 16 << 30
    public init() {}
}

/// How image files are written.
public struct ImageWriteOptions: Sendable {
    /// Compress the voxels: MetaImage .zraw (or inline zlib in .mha); NIfTI is
    /// compressed by its .nii.gz extension regardless.
    public var compress = false
    public init(compress: Bool = false) { self.compress = compress }
}

/// Reads and writes images, choosing the format by extension: `.mhd`, `.mha`
/// (MetaImage), `.nii`, `.nii.gz` (NIfTI-1). World coordinates are LPS throughout;
/// NIfTI's RAS is converted inside the NIfTI reader and writer.
///
/// ```swift
/// let ct = try ImageFile.read(URL(fileURLWithPath: "scan.mhd"))
/// try ImageFile.write(ct, to: URL(fileURLWithPath: "scan.nii.gz"))
/// ```
public enum ImageFile {
    enum Format { case metaImage, nifti }

    static func format(of url: URL) -> Format? {
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".mhd") || name.hasSuffix(".mha") { return .metaImage }
        if name.hasSuffix(".nii") || name.hasSuffix(".nii.gz") { return .nifti }
        return nil
    }

    /// Whether the extension names a format this module reads and writes.
    public static func isSupported(_ url: URL) -> Bool { format(of: url) != nil }

    /// Reads an image; the voxel type is the file's.
    public static func read(_ url: URL, options: ImageReadOptions = .init()) throws -> AnyVolume {
        switch format(of: url) {
        case .metaImage: return try MetaImageReader.read(url, options: options)
        case .nifti: return try NIfTIReader.read(url, options: options)
        case nil: throw ImageFormatError.unsupportedExtension(path: url.path)
        }
    }

    /// Reads only an image's geometry, without its voxels: the header is parsed and
    /// checked as `read` checks it, and the data is checked to be all there (data files
    /// exist inside the header's folder and hold at least the bytes DimSize implies; a
    /// compressed stream is long enough to hold them). What it cannot see without
    /// decoding is a corrupt compressed stream. For work that needs the grid only, such as
    /// nodule masks.
    public static func readGeometry(_ url: URL, options: ImageReadOptions = .init()) throws -> ImageGeometry {
        switch format(of: url) {
        case .metaImage: return try MetaImageReader.readGeometry(url, options: options)
        case .nifti: return try NIfTIReader.readGeometry(url, options: options)
        case nil: throw ImageFormatError.unsupportedExtension(path: url.path)
        }
    }

    /// Writes an image atomically in the format its extension names.
    public static func write(_ volume: AnyVolume, to url: URL, options: ImageWriteOptions = .init()) throws {
        switch format(of: url) {
        case .metaImage: try MetaImageWriter.write(volume, to: url, compress: options.compress)
        case .nifti: try NIfTIWriter.write(volume, to: url)
        case nil: throw ImageFormatError.unsupportedExtension(path: url.path)
        }
    }

    /// Writes a typed volume (see `write(_:to:options:)`).
    public static func write<V: VoxelScalar>(_ volume: Volume<V>, to url: URL, options: ImageWriteOptions = .init()) throws {
        try write(AnyVolume(volume), to: url, options: options)
    }
}
