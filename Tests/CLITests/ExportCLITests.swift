import Foundation
import XCTest
import TestSupport

/// `nodulekit export` as a user runs it: a bad MODEL is one line naming it, and a bad format is refused.
final class ExportCLITests: XCTestCase {
    func testExportOfAFolderWithoutModelJsonNamesTheFile() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let run = try CLITests.runNodulekit(["export", folder.path, "--format", "onnx", "--output", folder.appendingPathComponent("m.onnx").path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("\(folder.path)/model.json: missing"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.onnx").path))
    }

    func testExportRefusesAnUnknownFormat() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let run = try CLITests.runNodulekit(["export", folder.path, "--format", "tflite", "--output", "x"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--format must be onnx"), run.stderr)
    }
}
