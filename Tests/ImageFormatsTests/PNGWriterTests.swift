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

    func testGrayPNGDecodesToTheSamePixels() throws {
        let url = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("gray.png")
        try PNGWriter.writeGray(grayPixels, width: width, height: height, to: url)
        let png = try decode(url)
        XCTAssertEqual([png.width, png.height], [37, 23])
        XCTAssertEqual(png.colorType, 0)
        XCTAssertTrue(png.rows.allSatisfy { $0.first == 0 }, "filter type 0 on every row")
        XCTAssertEqual(png.rows.flatMap { $0.dropFirst() }, grayPixels)
    }

    func testRGBPNGDecodesToTheSameInterleavedPixels() throws {
        let url = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("rgb.png")
        try PNGWriter.writeRGB(rgbPixels, width: width, height: height, to: url)
        let png = try decode(url)
        XCTAssertEqual(png.colorType, 2)
        XCTAssertEqual(png.rows.flatMap { $0.dropFirst() }, rgbPixels)
        XCTAssertEqual(png.rows[1][1...3], [rgbPixels[111], rgbPixels[112], rgbPixels[113]])
    }

    func testLibpngThroughSimpleITKReadsOurPixels() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let gray = folder.appendingPathComponent("gray.png"), rgb = folder.appendingPathComponent("rgb.png")
        try PNGWriter.writeGray(grayPixels, width: width, height: height, to: gray)
        try PNGWriter.writeRGB(rgbPixels, width: width, height: height, to: rgb)
        let images = try PythonOracle.json("sitk_describe.py", [folder.path, gray.path, rgb.path], as: [OracleImage].self)
        XCTAssertEqual(images.map(\.channels), [1, 3])
        XCTAssertEqual(images.map(\.size), [[37, 23, 1], [37, 23, 1]])
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
