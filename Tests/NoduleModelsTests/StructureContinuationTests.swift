import Annotations
import Foundation
import ImagingCore
import NoduleModels
import XCTest

/// The vessel test: a nodule's tissue stops, a vessel's goes on.
final class StructureContinuationTests: XCTestCase {
    /// Lung (−850 HU) on an anisotropic grid with a flipped axis; `tissue` says which world
    /// points are soft tissue (40 HU), `marked` which the network marked (the finding).
    private func scene(tissue: (Vector3) -> Bool, marked: (Vector3) -> Bool)
        throws -> (ct: Volume<Int16>, nodules: [ScreenedNodule], mask: Volume<UInt8>) {
        let direction = Matrix3(rows: Vector3(1, 0, 0), Vector3(0, -1, 0), Vector3(0, 0, 1))
        let g = try ImageGeometry(size: GridSize(72, 72, 30), origin: Vector3(-25, 25, -30),
                                  spacing: Vector3(0.7, 0.7, 2), direction: direction)
        var hu = [Int16](repeating: -850, count: g.size.voxelCount), p = [Float](repeating: 0, count: g.size.voxelCount)
        for k in 0..<g.size.k {
            for j in 0..<g.size.j {
                for i in 0..<g.size.i {
                    let w = g.indexToWorld(VoxelIndex(i, j, k)), n = (k * g.size.j + j) * g.size.i + i
                    if tissue(w) { hu[n] = 40 }
                    if marked(w) { p[n] = 0.9 }
                }
            }
        }
        let (nodules, mask) = ConnectedNodules.find(in: try Volume(geometry: g, voxels: p))
        return (try Volume(geometry: g, voxels: hu), nodules, mask)
    }

    private func distanceToZAxis(_ w: Vector3) -> Double { (w.x * w.x + w.y * w.y).squareRoot() }

    func testAnIsolatedNoduleDoesNotContinue() throws {
        let ball = { (w: Vector3) in length(w) <= 5 }
        let (ct, nodules, mask) = try scene(tissue: ball, marked: ball)
        XCTAssertEqual(nodules.count, 1)
        let c = try XCTUnwrap(try StructureContinuation().measure(nodules, mask: mask, ct: ct, region: nil)[1])
        XCTAssertLessThan(c, 0.05)
    }

    func testAVesselThroughTheFindingContinuesOnBothSides() throws {
        // A 5 mm vessel along z; the network marked 12 mm of it. The vessel leaves the sphere
        // on both sides, each time with the finding's own cross-section: about 2.
        let (ct, nodules, mask) = try scene(tissue: { self.distanceToZAxis($0) <= 2.5 },
                                            marked: { self.distanceToZAxis($0) <= 2.5 && abs($0.z) <= 6 })
        XCTAssertEqual(nodules.count, 1)
        let c = try XCTUnwrap(try StructureContinuation().measure(nodules, mask: mask, ct: ct, region: nil)[1])
        XCTAssertGreaterThan(c, 1.3)
        XCTAssertLessThan(c, 2.7)
    }

    func testSmallVesselsTouchingANoduleCountLittle() throws {
        // A 10 mm nodule with a 2 mm vessel running past it along z, touching it.
        let tissue = { (w: Vector3) in length(w) <= 5 || ((w.x - 5.8) * (w.x - 5.8) + w.y * w.y).squareRoot() <= 1 }
        let (ct, nodules, mask) = try scene(tissue: tissue, marked: { length($0) <= 5 })
        let c = try XCTUnwrap(try StructureContinuation().measure(nodules, mask: mask, ct: ct, region: nil)[1])
        XCTAssertGreaterThan(c, 0.02, "the touching vessel was not followed")
        // The vessel meets the sphere obliquely, so its crossing is larger than its section.
        XCTAssertLessThan(c, 0.5)
    }

