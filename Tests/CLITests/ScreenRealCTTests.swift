import Foundation
import XCTest
import ImagingCore
import ImageFormats
import Annotations
import NoduleModels
import TestSupport

/// `nodulekit screen` on the real CPTAC-LSCC chest CT with the models the cascade trained
/// on phantoms (`make test` runs scripts/cascade.sh into out/test-cascade before the tests;
/// `make demo` into out/demo/cascade). Before the lung mask, these models reported the
/// heart and mediastinum as 140 mm and 111 mm nodules on this scan.
final class ScreenRealCTTests: XCTestCase {
    /// The trained models of the newest cascade run, or a skip (a failure under CI).
    func cascadeModels() throws -> (segmenter: URL, classifier: URL) {
        let root = TestEnvironment.repositoryRoot
        for folder in ["out/test-cascade", "out/demo/cascade"] {
            let segmenter = root.appendingPathComponent("\(folder)/segmenter"), classifier = root.appendingPathComponent("\(folder)/classifier-encoder")
            if FileManager.default.fileExists(atPath: segmenter.appendingPathComponent("best.safetensors").path),
               FileManager.default.fileExists(atPath: classifier.appendingPathComponent("best.safetensors").path) {
                return (segmenter, classifier)
            }
        }
        let message = "no trained cascade models under out/test-cascade or out/demo/cascade: run `make test` or `make demo`"
        if TestEnvironment.isCI { XCTFail(message) }
        throw XCTSkip(message)
    }

    /// The cascade's own screenings of the CPTAC scan (scripts/cascade.sh runs `screen` on it
    /// with and without the lung mask), or nil when that run did not write them.
    func cascadeScreenings(of models: (segmenter: URL, classifier: URL)) -> (masked: URL, unmasked: URL)? {
        let run = models.segmenter.deletingLastPathComponent().appendingPathComponent("screen")
        let masked = run.appendingPathComponent("cptac"), unmasked = run.appendingPathComponent("cptac-no-lung-mask")
        for folder in [masked, unmasked] where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("findings.csv").path) {
            return nil
        }
        return (masked, unmasked)
    }

    func testEveryFindingOnTheRealChestCTLiesInsideItsLungsAndNoNoduleIsOver30mm() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let models = try cascadeModels()
        // The screenings the cascade run wrote with these models, or new ones.
        let out: URL, whole: URL
        if let done = cascadeScreenings(of: models) {
            (out, whole) = done
        } else {
            out = try TestEnvironment.temporaryDirectory(self)
            let run = try LungsCLITests.runRelease(["screen", series.path, "--segmenter", models.segmenter.path,
                                                      "--classifier", models.classifier.path, "--output", out.path, "--quiet"])
            XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
            XCTAssertTrue(run.stdout.contains("lungs: right "), run.stdout)
            whole = try TestEnvironment.temporaryDirectory(self)
            let unmasked = try LungsCLITests.runRelease(["screen", series.path, "--segmenter", models.segmenter.path, "--no-lung-mask", "--no-vessel-test",
                                                         "--output", whole.path, "--quiet"])
            XCTAssertEqual(unmasked.status, 0, unmasked.stdout + unmasked.stderr)
        }
        let lungs = try ImageFile.read(out.appendingPathComponent("lungs.mha")).converted(to: UInt8.self)
        let findings = try CSVTable(contentsOf: out.appendingPathComponent("findings.csv"))
        let x = try findings.column("coordX"), y = try findings.column("coordY"), z = try findings.column("coordZ")
        let diameter = try findings.column("diameter_mm"), kind = try findings.column("kind")
        let continuation = try findings.column("continuation")
        // No nodule kept fails the vessel test. (Whether these phantom-trained models mark the
        // real tumour at all depends on the training run: the OpenBLAS-trained ones do, the
        // oneDNN-trained ones do not, so it is reported, not asserted; the vessel test's
        // verdict on the tumour itself is VesselTestRealChestCTTests'.)
        for row in findings.rows where row.fields[kind] == "nodule" {
            XCTAssertLessThanOrEqual(try findings.double(row, continuation), StructureContinuation.defaultMaximum,
                                     "a vessel-like nodule was kept on line \(row.line)")
        }
        for row in findings.rows {
            let centre = Vector3(try findings.double(row, x), try findings.double(row, y), try findings.double(row, z))
            let index = lungs.geometry.worldToIndex(centre)
            XCTAssertTrue(lungs.size.contains(index), "finding on line \(row.line) lies outside the scan")
            if lungs.size.contains(index) {
                XCTAssertNotEqual(lungs[index], 0, "finding on line \(row.line) at \(centre) is outside the lungs")
            }
            if row.fields[kind] == "nodule" {
                XCTAssertLessThanOrEqual(try findings.double(row, diameter), 30, "a nodule over 30 mm on line \(row.line)")
            } else {
                XCTAssertEqual(row.fields[kind], "mass")
                XCTAssertGreaterThan(try findings.double(row, diameter), 30)
            }
        }
        // The same models without the lung mask and the vessel test (what the network marks)
        // report findings outside the lungs (the heart and mediastinum): the mask and the
        // test, not luck, keep them out.
        let everywhere = try CSVTable(contentsOf: whole.appendingPathComponent("findings.csv"))
        let outside = try everywhere.rows.filter { row in
            let c = Vector3(try everywhere.double(row, x), try everywhere.double(row, y), try everywhere.double(row, z))
            let index = lungs.geometry.worldToIndex(c)
            return !lungs.size.contains(index) || lungs[index] == 0
        }
        XCTAssertFalse(outside.isEmpty, "without the lung mask every finding was inside the lungs already")
        XCTAssertGreaterThan(everywhere.rows.count, findings.rows.count)
        // Each finding has its overlay, the lungs outlined in it.
        let overlays = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("overlays").path)
        XCTAssertEqual(overlays.filter { $0.hasPrefix("nodule-") }.count, findings.rows.count)
    }
}

