import ImagingCore
import XCTest
@testable import Registration

/// Per-lesion PET measures against values worked out by hand on a small volume.
final class LesionUptakeTests: XCTestCase {
    /// CT/mask grid 31³ at 2 mm; PET on the same grid but 28 slices (label 4 lies beyond).
    private func scene() throws -> (pet: Volume<Float>, mask: Volume<UInt8>) {
        let ct = try ImageGeometry(size: GridSize(31, 31, 31), spacing: Vector3(2, 2, 2))
        var mask = Volume<UInt8>(geometry: ct, repeating: 0)
        var pet = Volume<Float>(geometry: try ImageGeometry(size: GridSize(31, 31, 28), spacing: Vector3(2, 2, 2)), repeating: 1)
        for k in 13...17 { for j in 13...17 { for i in 13...17 { mask[i, j, k] = 1; pet[i, j, k] = 4 } } }
        pet[15, 15, 15] = 10
        mask[4, 4, 26] = 2
        for k in 4...8 { for j in 4...8 { for i in 24...28 { mask[i, j, k] = 3; pet[i, j, k] = 1.5 } } }
        mask[4, 26, 30] = 4
        return (pet, mask)
    }

    func testMeasuresMatchHandComputedValues() throws {
        let (pet, mask) = try scene()
        let lesions = try LesionUptakeCalculator.measure(pet: pet, mask: mask)
        XCTAssertEqual(lesions.map(\.label), [1, 2, 3, 4])
        let hot = lesions[0]
        XCTAssertEqual(hot.centre, Vector3(30, 30, 30))
        XCTAssertEqual(hot.volumeML, 1.0, accuracy: 1e-12)                        // 125 voxels of 8 mm³
        XCTAssertEqual(hot.diameterMM, cbrt(6000 / Double.pi), accuracy: 1e-9)    // 12.41 mm
        XCTAssertEqual(hot.suvMax, 10)
        XCTAssertEqual(hot.suvMean, 506.0 / 125, accuracy: 1e-9)                  // 124 × 4 + 10
        // The 1 cm³ sphere (r = 6.20 mm) about the hot voxel holds 123 voxel centres:
        // the hot one, 116 of the lesion's 4s and the 6 axial neighbours at ±3 voxels (SUV 1).
        XCTAssertEqual(hot.suvPeak, (10 + 116 * 4 + 6) / 123.0, accuracy: 1e-9)
        XCTAssertEqual(hot.mtv41, 0.008, accuracy: 1e-12)                         // only the 10 reaches 4.1
        XCTAssertEqual(hot.tlg41, 0.08, accuracy: 1e-12)
        XCTAssertEqual(hot.mtvAbsolute, 1.0, accuracy: 1e-12)                     // all 125 are ≥ 2.5
        XCTAssertEqual(hot.tlgAbsolute, 506.0 / 125, accuracy: 1e-9)
        XCTAssertEqual(hot.hotSpotDistanceMM, 0)
        XCTAssertEqual(hot.status, .positive)

        let small = lesions[1]                                                    // one voxel: d = 2.48 mm, SUV 1
        XCTAssertEqual(small.suvMax, 1)
        XCTAssertEqual(small.status, .indeterminate)
        XCTAssertEqual(small.mtvAbsolute, 0)
        let cold = lesions[2]                                                     // 1 mL at SUV 1.5
        XCTAssertEqual(cold.suvMax, 1.5)
        XCTAssertEqual(cold.suvMean, 1.5)
        XCTAssertEqual(cold.status, .negative)
        XCTAssertEqual(lesions[3].status, .outsideFieldOfView)
        XCTAssertTrue(lesions[3].suvMax.isNaN)
    }

    func testTransformMovesTheLookUpAndTheHotSpot() throws {
        let (pet, mask) = try scene()
        // PET world = CT world + (4, 0, 0): the hot voxel is seen 4 mm to the right of the lesion centre.
        let shifted = try LesionUptakeCalculator.measure(pet: pet, mask: mask, transform: RigidTransform(translation: Vector3(4, 0, 0)))
        XCTAssertEqual(shifted[0].suvMax, 10)
        XCTAssertEqual(shifted[0].hotSpotDistanceMM, 4, accuracy: 1e-9)
        // CT columns 13–15 read PET columns 15–17 (the lesion's 4s and its 10), columns 16–17 background.
        let expectedMean: Double = (74.0 * 4 + 10 + 50) / 125
        XCTAssertEqual(shifted[0].suvMean, expectedMean, accuracy: 1e-9)
    }

