import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// SimpleITK's reading of a series (Tests/Oracles/dicom_sitk_series.py).
struct SimpleITKSeries: Decodable {
    let size: [Int]
    let origin: [Double]
    let spacing: [Double]
    let direction: [Double]
    let pixel_type: String
    let files: [String]
    let series: [String]
    var voxels: [Float] = []

    enum CodingKeys: String, CodingKey { case size, origin, spacing, direction, pixel_type, files, series }

    /// Runs the oracle on `folder` (one series, or `uid`).
    static func read(_ folder: URL, uid: String? = nil, scratch: URL) throws -> SimpleITKSeries {
        let out = scratch.appendingPathComponent("sitk-\(UUID().uuidString).f32")
        return try run([folder.path, out.path] + (uid.map { [$0] } ?? []), out: out)
    }

    /// Runs the oracle on explicit files, read in the order given.
    static func read(files: [URL], scratch: URL) throws -> SimpleITKSeries {
        let out = scratch.appendingPathComponent("sitk-\(UUID().uuidString).f32")
        return try run(["--files", out.path] + files.map(\.path), out: out)
    }

    private static func run(_ arguments: [String], out: URL) throws -> SimpleITKSeries {
        var result = try PythonOracle.json("dicom_sitk_series.py", arguments, as: SimpleITKSeries.self)
        let data = try Data(contentsOf: out)
        result.voxels = data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        }
        try? FileManager.default.removeItem(at: out)
        return result
    }

    /// Asserts geometry within `tolerance` and identical voxels.
    func assertMatches(_ volume: AnyVolume, tolerance: Double = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        let g = volume.geometry
        XCTAssertEqual([g.size.i, g.size.j, g.size.k], size, "size", file: file, line: line)
        for (a, b) in zip([g.origin.x, g.origin.y, g.origin.z], origin) { XCTAssertEqual(a, b, accuracy: tolerance, "origin", file: file, line: line) }
        for (a, b) in zip([g.spacing.x, g.spacing.y, g.spacing.z], spacing) { XCTAssertEqual(a, b, accuracy: tolerance, "spacing", file: file, line: line) }
        for (a, b) in zip(g.direction.rowMajor, direction) { XCTAssertEqual(a, b, accuracy: tolerance, "direction", file: file, line: line) }
        let ours = volume.doubleValues
        XCTAssertEqual(ours.count, voxels.count, "voxel count", file: file, line: line)
        var differing = 0, firstAt = -1
        for i in 0..<min(ours.count, voxels.count) where Float(ours[i]) != voxels[i] {
            differing += 1
            if firstAt < 0 { firstAt = i }
        }
        XCTAssertEqual(differing, 0, "voxels differ from SimpleITK, first at \(firstAt)", file: file, line: line)
    }
}
