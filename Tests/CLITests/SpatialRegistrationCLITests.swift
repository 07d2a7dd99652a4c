import Foundation
import ImageFormats
import ImagingCore
import Registration
import TestSupport
import XCTest

/// `register --sro`: the DICOM Spatial Registration object of a registration between two
/// DICOM series in different frames of reference, checked by dciodvfy and read by pydicom.
final class SpatialRegistrationCLITests: XCTestCase {
    private struct SRO: Decodable {
        struct Registration: Decodable { let frame: String; let type: String; let matrix: [Double]; let images: [String] }
        struct OtherStudy: Decodable { let study: String; let series: [String] }
        let sop_class: String, modality: String, frame_of_reference: String, study: String
        let registrations: [Registration], series: [String], other_studies: [OtherStudy]
    }

    private func frameOfReference(_ folder: URL) throws -> String {
        let first = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().first)
        let out = try PythonOracle.run("dicom_elements.py", [folder.appendingPathComponent(first).path])
        struct Files: Decodable { struct File: Decodable { struct Element: Decodable { let tag: Int; let strings: [String]? }; let elements: [Element] }; let files: [File] }
        let files = try JSONDecoder().decode(Files.self, from: Data(out.utf8))
        return try XCTUnwrap(files.files.first?.elements.first { $0.tag == 0x0020_0052 }?.strings?.first)
    }

    func testTheSROHoldsTheMovingToFixedMatrixAndPassesDciodvfy() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let scans = folder.appendingPathComponent("ct")
        let made = try CLITests.runNodulekit(["phantom", "--format", "dicom", "--output", scans.path, "--size", "48,48,24",
                                              "--spacing", "4,4,6", "--nodules", "2", "--seed", "4"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let fixed = try XCTUnwrap(FileManager.default.contentsOfDirectory(at: scans, includingPropertiesForKeys: [.isDirectoryKey])
            .first { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true })
        // The moving series: the same pixels in another frame, moved by `truth` (fixed world → moving world).
        let truth = RigidTransform(eulerAngles: Vector3(0.03, -0.02, 0.07), translation: Vector3(6, -4, 5), centre: Vector3(0, 0, -200))
        let moving = folder.appendingPathComponent("moved")
        try PythonOracle.run("dicom_move_series.py", [fixed.path, moving.path] + truth.homogeneousMatrix.map { String($0) })

        let out = folder.appendingPathComponent("reg"), sro = out.appendingPathComponent("registration.dcm")
        let run = try CLITests.runNodulekit(["register", "--fixed", fixed.path, "--moving", moving.path, "--output", out.path, "--sro", sro.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("spatial registration object"), run.stdout)

        let report = try DICOMValidator.verify(sro)
        XCTAssertEqual(report.errors, [], "dciodvfy:\n\(report)")
        XCTAssertEqual(report.iod, "SpatialRegistration", report.description)
        if !report.warnings.isEmpty { print("dciodvfy warnings for the SRO:\n" + report.warnings.joined(separator: "\n")) }

        let object = try PythonOracle.json("dicom_read_sro.py", [sro.path], as: SRO.self)
        let fixedFrame = try frameOfReference(fixed), movingFrame = try frameOfReference(moving)
        XCTAssertNotEqual(fixedFrame, movingFrame)
        XCTAssertEqual(object.sop_class, "1.2.840.10008.5.1.4.1.1.66.1")
        XCTAssertEqual(object.modality, "REG")
        XCTAssertEqual(object.frame_of_reference, fixedFrame)                 // the Registered RCS is the CT's frame
        XCTAssertEqual(object.registrations.map(\.frame), [fixedFrame, movingFrame])
        XCTAssertEqual(object.registrations.map(\.type), ["RIGID", "RIGID"])
        XCTAssertEqual(object.registrations[0].matrix, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        XCTAssertEqual(object.registrations.map(\.images.count), [24, 24])
        XCTAssertEqual(object.other_studies.count, 1)                          // the moved copy is in its own study

        // The matrix is exactly our transform's inverse: it carries moving-frame points to the fixed frame.
        let found = try TransformFile.read(out.appendingPathComponent("transform.tfm"))
        let m = object.registrations[1].matrix
        for (a, b) in zip(m, found.inverse.homogeneousMatrix) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // And it undoes the known motion: a fixed point x sits at truth(x) in the moving frame; M brings it back.
        let points = [Vector3(0, 0, -200), Vector3(60, -50, -150), Vector3(-70, 40, -250), Vector3(30, 70, -180)]
        for x in points {
            let y = truth.transformPoint(x)
            let back = Vector3(m[0] * y.x + m[1] * y.y + m[2] * y.z + m[3], m[4] * y.x + m[5] * y.y + m[6] * y.z + m[7],
                               m[8] * y.x + m[9] * y.y + m[10] * y.z + m[11])
            XCTAssertLessThan(length(back - x), 1.0, "\(x) → \(y) → \(back)")
        }

        // resample and pet-compare take the SRO as the transform: the same as transform.tfm.
        let viaSRO = folder.appendingPathComponent("sro.mha"), viaTFM = folder.appendingPathComponent("tfm.mha")
        for (transform, output) in [(sro, viaSRO), (out.appendingPathComponent("transform.tfm"), viaTFM)] {
            let r = try CLITests.runNodulekit(["resample", "--reference", fixed.path, "--input", moving.path, "--transform", transform.path, "--output", output.path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let a = try ImageFile.read(viaSRO).converted(to: Float.self), b = try ImageFile.read(viaTFM).converted(to: Float.self)
        XCTAssertEqual(a.voxels.count, b.voxels.count)
        XCTAssertLessThanOrEqual(zip(a.voxels, b.voxels).map { abs($0 - $1) }.max() ?? 1, 1)   // rounding of DS text only
    }

    func testADICOMPhantomPETReadsBackItsSUVAndRegistersToItsCTWithAnSRO() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let scans = folder.appendingPathComponent("petct")
        let made = try CLITests.runNodulekit(["phantom", "--format", "dicom", "--pet", "--labelled", "--output", scans.path, "--size", "48,48,20",
                                              "--spacing", "5,5,8", "--nodules", "2", "--seed", "6", "--quiet"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let uid = try XCTUnwrap(try String(contentsOf: scans.appendingPathComponent("labels.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init))
        let ct = scans.appendingPathComponent(uid), pet = scans.appendingPathComponent("pet/\(uid)")
        let slices = try FileManager.default.contentsOfDirectory(atPath: pet.appendingPathComponent("dicom").path).sorted()
        let report = try DICOMValidator.verify(pet.appendingPathComponent("dicom/\(slices[slices.count / 2])"))
        XCTAssertEqual(report.errors, [], "dciodvfy PET:\n\(report)")
        XCTAssertEqual(report.iod, "PETImage", report.description)
        // Our SUV reader gives back the SUV the generator meant (to the 16-bit quantisation).
        let suv = folder.appendingPathComponent("suv.mha")
        let r = try CLITests.runNodulekit(["resample", "--reference", pet.appendingPathComponent("pet.nii.gz").path,
                                           "--input", pet.appendingPathComponent("dicom").path, "--output", suv.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("(PET, SUV)"), r.stdout)
        let meant = try ImageFile.read(pet.appendingPathComponent("pet.nii.gz")).converted(to: Float.self)
        let read = try ImageFile.read(suv).converted(to: Float.self)
        let largest = meant.voxels.max() ?? 1
        XCTAssertGreaterThan(largest, 1)
        XCTAssertLessThan(zip(meant.voxels, read.voxels).map { abs($0 - $1) }.max() ?? 1, largest / 30_000)

        let out = folder.appendingPathComponent("reg"), sro = out.appendingPathComponent("registration.dcm")
        let run = try CLITests.runNodulekit(["register", "--fixed", ct.path, "--moving", pet.appendingPathComponent("dicom").path, "--output", out.path,
                                             "--sro", sro.path, "--truth", pet.appendingPathComponent("truth.tfm").path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        print("DICOM PET to CT: \(run.stdout)")
        let sroReport = try DICOMValidator.verify(sro)
        XCTAssertEqual(sroReport.errors, [], "dciodvfy SRO:\n\(sroReport)")
        let object = try PythonOracle.json("dicom_read_sro.py", [sro.path], as: SRO.self)
        XCTAssertEqual(object.registrations.map(\.images.count), [20, slices.count])
        let found = try TransformFile.read(out.appendingPathComponent("transform.tfm"))
        for (a, b) in zip(object.registrations[1].matrix, found.inverse.homogeneousMatrix) { XCTAssertEqual(a, b, accuracy: 1e-6) }

        // pet-compare through the SRO reads the same table as through transform.tfm.
        let ctGrid = try ImageFile.readGeometry(out.appendingPathComponent("moving-on-fixed.mha"))
        var mask = Volume<UInt8>(geometry: ctGrid, repeating: 0)
        let annotations = try String(contentsOf: scans.appendingPathComponent("annotations.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }.filter { $0[0] == uid }
        XCTAssertEqual(annotations.count, 2)
        for (n, row) in annotations.enumerated() {
            let centre = Vector3(Double(row[1]) ?? 0, Double(row[2]) ?? 0, Double(row[3]) ?? 0), r = max((Double(row[4]) ?? 0) / 2, 5)
            for k in 0..<ctGrid.size.k { for j in 0..<ctGrid.size.j { for i in 0..<ctGrid.size.i
                where length(ctGrid.indexToWorld(VoxelIndex(i, j, k)) - centre) <= r { mask[i, j, k] = UInt8(n + 1) } } }
        }
        let maskURL = folder.appendingPathComponent("mask.mha")
        try ImageFile.write(mask, to: maskURL)
        var tables: [[[String]]] = []
        for transform in [sro, out.appendingPathComponent("transform.tfm")] {
            let compare = folder.appendingPathComponent("compare-\(transform.pathExtension)")
            let c = try CLITests.runNodulekit(["pet-compare", "--ct", ct.path, "--pet", pet.appendingPathComponent("dicom").path, "--mask", maskURL.path,
                                               "--transform", transform.path, "--output", compare.path])
            XCTAssertEqual(c.status, 0, c.stderr)
            tables.append(try String(contentsOf: compare.appendingPathComponent("pet_reference.csv"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
        }
        print("pet-compare via the SRO:\n" + tables[0].map { $0.joined(separator: ",") }.joined(separator: "\n"))
        XCTAssertEqual(tables[0].count, 3)
        XCTAssertEqual(tables[0].first, tables[1].first)
        for (a, b) in zip(tables[0].dropFirst(), tables[1].dropFirst()) {
            XCTAssertEqual(a.count, b.count)
            for (x, y) in zip(a, b) {
                // The SRO's matrix is DS text (16 characters): values agree to the table's rounding.
                if let u = Double(x), let v = Double(y) { XCTAssertEqual(u, v, accuracy: 1e-3 * max(1, abs(v)), "\(a) vs \(b)") }
                else { XCTAssertEqual(x, y) }
            }
        }
        XCTAssertTrue(tables[0].dropFirst().contains { (Double($0[6]) ?? 0) > 0.3 }, "the lesions are read in the PET")
    }

    func testSRONeedsTwoDICOMSeries() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let g = try ImageGeometry(size: GridSize(12, 12, 8), spacing: Vector3(3, 3, 3))
        let image = folder.appendingPathComponent("a.mha")
        try ImageFile.write(Volume<Float>(geometry: g, repeating: 1), to: image)
        let run = try CLITests.runNodulekit(["register", "--fixed", image.path, "--moving", image.path, "--output",
                                             folder.appendingPathComponent("out").path, "--sro", folder.appendingPathComponent("r.dcm").path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--sro needs both inputs as DICOM series") && run.stderr.contains(image.path), run.stderr)
    }
}
