import CLibDeflate
import Foundation

/// Whole-buffer (de)compression through libdeflate, which is two to three times faster
/// than zlib when the entire input is in memory and the output size is known — exactly
/// the case of a `.zraw` volume. It writes and reads ordinary zlib and gzip streams, so
/// files stay readable by ITK, nibabel and zlib. The streaming `InflateStream` remains
/// the reference path: it handles multi-member gzip and gives byte-precise errors.
enum WholeBufferDeflate {
    /// Inflates one complete zlib or gzip stream (detected by its first bytes) into
    /// `output`; true only when the stream is valid and fills `output` exactly. On false
    /// the caller re-reads through `InflateStream` for the precise error.
    static func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard let inBase = input.baseAddress, let outBase = output.baseAddress,
              let decompressor = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0, produced = 0
        let isGzip = input.count >= 2 && input[0] == 0x1f && input[1] == 0x8b
        let result = isGzip
            ? libdeflate_gzip_decompress_ex(decompressor, inBase, input.count, outBase, output.count, &consumed, &produced)
            : libdeflate_zlib_decompress_ex(decompressor, inBase, input.count, outBase, output.count, &consumed, &produced)
        // A gzip file may hold several members; let the streaming path handle that.
        return result == LIBDEFLATE_SUCCESS && produced == output.count && (!isGzip || consumed == input.count)
    }

    /// Compresses `input` into one zlib stream at `level` (libdeflate's scale: 1 fastest).
    static func zlibCompress(_ input: UnsafeRawBufferPointer, level: Int32, path: String) throws -> Data {
        guard let compressor = libdeflate_alloc_compressor(level) else {
            throw ImageFormatError.writeFailed(path: path, reason: "cannot create a level \(level) compressor")
        }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_zlib_compress_bound(compressor, input.count)
        guard let out = malloc(max(bound, 1)) else { throw ImageFormatError.writeFailed(path: path, reason: "out of memory for \(bound) bytes") }
        let produced = libdeflate_zlib_compress(compressor, input.baseAddress, input.count, out, bound)
        guard produced > 0 else {
            free(out)
            throw ImageFormatError.writeFailed(path: path, reason: "compression failed")
        }
        return Data(bytesNoCopy: out, count: produced, deallocator: .free)
    }
}
