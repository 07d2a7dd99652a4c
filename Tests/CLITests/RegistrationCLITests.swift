import Foundation
import ImageFormats
import ImagingCore
import Registration
import TestSupport
import XCTest

/// `nodulekit register` and `nodulekit resample` run as a user runs them.
final class RegistrationCLITests: XCTestCase {
    private let truth = RigidTransform(eulerAngles: Vector3(0.02, -0.03, 5 * Double.pi / 180), translation: Vector3(6, -4, 3), centre: Vector3(60, 60, 45))

    /// A fixed image of three blobs and the moving image seeing it through `truth`.
    private func pair(_ folder: URL) throws -> (fixed: URL, moving: URL, volume: Volume<Float>) {
        let g = try ImageGeometry(size: GridSize(40, 40, 30), spacing: Vector3(3, 3, 3))
        var fixed = Volume<Float>(geometry: g, repeating: 0)
        // A body-like ellipsoid filling most of the box, with three inserts of other values.
        let blobs: [(Vector3, Vector3, Float)] = [(Vector3(60, 60, 45), Vector3(52, 40, 38), 100), (Vector3(80, 45, 40), Vector3(14, 10, 12), 300),
                                                  (Vector3(40, 75, 50), Vector3(9, 16, 10), 20), (Vector3(55, 55, 25), Vector3(8, 8, 8), 200)]
        for k in 0..<30 { for j in 0..<40 { for i in 0..<40 {
            let p = g.indexToWorld(VoxelIndex(i, j, k))
            for (c, r, v) in blobs { let d = (p - c) / r; if dot(d, d) <= 1 { fixed[i, j, k] = v } }
        } } }
        fixed = fixed.smoothed(sigma: 2)
        let moving = fixed.resampled(onto: g, through: truth.inverse)
        let f = folder.appendingPathComponent("fixed.mha"), m = folder.appendingPathComponent("moving.mha")
        try ImageFile.write(fixed, to: f)
        try ImageFile.write(moving, to: m)
        return (f, m, fixed)
    }

    private struct Report: Decodable { let converged: Bool; let metric: Double; let initialMetric: Double; let iterations: [Int] }

