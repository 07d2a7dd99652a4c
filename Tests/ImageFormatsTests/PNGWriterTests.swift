import Foundation
import TestSupport
import XCTest
@testable import ImageFormats

/// PNGs we write decode (by our own chunk parser and inflate, and by SimpleITK's libpng)
/// to exactly the pixels given.
final class PNGWriterTests: XCTestCase {
    private let width = 37, height = 23

    private var grayPixels: [UInt8] { (0..<(width * height)).map { UInt8(($0 * 7 + $0 / 37) % 256) } }
    private var rgbPixels: [UInt8] { (0..<(width * height * 3)).map { UInt8(($0 * 13) % 251) } }

    /// Parses chunks (checking each CRC), returns IHDR fields and the inflated scanlines.
    private func decode(_ url: URL) throws -> (width: Int, height: Int, colorType: UInt8, rows: [[UInt8]]) {
        let data = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func be32(_ at: Int) -> Int { data[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8, types: [String] = [], idat: [UInt8] = [], ihdr: [UInt8] = []
        while offset + 12 <= data.count {
            let length = be32(offset)
            let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(data[(offset + 8)..<(offset + 8 + length)])
            let crc = data[(offset + 4)..<(offset + 8 + length)].withUnsafeBytes { ImageFormats.crc32($0) }
            XCTAssertEqual(UInt32(be32(offset + 8 + length)), crc, "CRC of \(type)")
            types.append(type)
            if type == "IHDR" { ihdr = body } else if type == "IDAT" { idat += body }
            offset += 12 + length
        }
        XCTAssertEqual(types.first, "IHDR")
        XCTAssertEqual(types.last, "IEND")
        let w = ihdr[0..<4].reduce(0) { $0 << 8 | Int($1) }, h = ihdr[4..<8].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(ihdr[8], 8, "bit depth")
        let channels = ihdr[9] == 2 ? 3 : 1
        var scanlines = [UInt8](repeating: 0, count: (w * channels + 1) * h)
        try idat.withUnsafeBytes { input in
            let stream = try InflateStream(input: input, format: .zlib, path: url.path, baseOffset: 0)
            try scanlines.withUnsafeMutableBytes { try stream.read(into: $0) }
            try stream.finish()
        }
        let rows = (0..<h).map { Array(scanlines[($0 * (w * channels + 1))..<(($0 + 1) * (w * channels + 1))]) }
        return (w, h, ihdr[9], rows)
    }

    /// The pixels of decoded rows (filter byte first), undoing PNG filters None, Sub and Up
    /// (the only ones the writer uses; any other fails the test).
    private func unfiltered(_ rows: [[UInt8]], channels: Int) -> [UInt8] {
        var previous = [UInt8](repeating: 0, count: (rows.first?.count ?? 1) - 1), out: [UInt8] = []
        for row in rows {
            var line = Array(row.dropFirst())
            switch row.first {
            case 0: break
            case 1: for x in channels..<max(channels, line.count) { line[x] = line[x] &+ line[x - channels] }
            case 2: for x in line.indices { line[x] = line[x] &+ previous[x] }
            default: XCTFail("filter type \(row.first ?? 255) not expected")
            }
            out += line
            previous = line
        }
        return out
    }

    /// A picture enlarged 3x, as overlays are: every row repeats twice.
    private var enlargedPixels: [UInt8] {
        var pixels: [UInt8] = []
        for j in 0..<(height * 3) {
            for i in 0..<(width * 3) {
                let red = UInt8((i / 3) * 5 % 256), green = UInt8((j / 3) * 11 % 256)
                pixels += [red, green, 77]
            }
        }
        return pixels
    }

    func testRepeatedRowsAreWrittenUpAndOthersSub() throws {
        let url = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("enlarged.png")
        let pixels = enlargedPixels
        try PNGWriter.writeRGB(pixels, width: width * 3, height: height * 3, to: url)
        let png = try decode(url)
        let filters: [UInt8] = png.rows.map { $0[0] }
        let expected: [UInt8] = (0..<(height * 3)).map { (row: Int) -> UInt8 in row % 3 == 0 ? 1 : 2 }
        XCTAssertEqual(filters, expected)
        for (row, bytes) in png.rows.enumerated() where row % 3 != 0 {
            XCTAssertTrue(bytes.dropFirst().allSatisfy { $0 == 0 }, "row \(row): an Up row repeating the one above is all zeros")
        }
        XCTAssertEqual(unfiltered(png.rows, channels: 3), pixels)
    }

    func testGrayPNGDecodesToTheSamePixels() throws {
        let url = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("gray.png")
        try PNGWriter.writeGray(grayPixels, width: width, height: height, to: url)
        let png = try decode(url)
        XCTAssertEqual([png.width, png.height], [37, 23])
        XCTAssertEqual(png.colorType, 0)
        XCTAssertTrue(png.rows.allSatisfy { $0.first == 1 }, "no row repeats the one above: Sub on every row")
        XCTAssertEqual(unfiltered(png.rows, channels: 1), grayPixels)
    }

    func testRGBPNGDecodesToTheSameInterleavedPixels() throws {
        let url = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("rgb.png")
        try PNGWriter.writeRGB(rgbPixels, width: width, height: height, to: url)
        let png = try decode(url)
        XCTAssertEqual(png.colorType, 2)
        let decoded = unfiltered(png.rows, channels: 3)
        XCTAssertEqual(decoded, rgbPixels)
        XCTAssertEqual(decoded[111...113], [rgbPixels[111], rgbPixels[112], rgbPixels[113]])
    }

    func testLibpngThroughSimpleITKReadsOurPixels() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let gray = folder.appendingPathComponent("gray.png"), rgb = folder.appendingPathComponent("rgb.png")
        try PNGWriter.writeGray(grayPixels, width: width, height: height, to: gray)
        try PNGWriter.writeRGB(rgbPixels, width: width, height: height, to: rgb)
        let enlarged = folder.appendingPathComponent("enlarged.png")
        try PNGWriter.writeRGB(enlargedPixels, width: width * 3, height: height * 3, to: enlarged)
        let images = try PythonOracle.json("sitk_describe.py", [folder.path, gray.path, rgb.path, enlarged.path], as: [OracleImage].self)
        XCTAssertEqual(images.map(\.channels), [1, 3, 3])
        XCTAssertEqual(images.map(\.size), [[37, 23, 1], [37, 23, 1], [111, 69, 1]])
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(images[2].voxels)))), enlargedPixels)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(images[0].voxels)))), grayPixels)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(images[1].voxels)))), rgbPixels)
    }

    func testWrongPixelCountIsAnErrorAndWritesNothing() throws {
        let url = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("bad.png")
        XCTAssertThrowsError(try PNGWriter.writeRGB(grayPixels, width: width, height: height, to: url)) { error in
            guard case ImageFormatError.invalidPixels(let path, _)? = error as? ImageFormatError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }
}
