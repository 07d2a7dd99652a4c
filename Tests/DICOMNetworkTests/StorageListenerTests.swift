import DICOM
import DICOMNetwork
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// Our storage SCP against DCMTK's storescu, our own SCU and a peer that aborts.
final class StorageListenerTests: XCTestCase {
    private func start(_ output: URL, allow: [String] = []) throws -> (StorageListener, UInt16, LogLines) {
        let port = try FreePort.next()
        var config = StorageListener.Configuration(port: port, aeTitle: "NKLISTEN", output: output)
        config.allowedCallingAETitles = allow
        let log = LogLines()
        let listener = try StorageListener(config) { _, line in log.append(line) }
        addTeardownBlock { listener.stop() }
        return (listener, port, log)
    }

    private func files(under root: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: root.path).filter {
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path, isDirectory: &folder) && !folder.boolValue
        }.sorted()
    }

    func testStorescuSendsAFolderAndEverythingLandsUnderStudyAndSeries() throws {
        let storescu = try ExternalTool.find("storescu", package: "dcmtk")
        let source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let output = try TestEnvironment.temporaryDirectory(self)
        let (listener, port, _) = try start(output, allow: ["STORESCU"])
        let run = try ExternalTool.run(storescu, ["-aet", "STORESCU", "-aec", "NKLISTEN", "+sd", "+r", "127.0.0.1", String(port), source.path],
                                       environment: ["TCP_NODELAY": "1"])
        XCTAssertEqual(run.status, 0, run.stderr)
        listener.stop()
        let originals = try FileManager.default.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix(".dcm") }
        let landed = try files(under: output)
        XCTAssertEqual(landed.count, originals.count)
        XCTAssertEqual(Set(landed.map { $0.split(separator: "/").count }), [3])  // study/series/sop.dcm
        for name in originals.prefix(5) {
            let original = try DICOMFile(contentsOf: source.appendingPathComponent(name))
            let uid = try XCTUnwrap(original.dataset.string(.sopInstanceUID))
            let path = "\(original.dataset.string(.studyInstanceUID) ?? "")/\(original.dataset.string(.seriesInstanceUID) ?? "")/\(uid).dcm"
            XCTAssertTrue(landed.contains(path), path)
            let back = try DICOMFile(contentsOf: output.appendingPathComponent(path))
            XCTAssertEqual(try back.value(of: .pixelData), try original.value(of: .pixelData))
        }
    }

    func testACallingAETitleNotAllowedAndAWrongCalledAETitleAreRejected() throws {
        let storescu = try ExternalTool.find("storescu", package: "dcmtk")
        let source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247/000000.dcm")
        let output = try TestEnvironment.temporaryDirectory(self)
        let (_, port, log) = try start(output, allow: ["STORESCU"])
        let intruder = try ExternalTool.run(storescu, ["-aet", "INTRUDER", "-aec", "NKLISTEN", "127.0.0.1", String(port), source.path])
        XCTAssertNotEqual(intruder.status, 0)
        XCTAssertTrue(intruder.stderr.contains("Calling AE Title Not Recognized"), intruder.stderr)
        let misdirected = try ExternalTool.run(storescu, ["-aet", "STORESCU", "-aec", "SOMEONE", "127.0.0.1", String(port), source.path])
        XCTAssertNotEqual(misdirected.status, 0)
        XCTAssertTrue(misdirected.stderr.contains("Called AE Title Not Recognized"), misdirected.stderr)
        XCTAssertEqual(try files(under: output), [])
        XCTAssertTrue(log.lines.contains { $0.contains("INTRUDER") && $0.contains("not allowed") }, log.lines.joined(separator: "\n"))
    }

    func testACraftedUIDThatTriesToEscapeStaysInside() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let output = root.appendingPathComponent("in")
        let (listener, port, log) = try start(output)
        let crafted = root.appendingPathComponent("crafted")
        try FileManager.default.createDirectory(at: crafted, withIntermediateDirectories: true)
        let evil = crafted.appendingPathComponent("evil.dcm"), fine = crafted.appendingPathComponent("fine.dcm")
        let sop = DICOMUID.make()
        for (url, study) in [(evil, "../../escaped"), (fine, "1.2.3")] {
            try DICOMDataset(elements: [.text(.sopClassUID, "UI", SOPClass.secondaryCapture), .text(.sopInstanceUID, "UI", url == evil ? sop : DICOMUID.make()),
                                        .text(.studyInstanceUID, "UI", study), .text(.seriesInstanceUID, "UI", "4.5.6"),
                                        .text(.modality, "CS", "OT")]).write(to: url)
        }
        let peer = DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "NKLISTEN")
        let summary = try StoreSender.send(try StorePlan(paths: [crafted]), to: peer)
        listener.stop()
        XCTAssertEqual(summary.sent.map(\.lastPathComponent), ["fine.dcm"])
        guard case .failureStatus(_, _, let status)? = summary.failed.first?.error else { return XCTFail("\(summary.failed)") }
        XCTAssertEqual(status.code, 0xC000)
        XCTAssertEqual(try files(under: root).filter { !$0.hasPrefix("crafted/") }.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("escaped").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("escaped").path))
        XCTAssertTrue(log.lines.contains { $0.contains("refused \(sop)") && $0.contains("not a valid UID") }, log.lines.joined(separator: "\n"))
    }

    func testAnAssociationAbortedMidTransferLeavesNoFile() throws {
        let output = try TestEnvironment.temporaryDirectory(self)
        let (listener, port, log) = try start(output)
        struct Abort: Decodable { let accepted: Bool }
        let result = try PythonOracle.json("dicom_abort_store.py", ["127.0.0.1", String(port), "NKLISTEN", "ABORTER"], as: Abort.self)
        XCTAssertTrue(result.accepted)
        // The listener notices the abort, then a whole instance from another peer still lands.
        let deadline = Date().addingTimeInterval(10)
        while !log.lines.contains(where: { $0.contains("ABORTER") && $0.contains("ended") }), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(log.lines.contains { $0.contains("ABORTER") && $0.contains("ended") }, log.lines.joined(separator: "\n"))
        XCTAssertEqual(try files(under: output), [], "no file, partial or whole, after the abort")
        let geometry = try ImageGeometry(size: GridSize(4, 4, 1), origin: Vector3(0, 0, 0), spacing: Vector3(1, 1, 1), direction: .identity)
        let ct = try TestEnvironment.temporaryDirectory(self)
        _ = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: 5), to: ct)
        let summary = try StoreSender.send(try StorePlan(paths: [ct]), to: DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "NKLISTEN"))
        listener.stop()
        XCTAssertEqual(summary.sent.count, 1)
        XCTAssertEqual(try files(under: output).count, 1)
    }
}

/// Log lines from the listener's threads.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    func append(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
}
