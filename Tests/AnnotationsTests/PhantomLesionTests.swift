import Foundation
import XCTest
import Annotations
import ImageFormats
import ImagingCore
import TestSupport

final class PhantomLesionTests: XCTestCase {
    func makeScan(_ kind: LesionKind, seed: UInt64) throws -> (ChestPhantom, Volume<Int16>) {
        let spec = PhantomSpec(size: GridSize(96, 96, 40), spacing: Vector3(1, 1, 2), noduleCount: 4, seed: seed, lesionKind: kind)
        let phantom = try ChestPhantom(spec)
        return (phantom, phantom.render())
    }

    /// Values under each nodule's annotated sphere.
    func valuesUnderNodules(_ phantom: ChestPhantom, _ volume: Volume<Int16>) throws -> [[Int16]] {
        try phantom.nodules.map { n in
            let mask = try NoduleMaskRenderer().render([n], on: phantom.geometry).mask
            return zip(volume.voxels, mask.voxels).filter { $0.1 != 0 }.map(\.0)
        }
    }

    func testBenignLesionsAreSmallAndSomeAreCalcified() throws {
        var calcifiedSeen = false
        for seed in UInt64(1)...4 {
            let (phantom, volume) = try makeScan(.benign, seed: seed)
            XCTAssertEqual(phantom.nodules.count, 4)
            for (n, values) in try valuesUnderNodules(phantom, volume).enumerated() {
                let d = try XCTUnwrap(phantom.nodules[n].diameterMM)
                XCTAssertTrue((4...10).contains(d), "benign diameter \(d)")
                XCTAssertFalse(values.contains { $0 < -300 }, "benign lesions are solid")
                if values.contains(where: { $0 > 250 }) { calcifiedSeen = true }
            }
        }
        XCTAssertTrue(calcifiedSeen, "about a third of benign lesions carry a calcified core")
    }

    func testMalignantLesionsAreLargeWithSpiculesOrGroundGlass() throws {
        var groundGlassSeen = false, spiculesSeen = false
        for seed in UInt64(1)...4 {
            let (phantom, volume) = try makeScan(.malignant, seed: seed)
            for (n, values) in try valuesUnderNodules(phantom, volume).enumerated() {
                let nodule = phantom.nodules[n]
                let d = try XCTUnwrap(nodule.diameterMM)
                XCTAssertTrue((12...25).contains(d), "malignant diameter \(d)")
                XCTAssertFalse(values.contains { $0 > 250 }, "malignant lesions are not calcified")
                if values.filter({ (-600 ... -300).contains($0) }).count > values.count / 4 { groundGlassSeen = true }
                // Spicules: solid voxels in a shell just outside the annotated sphere.
                var shell = nodule
                shell.diameterMM = d + 6
                let outer = try NoduleMaskRenderer().render([shell], on: phantom.geometry).mask
                let inner = try NoduleMaskRenderer().render([nodule], on: phantom.geometry).mask
                let ring = zip(zip(outer.voxels, inner.voxels), volume.voxels).filter { $0.0.0 != 0 && $0.0.1 == 0 }.map(\.1)
                if ring.filter({ $0 > -100 }).count > 8 { spiculesSeen = true }
            }
        }
        XCTAssertTrue(groundGlassSeen, "some malignant lesions are part-solid")
        XCTAssertTrue(spiculesSeen, "some malignant lesions are spiculated")
    }

    func testLabelledSetWritesPatientLabels() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let specs = [PhantomSpec(size: GridSize(32, 32, 12), spacing: Vector3(2, 2, 4), noduleCount: 1, seed: 1, lesionKind: .benign),
                     PhantomSpec(size: GridSize(32, 32, 12), spacing: Vector3(2, 2, 4), noduleCount: 1, seed: 2, lesionKind: .malignant)]
        try PhantomSet.write(specs, to: folder)
        let table = try CSVTable(contentsOf: folder.appendingPathComponent("labels.csv"))
        XCTAssertEqual(table.header, ["seriesuid", "label"])
        XCTAssertEqual(table.rows.map { $0.fields[1] }, ["benign", "malignant"])
        XCTAssertEqual(table.rows.map { $0.fields[0] }, try specs.map { try ChestPhantom($0).seriesUID })
    }
}
