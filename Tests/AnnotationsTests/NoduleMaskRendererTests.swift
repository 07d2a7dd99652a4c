import Foundation
import XCTest
import Annotations
import ImagingCore
import TestSupport

final class NoduleMaskRendererTests: XCTestCase {
    struct OracleSpec: Encodable {
        struct Nodule: Encodable { var center: [Double]; var diameter: Double }
        var size: [Int]; var origin: [Double]; var spacing: [Double]; var direction: [Double]; var nodules: [Nodule]
    }
    struct OracleResult: Decodable { var masks: [[Int]]; var continuous: [[Double]] }

    /// Runs the numpy/SimpleITK oracle and compares every nodule's voxels and centre index.
    func assertMatchesOracle(_ g: ImageGeometry, _ nodules: [NoduleAnnotation], file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let spec = OracleSpec(size: [g.size.i, g.size.j, g.size.k], origin: [g.origin.x, g.origin.y, g.origin.z],
                              spacing: [g.spacing.x, g.spacing.y, g.spacing.z], direction: g.direction.rowMajor,
                              nodules: nodules.map { .init(center: [$0.center.x, $0.center.y, $0.center.z], diameter: $0.diameterMM ?? 0) })
        let specURL = folder.appendingPathComponent("spec.json")
        try JSONEncoder().encode(spec).write(to: specURL)
        let expected = try PythonOracle.json("masks_sphere_oracle.py", [specURL.path], as: OracleResult.self)

        let renderer = NoduleMaskRenderer(writesLabels: true)
        let (mask, placements) = try renderer.render(nodules, on: g)
        for (n, placement) in placements.enumerated() {
            let only = try NoduleMaskRenderer().render([nodules[n]], on: g)
            let ours = only.mask.voxels.enumerated().filter { $0.element != 0 }.map(\.offset)
            XCTAssertEqual(ours, expected.masks[n], "nodule \(n) voxels", file: file, line: line)
            XCTAssertEqual(placement.maskVoxelCount, expected.masks[n].count, file: file, line: line)
            let c = expected.continuous[n]
            XCTAssertLessThan(length(placement.continuousIndex - Vector3(c[0], c[1], c[2])), 1e-6, file: file, line: line)
        }
        XCTAssertTrue(placements.contains { $0.maskVoxelCount > 10 }, "the test must draw real spheres")
        XCTAssertEqual(Set(mask.voxels).subtracting([0]).count, Set(placements.filter { $0.maskVoxelCount > 0 }.map(\.label)).count)
    }

    func testAnisotropicAxialMaskMatchesNumpyOracle() throws {
        let g = try ImageGeometry(size: GridSize(48, 40, 30), origin: Vector3(-30.2, -25.1, -100),
                                  spacing: Vector3(0.68, 0.71, 2.5))
        let nodules = [NoduleAnnotation(seriesUID: "1", center: Vector3(-14.3, -11.7, -60.4), diameterMM: 9.3),
                       NoduleAnnotation(seriesUID: "1", center: Vector3(-20.1, -5.2, -45.9), diameterMM: 5.1),
                       // Partly past the last slice: clipped.
                       NoduleAnnotation(seriesUID: "1", center: Vector3(-5.5, -8.1, -28.4), diameterMM: 12.2)]
        try assertMatchesOracle(g, nodules)
    }