/// The targets of the cascade `make test` ran (scripts/cascade.sh into out/test-cascade),
/// asserted in Swift on its evaluation folder.
final class CascadeTargetsOnTheTestCascadeTests: XCTestCase {
    func testTheTestCascadeMeetsItsTargets() throws {
        let folder = TestEnvironment.repositoryRoot.appendingPathComponent("out/test-cascade/evaluation")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("classifier/comparison.csv").path) else {
            let message = "no cascade evaluation under out/test-cascade: run `make test`"
            if TestEnvironment.isCI { XCTFail(message) }
            throw XCTSkip(message)
        }
        // Real LIDC lesions (the public phantoms' lesions.csv): the classifier is reported
        // beside the diameter rule on the same nodules, not judged; generated ones: judged.
        let lidc = FileManager.default.fileExists(atPath: TestEnvironment.repositoryRoot
            .appendingPathComponent("out/test-cascade/public/lesions.csv").path)
        let run = try LungsCLITests.runRelease(["evaluate", "targets", folder.path] + (lidc ? ["--no-classifier-target"] : []))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains(lidc ? "cascade: 2 passed, 0 failed" : "cascade: 3 passed, 0 failed"), run.stdout)
        XCTAssertTrue(run.stdout.contains("segmenter Dice on test nodule slices"), run.stdout)
        XCTAssertTrue(run.stdout.contains("discriminator slice sensitivity"), run.stdout)
        if lidc {
            XCTAssertTrue(run.stdout.contains("classifier accuracy per test nodule"), run.stdout)
            XCTAssertTrue(run.stdout.contains("reported, not judged"), run.stdout)
            let auc = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.contains("per-nodules AUC") }, run.stdout)
            XCTAssertTrue(auc.contains("encoder ") && auc.contains("diameter-rule "), String(auc))
        }
    }
}
