import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// Every DICOM object the toolkit writes is a valid instance of its IOD (dicom3tools'
/// `dciodvfy`: no errors; warnings are listed), and the SEG reads back in highdicom, the
/// SEG-aware reader, with its segments, source references and per-frame positions.
final class ValidityTests: XCTestCase {
    /// A 10x8x6 oblique ramp volume.
    private func makeVolume() throws -> Volume<Int16> {
        let c = cos(0.2), s = sin(0.2)
        let direction = Matrix3(columns: Vector3(c, s, 0), Vector3(-s, c, 0), Vector3(0, 0, 1))
        let geometry = try ImageGeometry(size: GridSize(10, 8, 6), origin: Vector3(-20, 10, -50), spacing: Vector3(0.7, 0.7, 2), direction: direction)
        var volume = Volume<Int16>(geometry: geometry, repeating: 0)
        for k in 0..<6 { for j in 0..<8 { for i in 0..<10 { volume[i, j, k] = Int16(-900 + 13 * i + 29 * j + 97 * k) } } }
        return volume
    }

    private func assertValid(_ url: URL, iod: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try DICOMValidator.verify(url, file: file, line: line)
        XCTAssertEqual(report.iod, iod, report.description, file: file, line: line)
        XCTAssertEqual(report.errors, [], "dciodvfy \(url.lastPathComponent):\n\(report)", file: file, line: line)
        if !report.warnings.isEmpty { print("dciodvfy warnings for \(url.lastPathComponent):\n" + report.warnings.joined(separator: "\n")) }
    }

    func testCTSeriesAndSegmentationPassDciodvfyAndHighdicomReadsTheSEG() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let volume = try makeVolume()
        let written = try CTSeriesWriter.write(volume, to: folder.appendingPathComponent("ct"))
        for url in written.files { try assertValid(url, iod: "CTImage") }
        let series = try SeriesScanner.scan(folder.appendingPathComponent("ct")).onlySeries(in: folder.path)
        var mask = Volume<UInt8>(geometry: volume.geometry, repeating: 0)
        for j in 1..<4 { for i in 2..<6 { mask[i, j, 2] = 1; mask[i, j, 3] = 1 } }  // segment 1: 12 voxels on k = 2, 3
        mask[9, 7, 5] = 2; mask[8, 7, 5] = 2                                         // segment 2: 2 voxels on k = 5
        let segURL = folder.appendingPathComponent("seg.dcm")
        try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule 1"),
                                                                      SegmentDescription(label: 2, name: "nodule 2")], to: segURL)
        try assertValid(segURL, iod: "Segmentation")

        let seg = try PythonOracle.json("highdicom_read_seg.py", [segURL.path], as: HighdicomSeg.self)
        XCTAssertEqual(seg.segment_numbers, [1, 2])
        XCTAssertEqual(seg.segment_labels, ["nodule 1", "nodule 2"])
        XCTAssertEqual(seg.property_types, ["27925004", "27925004"])
        XCTAssertEqual(seg.source_series, [written.seriesInstanceUID])
        XCTAssertEqual(Set(seg.source_instances), Set(written.sopInstanceUIDs))
        // Frames: segment 1 on k = 2, 3, segment 2 on k = 5, each at its slice's position.
        XCTAssertEqual(seg.frame_positions.count, 3)
        for (f, k) in [2, 3, 5].enumerated() {
            let p = volume.geometry.continuousIndexToWorld(Vector3(0, 0, Double(k)))
            XCTAssertEqual(seg.frame_positions[f][0], p.x, accuracy: 1e-4)
            XCTAssertEqual(seg.frame_positions[f][2], p.z, accuracy: 1e-4)
        }
        let uid = written.sopInstanceUIDs
        XCTAssertEqual(seg.frame_sums["\(uid[2])/1"], 12)
        XCTAssertEqual(seg.frame_sums["\(uid[3])/1"], 12)
        XCTAssertEqual(seg.frame_sums["\(uid[5])/2"], 2)
        XCTAssertEqual(seg.frame_sums["\(uid[5])/1"], 0)
        // Dimension index: ReferencedSegmentNumber, then ImagePositionPatient.
        XCTAssertEqual(seg.dimension_pointers, ["(0062,000B)", "(0020,0032)"])
    }

    /// A SEG over the real CPTAC CT copies that study's identity and still validates.
    func testSegmentationOverARealCTPassesDciodvfyAndHighdicom() throws {
        let source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let series = try SeriesScanner.scan(source).onlySeries(in: source.path)
        guard let geometry = series.stack?.geometry else { return XCTFail("the CPTAC series has no geometry") }
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for j in 250..<260 { for i in 250..<255 { mask[i, j, 40] = 1 } }
        let folder = try TestEnvironment.temporaryDirectory(self)
        let segURL = folder.appendingPathComponent("seg.dcm")
        try SegmentationWriter.write(mask, source: series, segments: [SegmentDescription(label: 1, name: "nodule")], to: segURL)
        try assertValid(segURL, iod: "Segmentation")
        let seg = try PythonOracle.json("highdicom_read_seg.py", [segURL.path], as: HighdicomSeg.self)
        XCTAssertEqual(seg.source_series, [series.seriesInstanceUID])
        XCTAssertEqual(seg.source_instances.count, 99)
        XCTAssertEqual(seg.frame_sums.values.reduce(0, +), 50)
    }
}

/// What `highdicom_read_seg.py` prints.
struct HighdicomSeg: Decodable {
    let segment_numbers: [Int]
    let segment_labels: [String]
    let property_types: [String]
    let source_series: [String]
    let source_instances: [String]
    let frame_positions: [[Double]]
    let frame_sums: [String: Int]
    let dimension_pointers: [String]
}
