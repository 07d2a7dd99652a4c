import Foundation
import XCTest
import ImageFormats
import ImagingCore
import TestSupport

/// Inputs found by review to crash or corrupt; each must now be a clear error.
final class HostileHeaderTests: XCTestCase {
    func testHeaderSizeNearIntMaxIsAnErrorNotATrap() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        for compressed in [false, true] {
            let url = folder.appendingPathComponent("hs\(compressed).mha")
            var text = "ObjectType = Image\nNDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\n"
            if compressed { text += "CompressedData = True\n" }
            text += "HeaderSize = 9223372036854775807\nElementDataFile = LOCAL\n"
            try (Data(text.utf8) + Data(count: 8)).write(to: url)
            XCTAssertThrowsError(try ImageFile.read(url)) { error in
                XCTAssertTrue("\(error)".contains("HeaderSize") || "\(error)".contains("hs\(compressed).mha"), "\(error)")
            }
            XCTAssertThrowsError(try ImageFile.readGeometry(url))
        }
    }

    func testNIfTICannotHoldAnAxisLongerThan32767() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let g = try ImageGeometry(size: GridSize(40_000, 1, 1))
        let url = folder.appendingPathComponent("long.nii")
        XCTAssertThrowsError(try ImageFile.write(Volume<UInt8>(geometry: g, repeating: 1), to: url)) { error in
            guard case .invalidDimensions? = error as? ImageFormatError else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testMicrometreVoxelsStillMapWorldToIndex() throws {
        let g = try ImageGeometry(size: GridSize(4, 4, 4), spacing: Vector3(1e-5, 1e-5, 1e-5))
        let c = g.worldToContinuousIndex(Vector3(1e-5, 2e-5, 3e-5))
        XCTAssertEqual(c.x, 1, accuracy: 1e-9)
        XCTAssertEqual(c.y, 2, accuracy: 1e-9)
        XCTAssertEqual(c.z, 3, accuracy: 1e-9)
    }
}

/// A .mhd rewrite stopped between its two files never leaves a pair that looks whole.
final class InterruptedMetaImageWriteTests: XCTestCase {
    func testAFailedRewriteLeavesNoOldHeaderNamingNewData() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let url = folder.appendingPathComponent("scan.mhd")
        let small = Volume<Int16>(geometry: try ImageGeometry(size: GridSize(2, 2, 2)), repeating: 1)
        try ImageFile.write(small, to: url)
        XCTAssertEqual(try ImageFile.readGeometry(url).size, GridSize(2, 2, 2))
        // The data file cannot be replaced (a folder stands in its place): the write fails midway.
        let raw = folder.appendingPathComponent("scan.raw")
        try FileManager.default.removeItem(at: raw)
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: false)
        let large = Volume<Int16>(geometry: try ImageGeometry(size: GridSize(4, 4, 4)), repeating: 2)
        XCTAssertThrowsError(try ImageFile.write(large, to: url))
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "the old header must not survive to name other data")
        XCTAssertThrowsError(try ImageFile.readGeometry(url))
    }
}
