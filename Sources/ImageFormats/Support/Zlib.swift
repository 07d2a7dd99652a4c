import CZlib
import Foundation
import ImagingCore

/// zlib window bits: 15 for a zlib stream, +16 for gzip only, +32 to detect either.
enum ZlibFormat {
    case zlib, gzip, zlibOrGzip

    var windowBits: Int32 {
        switch self {
        case .zlib: return 15
        case .gzip: return 16 + 15
        case .zlibOrGzip: return 32 + 15
        }
    }
}

/// Inflates a zlib or gzip stream held in memory straight into caller-owned buffers, so
/// a volume is decompressed in one pass into its final array. The input must stay valid
/// while the stream is used (create it inside `withUnsafeBytes`).
final class InflateStream {
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeRawBufferPointer
    private let path: String
    private let baseOffset: Int
    private let allowsMultipleMembers: Bool
    private var consumed = 0
    private var ended = false

    /// `baseOffset` is where `input` starts in the file, for error messages. gzip files
    /// may hold several members back to back (`cat a.gz b.gz`); those are read as one.
    init(input: UnsafeRawBufferPointer, format: ZlibFormat, path: String, baseOffset: Int) throws {
        self.input = input
        self.path = path
        self.baseOffset = baseOffset
        self.allowsMultipleMembers = format != .zlib
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = inflateInit2_(stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw ImageFormatError.compression(path: path, offset: baseOffset, reason: "inflateInit2 failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Fills `output` completely; throws when the stream is corrupt or ends first.
    func read(into output: UnsafeMutableRawBufferPointer) throws {
        var produced = 0
        while produced < output.count {
            guard let base = output.baseAddress else { return }
            if ended {
                guard allowsMultipleMembers, consumed < input.count, inflateReset(stream) == Z_OK else {
                    throw ImageFormatError.compression(
                        path: path, offset: baseOffset + consumed,
                        reason: "stream ends after \(produced) of \(output.count) expected bytes")
                }
                ended = false
            }
            produced += try step(into: base + produced, count: output.count - produced)
        }
    }

    /// Decompresses and discards `count` bytes.
    func skip(_ count: Int) throws {
        guard count > 0 else { return }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 1 << 16), alignment: 1)
        defer { scratch.deallocate() }
        var left = count
        while left > 0 {
            let n = min(left, scratch.count)
            try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<n]))
            left -= n
        }
    }

    /// Reads to the end of the stream, checking its trailer (checksum), and throws if
    /// it holds more data than was read.
    func finish() throws {
        var byte: UInt8 = 0
        while !ended {
            let n = try withUnsafeMutablePointer(to: &byte) { try step(into: UnsafeMutableRawPointer($0), count: 1) }
            if n > 0 {
                throw ImageFormatError.compression(
                    path: path, offset: baseOffset + consumed,
                    reason: "stream holds more data than the header describes")
            }
        }
    }

    /// One call to inflate; returns the bytes produced.
    private func step(into out: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let availOut = UInt32(clamping: count)
        let availIn = UInt32(clamping: input.count - consumed)
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = availOut
        if let inBase = input.baseAddress {
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (inBase + consumed).assumingMemoryBound(to: Bytef.self))
        }
        stream.pointee.avail_in = availIn
        let rc = CZlib.inflate(stream, Z_NO_FLUSH)
        let used = Int(availIn - stream.pointee.avail_in)
        let produced = Int(availOut - stream.pointee.avail_out)
        consumed += used
        switch rc {
        case Z_STREAM_END:
            ended = true
        case Z_OK:
            break
        case Z_BUF_ERROR where used == 0 && produced == 0 && consumed >= input.count:
            throw ImageFormatError.compression(path: path, offset: baseOffset + consumed,
                                               reason: "stream is truncated (input ends before the stream does)")
        case Z_BUF_ERROR:
            break
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
            throw ImageFormatError.compression(path: path, offset: baseOffset + consumed, reason: message)
        }
        if !ended, used == 0, produced == 0, consumed >= input.count {
            throw ImageFormatError.compression(path: path, offset: baseOffset + consumed,
                                               reason: "stream is truncated (input ends before the stream does)")
        }
        return produced
    }
}

/// One-shot deflate of a buffer into one zlib or gzip stream.
enum Deflate {
    /// Level 1: CT volumes compress almost as well as at level 6 and several times faster.
    static let defaultLevel: Int32 = 1

    /// The level for a volume of `type`. 8-bit volumes are nearly always masks and label
    /// maps — long runs of zeros — where libdeflate's level 2 is twice as fast as its
    /// level 1 and smaller (measured on a 512×512×300 mask: 0.08 s against 0.18 s);
    /// on CT, level 1 is the fast one (0.44 s against 0.70 s).
    static func level(for type: VoxelType) -> Int32 {
        type.byteCount == 1 ? 2 : defaultLevel
    }

    /// Compresses `input` into a single stream any zlib reader (ITK, nibabel) accepts.
    static func compress(_ input: UnsafeRawBufferPointer, format: ZlibFormat, level: Int32 = defaultLevel, path: String) throws -> Data {
        if format == .zlib { return try WholeBufferDeflate.zlibCompress(input, level: level, path: path) }
        return try compress(parts: [input], format: format, level: level, path: path)
    }

    /// Compresses the concatenation of `parts` into a single stream.
    static func compress(parts: [UnsafeRawBufferPointer], format: ZlibFormat, level: Int32 = defaultLevel, path: String) throws -> Data {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let bits: Int32 = format == .gzip ? 16 + 15 : 15
        guard deflateInit2_(stream, level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ImageFormatError.writeFailed(path: path, reason: "deflateInit2 failed")
        }
        defer { deflateEnd(stream) }
        let total = parts.reduce(0) { $0 + $1.count }
        let bound = Int(deflateBound(stream, UInt(total))) + 64 * (parts.count + 1)
        guard let out = malloc(bound) else { throw ImageFormatError.writeFailed(path: path, reason: "out of memory for \(bound) bytes") }
        var produced = 0
        for (index, part) in parts.enumerated() {
            var consumed = 0
            while true {
                let availIn = UInt32(clamping: part.count - consumed)
                let availOut = UInt32(clamping: bound - produced)
                if let inBase = part.baseAddress {
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: (inBase + consumed).assumingMemoryBound(to: Bytef.self))
                }
                stream.pointee.avail_in = availIn
                stream.pointee.next_out = (out + produced).assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = availOut
                let finishing = index == parts.count - 1 && part.count - consumed <= Int(UInt32.max)
                let rc = deflate(stream, finishing ? Z_FINISH : Z_NO_FLUSH)
                consumed += Int(availIn - stream.pointee.avail_in)
                produced += Int(availOut - stream.pointee.avail_out)
                if rc == Z_STREAM_END { break }
                guard rc == Z_OK || rc == Z_BUF_ERROR, produced < bound else {
                    free(out)
                    throw ImageFormatError.writeFailed(path: path, reason: "deflate failed (\(rc))")
                }
                if !finishing, consumed == part.count { break }
            }
        }
        return Data(bytesNoCopy: out, count: produced, deallocator: .free)
    }
}

/// CRC-32 as PNG and gzip use it.
func crc32(_ bytes: UnsafeRawBufferPointer, initial: UInt = 0) -> UInt32 {
    var crc = initial
    var offset = 0
    while offset < bytes.count, let base = bytes.baseAddress {
        let n = min(bytes.count - offset, Int(UInt32.max))
        crc = CZlib.crc32(crc, (base + offset).assumingMemoryBound(to: Bytef.self), UInt32(n))
        offset += n
    }
    return UInt32(truncatingIfNeeded: crc)
}
