import Foundation
import ImagingCore
import XCTest
@testable import ImageFormats

/// One image as SimpleITK reads it (Tests/Oracles/sitk_describe.py).
struct OracleImage: Decodable {
    let file: String
    let error: String?
    let pixel: String?
    let channels: Int?
    let size: [Int]?
    let origin: [Double]?
    let spacing: [Double]?
    let direction: [Double]?
    let voxels: String?
    let points: [[Double]]?
    let indices: [[Double]]?

    var name: String { URL(fileURLWithPath: file).lastPathComponent }
}

/// What SimpleITK says about a file we wrote (Tests/Oracles/sitk_compare.py).
struct OracleComparison: Decodable {
    let ours: String
    let error: String?
    let pixel: String?
    let referencePixel: String?
    let size: [Int]?
    let referenceSize: [Int]?
    let voxelsEqual: Bool?
    let originDiff: Double?
    let spacingDiff: Double?
    let directionDiff: Double?
}

/// Largest |a − b| over the three components.
func maxAbsDifference(_ a: Vector3, _ b: Vector3) -> Double {
    let d = a - b
    return max(abs(d.x), abs(d.y), abs(d.z))
}

extension Vector3 {
    init(_ values: [Double]) { self.init(values[0], values[1], values[2]) }
}

/// Asserts that `volume` has SimpleITK's voxel type, channels, size, exact voxel bytes,
/// geometry within `tolerance`, and maps SimpleITK's world points to its continuous
/// indices within 1e-6.
func assertMatchesOracle(_ volume: AnyVolume, _ reference: OracleImage, tolerance: Double = 1e-9,
                         file: StaticString = #filePath, line: UInt = #line) throws {
    let name = reference.name
    XCTAssertEqual(volume.voxelType.rawValue, reference.pixel, "voxel type of \(name)", file: file, line: line)
    XCTAssertEqual(volume.channelCount, reference.channels, "channels of \(name)", file: file, line: line)
    let g = volume.geometry
    XCTAssertEqual([g.size.i, g.size.j, g.size.k], reference.size, "size of \(name)", file: file, line: line)
    let expected = try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(reference.voxels)))
    let actual = volume.withVoxelBytes { Data($0) }
    XCTAssertEqual(actual.count, expected.count, "voxel byte count of \(name)", file: file, line: line)
    XCTAssertTrue(actual == expected, "voxels of \(name) differ from SimpleITK's", file: file, line: line)
    let origin = Vector3(try XCTUnwrap(reference.origin)), spacing = Vector3(try XCTUnwrap(reference.spacing))
    XCTAssertLessThanOrEqual(maxAbsDifference(g.origin, origin), tolerance, "origin of \(name): \(g.origin) vs \(origin)", file: file, line: line)
    XCTAssertLessThanOrEqual(maxAbsDifference(g.spacing, spacing), tolerance, "spacing of \(name): \(g.spacing) vs \(spacing)", file: file, line: line)
    let direction = Matrix3(rowMajor: try XCTUnwrap(reference.direction))
    XCTAssertLessThanOrEqual(g.direction.maxAbsDifference(direction), tolerance,
                             "direction of \(name): \(g.direction) vs SimpleITK \(direction)", file: file, line: line)
    let points = try XCTUnwrap(reference.points), indices = try XCTUnwrap(reference.indices)
    var worst = 0.0
    for (p, c) in zip(points, indices) {
        worst = max(worst, maxAbsDifference(g.worldToContinuousIndex(Vector3(p)), Vector3(c)))
    }
    XCTAssertEqual(points.count, 1000, file: file, line: line)
    XCTAssertLessThanOrEqual(worst, 1e-6, "continuous index of \(name) vs TransformPhysicalPointToContinuousIndex", file: file, line: line)
}
