import Foundation
import ImagingCore

/// Writes MetaImage files the way ITK does: `.mhd` + `.raw` (or `.zraw` when
/// compressed), or `.mha` with the voxels inline. Every file is written atomically; for
/// .mhd an earlier header is removed first and the data file is written before the header
/// that names it, so an interrupted rewrite never pairs an old header with new data.
public enum MetaImageWriter {
    /// Writes `volume` to `url` (.mhd or .mha), one zlib stream when `compress`.
    public static func write(_ volume: AnyVolume, to url: URL, compress: Bool = false) throws {
        let path = url.path
        let elementType = MetaImageElementType(volume.voxelType)
        let compressed: Data? = try compress
            ? volume.withVoxelBytes { try Deflate.compress($0, format: .zlib, level: Deflate.level(for: volume.voxelType), path: path) } : nil
        let inline = url.pathExtension.lowercased() == "mha"
        let dataName = url.deletingPathExtension().lastPathComponent + (compress ? ".zraw" : ".raw")
        let header = MetaImageHeader(geometry: volume.geometry, elementType: elementType, channelCount: volume.channelCount,
                                     dataFile: inline ? .local : .file(dataName), compressedDataSize: compressed?.count)
        func writeVoxels(_ out: FileOutput) throws {
            if let compressed { try out.write(compressed) } else { try volume.withVoxelBytes { try out.write($0) } }
        }
        if inline {
            try FileOutput.atomically(url) { out in
                try out.write(Data(header.text.utf8))
                try writeVoxels(out)
            }
        } else {
            // An earlier header goes first: a write stopped between the two files must not
            // leave the old header naming the new data (a pair that looks whole). Without a
            // header the scan is simply absent until the new one is written.
            try? FileManager.default.removeItem(at: url)
            try FileOutput.atomically(url.deletingLastPathComponent().appendingPathComponent(dataName), writeVoxels)
            try AtomicFile.write(Data(header.text.utf8), to: url)
        }
    }
}
