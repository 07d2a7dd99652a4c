import Foundation
import ImagingCore
import XCTest

/// `Volume<UInt8>.longAxes()`: the longest distance between two voxel centres of each
/// label, in world mm (spacing and direction included).
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
        XCTAssertEqual(try XCTUnwrap(axes[1]), 14 * 0.5, accuracy: 1e-9)
        let box = (pow(3 * 0.5, 2) + pow(5 * 0.8, 2) + pow(3 * 2.5, 2)).squareRoot()               // corner to opposite corner
        XCTAssertEqual(try XCTUnwrap(axes[2]), box, accuracy: 1e-9)
        XCTAssertEqual(axes[3], 0)
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
        XCTAssertEqual(exact, 24 * 0.7, accuracy: 1e-9, "the ball's poles are 24 voxels apart")
        XCTAssertLessThanOrEqual(approximate, exact + 1e-9)
        XCTAssertGreaterThan(approximate, exact - 0.7 / 4)
    }
}
