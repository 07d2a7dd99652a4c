import Foundation
import TestSupport
import XCTest

/// `nodulekit listen` as a process: storescu and `nodulekit pacs send` deliver to it, it
/// answers `pacs echo`, and SIGTERM stops it cleanly.
final class PACSCLITests: XCTestCase {
    func testListenReceivesFromStorescuAndPacsSendAndStopsOnSIGTERM() throws {
        let storescu = try ExternalTool.find("storescu", package: "dcmtk")
        let sample = TestEnvironment.repositoryRoot.appendingPathComponent("SampleData/dicom")
        let expected = try FileManager.default.subpathsOfDirectory(atPath: sample.path).filter { $0.hasSuffix(".dcm") }.count
        let output = try TestEnvironment.temporaryDirectory(self)
        let port = try FreePort.next()
        let listen = Process()
        listen.executableURL = CLITests.binary
        listen.arguments = ["listen", "--port", String(port), "--ae-title", "NKCLI", "--output", output.path, "--allow", "STORESCU", "--allow", "NODULEKIT", "--quiet"]
        let out = Pipe()
        listen.standardOutput = out
        try listen.run()
        addTeardownBlock { if listen.isRunning { listen.terminate() } }
        var echo = try CLITests.runNodulekit(["pacs", "echo", "--host", "127.0.0.1", "--port", String(port), "--called-ae", "NKCLI"])
        let deadline = Date().addingTimeInterval(15)
        while echo.status != 0, Date() < deadline {  // until the listener is up
            Thread.sleep(forTimeInterval: 0.2)
            echo = try CLITests.runNodulekit(["pacs", "echo", "--host", "127.0.0.1", "--port", String(port), "--called-ae", "NKCLI"])
        }
        XCTAssertEqual(echo.status, 0, echo.stderr)
        XCTAssertTrue(echo.stdout.contains("C-ECHO NKCLI@127.0.0.1:\(port): success"), echo.stdout)
        let seriesFolder = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: sample, includingPropertiesForKeys: nil).first { $0.hasDirectoryPath })
        let sent = try ExternalTool.run(storescu, ["-aet", "STORESCU", "-aec", "NKCLI", "+sd", "+r", "127.0.0.1", String(port), seriesFolder.path])
        XCTAssertEqual(sent.status, 0, sent.stderr)
        let ours = try CLITests.runNodulekit(["pacs", "send", "--host", "127.0.0.1", "--port", String(port), "--called-ae", "NKCLI",
                                              "--associations", "3", "--quiet", sample.path])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        XCTAssertTrue(ours.stdout.hasPrefix("sent \(expected), failed 0, skipped 1"), ours.stdout)  // annotations.csv is skipped
        let refused = try CLITests.runNodulekit(["pacs", "send", "--host", "127.0.0.1", "--port", String(port), "--called-ae", "NKCLI",
                                                 "--calling-ae", "STRANGER", "--quiet", sample.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("Calling AE Title Not Recognized"), refused.stderr)

        listen.terminate()  // SIGTERM
        listen.waitUntilExit()
        XCTAssertEqual(listen.terminationStatus, 0)
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.contains("stopped on signal 15: \(2 * expected) instances received"), printed)
        let landed = try FileManager.default.subpathsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(landed.count, expected)
        XCTAssertFalse(landed.contains { $0.contains("/.") }, "no temporary file is left")
    }
}
