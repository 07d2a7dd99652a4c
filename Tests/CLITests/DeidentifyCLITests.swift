import Foundation
import TestSupport
import XCTest

/// `nodulekit deidentify` as a user runs it: the summary line, stable names for one
/// secret, every output inside OUT, a bad file listed with a non-zero exit.
final class DeidentifyCLITests: XCTestCase {
    private func outputs(_ root: URL) -> [String] {
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "dcm" }.map(\.path).sorted()
    }

    func testFolderRunIsStablePerSecretAndStaysInsideOutput() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b"), c = folder.appendingPathComponent("c")
        let first = try CLITests.runNodulekit(["deidentify", series.path, a.path, "--secret", "s1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("de-identified 99 files (PS3.15 2026c Basic Profile), 0 failed"), first.stdout)
        XCTAssertEqual(try CLITests.runNodulekit(["deidentify", series.path, b.path, "--secret", "s1"]).status, 0)
        XCTAssertEqual(try CLITests.runNodulekit(["deidentify", series.path, c.path, "--secret", "s2"]).status, 0)
        let namesA = outputs(a).map { String($0.dropFirst(a.path.count)) }
        XCTAssertEqual(namesA.count, 99)
        XCTAssertEqual(namesA, outputs(b).map { String($0.dropFirst(b.path.count)) }, "one secret, one set of UIDs")
        XCTAssertTrue(Set(namesA).isDisjoint(with: outputs(c).map { String($0.dropFirst(c.path.count)) }), "another secret, other UIDs")
        XCTAssertTrue(namesA.allSatisfy { $0.hasPrefix("/2.25.") && !$0.contains("..") })
        let original = try FileManager.default.contentsOfDirectory(atPath: series.path)
        XCTAssertTrue(namesA.allSatisfy { name in !original.contains { name.contains($0) } }, "no input name survives")
    }

    func testRetainUIDsNamesCopiesByTheOriginalUIDs() throws {
        let series = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let out = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("out")
        let run = try CLITests.runNodulekit(["deidentify", series.path, out.path, "--secret", "s", "--option", "retain-uids"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = outputs(out).map { String($0.dropFirst(out.path.count)) }
        XCTAssertEqual(names.count, 99)
        // The CPTAC study and series UIDs (TCIA's root 1.3.6.1.4.1.14519) name the folders as they are.
        XCTAssertEqual(Set(names.map { $0.split(separator: "/").dropLast().joined(separator: "/") }),
                       ["1.3.6.1.4.1.14519.5.2.1.7085.2626.258626612405225511766549337110/1.3.6.1.4.1.14519.5.2.1.7085.2626.242193282649561899185427104083"])
        XCTAssertTrue(names.allSatisfy { $0.contains("/1.3.6.1.4.1.14519.") && !$0.contains("2.25.") })
    }

    func testABadFileIsListedAndTheExitStatusIsOne() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let input = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        let truncated = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/rtplan_truncated.dcm")
        let good = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/CT_small.dcm")
        try FileManager.default.copyItem(at: truncated, to: input.appendingPathComponent("bad.dcm"))
        try FileManager.default.copyItem(at: good, to: input.appendingPathComponent("ct.dcm"))
        let run = try CLITests.runNodulekit(["deidentify", input.path, folder.appendingPathComponent("out").path, "--secret", "s"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("bad.dcm"), run.stderr)
        XCTAssertTrue(run.stdout.contains("de-identified 1 files"), run.stdout)
        let unknown = try CLITests.runNodulekit(["deidentify", input.path, folder.path, "--secret", "s", "--option", "keep-everything"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("unknown --option 'keep-everything'"), unknown.stderr)
    }
}
