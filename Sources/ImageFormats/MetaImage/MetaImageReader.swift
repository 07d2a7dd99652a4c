import Foundation
import ImagingCore

/// Reads MetaImage files: .mhd with a separate .raw/.zraw or LIST of slice files, and
/// .mha with the voxels inline (LOCAL). Sizes are checked against the files and
/// `ImageReadOptions.maximumBytes` before anything is allocated.
public enum MetaImageReader {
    /// Parses only the header.
    public static func readHeader(_ url: URL) throws -> MetaImageHeader {
        try MetaImageHeader.parse(try BinaryFile.mapped(url), path: url.path)
    }

    /// Reads header and voxels.
    public static func read(_ url: URL, options: ImageReadOptions = .init()) throws -> AnyVolume {
        let (header, geometry, chunks) = try plan(url, options: options)
        let swap = header.isBigEndian != VoxelBytes.hostIsBigEndian
        return try VoxelBytes.makeVolume(type: header.elementType.voxelType, geometry: geometry,
                                         channels: header.channelCount, swapBytes: swap) { buffer in
            var filled = 0
            for chunk in chunks {
                try read(chunk, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + chunk.byteCount)]))
                filled += chunk.byteCount
            }
        }
    }

    /// Reads the geometry and checks the data files hold the voxels, without reading them.
    public static func readGeometry(_ url: URL, options: ImageReadOptions = .init()) throws -> ImageGeometry {
        try plan(url, options: options).geometry
    }

    /// Parses the header, checks its geometry and size, and locates every data chunk —
    /// all before a voxel array exists.
    static func plan(_ url: URL, options: ImageReadOptions) throws -> (header: MetaImageHeader, geometry: ImageGeometry, chunks: [DataChunk]) {
        let path = url.path
        let header = try readHeader(url)
        let geometry = try header.geometry(path: path)
        let type = header.elementType.voxelType
        let byteCount = try VoxelBytes.checkedByteCount(
            extents: header.size, channels: header.channelCount, type: type,
            limit: options.maximumBytes, path: path, key: "DimSize")
        // Resolve every data file and check its size before the voxel array exists.
        var chunks: [DataChunk] = []
        switch header.dataFile {
        case .local:
            chunks = [try locate(url, start: header.headerByteCount, header: header, byteCount: byteCount,
                                 compressedSize: header.compressedDataSize)]
        case .file(let name):
            let dataURL = try DataFilePath.resolve(name, header: url, key: "ElementDataFile",
                                                   allowOutside: options.allowDataFileOutsideFolder)
            chunks = [try locate(dataURL, start: 0, header: header, byteCount: byteCount, compressedSize: header.compressedDataSize)]
        case .list(_, let files):
            for (n, name) in files.enumerated() {
                let dataURL = try DataFilePath.resolve(name, header: url, key: "ElementDataFile LIST entry \(n + 1)",
                                                       allowOutside: options.allowDataFileOutsideFolder)
                chunks.append(try locate(dataURL, start: 0, header: header, byteCount: byteCount / files.count, compressedSize: nil))
            }
        }
        return (header, geometry, chunks)
    }

    /// Where one data file's voxels are: `length` stored bytes at `offset` that give
    /// `byteCount` voxel bytes (the same for raw data).
    struct DataChunk {
        let url: URL
        let offset: Int
        let length: Int
        let byteCount: Int
        let isCompressed: Bool
    }

    /// Finds a data file's voxels and checks the file holds them. `start` is where the
    /// data file's own bytes begin (after the header text for LOCAL).
    static func locate(_ url: URL, start: Int, header: MetaImageHeader, byteCount: Int, compressedSize: Int?) throws -> DataChunk {
        let fileSize = try BinaryFile.size(of: url)
        if header.isCompressed {
            // HeaderSize = -1 puts the stream at the end, which needs its size.
            let offset: Int
            if header.headerSize == -1, let compressedSize { offset = fileSize - compressedSize } else { offset = try skip(start, header.headerSize, url) }
            let available = max(fileSize - offset, 0)
            let length = compressedSize ?? available
            guard offset >= 0, offset <= fileSize, length <= available else {
                throw ImageFormatError.truncatedData(path: url.path, offset: max(offset, 0), expectedBytes: length, foundBytes: available)
            }
            // Deflate cannot expand more than 1032:1, so a tiny stream cannot hold a huge image.
            guard byteCount <= length * 1032 + 64 else {
                throw ImageFormatError.compression(path: url.path, offset: offset,
                                                   reason: "\(length) compressed bytes cannot hold the \(byteCount) bytes DimSize implies")
            }
            return DataChunk(url: url, offset: offset, length: length, byteCount: byteCount, isCompressed: true)
        }
        let offset = header.headerSize == -1 ? fileSize - byteCount : try skip(start, header.headerSize, url)
        let available = max(fileSize - max(offset, 0), 0)
        guard offset >= start, available >= byteCount else {
            throw ImageFormatError.truncatedData(path: url.path, offset: max(offset, start), expectedBytes: byteCount,
                                                 foundBytes: min(available, max(fileSize - start, 0)))
        }
        return DataChunk(url: url, offset: offset, length: byteCount, byteCount: byteCount, isCompressed: false)
    }

    /// `start + headerSize`, or an error when the sum cannot be a file offset (a
    /// HeaderSize near Int.max would otherwise overflow).
    static func skip(_ start: Int, _ headerSize: Int, _ url: URL) throws -> Int {
        let (sum, overflow) = start.addingReportingOverflow(max(headerSize, 0))
        guard !overflow, sum <= Int(Int32.max) << 16 else {
            throw ImageFormatError.invalidValue(path: url.path, key: "HeaderSize", value: String(headerSize),
                                                expected: "a byte count within the data file")
        }
        return sum
    }

    /// Reads a located chunk into `buffer` (exactly `chunk.byteCount` bytes): `pread`
    /// for raw data, one inflate pass from the mapped file for compressed data.
    static func read(_ chunk: DataChunk, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard chunk.isCompressed else { return try BinaryFile.read(chunk.url, offset: chunk.offset, into: buffer) }
        let data = try BinaryFile.mapped(chunk.url)
        guard data.count >= chunk.offset + chunk.length else {
            throw ImageFormatError.truncatedData(path: chunk.url.path, offset: chunk.offset, expectedBytes: chunk.length,
                                                 foundBytes: max(data.count - chunk.offset, 0))
        }
        try data.withUnsafeBytes { raw in
            let input = UnsafeRawBufferPointer(rebasing: raw[chunk.offset..<(chunk.offset + chunk.length)])
            if WholeBufferDeflate.inflate(input, into: buffer) { return }
            // The streaming path: multi-member gzip, or a bad stream to report precisely.
            let stream = try InflateStream(input: input, format: .zlibOrGzip, path: chunk.url.path, baseOffset: chunk.offset)
            try stream.read(into: buffer)
            try stream.finish()
        }
    }
}
