import Foundation
import ImagingCore

/// Writes 8-bit PNG images (grayscale or RGB), zlib-compressed, atomically. Enough for
/// overlays and plots; no palette, alpha or 16-bit.
public enum PNGWriter {
    /// Writes `pixels` (row by row, `width × height` bytes) as an 8-bit grayscale PNG.
    public static func writeGray(_ pixels: [UInt8], width: Int, height: Int, to url: URL) throws {
        try write(pixels, width: width, height: height, channels: 1, colorType: 0, to: url)
    }

    /// Writes interleaved RGB `pixels` (`width × height × 3` bytes) as an 8-bit RGB PNG.
    public static func writeRGB(_ pixels: [UInt8], width: Int, height: Int, to url: URL) throws {
        try write(pixels, width: width, height: height, channels: 3, colorType: 2, to: url)
    }

    /// The PNG bytes for `pixels` (exposed for tests and in-memory use).
    static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, colorType: UInt8, path: String) throws -> Data {
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ImageFormatError.invalidPixels(path: path, reason: "size \(width)x\(height) must be at least 1x1")
        }
        let rowBytes = width * channels
        guard pixels.count == rowBytes * height else {
            throw ImageFormatError.invalidPixels(path: path, reason: "\(pixels.count) bytes given, \(rowBytes * height) needed for \(width)x\(height)x\(channels)")
        }
        // Each scanline starts with its filter type. A row equal to the one above (an
        // enlarged picture repeats every row) is written Up (2), all zeros; any other Sub (1),
        // the difference from the pixel to its left, which is zero across flat and enlarged
        // runs. Deflate then meets long zero runs: 3-5x faster than unfiltered rows on
        // 3x-enlarged CT overlays, and smaller.
        var scanlines = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        pixels.withUnsafeBufferPointer { src in
            scanlines.withUnsafeMutableBufferPointer { dst in
                for row in 0..<height {
                    let from = row * rowBytes, to = row * (rowBytes + 1)
                    let repeatsAbove = row > 0 && memcmp(src.baseAddress! + from, src.baseAddress! + from - rowBytes, rowBytes) == 0
                    if repeatsAbove {
                        dst[to] = 2  // Up: every byte minus the byte above, all zero here
                        continue
                    }
                    dst[to] = 1  // Sub: every byte minus the same channel's byte one pixel left
                    for x in 0..<rowBytes {
                        let left: UInt8 = x >= channels ? src[from + x - channels] : 0
                        dst[to + 1 + x] = src[from + x] &- left
                    }
                }
            }
        }
        let compressed = try scanlines.withUnsafeBytes { try Deflate.compress($0, format: .zlib, level: 1, path: path) }
        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, colorType, 0, 0, 0])  // bit depth, colour type, deflate, filter method 0 (adaptive), no interlace
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", compressed)
        png.appendChunk("IEND", Data())
        return png
    }

    private static func write(_ pixels: [UInt8], width: Int, height: Int, channels: Int, colorType: UInt8, to url: URL) throws {
        let png = try encode(pixels, width: width, height: height, channels: channels, colorType: colorType, path: url.path)
        try AtomicFile.write(png, to: url)
    }
}

private extension Data {
    mutating func appendBigEndian(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// length, type, data, CRC-32 of type + data.
    mutating func appendChunk(_ type: String, _ body: Data) {
        appendBigEndian(UInt32(body.count))
        let typed = Data(type.utf8) + body
        append(typed)
        appendBigEndian(typed.withUnsafeBytes { crc32($0) })
    }
}
