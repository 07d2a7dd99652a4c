import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// Writing a volume as a CT series and a mask as a binary SEG, read back by us,
/// SimpleITK and pydicom.
final class WritingTests: XCTestCase {
    /// An oblique 9x7x5 volume with a ramp of HU values.
    private func makeVolume() throws -> Volume<Int16> {
        let c = cos(0.3), s = sin(0.3)
        let direction = Matrix3(columns: Vector3(c, s, 0), Vector3(-s, c, 0), Vector3(0, 0, 1))
        let geometry = try ImageGeometry(size: GridSize(9, 7, 5), origin: Vector3(-12.5, 40, -3), spacing: Vector3(0.75, 0.8, 2.5), direction: direction)
        var volume = Volume<Int16>(geometry: geometry, repeating: 0)
        for k in 0..<5 { for j in 0..<7 { for i in 0..<9 { volume[i, j, k] = Int16(-1000 + 37 * i + 101 * j + 503 * k) } } }
        return volume
    }

    func testCTSeriesRoundTripsThroughOurReaderAndSimpleITK() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let volume = try makeVolume()
        let written = try CTSeriesWriter.write(volume, to: folder, identity: DICOMIdentity(patientName: "Round^Trip"))
        XCTAssertEqual(written.files.count, 5)
        let series = try SeriesScanner.scan(folder).onlySeries(in: folder.path)
        XCTAssertEqual(series.problems, [])
        let back = try series.loadInt16Volume()
        XCTAssertEqual(back.voxels, volume.voxels)
        XCTAssertEqual(back.geometry.origin.x, volume.geometry.origin.x, accuracy: 1e-6)
        XCTAssertLessThan(back.geometry.direction.maxAbsDifference(volume.geometry.direction), 1e-9)
        try SimpleITKSeries.read(folder, scratch: folder).assertMatches(.int16(volume))
        XCTAssertEqual(series.files.first?.dataset.string(.patientName), "Round^Trip")
    }

    func testSegmentationReadsBackWithPydicomWithFramesAndReferences() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let volume = try makeVolume()
        let written = try CTSeriesWriter.write(volume, to: folder.appendingPathComponent("ct"))
        let series = try SeriesScanner.scan(folder.appendingPathComponent("ct")).onlySeries(in: folder.path)
        var mask = Volume<UInt8>(geometry: volume.geometry, repeating: 0)
        for j in 2..<5 { for i in 3..<6 { mask[i, j, 1] = 1; mask[i, j, 2] = 1 } }   // segment 1 on k = 1, 2: 9 voxels each
        mask[0, 0, 4] = 2                                                          // segment 2 on k = 4
        let segURL = folder.appendingPathComponent("seg.dcm")
        try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule"), SegmentDescription(label: 2, name: "speck")], to: segURL)

        struct Seg: Decodable {
            let sop_class: String, modality: String, segmentation_type: String
            let frames: Int, rows: Int, columns: Int
            let frame_sums: [Int], frame_segments: [Int], frame_positions: [[Double]], frame_sources: [String]
            let referenced_series: String, referenced_instances: [String], segment_labels: [String]
        }
        let seg = try PythonOracle.json("dicom_read_seg.py", [segURL.path], as: Seg.self)
        XCTAssertEqual(seg.sop_class, "1.2.840.10008.5.1.4.1.1.66.4")
        XCTAssertEqual(seg.segmentation_type, "BINARY")
        XCTAssertEqual([seg.frames, seg.rows, seg.columns], [3, 7, 9])
        XCTAssertEqual(seg.frame_sums, [9, 9, 1])
        XCTAssertEqual(seg.frame_segments, [1, 1, 2])
        XCTAssertEqual(seg.frame_sources, [written.sopInstanceUIDs[1], written.sopInstanceUIDs[2], written.sopInstanceUIDs[4]])
        XCTAssertEqual(seg.referenced_series, written.seriesInstanceUID)
        XCTAssertEqual(Set(seg.referenced_instances), Set(written.sopInstanceUIDs))
        XCTAssertEqual(seg.segment_labels, ["nodule", "speck"])
        let z4 = volume.geometry.continuousIndexToWorld(Vector3(0, 0, 4))
        XCTAssertEqual(seg.frame_positions[2][2], z4.z, accuracy: 1e-4)
        // And our own reader unpacks the 1-bit frames the same way.
        let pixels = try DICOMFile(contentsOf: segURL).decodePixels()
        XCTAssertEqual(pixels.doubleValues.reduce(0, +), 19)
    }

    func testSegmentationOffTheSeriesGridIsRefusedBeforeWriting() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let volume = try makeVolume()
        _ = try CTSeriesWriter.write(volume, to: folder.appendingPathComponent("ct"))
        let series = try SeriesScanner.scan(folder.appendingPathComponent("ct")).onlySeries(in: folder.path)
        var shifted = volume.geometry
        shifted.origin.x += 1
        let mask = Volume<UInt8>(geometry: shifted, repeating: 1)
        let url = folder.appendingPathComponent("seg.dcm")
        XCTAssertThrowsError(try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "x")], to: url))
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }
}
