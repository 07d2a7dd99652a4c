import ImagingCore
import XCTest
@testable import Registration

/// The liver / blood-pool reference and PERCIST's threshold against hand-computed values.
final class ReferenceUptakeTests: XCTestCase {
    /// 21³ at 2 mm; SUV 2 everywhere except a plane x = 20 mm (i = 10) at SUV 3.
    private func pet() throws -> Volume<Float> {
        var pet = Volume<Float>(geometry: try ImageGeometry(size: GridSize(21, 21, 21), spacing: Vector3(2, 2, 2)), repeating: 2)
        for k in 0..<21 { for j in 0..<21 { pet[10, j, k] = 3 } }
        return pet
    }

    func testSphereMeanSDAndThePERCISTThreshold() throws {
        let suv = try pet()
        // Radius 2 mm about (20, 20, 20): the centre and its 6 face neighbours; 5 of the 7 lie on the plane (SUV 3).
        let r = try LesionUptakeCalculator.reference(pet: suv, region: .sphere(centre: Vector3(20, 20, 20), radiusMM: 2), ctGeometry: suv.geometry)
        XCTAssertEqual(r.voxels, 7)
        XCTAssertEqual(r.volumeML, 7 * 8.0 / 1000, accuracy: 1e-12)
        XCTAssertEqual(r.suvMean, 19.0 / 7, accuracy: 1e-9)                       // (5 × 3 + 2 × 2) / 7
        let sd = ((5 * pow(3 - 19.0 / 7, 2) + 2 * pow(2 - 19.0 / 7, 2)) / 6).squareRoot()  // sample SD
        XCTAssertEqual(r.suvSD, sd, accuracy: 1e-9)
        XCTAssertEqual(r.percistThreshold, 1.5 * 19.0 / 7 + 2 * sd, accuracy: 1e-9)
    }

    func testMaskLabelThroughATransformAndOutsideThePET() throws {
        let suv = try pet()
        var mask = Volume<UInt8>(geometry: suv.geometry, repeating: 0)
        mask[4, 4, 4] = 7; mask[5, 4, 4] = 7; mask[3, 3, 3] = 1
        // PET world = CT world + (12, 0, 0): CT columns 4 and 5 read PET columns 10 (SUV 3) and 11 (SUV 2).
        let r = try LesionUptakeCalculator.reference(pet: suv, region: .mask(mask, label: 7), ctGeometry: suv.geometry,
                                                     transform: RigidTransform(translation: Vector3(12, 0, 0)), name: "blood-pool")
        XCTAssertEqual(r.name, "blood-pool")
        XCTAssertEqual(r.voxels, 2)
        XCTAssertEqual(r.suvMean, 2.5, accuracy: 1e-9)
        XCTAssertEqual(r.suvSD, 0.5.squareRoot(), accuracy: 1e-9)
        XCTAssertThrowsError(try LesionUptakeCalculator.reference(pet: suv, region: .mask(mask, label: 7), ctGeometry: suv.geometry,
                                                                  transform: RigidTransform(translation: Vector3(500, 0, 0)))) { error in
            XCTAssertEqual(error as? RegistrationError, .emptyMask("the liver reference region (inside the PET)"))
        }
        XCTAssertThrowsError(try LesionUptakeCalculator.reference(pet: suv, region: .mask(mask, label: 9), ctGeometry: suv.geometry))
    }

    func testPositivityOnSUVpeakAtAThreshold() throws {
        // A 5³ lesion of SUV 4 with one voxel at 10: SUVmax 10, SUVpeak (10 + 116·4 + 6)/123 = 3.902 (LesionUptakeTests).
        let g = try ImageGeometry(size: GridSize(31, 31, 31), spacing: Vector3(2, 2, 2))
        var mask = Volume<UInt8>(geometry: g, repeating: 0), pet = Volume<Float>(geometry: g, repeating: 1)
        for k in 13...17 { for j in 13...17 { for i in 13...17 { mask[i, j, k] = 1; pet[i, j, k] = 4 } } }
        pet[15, 15, 15] = 10
        var settings = UptakeSettings()
        settings.positiveMeasure = .suvPeak
        settings.positiveSUV = 3.95
        XCTAssertEqual(try LesionUptakeCalculator.measure(pet: pet, mask: mask, settings: settings)[0].status, .negative)
        settings.positiveSUV = 3.9
        XCTAssertEqual(try LesionUptakeCalculator.measure(pet: pet, mask: mask, settings: settings)[0].status, .positive)
        settings.positiveMeasure = .suvMax
        settings.positiveSUV = 9.9
        XCTAssertEqual(try LesionUptakeCalculator.measure(pet: pet, mask: mask, settings: settings)[0].status, .positive)
    }
}
