import Foundation
import ImagingCore
import TestSupport
import XCTest
@testable import ImageFormats

/// Bad input is an `ImageFormatError` that names the file, the key or offset and the
/// problem — never a crash, and never a read outside the header's folder.
final class MalformedInputTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try TestEnvironment.temporaryDirectory(self)
    }

    private static let goodKeys = """
        ObjectType = Image
        NDims = 3
        BinaryData = True
        BinaryDataByteOrderMSB = False
        TransformMatrix = 1 0 0 0 1 0 0 0 1
        Offset = 0 0 0
        ElementSpacing = 1 1 1
        DimSize = 4 4 4
        ElementType = MET_SHORT
        """

    /// Writes a header (with `replacing` applied to the good keys) and a data file of
    /// `dataBytes` bytes, returns the header URL.
    @discardableResult
    private func writeHeader(_ name: String = "bad.mhd", replacing: [String: String] = [:], removing: [String] = [],
                             dataFile: String = "bad.raw", dataBytes: Int? = 128, in sub: String? = nil) throws -> URL {
        var lines = Self.goodKeys.split(separator: "\n").map(String.init)
        lines = lines.filter { line in !removing.contains { line.hasPrefix($0 + " ") } }
        for (key, value) in replacing {
            if let i = lines.firstIndex(where: { $0.hasPrefix(key + " ") }) { lines[i] = "\(key) = \(value)" } else { lines.append("\(key) = \(value)") }
        }
        lines.append("ElementDataFile = \(dataFile)")
        let dir = sub.map { folder.appendingPathComponent($0) } ?? folder!
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let dataBytes, !dataFile.hasPrefix("/"), !dataFile.hasPrefix("LIST") {
            try Data(repeating: 7, count: dataBytes).write(to: dir.appendingPathComponent(dataFile))
        }
        let url = dir.appendingPathComponent(name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Reads `url`, expecting an `ImageFormatError` that names the file; returns it.
    private func readError(_ url: URL, options: ImageReadOptions = .init(), file: StaticString = #filePath, line: UInt = #line) -> ImageFormatError? {
        do {
            _ = try ImageFile.read(url, options: options)
            XCTFail("reading \(url.lastPathComponent) should fail", file: file, line: line)
        } catch let error as ImageFormatError {
            // Problems in a data file name that file (it shares the header's stem).
            let stem = url.deletingPathExtension().lastPathComponent
            XCTAssertTrue(error.description.contains(url.deletingLastPathComponent().path + "/" + stem), "\(error) names the file", file: file, line: line)
            return error
        } catch {
            XCTFail("expected ImageFormatError, got \(error)", file: file, line: line)
        }
        return nil
    }

    func testGoodHeaderReads() throws {
        let volume = try ImageFile.read(try writeHeader())
        XCTAssertEqual(volume.converted(to: Int16.self).voxels.first, 0x0707)
    }

    func testDataFileEscapingWithDotDotIsRefusedUnlessAllowed() throws {
        try Data(repeating: 1, count: 128).write(to: folder.appendingPathComponent("secret.raw"))
        let url = try writeHeader(dataFile: "../secret.raw", dataBytes: nil, in: "sub")
        XCTAssertEqual(readError(url), .dataFileOutsideFolder(path: url.path, key: "ElementDataFile", dataFile: "../secret.raw"))
        var options = ImageReadOptions()
        options.allowDataFileOutsideFolder = true
        XCTAssertEqual(try ImageFile.read(url, options: options).converted(to: Int16.self).voxels.first, 0x0101)
    }

    func testAbsoluteDataFileIsRefused() throws {
        let secret = folder.appendingPathComponent("secret.raw")
        try Data(repeating: 1, count: 128).write(to: secret)
        let url = try writeHeader(dataFile: secret.path, dataBytes: nil)
        XCTAssertEqual(readError(url), .dataFileOutsideFolder(path: url.path, key: "ElementDataFile", dataFile: secret.path))
    }

    func testListEntryEscapingIsRefused() throws {
        var text = try String(contentsOf: try writeHeader(dataFile: "LIST 2D"), encoding: .utf8)
        text += "slice0.raw\n../slice1.raw\nslice2.raw\nslice3.raw\n"
        let url = folder.appendingPathComponent("list.mhd")
        try text.write(to: url, atomically: true, encoding: .utf8)
        for name in ["slice0.raw", "slice2.raw", "slice3.raw"] { try Data(count: 32).write(to: folder.appendingPathComponent(name)) }
        XCTAssertEqual(readError(url), .dataFileOutsideFolder(path: url.path, key: "ElementDataFile LIST entry 2", dataFile: "../slice1.raw"))
    }

    func testListWithTooFewFilesIsAWrongValueCount() throws {
        var text = try String(contentsOf: try writeHeader(dataFile: "LIST"), encoding: .utf8)
        text += "slice0.raw\n"
        let url = folder.appendingPathComponent("list.mhd")
        try text.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(readError(url), .wrongValueCount(path: url.path, key: "ElementDataFile LIST", found: 1, expected: 4))
    }

    func testTruncatedRawNamesExpectedAndFoundBytes() throws {
        let url = try writeHeader(dataBytes: 100)
        let raw = folder.appendingPathComponent("bad.raw").path
        XCTAssertEqual(readError(url), .truncatedData(path: raw, offset: 0, expectedBytes: 128, foundBytes: 100))
    }

    func testTruncatedInlineDataIsReported() throws {
        let url = folder.appendingPathComponent("short.mha")
        let header = Self.goodKeys + "\nElementDataFile = LOCAL\n"
        try (Data(header.utf8) + Data(count: 50)).write(to: url)
        XCTAssertEqual(readError(url), .truncatedData(path: url.path, offset: header.utf8.count, expectedBytes: 128, foundBytes: 50))
    }

    func testHugeDimSizeExceedsMaximumBytesBeforeAllocating() throws {
        let url = try writeHeader(replacing: ["DimSize": "100000 100000 100000"])
        XCTAssertEqual(readError(url), .tooLarge(path: url.path, key: "DimSize", bytes: 2_000_000_000_000_000, limit: 16 << 30))
        let ct = try writeHeader("ct.mhd", replacing: ["DimSize": "512 512 300"])
        var options = ImageReadOptions()
        options.maximumBytes = 1 << 20
        XCTAssertEqual(readError(ct, options: options), .tooLarge(path: ct.path, key: "DimSize", bytes: 157_286_400, limit: 1 << 20))
    }

    func testNegativeAndZeroDimSizeAreInvalidDimensions() throws {
        let negative = try writeHeader(replacing: ["DimSize": "4 -4 4"])
        XCTAssertEqual(readError(negative), .invalidDimensions(path: negative.path, key: "DimSize", value: "4 -4 4"))
        let zero = try writeHeader("zero.mhd", replacing: ["DimSize": "0 4 4"])
        XCTAssertEqual(readError(zero), .invalidDimensions(path: zero.path, key: "DimSize", value: "0 4 4"))
    }

    func testUnknownElementTypeIsUnsupported() throws {
        let url = try writeHeader(replacing: ["ElementType": "MET_QUATERNION"])
        XCTAssertEqual(readError(url), .unsupportedElementType(path: url.path, key: "ElementType", value: "MET_QUATERNION"))
        let long = try writeHeader("long.mhd", replacing: ["ElementType": "MET_LONG_LONG"])
        XCTAssertEqual(readError(long), .unsupportedElementType(path: long.path, key: "ElementType", value: "MET_LONG_LONG"))
    }

    func testMetLongReadsAsFourByteInt32() throws {
        let url = try writeHeader(replacing: ["ElementType": "MET_LONG", "DimSize": "4 4 2"])
        let volume = try ImageFile.read(url)
        XCTAssertEqual(volume.voxelType, .int32)
        XCTAssertEqual(volume.converted(to: Int32.self).voxels.first, 0x0707_0707)
    }

    func testMissingDimSizeIsAMissingKey() throws {
        let url = try writeHeader(removing: ["DimSize"])
        XCTAssertEqual(readError(url), .missingKey(path: url.path, key: "DimSize"))
        let noData = folder.appendingPathComponent("nodata.mhd")
        try Self.goodKeys.write(to: noData, atomically: true, encoding: .utf8)
        XCTAssertEqual(readError(noData), .missingKey(path: noData.path, key: "ElementDataFile"))
    }

    func testNonNumericSpacingIsAnInvalidValue() throws {
        let url = try writeHeader(replacing: ["ElementSpacing": "1 abc 1"])
        XCTAssertEqual(readError(url), .invalidValue(path: url.path, key: "ElementSpacing", value: "1 abc 1", expected: "3 finite numbers"))
    }

    func testZeroSpacingIsInvalidGeometry() throws {
        let url = try writeHeader(replacing: ["ElementSpacing": "1 0 1"])
        guard case .invalidGeometry(let path, let key, let reason)? = readError(url) else { return XCTFail("expected invalidGeometry") }
        XCTAssertEqual(path, url.path)
        XCTAssertEqual(key, "ElementSpacing")
        XCTAssertTrue(reason.contains("spacing"), reason)
    }

    func testWrongNumberOfTransformMatrixValuesIsReported() throws {
        let url = try writeHeader(replacing: ["TransformMatrix": "1 0 0 0 1 0 0 0"])
        XCTAssertEqual(readError(url), .wrongValueCount(path: url.path, key: "TransformMatrix", found: 8, expected: 9))
    }

    func testSingularTransformMatrixIsInvalidGeometry() throws {
        let url = try writeHeader(replacing: ["TransformMatrix": "1 0 0 1 0 0 0 0 1"])
        guard case .invalidGeometry(_, let key, let reason)? = readError(url) else { return XCTFail("expected invalidGeometry") }
        XCTAssertEqual(key, "TransformMatrix")
        XCTAssertTrue(reason.contains("singular"), reason)
    }

    func testCorruptZlibStreamIsACompressionError() throws {
        let geometry = try ImageGeometry(size: GridSize(16, 16, 4))
        let volume = try Volume<Int16>(geometry: geometry, voxels: (0..<1024).map { Int16($0 % 300) })
        let url = folder.appendingPathComponent("z.mhd")
        try ImageFile.write(volume, to: url, options: ImageWriteOptions(compress: true))
        let zraw = folder.appendingPathComponent("z.zraw")
        var bytes = try Data(contentsOf: zraw)
        for n in 2..<min(bytes.count, 40) { bytes[n] ^= 0x5A }
        try bytes.write(to: zraw)
        guard case .compression(let path, _, _)? = readError(url) else { return XCTFail("expected compression error") }
        XCTAssertEqual(path, zraw.path)
        // A stream cut short is an error too, not zero-filled voxels.
        try ImageFile.write(volume, to: url, options: ImageWriteOptions(compress: true))
        let whole = try Data(contentsOf: zraw)
        try whole.prefix(whole.count / 2).write(to: zraw)
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "CompressedDataSize = \(whole.count)\n", with: "")
        try text.write(to: url, atomically: true, encoding: .utf8)
        guard case .compression(_, _, let reason)? = readError(url) else { return XCTFail("expected compression error") }
        XCTAssertTrue(reason.contains("truncated") || reason.contains("ends"), reason)
    }

    func testHeaderSizeBeyondTheEndOfACompressedFileIsTruncatedData() throws {
        let url = try writeHeader(replacing: ["CompressedData": "True", "HeaderSize": "1000"], dataFile: "bad.zraw", dataBytes: 20)
        let zraw = folder.appendingPathComponent("bad.zraw").path
        XCTAssertEqual(readError(url), .truncatedData(path: zraw, offset: 1000, expectedBytes: 0, foundBytes: 0))
    }

    func testTinyCompressedStreamCannotClaimAHugeImage() throws {
        let url = try writeHeader(replacing: ["CompressedData": "True", "DimSize": "1000 1000 100"], dataFile: "bad.zraw", dataBytes: 20)
        let zraw = folder.appendingPathComponent("bad.zraw").path
        XCTAssertEqual(readError(url), .compression(path: zraw, offset: 0,
                                                    reason: "20 compressed bytes cannot hold the 200000000 bytes DimSize implies"))
    }

    func testTruncatedNIfTIHeaderIsTruncatedData() throws {
        let url = folder.appendingPathComponent("short.nii")
        try Data(count: 200).write(to: url)
        XCTAssertEqual(readError(url), .truncatedData(path: url.path, offset: 0, expectedBytes: 348, foundBytes: 200))
    }

    /// A valid little-endian NIfTI file with `patch` applied to its bytes.
    private func patchedNIfTI(_ name: String, _ patch: (inout Data) -> Void) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try ImageFile.write(try Volume<UInt8>(geometry: try ImageGeometry(size: GridSize(4, 3, 2)), voxels: Array(0..<24)), to: url)
        var data = try Data(contentsOf: url)
        patch(&data)
        try data.write(to: url)
        return url
    }

    func testNIfTIBadSizeofHdrIsAnInvalidHeader() throws {
        let url = try patchedNIfTI("bad.nii") { $0[0] = 0x40 }
        XCTAssertEqual(readError(url), .invalidNIfTIHeader(path: url.path, field: "sizeof_hdr", offset: 0, reason: "sizeof_hdr is 320, expected 348"))
    }

    func testNIfTIBadDimAndVoxOffsetAreInvalidHeaders() throws {
        let dim = try patchedNIfTI("dim.nii") { $0[42] = 0xFB; $0[43] = 0xFF }  // dim[1] = -5
        XCTAssertEqual(readError(dim), .invalidNIfTIHeader(path: dim.path, field: "dim[1]", offset: 42, reason: "extent -5 is not positive"))
        let offset = try patchedNIfTI("offset.nii") { data in
            withUnsafeBytes(of: Float(100).bitPattern.littleEndian) { data.replaceSubrange(108..<112, with: $0) }
        }
        guard case .invalidNIfTIHeader(_, let field, let at, _)? = readError(offset) else { return XCTFail("expected invalid header") }
        XCTAssertEqual(field, "vox_offset")
        XCTAssertEqual(at, 108)
        let truncated = try patchedNIfTI("cut.nii") { $0.removeLast(10) }
        XCTAssertEqual(readError(truncated), .truncatedData(path: truncated.path, offset: 352, expectedBytes: 24, foundBytes: 14))
    }

    func testRandomlyCorruptedFilesFailCleanlyNeverCrash() throws {
        let geometry = try ImageGeometry(size: GridSize(6, 5, 4), origin: Vector3(1, 2, 3), spacing: Vector3(0.5, 1, 2))
        let volume = try Volume<Int16>(geometry: geometry, voxels: (0..<120).map { Int16($0 * 3) })
        var seed: UInt64 = 12345
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % bound
        }
        var failures = 0
        for (name, compress) in [("v.mha", false), ("vz.mha", true), ("v.nii", false), ("v.nii.gz", false)] {
            let url = folder.appendingPathComponent(name)
            try ImageFile.write(volume, to: url, options: ImageWriteOptions(compress: compress))
            let original = try Data(contentsOf: url)
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<(1 + next(4)) {
                    let at = next(min(bytes.count, 420))
                    bytes[at] = UInt8(next(256))
                }
                if next(4) == 0 { bytes = bytes.prefix(next(bytes.count)) }
                let mutated = folder.appendingPathComponent("m-" + name)
                try bytes.write(to: mutated)
                do { _ = try ImageFile.read(mutated) } catch is ImageFormatError { failures += 1 }
            }
        }
        XCTAssertGreaterThan(failures, 100, "most mutations are caught as ImageFormatError")
    }

    func testUnsupportedExtensionIsReported() throws {
        let url = folder.appendingPathComponent("scan.dcm")
        XCTAssertEqual(readError(url), .unsupportedExtension(path: url.path))
        XCTAssertFalse(ImageFile.isSupported(url))
        XCTAssertTrue(ImageFile.isSupported(URL(fileURLWithPath: "a/b.NII.GZ")))
    }
}
