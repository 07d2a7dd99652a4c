import Foundation
import ImageFormats
import ImagingCore
import Registration
import TestSupport
import XCTest

/// `phantom --labelled --pet`: each phantom CT's PET, misaligned by a known transform, is
/// registered back by `register` and read by `pet-compare` as the lesion kinds say.
final class PETPhantomCLITests: XCTestCase {
    private struct Report: Decodable {
        struct TRE: Decodable { let meanMM: Double; let maximumMM: Double; let points: Int }
        let converged: Bool
        let convergence: String
        let targetRegistrationError: TRE?
    }

    /// Rows of a CSV file as fields, header first.
    private func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func testRegisterRecoversTruthAndPetCompareReadsTheLesionKinds() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let scans = folder.appendingPathComponent("phantoms")
        let made = try CLITests.runNodulekit(["phantom", "--labelled", "--pet", "--count", "2", "--size", "80,80,30", "--spacing", "3.5,3.5,5",
                                              "--nodules", "3", "--seed", "5", "--output", scans.path, "--quiet"])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stdout.contains("wrote 2 PET scans"), made.stdout)
        let labels = try rows(scans.appendingPathComponent("labels.csv")).dropFirst()
        XCTAssertEqual(labels.map { $0[1] }, ["benign", "malignant"])
        let annotations = try rows(scans.appendingPathComponent("annotations.csv")).dropFirst()

        for label in labels {
            let uid = label[0], malignant = label[1] == "malignant"
            let ct = scans.appendingPathComponent("\(uid).mhd"), pet = scans.appendingPathComponent("pet/\(uid)")
            // The PET has its own grid (4 mm, its own origin) and is in SUV.
            let petGrid = try ImageFile.readGeometry(pet.appendingPathComponent("pet.nii.gz"))
            let ctGrid = try ImageFile.readGeometry(ct)
            XCTAssertEqual(petGrid.spacing.x, 4, accuracy: 1e-4)
            XCTAssertNotEqual(petGrid.origin, ctGrid.origin)
            let truth = try TransformFile.read(pet.appendingPathComponent("truth.tfm"))
            let start = TargetRegistrationError(estimate: .identity, truth: truth, over: ctGrid)
            XCTAssertGreaterThan(start.meanMM, 5, "the misalignment is worth recovering")

            let out = folder.appendingPathComponent("reg-\(uid)")
            let run = try CLITests.runNodulekit(["register", "--fixed", ct.path, "--moving", pet.appendingPathComponent("pet.nii.gz").path,
                                                 // The defaults: 1 % of this small CT is below the 20,000-sample floor
                                                 // (at 4,000 its noisy metric left the malignant patient 3.7 mm off).
                                                 "--truth", pet.appendingPathComponent("truth.tfm").path, "--output", out.path, "--quiet"])
            XCTAssertEqual(run.status, 0, run.stderr)
            let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: out.appendingPathComponent("registration.json")))
            let tre = try XCTUnwrap(report.targetRegistrationError)
            print("PET phantom \(label[1]): TRE \(start.meanMM) mm → \(tre.meanMM) mm (largest \(tre.maximumMM)); \(run.stdout)")
            XCTAssertTrue(report.converged)
            XCTAssertLessThan(tre.meanMM, 2.0)
            // Our own check of the file: the same error from transform.tfm.
            let found = try TransformFile.read(out.appendingPathComponent("transform.tfm"))
            XCTAssertEqual(TargetRegistrationError(estimate: found, truth: truth, over: ctGrid).meanMM, tre.meanMM, accuracy: 1e-9)

            // The final-metric check (Docs/PETCT.md, scripts/pet/calibrate-convergence.sh): a start
            // near the truth is recovered and passes; for the malignant patient, the wide start of
            // seed 2 (40° about a seeded axis, 70 mm) ends far off and is flagged, exit status 3.
            let centre = ctGrid.continuousIndexToWorld(Vector3(Double(ctGrid.size.i - 1) / 2, Double(ctGrid.size.j - 1) / 2, Double(ctGrid.size.k - 1) / 2))
            for (mode, seed, expectFlag) in [("near", 1, false)] + (malignant ? [("wide", 2, true)] : []) {
                let dir = folder.appendingPathComponent("reg-\(uid)-\(mode)-\(seed)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                let startURL = dir.appendingPathComponent("start.tfm")
                let made = try ExternalTool.run(try TestEnvironment.python(), [
                    TestEnvironment.repositoryRoot.appendingPathComponent("scripts/pet/start_near_truth.py").path,
                    pet.appendingPathComponent("truth.tfm").path, "\(centre.x),\(centre.y),\(centre.z)", "\(seed)", mode, startURL.path])
                XCTAssertEqual(made.status, 0, made.stderr)
                let r = try CLITests.runNodulekit(["register", "--fixed", ct.path, "--moving", pet.appendingPathComponent("pet.nii.gz").path,
                                                   "--truth", pet.appendingPathComponent("truth.tfm").path, "--initial-transform", startURL.path,
                                                   "--output", dir.path, "--quiet"])
                let rep = try JSONDecoder().decode(Report.self, from: Data(contentsOf: dir.appendingPathComponent("registration.json")))
                let e = try XCTUnwrap(rep.targetRegistrationError)
                print("PET phantom \(label[1]) from a \(mode) start (seed \(seed)): TRE \(e.meanMM) mm, \(rep.convergence), status \(r.status)")
                if expectFlag {
                    XCTAssertEqual(r.status, 3, r.stderr)
                    XCTAssertEqual(rep.convergence, "suspected-misregistration")
                    XCTAssertFalse(rep.converged)
                    XCTAssertGreaterThan(e.meanMM, 20, "a flagged result is a real failure")
                    XCTAssertTrue(r.stderr.contains("suspected misregistration"), r.stderr)
                } else {
                    XCTAssertEqual(r.status, 0, r.stderr)
                    XCTAssertEqual(rep.convergence, "converged")
                    XCTAssertLessThan(e.meanMM, 3)
                }
            }

            // The lesions as labels 1…3 on the CT grid (spheres of the annotated diameters).
            var mask = Volume<UInt8>(geometry: ctGrid, repeating: 0)
            let mine = annotations.filter { $0[0] == uid }
            XCTAssertEqual(mine.count, 3)
            for (n, row) in mine.enumerated() {
                let centre = Vector3(Double(row[1]) ?? 0, Double(row[2]) ?? 0, Double(row[3]) ?? 0), r = (Double(row[4]) ?? 0) / 2
                for k in 0..<ctGrid.size.k { for j in 0..<ctGrid.size.j { for i in 0..<ctGrid.size.i
                    where length(ctGrid.indexToWorld(VoxelIndex(i, j, k)) - centre) <= max(r, 2) { mask[i, j, k] = UInt8(n + 1) } } }
            }
            // Label 4: a small lesion at the CT's top slice, above the PET's axial field of view
            // (the PET covers less of z than the CT, from below the CT's lower end).
            let top = ctGrid.indexToWorld(VoxelIndex(ctGrid.size.i / 3, ctGrid.size.j / 2, ctGrid.size.k - 1))
            XCTAssertFalse(petGrid.containsContinuousIndex(petGrid.worldToContinuousIndex(truth.transformPoint(top))),
                           "the top slice maps outside the PET")
            for k in 0..<ctGrid.size.k { for j in 0..<ctGrid.size.j { for i in 0..<ctGrid.size.i
                where length(ctGrid.indexToWorld(VoxelIndex(i, j, k)) - top) <= 4 { mask[i, j, k] = 4 } } }
            let maskURL = folder.appendingPathComponent("mask-\(uid).mha")
            try ImageFile.write(mask, to: maskURL)
            let liver = try XCTUnwrap(rows(pet.appendingPathComponent("reference.csv")).first { $0[0] == "liver" })
            let compare = folder.appendingPathComponent("compare-\(uid)")
            let c = try CLITests.runNodulekit(["pet-compare", "--ct", ct.path, "--pet", pet.appendingPathComponent("pet.nii.gz").path, "--mask", maskURL.path,
                                               "--transform", out.appendingPathComponent("transform.tfm").path,
                                               "--reference-sphere=" + liver[1...4].joined(separator: ","), "--output", compare.path])
            XCTAssertEqual(c.status, 0, c.stderr)
            print(c.stdout)
            let table = try rows(compare.appendingPathComponent("pet_reference.csv")).dropFirst()
            XCTAssertEqual(table.count, 4)
            XCTAssertEqual(table.last?[0], "4")
            XCTAssertEqual(table.last?[14], "outside-fov", table.last?.joined(separator: ",") ?? "")
            for row in table.dropLast() {
                if malignant { XCTAssertEqual(row[14], "positive", row.joined(separator: ",")) }
                else { XCTAssertTrue(row[14] == "negative" || row[14] == "indeterminate", row.joined(separator: ",")) }
            }
            // The liver reads about its true uptake (2.2) in the registered PET.
            let line = try XCTUnwrap(c.stdout.split(separator: "\n").first { $0.hasPrefix("reference (liver)") })
            let mean = try XCTUnwrap(Double(line.split(separator: " ")[3].trimmingCharacters(in: CharacterSet(charactersIn: ","))))
            XCTAssertEqual(mean, Double(liver[5]) ?? 0, accuracy: 0.25, String(line))
        }
    }
}
