import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// Enhanced multi-frame images: geometry and rescale from the per-frame functional groups.
final class MultiFrameTests: XCTestCase {
    func testEnhancedCTMatchesSimpleITKAsTheSamePhysicalImage() throws {
        let url = try TestEnvironment.downloadedFile("pydicom-data/data_store/data/eCT_Supplemental.dcm")
        let series = try SeriesScanner.scan(url).onlySeries(in: url.path)
        XCTAssertTrue(series.isMultiFrame)
        XCTAssertEqual(series.sliceCount, 2)
        let volume = try series.loadVolume()
        XCTAssertEqual(volume.voxelType, .int16, "HU from the shared PixelValueTransformation (-1024, 1)")
        let g = volume.geometry
        // IOP row (-1,0,0) x column (0,1,0) gives the normal (0,0,-1): k runs towards
        // -z, so the frame at z = -149 comes first; SimpleITK orders by z instead.
        XCTAssertEqual([g.origin.x, g.origin.y, g.origin.z], [99.5, -301.5, -149])
        XCTAssertEqual(g.spacing.z, 10, accuracy: 1e-9)
        XCTAssertEqual(g.direction.column(2), Vector3(0, 0, -1))
        let oracle = try SimpleITKSeries.read(files: [url], scratch: try TestEnvironment.temporaryDirectory(self))
        XCTAssertEqual(oracle.origin, [99.5, -301.5, -159])
        let flipped = try flipK(volume.converted(to: Double.self))
        XCTAssertEqual(flipped.map { Float($0) }, oracle.voxels)
    }

    func testMultiFrameMRWithoutPositionsIsAClearErrorButItsFramesDecodeLikeSimpleITK() throws {
        for name in ["emri_small.dcm", "emri_small_big_endian.dcm", "emri_small_RLE.dcm", "emri_small_jpeg_ls_lossless.dcm", "emri_small_jpeg_2k_lossless.dcm"] {
            let url = try TestEnvironment.downloadedFile("pydicom-data/data_store/data/\(name)")
            let series = try SeriesScanner.scan(url).onlySeries(in: url.path)
            // These files carry neither per-frame groups nor positions: no geometry to invent.
            XCTAssertThrowsError(try series.loadVolume(), name) { XCTAssertTrue($0 is DICOMError, "\($0)") }
            let frames = try DICOMFile(contentsOf: url).decodePixels()
            let oracle = try SimpleITKSeries.read(files: [url], scratch: try TestEnvironment.temporaryDirectory(self))
            XCTAssertEqual(frames.doubleValues.map { Float($0) }, oracle.voxels, name)
        }
    }

    private func flipK(_ v: Volume<Double>) throws -> [Double] {
        let n = v.size.sliceCount
        return (0..<v.size.k).reversed().flatMap { Array(v.voxels[($0 * n)..<(($0 + 1) * n)]) }
    }
}
