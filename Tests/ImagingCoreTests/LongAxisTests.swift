import Foundation
import ImagingCore
import XCTest

/// `Volume<UInt8>.longAxes()`: the longest distance between two voxel centres of each
/// label, extended by a voxel's width along it, in world mm (spacing and direction included).
final class LongAxisTests: XCTestCase {
    func testLongAxesOfABarAndABoxOnAnAnisotropicObliqueGrid() throws {
        let c = cos(0.3), s = sin(0.3)
        let direction = Matrix3(columns: Vector3(c, s, 0), Vector3(-s, c, 0), Vector3(0, 0, 1))
        let geometry = try ImageGeometry(size: GridSize(20, 12, 10), origin: Vector3(5, -3, 7), spacing: Vector3(0.5, 0.8, 2.5), direction: direction)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for i in 2..<17 { mask[i, 1, 1] = 1 }                                                     // a bar of 15 voxels along i
        for k in 3..<7 { for j in 4..<10 { for i in 5..<9 { mask[i, j, k] = 2 } } }               // a 4 x 6 x 4 box
        mask[19, 11, 9] = 3                                                                         // one voxel in the corner
        let axes = mask.longAxes()
        XCTAssertEqual(axes.count, 3)
        XCTAssertEqual(try XCTUnwrap(axes[1]), 15 * 0.5, accuracy: 1e-9, "15 voxels of 0.5 mm")
        let d = Vector3(3 * 0.5, 5 * 0.8, 3 * 2.5), centres = length(d)                             // corner voxel to opposite corner voxel
        let width = (0.5 * d.x + 0.8 * d.y + 2.5 * d.z) / centres                                  // a voxel's width along that line
        XCTAssertEqual(try XCTUnwrap(axes[2]), centres + width, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(axes[3]), (0.25 + 0.64 + 6.25).squareRoot(), accuracy: 1e-9, "one voxel: its diagonal")
        XCTAssertNil(axes[4])
    }

    /// Over the exact limit the extremes along 512 directions give a sphere's diameter to
    /// well under a voxel.
    func testTheDirectionalExtremesAgreeWithTheExactPairsOnABall() throws {
        let geometry = try ImageGeometry(size: GridSize(31, 31, 31), origin: Vector3(0, 0, 0), spacing: Vector3(0.7, 0.7, 0.7), direction: .identity)
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        for k in 0..<31 { for j in 0..<31 { for i in 0..<31 where pow(Double(i - 15), 2) + pow(Double(j - 15), 2) + pow(Double(k - 15), 2) <= 144 {
            mask[i, j, k] = 7
        }}}
        let exact = try XCTUnwrap(mask.longAxes(exactLimit: .max)[7]), approximate = try XCTUnwrap(mask.longAxes(exactLimit: 0)[7])
        // The farthest voxel centres are 24 voxels apart; a voxel's width along a line is
        // between 1 (along an axis) and √3 voxels (along a diagonal).
        XCTAssertGreaterThanOrEqual(exact, 25 * 0.7 - 1e-9)
        XCTAssertLessThanOrEqual(exact, (24 + 3.0.squareRoot()) * 0.7)
        XCTAssertEqual(approximate, exact, accuracy: 0.7 / 4)
    }
}
