import XCTest
import ImagingCore

final class ImageGeometryTests: XCTestCase {
    /// An oblique, anisotropic grid: rotated about a non-axis direction, so any dropped
    /// direction matrix or swapped axis shows.
    func makeOblique() throws -> ImageGeometry {
        let axis = Vector3(0.3, -0.5, 0.8) / length(Vector3(0.3, -0.5, 0.8))
        let t = 0.6, c = cos(t), s = sin(t), v = 1 - c
        let d = Matrix3(rows:
            Vector3(c + axis.x * axis.x * v, axis.x * axis.y * v - axis.z * s, axis.x * axis.z * v + axis.y * s),
            Vector3(axis.y * axis.x * v + axis.z * s, c + axis.y * axis.y * v, axis.y * axis.z * v - axis.x * s),
            Vector3(axis.z * axis.x * v - axis.y * s, axis.z * axis.y * v + axis.x * s, c + axis.z * axis.z * v))
        return try ImageGeometry(size: GridSize(40, 30, 20), origin: Vector3(-120.5, 33.25, -310),
                                 spacing: Vector3(0.7, 0.9, 2.5), direction: d)
    }

    func testContinuousIndexRoundTripsThroughWorldOnObliqueGrid() throws {
        let g = try makeOblique()
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<1000 {
            let index = Vector3(rng.nextUnit() * 40 - 5, rng.nextUnit() * 30 - 5, rng.nextUnit() * 20 - 5)
            let back = g.worldToContinuousIndex(g.continuousIndexToWorld(index))
            XCTAssertLessThan(length(back - index), 1e-9)
        }
    }

    func testWorldOfIndexFollowsOriginPlusDirectionTimesScaledIndex() throws {
        let g = try makeOblique()
        // Computed by hand from the definition, column by column.
        let index = VoxelIndex(3, 5, 7)
        let expected = g.origin + g.direction.column(0) * (3 * 0.7) + g.direction.column(1) * (5 * 0.9)
            + g.direction.column(2) * (7 * 2.5)
        XCTAssertLessThan(length(g.indexToWorld(index) - expected), 1e-12)
        XCTAssertEqual(g.worldToIndex(expected + Vector3(0.1, -0.1, 0.2)), index)
    }

    func testAxialGridMapsWorldToIndexByOffsetOverSpacing() throws {
        let g = try ImageGeometry(size: GridSize(512, 512, 100), origin: Vector3(-200, -180, -300),
                                  spacing: Vector3(0.5, 0.5, 2))
        let c = g.worldToContinuousIndex(Vector3(-100, -80, -250))
        XCTAssertEqual(c.x, 200, accuracy: 1e-12)
        XCTAssertEqual(c.y, 200, accuracy: 1e-12)
        XCTAssertEqual(c.z, 25, accuracy: 1e-12)
    }

    func testFlippedDirectionMirrorsTheIndexAxis() throws {
        let flip = Matrix3(rows: Vector3(-1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, -1))
        let g = try ImageGeometry(size: GridSize(10, 10, 10), origin: Vector3(50, 0, 0), spacing: Vector3(2, 1, 3), direction: flip)
        XCTAssertEqual(g.indexToWorld(VoxelIndex(5, 0, 2)), Vector3(40, 0, -6))
        XCTAssertEqual(g.worldToIndex(Vector3(40, 0, -6)), VoxelIndex(5, 0, 2))
    }

    func testZeroSpacingIsRejected() {
        XCTAssertThrowsError(try ImageGeometry(size: GridSize(2, 2, 2), spacing: Vector3(1, 0, 1))) { error in
            XCTAssertEqual(error as? ImagingError, .nonPositiveSpacing(Vector3(1, 0, 1)))
        }
    }

    func testSingularDirectionIsRejected() {
        let d = Matrix3(rows: Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(1, 1, 0))
        XCTAssertThrowsError(try ImageGeometry(size: GridSize(2, 2, 2), direction: d)) { error in
            XCTAssertEqual(error as? ImagingError, .singularDirection(d))
        }
    }

    func testShearedDirectionIsRejectedButSixDecimalCosinesPass() throws {
        let sheared = Matrix3(rows: Vector3(1, 0, 0.2), Vector3(0, 1, 0), Vector3(0, 0, 1))
        XCTAssertThrowsError(try ImageGeometry(size: GridSize(2, 2, 2), direction: sheared)) { error in
            guard case .nonOrthonormalDirection = error as? ImagingError else { return XCTFail("\(error)") }
        }
        // Direction cosines as scanners write them (six decimals) are accepted.
        let rounded = Matrix3(rows: Vector3(0.999998, 0.001745, 0), Vector3(-0.001745, 0.999998, 0), Vector3(0, 0, 1))
        XCTAssertNoThrow(try ImageGeometry(size: GridSize(2, 2, 2), direction: rounded))
    }

    func testMatrixInverseIsExact() {
        let m = Matrix3(rows: Vector3(2, 1, 0), Vector3(0, 3, 1), Vector3(1, 0, 4))
        guard let inv = m.inverse else { return XCTFail("invertible") }
        XCTAssertLessThan((m * inv).maxAbsDifference(.identity), 1e-15)
        XCTAssertEqual(m.determinant, 25, accuracy: 1e-12)
        XCTAssertNil(Matrix3(rows: Vector3(1, 2, 3), Vector3(2, 4, 6), Vector3(0, 0, 1)).inverse)
    }

    func testColumnMajorListsColumns() {
        let m = Matrix3(rows: Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9))
        XCTAssertEqual(m.columnMajor, [1, 4, 7, 2, 5, 8, 3, 6, 9])
        XCTAssertEqual(m.column(1), Vector3(2, 5, 8))
    }
}
