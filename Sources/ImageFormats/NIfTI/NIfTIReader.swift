import Foundation
import ImagingCore

/// Reads NIfTI-1 single files (.nii, and .nii.gz as a gzip stream inflated in one pass
/// straight into the voxel array), either byte order.
public enum NIfTIReader {
    /// Parses only the header.
    public static func readHeader(_ url: URL) throws -> NIfTIHeader {
        let data = try BinaryFile.mapped(url)
        return try data.withUnsafeBytes { raw in
            if isGzip(url) {
                let stream = try InflateStream(input: raw, format: .gzip, path: url.path, baseOffset: 0)
                return try readHeader(from: stream, path: url.path)
            }
            return try NIfTIHeader.parse(raw, path: url.path)
        }
    }

    /// Reads header and voxels. Voxels with a non-trivial scl_slope/scl_inter come back
    /// as Float32 `value × slope + inter`.
    public static func read(_ url: URL, options: ImageReadOptions = .init()) throws -> AnyVolume {
        let path = url.path
        let data = try BinaryFile.mapped(url)
        let volume: AnyVolume = try data.withUnsafeBytes { raw in
            if isGzip(url) {
                let stream = try InflateStream(input: raw, format: .gzip, path: path, baseOffset: 0)
                let header = try readHeader(from: stream, path: path)
                let plan = try Plan(header, path: path, limit: options.maximumBytes)
                // Deflate cannot expand more than 1032:1, so a tiny file cannot claim a huge image.
                guard plan.voxOffset + plan.byteCount <= raw.count * 1032 + 64 else {
                    throw ImageFormatError.compression(path: path, offset: 0,
                                                       reason: "\(raw.count) compressed bytes cannot hold the \(plan.byteCount) bytes dim implies")
                }
                try stream.skip(plan.voxOffset - NIfTIHeader.byteCount)
                return try plan.makeVolume { try stream.read(into: $0) }
            }
            let header = try NIfTIHeader.parse(raw, path: path)
            let plan = try Plan(header, path: path, limit: options.maximumBytes)
            let available = max(raw.count - plan.voxOffset, 0)
            guard available >= plan.byteCount else {
                throw ImageFormatError.truncatedData(path: path, offset: plan.voxOffset, expectedBytes: plan.byteCount, foundBytes: available)
            }
            return try plan.makeVolume { try BinaryFile.read(url, offset: plan.voxOffset, into: $0) }
        }
        return volume
    }

    /// Reads the geometry and checks the file holds the voxels (for `.nii.gz`, that the
    /// stream is long enough), without reading them.
    public static func readGeometry(_ url: URL, options: ImageReadOptions = .init()) throws -> ImageGeometry {
        let path = url.path
        let header = try readHeader(url)
        let plan = try Plan(header, path: path, limit: options.maximumBytes)
        let fileSize = try BinaryFile.size(of: url)
        if isGzip(url) {
            guard plan.voxOffset + plan.byteCount <= fileSize * 1032 + 64 else {
                throw ImageFormatError.compression(path: path, offset: 0,
                                                   reason: "\(fileSize) compressed bytes cannot hold the \(plan.byteCount) bytes dim implies")
            }
        } else {
            let available = max(fileSize - plan.voxOffset, 0)
            guard available >= plan.byteCount else {
                throw ImageFormatError.truncatedData(path: path, offset: plan.voxOffset, expectedBytes: plan.byteCount, foundBytes: available)
            }
        }
        return try header.geometry(path: path)
    }

    static func isGzip(_ url: URL) -> Bool { url.pathExtension.lowercased() == "gz" }

    private static func readHeader(from stream: InflateStream, path: String) throws -> NIfTIHeader {
        var bytes = [UInt8](repeating: 0, count: NIfTIHeader.byteCount)
        try bytes.withUnsafeMutableBytes { try stream.read(into: $0) }
        return try bytes.withUnsafeBytes { try NIfTIHeader.parse($0, path: path) }
    }

    /// What a checked header asks for: type, geometry, sizes, offset.
    private struct Plan {
        let header: NIfTIHeader
        let type: VoxelType
        let geometry: ImageGeometry
        let channels: Int
        let voxOffset: Int
        let byteCount: Int

        init(_ header: NIfTIHeader, path: String, limit: Int) throws {
            self.header = header
            guard header.magic == "n+1" else {
                let reason = header.magic == "ni1" ? "a .hdr/.img pair ('ni1') is not supported; convert to a single .nii"
                                                   : "magic '\(header.magic)' is not 'n+1'"
                throw ImageFormatError.invalidNIfTIHeader(path: path, field: "magic", offset: NIfTIHeader.Offset.magic, reason: reason)
            }
            guard let type = NIfTIHeader.voxelType(datatype: header.datatype) else {
                throw ImageFormatError.unsupportedElementType(path: path, key: "datatype", value: String(header.datatype))
            }
            self.type = type
            let v = header.voxOffset
            guard v.isFinite, v >= 352, v == v.rounded(), v < Double(Int32.max) else {
                throw ImageFormatError.invalidNIfTIHeader(path: path, field: "vox_offset", offset: NIfTIHeader.Offset.voxOffset,
                                                          reason: "\(v) is not a whole byte offset of at least 352")
            }
            voxOffset = Int(v)
            let layout = try header.layout(path: path)
            channels = layout.channels
            byteCount = try VoxelBytes.checkedByteCount(
                extents: [layout.size.i, layout.size.j, layout.size.k], channels: channels, type: type,
                limit: limit, path: path, key: "dim")
            geometry = try header.geometry(path: path)
        }

        /// Builds the volume from bytes `fill` writes in file order (components planar).
        func makeVolume(_ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> AnyVolume {
            let swap = header.isBigEndian != VoxelBytes.hostIsBigEndian
            let width = type.byteCount, planes = channels
            var volume = try VoxelBytes.makeVolume(type: type, geometry: geometry, channels: channels, swapBytes: swap) { buffer in
                guard planes > 1 else { return try fill(buffer) }
                // NIfTI stores vector components as whole volumes; the toolkit interleaves.
                let planar = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count, alignment: 16)
                defer { planar.deallocate() }
                try fill(planar)
                VoxelBytes.reorderChannels(UnsafeRawBufferPointer(planar), into: buffer, width: width, channels: planes, toPlanar: false)
            }
            if header.hasScaling {
                let (slope, inter) = (header.sclSlope, header.sclInter)
                let scaled = volume.doubleValues.map { Float($0 * slope + inter) }
                volume = .float32(try Volume(geometry: geometry, voxels: scaled, channelCount: channels))
            }
            return volume
        }
    }
}
