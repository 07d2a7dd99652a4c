import Annotations
import Foundation
import ImagingCore
import NeuralNet
import NoduleModels
import XCTest

/// Screening a scan: probabilities back on the scan's grid, 3-D nodules measured in world mm.
final class ScreeningTests: XCTestCase {
    func testConnectedNodulesMeasureSpheresInWorldMillimetres() throws {
        // Two spheres on an anisotropic, flipped grid; the centre must come back in LPS mm.
        let direction = Matrix3(rows: Vector3(-1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1))
        let geometry = try ImageGeometry(size: GridSize(40, 40, 20), origin: Vector3(30, -10, -50),
                                         spacing: Vector3(0.5, 0.5, 1), direction: direction)
        let centres = [Vector3(20, 3, -40), Vector3(12, 8, -37)], radii = [4.0, 2.0]
        var p = [Float](repeating: 0, count: geometry.size.voxelCount)
        for k in 0..<20 { for j in 0..<40 { for i in 0..<40 {
            let w = geometry.indexToWorld(VoxelIndex(i, j, k))
            for (c, r) in zip(centres, radii) where length(w - c) <= r { p[(k * 40 + j) * 40 + i] = 0.9 }
        } } }
        // One diagonal neighbour must join its sphere (26-connectivity); a far voxel is its own region.
        p[(0 * 40 + 0) * 40 + 0] = 0.8
        let (nodules, mask) = ConnectedNodules.find(in: try Volume(geometry: geometry, voxels: p), threshold: 0.5, minimumVoxels: 2)
        XCTAssertEqual(nodules.count, 2)
        XCTAssertEqual(mask.geometry, geometry)
        for (n, (c, r)) in zip(nodules, zip(centres, radii)) {
            XCTAssertLessThan(length(n.center - c), 0.05, "\(n.center) vs \(c)")
            let sphere = 4 / 3 * Double.pi * r * r * r
            XCTAssertEqual(n.volumeMM3, sphere, accuracy: sphere * 0.12)
            XCTAssertEqual(n.equivalentDiameterMM, 2 * r, accuracy: 2 * r * 0.05)
            XCTAssertEqual(n.voxelCount, mask.voxels.filter { $0 == UInt8(n.label) }.count)
        }
        XCTAssertEqual(nodules.map(\.label), [1, 2])
        XCTAssertGreaterThan(nodules[0].voxelCount, nodules[1].voxelCount)
        XCTAssertEqual(mask[0, 0, 0], 0)  // the lone voxel fell below minimumVoxels
    }

    func testNothingAboveTheThresholdGivesNoNodulesAndAnEmptyMaskOnTheSameGrid() throws {
        let g = try ImageGeometry(size: GridSize(6, 5, 4), origin: Vector3(1, 2, 3), spacing: Vector3(0.5, 0.7, 2))
        let p = try Volume(geometry: g, voxels: [Float](repeating: 0.5, count: g.size.voxelCount))  // at, not above
        let (nodules, mask) = ConnectedNodules.find(in: p, threshold: 0.5)
        XCTAssertTrue(nodules.isEmpty)
        XCTAssertEqual(mask.geometry, g)
        XCTAssertEqual(Set(mask.voxels), [0])
    }

    func testDiagonalVoxelsFormOneRegion() throws {
        let g = try ImageGeometry(size: GridSize(4, 4, 4))
        var p = [Float](repeating: 0, count: 64)
        for d in 0..<4 { p[(d * 4 + d) * 4 + d] = 1 }  // the main diagonal only touches at corners
        let (nodules, _) = ConnectedNodules.find(in: try Volume(geometry: g, voxels: p))
        XCTAssertEqual(nodules.count, 1)
        XCTAssertEqual(nodules.first?.slices, 0...3)
        XCTAssertEqual(nodules.first?.center, Vector3(1.5, 1.5, 1.5))
    }

