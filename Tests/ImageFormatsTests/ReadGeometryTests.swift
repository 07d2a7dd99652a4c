import Foundation
import XCTest
import ImageFormats
import ImagingCore
import TestSupport

final class ReadGeometryTests: XCTestCase {
    func testGeometryWithoutVoxelsEqualsAFullReadsAndStillCatchesShortData() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let t = 0.3
        let d = Matrix3(rows: Vector3(cos(t), -sin(t), 0), Vector3(sin(t), cos(t), 0), Vector3(0, 0, 1))
        let g = try ImageGeometry(size: GridSize(9, 7, 5), origin: Vector3(1, -2, 3), spacing: Vector3(0.5, 0.7, 2), direction: d)
        let volume = try Volume<Int16>(geometry: g, voxels: (0..<315).map { Int16($0) })
        for name in ["a.mhd", "b.mha", "c.nii", "d.nii.gz"] {
            let url = folder.appendingPathComponent(name)
            try ImageFile.write(volume, to: url, options: ImageWriteOptions(compress: name == "b.mha"))
            let full = try ImageFile.read(url).geometry
            let quick = try ImageFile.readGeometry(url)
            XCTAssertEqual(quick.size, full.size, name)
            XCTAssertEqual(quick.origin, full.origin, name)
            XCTAssertEqual(quick.direction, full.direction, name)
        }
        // Half a raw file: the geometry read refuses it as a full read would.
        let raw = folder.appendingPathComponent("a.raw")
        let bytes = try Data(contentsOf: raw)
        try bytes.prefix(bytes.count / 2).write(to: raw)
        XCTAssertThrowsError(try ImageFile.readGeometry(folder.appendingPathComponent("a.mhd"))) { error in
            guard case .truncatedData? = error as? ImageFormatError else { return XCTFail("\(error)") }
        }
        let nii = folder.appendingPathComponent("c.nii")
        let niiBytes = try Data(contentsOf: nii)
        try niiBytes.prefix(niiBytes.count - 10).write(to: nii)
        XCTAssertThrowsError(try ImageFile.readGeometry(nii))
    }
}