    func testObliqueFlippedMaskMatchesNumpyOracle() throws {
        // A rotation that is not symmetric, composed with a flip of k.
        let t = 0.35
        let r = Matrix3(rows: Vector3(cos(t), -sin(t), 0), Vector3(sin(t) * 0.8, cos(t) * 0.8, -0.6), Vector3(sin(t) * 0.6, cos(t) * 0.6, 0.8))
        let flip = Matrix3(rows: Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, -1))
        let g = try ImageGeometry(size: GridSize(40, 36, 28), origin: Vector3(10, -40, 20), spacing: Vector3(0.9, 0.8, 1.7), direction: r * flip)
        let centre = g.continuousIndexToWorld(Vector3(20.3, 17.6, 13.2))
        let nodules = [NoduleAnnotation(seriesUID: "1", center: centre, diameterMM: 11.4),
                       NoduleAnnotation(seriesUID: "1", center: g.continuousIndexToWorld(Vector3(8.1, 9.7, 5.5)), diameterMM: 6.2)]
        try assertMatchesOracle(g, nodules)
    }

    func testStatusIsInsideClippedOrOutside() throws {
        let g = try ImageGeometry(size: GridSize(20, 20, 10), spacing: Vector3(1, 1, 2))
        let r = NoduleMaskRenderer()
        func status(_ c: Vector3, _ d: Double) -> NoduleStatus {
            r.locate(NoduleAnnotation(seriesUID: "1", center: c, diameterMM: d), label: 1, on: g).status
        }
        XCTAssertEqual(status(Vector3(10, 10, 10), 6), .inside)
        XCTAssertEqual(status(Vector3(1, 10, 10), 6), .clipped)
        XCTAssertEqual(status(Vector3(-2, 10, 10), 6), .clipped)   // centre outside, sphere reaches in
        XCTAssertEqual(status(Vector3(-30, 10, 10), 6), .outside)
        XCTAssertEqual(status(Vector3(10, 10, 200), 6), .outside)
    }

    func testLabelsNumberNodulesInRowOrderAndRegionsDoNotSpill() throws {
        let g = try ImageGeometry(size: GridSize(30, 30, 10), spacing: Vector3(1, 1, 1))
        let a = NoduleAnnotation(seriesUID: "1", center: Vector3(8, 8, 5), diameterMM: 6)
        let b = NoduleAnnotation(seriesUID: "1", center: Vector3(20, 20, 5), diameterMM: 4)
        let (mask, placements) = try NoduleMaskRenderer(writesLabels: true).render([a, b], on: g)
        XCTAssertEqual(mask[8, 8, 5], 1)
        XCTAssertEqual(mask[20, 20, 5], 2)
        XCTAssertEqual(mask[8, 8, 9], 0)
        XCTAssertEqual(mask.voxels.filter { $0 == 1 }.count, placements[0].maskVoxelCount)
        XCTAssertEqual(mask.voxels.filter { $0 == 2 }.count, placements[1].maskVoxelCount)
        // A 4 mm sphere on a 1 mm grid, centre on a voxel: the 33 voxels within radius 2.
        XCTAssertEqual(placements[1].maskVoxelCount, 33)
        XCTAssertEqual(placements[1].sliceRange, 3...7)
    }

    func testSliceSelectionAddsMarginAndClips() throws {
        let g = try ImageGeometry(size: GridSize(20, 20, 12), spacing: Vector3(1, 1, 1))
        let near = NoduleAnnotation(seriesUID: "1", center: Vector3(10, 10, 2), diameterMM: 2)
        let mid = NoduleAnnotation(seriesUID: "1", center: Vector3(10, 10, 6), diameterMM: 4)
        let (_, placements) = try NoduleMaskRenderer().render([near, mid], on: g)
        let selected = SliceSelection.select(placements, margin: 5, sliceCount: 12)
        XCTAssertEqual(selected[0].noduleSlices, 1...3)
        XCTAssertEqual(selected[0].selectedSlices, 0...8)
        XCTAssertEqual(selected[1].noduleSlices, 4...8)
        XCTAssertEqual(selected[1].selectedSlices, 0...11)
        XCTAssertEqual(SliceSelection.union(SliceSelection.select(placements, margin: 0, sliceCount: 12)), Array(1...8))
    }

    func testAbsurdCoordinatesAndDiametersAreReportedNotFatal() throws {
        let g = try ImageGeometry(size: GridSize(10, 10, 5))
        let far = NoduleAnnotation(seriesUID: "1", center: Vector3(1e300, -1e300, 1e19), diameterMM: 5)
        let huge = NoduleAnnotation(seriesUID: "1", center: Vector3(4, 4, 2), diameterMM: 1e300)
        let (mask, placements) = try NoduleMaskRenderer().render([far, huge], on: g)
        XCTAssertEqual(placements[0].status, .outside)
        XCTAssertEqual(placements[0].maskVoxelCount, 0)
        XCTAssertEqual(placements[1].status, .clipped)
        XCTAssertEqual(placements[1].maskVoxelCount, 500) // fills the whole grid
        XCTAssertEqual(mask.voxels.filter { $0 == 1 }.count, 500)
    }

    func testMoreThan255LabelsIsAnError() throws {
        let g = try ImageGeometry(size: GridSize(4, 4, 4))
        let many = (0..<256).map { _ in NoduleAnnotation(seriesUID: "1", center: .zero, diameterMM: 1) }
        XCTAssertThrowsError(try NoduleMaskRenderer(writesLabels: true).render(many, on: g, seriesUID: "1")) { error in
            XCTAssertEqual(error as? AnnotationError, .tooManyLabels(seriesUID: "1", count: 256))
        }
    }
}