    func testRegisterRecoversTheTransformAndResampleReusesIt() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let (fixed, moving, fixedVolume) = try pair(folder)
        let out = folder.appendingPathComponent("out")
        let run = try CLITests.runNodulekit(["register", "--fixed", fixed.path, "--moving", moving.path, "--output", out.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        for name in ["transform.tfm", "moving-on-fixed.mha", "registration.json", "convergence.png", "fusion-before.png", "fusion-after.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        let found = try TransformFile.read(out.appendingPathComponent("transform.tfm"))
        let points = fixedVolume.geometry.cornerWorldPoints.map { ($0 + Vector3(60, 60, 45)) / 2 }
        let error = found.maximumDistance(to: truth, over: points)
        print("register CLI: largest error over the inner box \(error) mm; \(run.stdout)")
        XCTAssertLessThan(error, 1.0)
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: out.appendingPathComponent("registration.json")))
        XCTAssertTrue(report.converged)
        XCTAssertLessThan(report.metric, report.initialMetric)
        XCTAssertEqual(report.iterations.count, 3)

        let resampled = folder.appendingPathComponent("resampled.mha")
        let r = try CLITests.runNodulekit(["resample", "--reference", fixed.path, "--input", moving.path,
                                           "--transform", out.appendingPathComponent("transform.tfm").path, "--output", resampled.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("by linear interpolation"), r.stdout)
        XCTAssertEqual(try ImageFile.read(resampled).converted(to: Float.self).voxels,
                       try ImageFile.read(out.appendingPathComponent("moving-on-fixed.mha")).converted(to: Float.self).voxels)
    }

    func testResampleRejectsBadOptionsAndBrokenTransformsInOneLine() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let (fixed, moving, _) = try pair(folder)
        let output = folder.appendingPathComponent("r.mha").path
        let cubic = try CLITests.runNodulekit(["resample", "--reference", fixed.path, "--input", moving.path, "--interpolation", "cubic", "--output", output])
        XCTAssertNotEqual(cubic.status, 0)
        XCTAssertTrue(cubic.stderr.contains("linear or nearest"), cubic.stderr)
        let broken = folder.appendingPathComponent("broken.tfm")
        try Data("#Insight Transform File V1.0\nTransform: BSplineTransform_double_3_3\nParameters: 0\nFixedParameters: 0\n".utf8).write(to: broken)
        let run = try CLITests.runNodulekit(["resample", "--reference", fixed.path, "--input", moving.path, "--transform", broken.path, "--output", output])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains(broken.path) && run.stderr.contains("BSplineTransform"), run.stderr)
    }

    func testPetCompareWritesTheTableWithScreenMalignancy() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let g = try ImageGeometry(size: GridSize(31, 31, 31), spacing: Vector3(2, 2, 2))
        var mask = Volume<UInt8>(geometry: g, repeating: 0), pet = Volume<Float>(geometry: g, repeating: 1)
        for k in 13...17 { for j in 13...17 { for i in 13...17 { mask[i, j, k] = 1; pet[i, j, k] = 4 } } }
        pet[15, 15, 15] = 10
        for k in 3...7 { for j in 3...7 { for i in 3...7 { mask[i, j, k] = 2 } } }
        let screen = folder.appendingPathComponent("screen")
        try ImageFile.write(mask, to: screen.appendingPathComponent("mask.mha"))
        try Data("seriesuid,coordX,coordY,coordZ,diameter_mm,malignancy\ns,30,30,30,12,0.9\ns,10,10,10,12,0.2\n".utf8)
            .write(to: screen.appendingPathComponent("findings.csv"))
        try ImageFile.write(Volume<Int16>(geometry: g, repeating: 40), to: folder.appendingPathComponent("ct.mha"))
        try ImageFile.write(pet, to: folder.appendingPathComponent("pet.mha"))
        let out = folder.appendingPathComponent("out")
        let run = try CLITests.runNodulekit(["pet-compare", "--ct", folder.appendingPathComponent("ct.mha").path, "--pet",
                                             folder.appendingPathComponent("pet.mha").path, "--findings", screen.path, "--output", out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let rows = try String(contentsOf: out.appendingPathComponent("pet_reference.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[1][0], "1"); XCTAssertEqual(rows[1][6], "10.0000"); XCTAssertEqual(rows[1][7], "4.0480")
        XCTAssertEqual(rows[1][14], "positive"); XCTAssertEqual(rows[1][15], "0.9000")
        XCTAssertEqual(rows[2][6], "1.0000"); XCTAssertEqual(rows[2][14], "negative"); XCTAssertEqual(rows[2][15], "0.2000")
        let md = try String(contentsOf: out.appendingPathComponent("pet_reference.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("2 of 2 lesions with a definite PET reading agree"), md)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("lesion-1.png").path))
    }

    func testAPETSeriesIsResampledInSUV() throws {
        let json = try TestEnvironment.sharedFile("pet-suv-metadata/SIEMENS-instances.json")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let pet = folder.appendingPathComponent("pet")
        try PythonOracle.run("dicom_make_pet.py", [json.path, pet.path])
        let output = folder.appendingPathComponent("suv.mha")
        let run = try CLITests.runNodulekit(["resample", "--reference", pet.path, "--input", pet.path, "--output", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("(PET, SUV)"), run.stdout)
        let suv = try ImageFile.read(output).converted(to: Float.self)
        // Body-weight factor worked by hand in SUVTests: 67 kg, 374 MBq, 8264 s of decay, half-life 6586.2 s.
        let factor = 67_000 / (374_000_000 * pow(2, -8264 / 6586.2))
        for k in 0..<3 { XCTAssertEqual(Double(suv[0, 0, k]), Double(100 + k) * 2 * factor, accuracy: 1e-5) }
    }

    func testSeriesOfOneFrameOfReferenceKeepTheIdentity() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let scans = folder.appendingPathComponent("dicom")
        let made = try CLITests.runNodulekit(["phantom", "--format", "dicom", "--output", scans.path, "--size", "24,20,8", "--nodules", "1"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let series = try XCTUnwrap(FileManager.default.contentsOfDirectory(at: scans, includingPropertiesForKeys: [.isDirectoryKey])
            .first { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true })
        let out = folder.appendingPathComponent("out")
        let run = try CLITests.runNodulekit(["register", "--fixed", series.path, "--moving", series.path, "--output", out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("share FrameOfReferenceUID"), run.stdout)
        XCTAssertEqual(try TransformFile.read(out.appendingPathComponent("transform.tfm")), .identity)
    }

    func testAPETWithoutDecayFieldsIsOneLineNamingTheTag() throws {
        let json = try TestEnvironment.sharedFile("pet-suv-metadata/SIEMENS-instances.json")
        let folder = try TestEnvironment.temporaryDirectory(self)
        var instances = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]] ?? []
        for i in instances.indices {
            for key in ["RadiopharmaceuticalStartTime", "RadiopharmaceuticalStartDateTime"] { instances[i].removeValue(forKey: key) }
        }
        let stripped = folder.appendingPathComponent("meta.json")
        try JSONSerialization.data(withJSONObject: instances).write(to: stripped)
        let pet = folder.appendingPathComponent("pet")
        try PythonOracle.run("dicom_make_pet.py", [stripped.path, pet.path])
        let (fixed, _, _) = try pair(folder)
        let run = try CLITests.runNodulekit(["register", "--fixed", fixed.path, "--moving", pet.path, "--output", folder.appendingPathComponent("out").path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("(0018,"), run.stderr)   // the radiopharmaceutical tag that is missing
        print("PET without decay fields: \(run.stderr)")
    }
}
