import Foundation
import XCTest
import ImagingCore

/// The distance transform against brute force, and the mm-based morphology built on it.
final class MorphologyTests: XCTestCase {
    func testDistanceTransformEqualsBruteForceOnAnAnisotropicGrid() throws {
        let size = GridSize(11, 7, 6), spacing = Vector3(0.7, 1.3, 2.5)
        var rng = SeededGenerator(seed: 5)
        var grid = BinaryGrid(size: size, spacing: spacing)
        for n in grid.bits.indices where rng.nextUnit() < 0.04 { grid.bits[n] = 1 }
        XCTAssertGreaterThan(grid.count, 3)
        let sites = grid.bits.indices.filter { grid.bits[$0] != 0 }
        func position(_ n: Int) -> Vector3 {
            Vector3(Double(n % size.i), Double((n / size.i) % size.j), Double(n / size.sliceCount)) * spacing
        }
        for threads in [1, 2] {
            let d = DistanceTransform.squaredDistanceToSet(grid, threads: threads)
            for n in d.indices {
                let brute = sites.map { dot(position(n) - position($0), position(n) - position($0)) }.min() ?? .infinity
                XCTAssertEqual(Double(d[n]), brute, accuracy: 1e-3 * max(1, brute), "voxel \(n), \(threads) threads")
            }
        }
    }

    func testAnEmptyGridIsInfinitelyFarFromItsSet() {
        let d = DistanceTransform.squaredDistanceToSet(BinaryGrid(size: GridSize(4, 3, 2), spacing: Vector3(1, 1, 1)))
        XCTAssertTrue(d.allSatisfy { $0 == .infinity })
    }

    func testDilationByARadiusInMillimetresIsAnEllipsoidInVoxels() {
        let size = GridSize(31, 31, 11), spacing = Vector3(0.5, 0.5, 2)
        var grid = BinaryGrid(size: size, spacing: spacing)
        grid.bits[size.linearOffset(VoxelIndex(15, 15, 5))] = 1
        let ball = BinaryMorphology.dilated(grid, radiusMM: 4.2)
        // Brute force: voxels whose centre lies within 4.2 mm of the seed's.
        var expected = 0
        for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
            let d = Vector3(Double(i - 15) * 0.5, Double(j - 15) * 0.5, Double(k - 5) * 2)
            let inside = dot(d, d) <= 4.2 * 4.2
            if inside { expected += 1 }
            XCTAssertEqual(ball.bits[size.linearOffset(VoxelIndex(i, j, k))] != 0, inside, "(\(i), \(j), \(k))")
        } } }
        XCTAssertEqual(ball.count, expected)
        // 8.4 mm across is 17 voxels in-plane but only 5 slices (4 mm either side at 2 mm).
        XCTAssertEqual(ball.boundingBox, IndexBox(lower: VoxelIndex(7, 7, 3), upper: VoxelIndex(23, 23, 7)))
    }

    func testClosingBridgesAGapNarrowerThanTheBallOnly() {
        let size = GridSize(40, 12, 12), spacing = Vector3(1, 1, 1)
        var grid = BinaryGrid(size: size, spacing: spacing)
        // Two blocks with a 3-voxel (3 mm) gap between i = 18…20.
        for k in 2..<10 { for j in 2..<10 { for i in 4..<36 where !(18...20).contains(i) {
            grid.bits[size.linearOffset(VoxelIndex(i, j, k))] = 1
        } } }
        let gapVoxel = size.linearOffset(VoxelIndex(19, 6, 6))
        XCTAssertEqual(BinaryMorphology.closed(grid, radiusMM: 1).bits[gapVoxel], 0, "a 2 mm ball cannot bridge 3 mm")
        let closed = BinaryMorphology.closed(grid, radiusMM: 3)
        XCTAssertEqual(closed.bits[gapVoxel], 1, "a 6 mm ball bridges 3 mm")
        // The outer outline stays where it was: nothing beyond the blocks' box.
        XCTAssertEqual(closed.boundingBox, grid.boundingBox)
        XCTAssertEqual(closed.bits[size.linearOffset(VoxelIndex(3, 6, 6))], 0)
    }

    func testClosingDoesNotEatARegionTouchingTheGridEdge() {
        let size = GridSize(10, 10, 6), spacing = Vector3(1, 1, 2)
        var grid = BinaryGrid(size: size, spacing: spacing)
        for n in grid.bits.indices where n % size.i < 5 { grid.bits[n] = 1 }
        XCTAssertEqual(BinaryMorphology.closed(grid, radiusMM: 4), grid)
    }

    func testErosionRemovesWhatIsCloserThanTheRadiusToTheOutside() {
        let size = GridSize(20, 20, 20), spacing = Vector3(1, 1, 1)
        var grid = BinaryGrid(size: size, spacing: spacing)
        for k in 5..<15 { for j in 5..<15 { for i in 5..<15 { grid.bits[size.linearOffset(VoxelIndex(i, j, k))] = 1 } } }
        let eroded = BinaryMorphology.eroded(grid, radiusMM: 2)
        XCTAssertEqual(eroded.boundingBox, IndexBox(lower: VoxelIndex(7, 7, 7), upper: VoxelIndex(12, 12, 12)))
        XCTAssertEqual(eroded.count, 6 * 6 * 6)
    }

    func testHolesAreFilledInTheCrossSectionsOfTheGivenAxisOnly() {
        let size = GridSize(9, 9, 5), spacing = Vector3(1, 1, 1)
        var tube = BinaryGrid(size: size, spacing: spacing)
        // A square tube along k: a ring in every k-plane, open at both ends.
        for k in 0..<5 { for j in 2...6 { for i in 2...6 where i == 2 || i == 6 || j == 2 || j == 6 {
            tube.bits[size.linearOffset(VoxelIndex(i, j, k))] = 1
        } } }
        let acrossK = BinaryMorphology.holesFilled(tube, acrossAxis: 2)
        XCTAssertEqual(acrossK.count, 5 * 25)
        XCTAssertEqual(BinaryMorphology.holesFilled(tube, acrossAxis: 0), tube, "across i the tube encloses nothing")
    }

    func testFaceConnectivitySeparatesDiagonalNeighboursAndFullJoinsThem() {
        let size = GridSize(4, 4, 4), spacing = Vector3(1, 1, 1)
        var grid = BinaryGrid(size: size, spacing: spacing)
        for n in [VoxelIndex(0, 0, 0), VoxelIndex(1, 1, 1), VoxelIndex(3, 3, 3), VoxelIndex(3, 3, 2)] {
            grid.bits[size.linearOffset(n)] = 1
        }
        let faces = ConnectedComponents(grid, connectivity: .faces)
        XCTAssertEqual(faces.voxelCounts, [1, 1, 2])
        let full = ConnectedComponents(grid, connectivity: .full)
        XCTAssertEqual(full.voxelCounts, [2, 2])
        XCTAssertEqual(full.labels[size.linearOffset(VoxelIndex(1, 1, 1))], 1)
    }
}
