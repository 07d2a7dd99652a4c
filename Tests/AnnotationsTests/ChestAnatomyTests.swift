import Foundation
import XCTest
import Annotations
import ImagingCore

/// The chest-anatomy phantom: the structures that fooled the first networks are there, the
/// nodules sit in lung parenchyma only, and the lung segmenter reads it as a chest.
final class ChestAnatomyTests: XCTestCase {
    let spec = PhantomSpec(size: GridSize(128, 128, 48), spacing: Vector3(0.75, 0.75, 2.5), noduleCount: 3, seed: 11,
                           lesionKind: .malignant, anatomy: .chest)

    func testTheChestHasItsStructuresAndTheNodulesLieInTheLungs() throws {
        let phantom = try ChestPhantom(spec)
        let ct = phantom.render()
        let g = ct.geometry, centre = Vector3(0, 0, -200), h = 127 * 0.75 / 2 // half the in-plane extent
        func hu(_ p: Vector3) -> Int16 { ct[g.worldToIndex(p)] }
        // Heart low and left of the midline, spine behind, trachea at the top: soft tissue,
        // bone and air where they belong (noise is 15 HU).
        XCTAssertEqual(Double(hu(centre + Vector3(0.08 * h, -0.18 * h, -0.2 * 117.5))), 45, accuracy: 60)
        XCTAssertGreaterThan(hu(centre + Vector3(0, 0.50 * h, 0)), 150, "vertebral body")
        XCTAssertLessThan(hu(centre + Vector3(0, -0.02 * h, 0.45 * 117.5)), -900, "trachea lumen")
        XCTAssertLessThan(hu(centre + Vector3(0, -0.35 * h, 0.4 * 117.5)), -50, "mediastinal fat")
        XCTAssertGreaterThan(hu(centre + Vector3(0, -0.35 * h, 0.4 * 117.5)), -150, "mediastinal fat")
        // Each nodule's centre is solid tissue and the voxels 1.5 radii out are lung or vessel.
        for n in phantom.nodules {
            XCTAssertGreaterThan(hu(n.center), -400, "nodule centre \(n.center)")
        }
        // The lung segmenter finds the trachea at the midline and two lungs around the heart.
        let lungs = try LungSegmenter.segment(ct)
        let seed = try XCTUnwrap(lungs.tracheaSeed)
        XCTAssertEqual(seed.x, 0, accuracy: 2)
        XCTAssertGreaterThan(lungs.airwayVolumeML, 1)
        XCTAssertEqual(lungs.rightVolumeML, lungs.leftVolumeML, accuracy: 0.35 * lungs.leftVolumeML)
        XCTAssertEqual(lungs.labels[g.worldToIndex(centre + Vector3(0.08 * h, -0.18 * h, -0.2 * 117.5))], 0, "heart")
        XCTAssertEqual(lungs.labels[g.worldToIndex(centre + Vector3(-0.4 * h, 0.1 * h, 0.1 * 117.5))], LungMask.rightLung)
        XCTAssertEqual(lungs.labels[g.worldToIndex(centre + Vector3(0.45 * h, 0.1 * h, 0.1 * 117.5))], LungMask.leftLung)
        for n in phantom.nodules {
            XCTAssertNotEqual(lungs.labels[g.worldToIndex(n.center)], 0, "nodule at \(n.center) is inside the lung mask")
        }
    }

    func testTheSimpleAnatomyIsUnchanged() throws {
        var simple = spec, chest = spec
        simple.anatomy = .simple
        simple.size = GridSize(64, 64, 8); simple.spacing = Vector3(1.5, 1.5, 2.5); simple.noduleCount = 1
        chest.size = simple.size; chest.spacing = simple.spacing; chest.noduleCount = 1
        let spine = Vector3(0, 0.50 * 63 * 1.5 / 2, -200)
        // No spine in the simple phantom: the body behind the lungs is muscle.
        let plain = try ChestPhantom(simple).render(), full = try ChestPhantom(chest).render()
        XCTAssertLessThan(plain[plain.geometry.worldToIndex(spine)], 120)
        XCTAssertGreaterThan(full[full.geometry.worldToIndex(spine)], 150)
        XCTAssertEqual(PhantomSpec.sampleSet.map(\.anatomy), [.simple, .simple, .simple])
    }
}