    func testCascadeFindsTheSpheresOfAScan() throws {
        let scan = try CascadeFixtures.scan(size: GridSize(32, 32, 12), spheres: [(Vector3(10, 12, 5), 4.5), (Vector3(24, 22, 8), 3.5)])
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 32, lower: -1000, upper: 400))
        let cascade = try CascadeScreener(screener: screener, classifier: nil)
        let report = try cascade.screen(AnyVolume(scan))
        XCTAssertEqual(report.probabilities.geometry, scan.geometry)
        XCTAssertEqual(report.mask.geometry, scan.geometry)
        XCTAssertEqual(report.nodules.count, 2)
        let expected = [Vector3(10, 12, 5), Vector3(24, 22, 8)].map(scan.geometry.continuousIndexToWorld)
        for (n, c) in zip(report.nodules, expected) { XCTAssertLessThan(length(n.center - c), 0.5, "\(n.center) vs \(c)") }
        // Sampled at the scan's own size, the probability map is the segmenter's output itself.
        for v in [VoxelIndex(10, 12, 5), VoxelIndex(0, 0, 0)] {
            let x = min(max((Double(scan[v]) + 1000) / 1400, 0), 1)
            XCTAssertEqual(Double(report.probabilities[v]), 1 / (1 + exp(-(40 * x - 20))), accuracy: 1e-5)
        }
        XCTAssertEqual(report.screened.suspiciousSlices, Array(Set(report.nodules.flatMap { Array($0.slices) })).sorted())
        XCTAssertNil(report.patientMalignancy)
    }

    func testCascadeGivesNodulesTheMeanMalignancyOfTheirSlices() throws {
        let scan = try CascadeFixtures.scan(size: GridSize(32, 32, 12), spheres: [(Vector3(10, 12, 5), 4.5)])
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 16, lower: -1000, upper: 400))
        let classifier = try EncoderClassifier(.init(imageSize: 16, seed: 3))
        let report = try CascadeScreener(screener: screener, classifier: classifier).screen(AnyVolume(scan))
        XCTAssertEqual(report.nodules.count, 1)
        let slices = report.screened.suspiciousSlices
        XCTAssertFalse(slices.isEmpty)
        let direct = try classifier.probabilities(Tensor(shape: [slices.count, 2, 16, 16],
                                                         scalars: slices.flatMap { report.screened.pair(slice: $0) }))
        let mean = (0..<slices.count).map { Double(direct.scalars[2 * $0 + 1]) }.reduce(0, +) / Double(slices.count)
        XCTAssertEqual(report.nodules[0].malignancy ?? -1, mean, accuracy: 1e-6)
        XCTAssertEqual(report.patientMalignancy ?? -1, mean, accuracy: 1e-6)
        // Every phase timed once, in the order they ran (no lung mask here), none negative.
        XCTAssertEqual(report.stageSeconds.map(\.name),
                       ["slices sampled", "forward", "probabilities on the grid", "3-D nodules", "vessel test", "classifier"])
        XCTAssertTrue(report.stageSeconds.allSatisfy { $0.seconds >= 0 && $0.seconds < 60 }, "\(report.stageSeconds)")
        XCTAssertEqual(report.screened.stageSeconds, Array(report.stageSeconds.prefix(2)))
    }

    func testScreenerRejectsAClassifierOfAnotherSize() throws {
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 16, lower: -1000, upper: 400))
        XCTAssertThrowsError(try CascadeScreener(screener: screener, classifier: EncoderClassifier(.init(imageSize: 32))))
    }
}

/// Screening inside the lungs: the probability map is cut to the lungs grown by the margin,
/// findings mostly outside the lungs are dropped, and what passes 30 mm is a mass.
final class LungScreeningTests: XCTestCase {
    let nodule = (center: Vector3(-32, 4, 6), radiusMM: 5.0)
    let mass = (center: Vector3(30, -2, -4), radiusMM: 17.0)

    func cascade(_ region: SearchRegion) throws -> CascadeScreener {
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 48, lower: -1000, upper: 400),
                                         searchRegion: region)
        return try CascadeScreener(screener: screener, classifier: nil)
    }

    func testOnlyFindingsInsideTheLungsAreReportedAndLargeOnesAreMasses() throws {
        let scan = try CascadeFixtures.torso(spheres: [nodule, mass])
        let report = try cascade(.lungs(marginMM: 3, options: .init())).screen(AnyVolume(scan))
        let lungs = try XCTUnwrap(report.lungs)
        XCTAssertEqual(report.stageSeconds.map(\.name), ["lungs", "slices sampled", "forward", "probabilities on the grid", "3-D nodules", "vessel test"])
        XCTAssertGreaterThan(report.stageSeconds[0].seconds, 0)
        XCTAssertGreaterThan(lungs.rightVolumeML, 80)
        XCTAssertGreaterThan(lungs.leftVolumeML, 80)
        // Soft tissue lights up everywhere outside the lungs; none of it is reported.
        XCTAssertEqual(report.nodules.count, 2, "\(report.nodules)")
        let found = report.nodules.sorted { $0.equivalentDiameterMM > $1.equivalentDiameterMM }
        XCTAssertEqual(found[0].kind, "mass")
        XCTAssertLessThan(length(found[0].center - mass.center), 2)
        XCTAssertEqual(found[1].kind, "nodule")
        XCTAssertLessThan(length(found[1].center - nodule.center), 1)
        XCTAssertEqual(found[1].equivalentDiameterMM, 10, accuracy: 1.5)
        for n in report.nodules {
            XCTAssertNotEqual(lungs.labels[scan.geometry.worldToIndex(n.center)], 0, "\(n.kind) \(n.label) at \(n.center)")
        }
        // The probability map is 0 outside the search region, and the mask's labels are 1…n.
        let region = try XCTUnwrap(report.screened.searchRegion)
        for i in report.probabilities.voxels.indices where region.voxels[i] == 0 { XCTAssertEqual(report.probabilities.voxels[i], 0) }
        XCTAssertEqual(Set(report.mask.voxels), [0, 1, 2])
        // No slice outside the lungs' extent is suspicious.
        let lungSlices = Set((0..<scan.size.k).filter { k in region.slice(k: k).contains { $0 != 0 } })
        XCTAssertTrue(Set(report.screened.suspiciousSlices).isSubset(of: lungSlices))
    }

    func testWithoutTheLungMaskTheBodyItselfIsReportedAsAMass() throws {
        let scan = try CascadeFixtures.torso(spheres: [nodule])
        let report = try cascade(.everywhere).screen(AnyVolume(scan))
        XCTAssertNil(report.lungs)
        let largest = try XCTUnwrap(report.nodules.first)
        XCTAssertEqual(largest.kind, "mass")
        XCTAssertGreaterThan(largest.equivalentDiameterMM, 60)
    }
}