    /// A thin finding 40 mm long (what `screen` can report along a vessel) reaches far beyond
    /// its equivalent sphere plus the 10 mm margin: every voxel is still read, none traps.
    func testAnElongatedLesionIsMeasuredOverAllItsVoxels() throws {
        let g = try ImageGeometry(size: GridSize(31, 31, 31), spacing: Vector3(2, 2, 2))
        var mask = Volume<UInt8>(geometry: g, repeating: 0)
        var pet = Volume<Float>(geometry: g, repeating: 1)
        for k in 5...25 { mask[15, 15, k] = 1; pet[15, 15, k] = 3 }
        pet[15, 15, 25] = 7  // at the far end, 20 mm from the centre
        let lesion = try XCTUnwrap(try LesionUptakeCalculator.measure(pet: pet, mask: mask).first)
        XCTAssertLessThan(lesion.diameterMM / 2 + UptakeSettings().marginMM, 20, "the lesion must outreach its neighbourhood sphere")
        XCTAssertEqual(lesion.suvMean, (20 * 3 + 7) / 21.0, accuracy: 1e-9)
    }

    func testEmptyMaskIsAnError() throws {
        let (pet, mask) = try scene()
        XCTAssertThrowsError(try LesionUptakeCalculator.measure(pet: pet, mask: Volume<UInt8>(geometry: mask.geometry, repeating: 0))) { error in
            XCTAssertEqual(error as? RegistrationError, .emptyMask("the lesion mask"))
        }
    }

    func testPartialVolumeHidesMostOfASmallNodulesUptake() throws {
        // Two lung nodules of true SUV 9 on a lung background of 0.35, 8 mm and 20 mm across,
        // in a PET at 4 mm (each voxel the mean of 2×2×2 samples) blurred to 6 mm FWHM, read
        // through a 1 mm CT mask: the small one keeps only part of its uptake (SUVmax 4.3 here,
        // noise-free and centred on a PET voxel; the issue quotes about 3 on a scanner), the
        // large one nearly all.
        let centres = [Vector3(-16, 0, 0), Vector3(16, 0, 0)], radii = [4.0, 10.0]
        let ctGrid = try ImageGeometry(size: GridSize(71, 51, 51), origin: Vector3(-35, -25, -25), spacing: Vector3(1, 1, 1))
        var mask = Volume<UInt8>(geometry: ctGrid, repeating: 0)
        for k in 0..<51 { for j in 0..<51 { for i in 0..<71 {
            let p = ctGrid.indexToWorld(VoxelIndex(i, j, k))
            for n in 0..<2 where length(p - centres[n]) <= radii[n] { mask[i, j, k] = UInt8(n + 1) }
        } } }
        let petGrid = try ImageGeometry(size: GridSize(21, 15, 15), origin: Vector3(-40, -28, -28), spacing: Vector3(4, 4, 4))
        var ideal = Volume<Float>(geometry: petGrid, repeating: 0)
        for k in 0..<15 { for j in 0..<15 { for i in 0..<21 {
            var sum = 0.0
            for dk in [-1.0, 1.0] { for dj in [-1.0, 1.0] { for di in [-1.0, 1.0] {
                let p = petGrid.indexToWorld(VoxelIndex(i, j, k)) + Vector3(di, dj, dk)
                sum += zip(centres, radii).contains { length(p - $0) <= $1 } ? 9 : 0.35
            } } }
            ideal[i, j, k] = Float(sum / 8)
        } } }
        let pet = ideal.smoothed(sigma: 6 / (8 * log(2)).squareRoot())
        let lesions = try LesionUptakeCalculator.measure(pet: pet, mask: mask)
        print(String(format: "partial volume: 8 mm reads SUVmax %.2f, SUVpeak %.2f; 20 mm reads SUVmax %.2f, SUVpeak %.2f (true 9)",
                     lesions[0].suvMax, lesions[0].suvPeak, lesions[1].suvMax, lesions[1].suvPeak))
        XCTAssertEqual(lesions[0].diameterMM, 8, accuracy: 0.3)
        XCTAssertGreaterThan(lesions[0].suvMax, 2.5)
        XCTAssertLessThan(lesions[0].suvMax, 0.6 * 9, "an 8 mm nodule loses much of its uptake at 6 mm FWHM")
        XCTAssertLessThan(lesions[0].suvPeak, lesions[0].suvMax)
        XCTAssertGreaterThan(lesions[1].suvMax, 0.9 * 9, "a 20 mm nodule keeps nearly all of it")
        XCTAssertEqual(lesions[0].status, .positive)   // SUVmax ≥ 2.5 despite the loss
    }
}