    func testTissueOutsideTheRegionIsNotFollowed() throws {
        // A juxtapleural nodule: the chest wall (y ≤ −5) is tissue but outside the lungs.
        let wall = { (w: Vector3) in w.y <= -5 }
        let ball = { (w: Vector3) in length(w - Vector3(0, -1, 0)) <= 4.5 }
        let (ct, nodules, mask) = try scene(tissue: { wall($0) || ball($0) }, marked: ball)
        var lungs = [UInt8](repeating: 0, count: ct.size.voxelCount)
        for n in lungs.indices where !wall(ct.geometry.indexToWorld(VoxelIndex(n % 72, (n / 72) % 72, n / (72 * 72)))) { lungs[n] = 1 }
        let region = try Volume(geometry: ct.geometry, voxels: lungs)
        let measure = StructureContinuation()
        let inLungs = try XCTUnwrap(try measure.measure(nodules, mask: mask, ct: ct, region: region)[1])
        let everywhere = try XCTUnwrap(try measure.measure(nodules, mask: mask, ct: ct, region: nil)[1])
        XCTAssertLessThan(inLungs, 0.05)
        XCTAssertGreaterThan(everywhere, 2, "the wall crosses the sphere over a wide area")
    }

    func testTheCascadeDropsVesselsButKeepsNodulesAndMasses() throws {
        // The bright-pixel segmenter marks what passes −300 HU: the nodule and the middle of
        // a vessel that is fainter (−400 HU) above and below, tissue to a test at −500 HU.
        var (ct, _, _) = try scene(tissue: { length($0 - Vector3(-12, 0, 0)) <= 5 || self.distanceToZAxis($0 - Vector3(10, 0, 0)) <= 2.5 },
                                   marked: { _ in false })
        for k in 0..<ct.size.k where abs(ct.geometry.indexToWorld(VoxelIndex(0, 0, k)).z) > 6 {
            for j in 0..<ct.size.j {
                for i in 0..<ct.size.i where ct[i, j, k] == 40 && ct.geometry.indexToWorld(VoxelIndex(i, j, k)).x > 0 { ct[i, j, k] = -400 }
            }
        }
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 72, lower: -1000, upper: 400))
        var test = StructureContinuation()
        test.tissueHU = -500
        let measured = try CascadeScreener(screener: screener, classifier: nil, continuation: test, maximumContinuation: .infinity)
            .screen(AnyVolume(ct))
        XCTAssertEqual(measured.nodules.count, 2, "\(measured.nodules.map { ($0.center, $0.equivalentDiameterMM, $0.continuation) })")
        let vessel = try XCTUnwrap(measured.nodules.first { $0.center.x > 0 }?.continuation)
        XCTAssertGreaterThan(vessel, StructureContinuation.defaultMaximum, "the vessel passes the default line")
        let tested = try CascadeScreener(screener: screener, classifier: nil, continuation: test, maximumContinuation: 0.5).screen(AnyVolume(ct))
        XCTAssertEqual(tested.nodules.count, 1, "\(measured.nodules.map { ($0.center, $0.equivalentDiameterMM, $0.continuation) })")
        let kept = try XCTUnwrap(tested.nodules.first)
        XCTAssertLessThan(length(kept.center - Vector3(-12, 0, 0)), 1, "the nodule, not the vessel, was kept")
        XCTAssertEqual(Set(tested.mask.voxels), [0, 1], "the vessel's voxels left the mask")
        let masses = try CascadeScreener(screener: screener, classifier: nil, massDiameterMM: 8, continuation: test, maximumContinuation: 0.5)
            .screen(AnyVolume(ct))
        XCTAssertEqual(masses.nodules.count, 2, "findings over the mass line are kept whatever their continuation")
        let untested = try CascadeScreener(screener: screener, classifier: nil, continuation: nil, maximumContinuation: 0.5)
            .screen(AnyVolume(ct))
        XCTAssertEqual(untested.nodules.count, 2)
        XCTAssertNil(untested.nodules.first?.continuation)
    }

    func testAMaskOrRegionOffTheCTsGridIsAnErrorNotACrash() throws {
        let ball = { (w: Vector3) in length(w) <= 5 }
        let (ct, nodules, mask) = try scene(tissue: ball, marked: ball)
        let other = Volume<UInt8>(geometry: try ImageGeometry(size: GridSize(8, 8, 8)), repeating: 1)
        XCTAssertThrowsError(try StructureContinuation().measure(nodules, mask: mask, ct: ct, region: other)) { error in
            XCTAssertTrue("\(error)".contains("region"), "\(error)")
        }
        XCTAssertThrowsError(try StructureContinuation().measure(nodules, mask: other, ct: ct, region: nil))
    }
}
