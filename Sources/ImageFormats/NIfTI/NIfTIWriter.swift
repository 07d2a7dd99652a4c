import Foundation
import ImagingCore

/// Writes NIfTI-1 single files (.nii, or .nii.gz as one gzip stream), with both qform
/// and sform (code 1, scanner) converted from LPS to RAS.
public enum NIfTIWriter {
    /// Writes `volume` atomically; gzip-compressed when the name ends in .gz.
    public static func write(_ volume: AnyVolume, to url: URL) throws {
        // NIfTI-1 stores each extent as a signed 16-bit number.
        let s = volume.geometry.size
        for (axis, extent) in [("i", s.i), ("j", s.j), ("k", s.k), ("channels", volume.channelCount)] where extent > Int(Int16.max) {
            throw ImageFormatError.invalidDimensions(path: url.path, key: "dim (\(axis))",
                                                     value: "\(extent) exceeds NIfTI-1's limit of \(Int16.max); write MetaImage instead")
        }
        let header = NIfTIHeader(geometry: volume.geometry, voxelType: volume.voxelType, channels: volume.channelCount)
        let headerBytes = header.serialized(bitpix: volume.voxelType.byteCount * 8)
        try volume.withVoxelBytes { voxels in
            try withFileOrder(voxels, width: volume.voxelType.byteCount, channels: volume.channelCount) { body in
                try headerBytes.withUnsafeBytes { head in
                    if NIfTIReader.isGzip(url) {
                        let compressed = try Deflate.compress(parts: [head, body], format: .gzip, path: url.path)
                        try AtomicFile.write(compressed, to: url)
                    } else {
                        try FileOutput.atomically(url) { out in
                            try out.write(head)
                            try out.write(body)
                        }
                    }
                }
            }
        }
    }

    /// The voxel bytes in NIfTI order: vector components as whole volumes, one after another.
    private static func withFileOrder<R>(_ voxels: UnsafeRawBufferPointer, width: Int, channels: Int,
                                         _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard channels > 1 else { return try body(voxels) }
        let planar = UnsafeMutableRawBufferPointer.allocate(byteCount: voxels.count, alignment: 16)
        defer { planar.deallocate() }
        VoxelBytes.reorderChannels(voxels, into: planar, width: width, channels: channels, toPlanar: true)
        return try body(UnsafeRawBufferPointer(planar))
    }
}
