import Foundation
import ImageFormats
import ImagingCore
import TestSupport
import XCTest
@testable import Registration

/// Rigid Mattes MI registration of PET-like to CT-like pairs with known misalignments
/// (≤ 10° about each axis, ≤ 20 mm along each), next to SimpleITK's ImageRegistrationMethod.
final class RigidRegistrationTests: XCTestCase {
    private struct SimpleITKResult: Decodable { let mapped: [[Double]]; let metric: Double; let iterations: Int; let seconds: Double; let stop: String }

    func testRecoversTenSeededMisalignmentsToBelowTwoMillimetresLikeSimpleITK() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        var ours: [Double] = [], phantoms: [ChestPhantom] = [], cases: [[String: String]] = []
        for seed in 1...10 as ClosedRange<UInt64> {
            let phantom = ChestPhantom(truth: ChestPhantom.misalignment(seed: seed, degrees: 10, millimetres: 20), seed: seed)
            let result = try RigidRegistration().register(fixed: phantom.ct, moving: phantom.pet)
            let tre = phantom.targetRegistrationError(result.transform)
            ours.append(tre)
            XCTAssertTrue(result.converged, "case \(seed)")
            XCTAssertEqual(result.iterations.count, 3)
            XCTAssertLessThan(result.metric, result.initialMetric)
            print(String(format: "case %d: start TRE %.2f mm, ours %.2f mm, metric %.4f → %.4f, iterations %@, %.2f s (debug build)",
                         Int(seed), phantom.targetRegistrationError(.identity), tre, result.initialMetric, result.metric,
                         result.iterations.description, result.seconds))
            let fixed = folder.appendingPathComponent("ct\(seed).mha"), moving = folder.appendingPathComponent("pet\(seed).mha")
            try ImageFile.write(phantom.ct, to: fixed)
            try ImageFile.write(phantom.pet, to: moving)
            cases.append(["fixed": fixed.path, "moving": moving.path])
            phantoms.append(phantom)
        }
        // The same number of samples per level as ours (1 %, at least `minimumSamples`).
        let settings = RigidRegistrationSettings()
        let percentages = settings.shrinkFactors.map { f -> Double in
            let n = Double(ChestPhantom.ctGeometry.size.voxelCount) / Double(f * f * f)
            return min(1, max(Double(settings.minimumSamples), settings.samplingPercentage * n) / n)
        }
        let request = folder.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: ["cases": cases, "points": ChestPhantom.lungPoints.map { [$0.x, $0.y, $0.z] },
                                                    "percentages": percentages, "seed": 1]).write(to: request)
        let anchor = try PythonOracle.json("sitk_register.py", [request.path], as: [SimpleITKResult].self)
        var theirs: [Double] = []
        for (phantom, r) in zip(phantoms, anchor) {
            let errors = zip(ChestPhantom.lungPoints, r.mapped).map { length(phantom.truth.transformPoint($0) - Vector3($1[0], $1[1], $1[2])) }
            theirs.append(errors.reduce(0, +) / Double(errors.count))
        }
        let mean = { (xs: [Double]) in xs.reduce(0, +) / Double(xs.count) }
        print("TRE mm, ours:      " + ours.map { String(format: "%.2f", $0) }.joined(separator: " ") + String(format: "  (mean %.2f)", mean(ours)))
        print("TRE mm, SimpleITK: " + theirs.map { String(format: "%.2f", $0) }.joined(separator: " ") + String(format: "  (mean %.2f; %.2f s per case)", mean(theirs), mean(anchor.map(\.seconds))))
        XCTAssertGreaterThanOrEqual(ours.filter { $0 < 2 }.count, 9, "TRE per case: \(ours)")
        XCTAssertLessThanOrEqual(mean(ours), mean(theirs) + 0.25, "no worse than SimpleITK on the same cases")
    }

    func testCapturesTwentyDegreeFortyMillimetreMisalignments() throws {
        var errors: [Double] = []
        for seed in 101...110 as ClosedRange<UInt64> {
            let phantom = ChestPhantom(truth: ChestPhantom.misalignment(seed: seed, degrees: 20, millimetres: 40), seed: seed)
            let result = try RigidRegistration().register(fixed: phantom.ct, moving: phantom.pet)
            errors.append(phantom.targetRegistrationError(result.transform))
            // A wrong transform must not come back flagged as converged.
            XCTAssertFalse(result.converged && (errors.last ?? 0) > 2, "case \(seed) is \(errors.last ?? 0) mm off without a flag")
            print(String(format: "wide case %d: start TRE %.1f mm (%.1f° in all), TRE %.2f mm", Int(seed), phantom.targetRegistrationError(.identity),
                         phantom.truth.rotationAngleDegrees, errors.last ?? 0))
        }
        print("wide capture (≤ 20°/axis, ≤ 40 mm/axis), TRE mm: " + errors.map { String(format: "%.2f", $0) }.joined(separator: " "))
        XCTAssertGreaterThanOrEqual(errors.filter { $0 < 2 }.count, 9, "TRE per case: \(errors)")
    }

    func testMomentsStartLinesUpTheIntensityCentresAndRegisters() throws {
        let phantom = ChestPhantom(truth: ChestPhantom.misalignment(seed: 7, degrees: 10, millimetres: 20), seed: 7)
        var settings = RigidRegistrationSettings()
        settings.initialiser = .moments
        let result = try RigidRegistration(settings: settings).register(fixed: phantom.ct, moving: phantom.pet)
        // ITK's MOMENTS: the centre of rotation at the fixed image's centre of mass, the
        // translation to the moving image's (not the grids' centres, which .geometry uses).
        let fixedCentre = RigidRegistration.centreOfMass(phantom.ct.converted(to: Float.self).shrunk(by: 2))
        let movingCentre = RigidRegistration.centreOfMass(phantom.pet.shrunk(by: 2))
        XCTAssertLessThan(length(result.initialTransform.centre - fixedCentre), 1e-9)
        XCTAssertLessThan(length(result.initialTransform.translation - (movingCentre - fixedCentre)), 1e-9)
        let geometry = try RigidRegistration().register(fixed: phantom.ct, moving: phantom.pet)
        XCTAssertGreaterThan(length(geometry.initialTransform.translation - result.initialTransform.translation), 1)
        XCTAssertTrue(result.converged)
        XCTAssertLessThan(phantom.targetRegistrationError(result.transform), 2)
    }

    func testCoarseRotationSearchPicksTheTrueGridRotation() throws {
        let truth = RigidTransform(eulerAngles: Vector3(0, -10, 20) * (.pi / 180), centre: .zero)
        let phantom = ChestPhantom(truth: truth, seed: 9)
        let registration = RigidRegistration()
        let metric = try registration.levelMetric(level: 0, fixed: phantom.ct.converted(to: Float.self), moving: phantom.pet, mask: nil, threads: 2)
        let best = registration.bestStartRotation(metric, angles: .zero, translation: .zero, centre: .zero) * (180 / .pi)
        XCTAssertEqual(best.x, 0, accuracy: 1e-9); XCTAssertEqual(best.y, -10, accuracy: 1e-9); XCTAssertEqual(best.z, 20, accuracy: 1e-9)
    }

    func testRunningOutOfIterationsIsFlaggedAsNotConverged() throws {
        let phantom = ChestPhantom(truth: ChestPhantom.misalignment(seed: 4, degrees: 10, millimetres: 20), seed: 4)
        var settings = RigidRegistrationSettings()
        settings.maximumIterations = 3
        let result = try RigidRegistration(settings: settings).register(fixed: phantom.ct, moving: phantom.pet)
        XCTAssertFalse(result.converged)
        XCTAssertEqual(result.iterations, [3, 3, 3])
        XCTAssertEqual(result.stopReasons.last, "reached 3 iterations")
    }

    func testSameSeedGivesTheSameTransformForAnyThreadCount() throws {
        let phantom = ChestPhantom(truth: ChestPhantom.misalignment(seed: 3, degrees: 8, millimetres: 15), seed: 3)
        var settings = RigidRegistrationSettings()
        settings.shrinkFactors = [4, 2]; settings.smoothingSigmas = [2, 1]
        settings.threads = 1
        let one = try RigidRegistration(settings: settings).register(fixed: phantom.ct, moving: phantom.pet)
        settings.threads = 3
        let three = try RigidRegistration(settings: settings).register(fixed: phantom.ct, moving: phantom.pet)
        XCTAssertEqual(one.transform, three.transform)
        XCTAssertEqual(one.history, three.history)
        settings.seed = 2
        let other = try RigidRegistration(settings: settings).register(fixed: phantom.ct, moving: phantom.pet)
        XCTAssertNotEqual(one.transform, other.transform, "the seed picks the samples")
    }

    func testNonOverlappingImagesFailWithTheSampleCount() throws {
        let phantom = ChestPhantom(truth: .identity, seed: 1)
        var far = phantom.pet
        far.geometry.origin += Vector3(0, 0, 900)
        var settings = RigidRegistrationSettings()
        settings.initialiser = .geometry
        // The geometry initialiser would line the centres up; an explicit far start would not.
        XCTAssertNoThrow(try RigidRegistration(settings: { var s = settings; s.maximumIterations = 1; s.shrinkFactors = [4]; s.smoothingSigmas = [0]; return s }())
            .register(fixed: phantom.ct, moving: far))
        settings.initialiser = .none
        XCTAssertThrowsError(try RigidRegistration(settings: settings).register(fixed: phantom.ct, moving: far)) { error in
            guard case .insufficientOverlap(let inside, let total, let required)? = error as? RegistrationError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(inside, 0)
            XCTAssertGreaterThan(total, 1000)
            XCTAssertGreaterThan(required, 0)
            XCTAssertTrue("\(error)".contains("0 of \(total) fixed-image samples"), "\(error)")
        }
        var empty = Volume<UInt8>(geometry: phantom.ct.geometry, repeating: 0)
        XCTAssertThrowsError(try RigidRegistration().register(fixed: phantom.ct, moving: phantom.pet, fixedMask: empty)) { error in
            XCTAssertEqual(error as? RegistrationError, .emptyMask("the fixed-image mask"))
        }
        empty[0, 0, 0] = 1
        XCTAssertThrowsError(try RigidRegistration().register(fixed: phantom.ct, moving: phantom.pet, fixedMask: empty)) { error in
            XCTAssertTrue("\(error)".contains("fixed samples"), "\(error)")
        }
    }
}
