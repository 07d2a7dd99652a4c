import DICOM
import DICOMNetwork
import Foundation
import TestSupport
import XCTest

/// C-GET against DCMTK's dcmqrscp, the strict peer: it sends sub-operations only on
/// storage contexts we proposed in the SCP role (Orthanc sends them regardless), and
/// refuses with A702 otherwise.
final class DcmqrscpGetTests: XCTestCase {
    private func startQRSCP(with files: [URL]) throws -> UInt16 {
        let dcmqrscp = try ExternalTool.find("dcmqrscp", package: "dcmtk")
        let dcmqridx = try ExternalTool.find("dcmqridx", package: "dcmtk")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let db = folder.appendingPathComponent("db")
        try FileManager.default.createDirectory(at: db, withIntermediateDirectories: true)
        let port = try FreePort.next()
        let config = """
            NetworkTCPPort = \(port)
            MaxPDUSize = 16384
            MaxAssociations = 16
            HostTable BEGIN
            HostTable END
            VendorTable BEGIN
            VendorTable END
            AETable BEGIN
            QRSCP \(db.path) R (200, 1024mb) ANY
            AETable END
            """
        let configURL = folder.appendingPathComponent("dcmqrscp.cfg")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let indexed = try ExternalTool.run(dcmqridx, [db.path] + files.map(\.path))
        XCTAssertEqual(indexed.status, 0, indexed.stderr)
        // Fork mode (the default): --single-process crashes after a C-GET in 3.6.7.
        let process = Process()
        process.executableURL = dcmqrscp
        process.arguments = ["-c", configURL.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { process.terminate(); process.waitUntilExit() }
        let peer = DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "QRSCP")
        let deadline = Date().addingTimeInterval(10)
        while (try? QueryClient.echo(peer)) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        return port
    }

    func testGetFromDcmqrscpReceivesTheSeriesAndExplainsTheRolePitfall() throws {
        let sample = TestEnvironment.repositoryRoot.appendingPathComponent("SampleData/dicom")
        let plan = try StorePlan(paths: [sample])
        XCTAssertEqual(plan.items.count, 48)
        let port = try startQRSCP(with: plan.items.map(\.file))
        let peer = DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "QRSCP")
        let first = try DICOMFile(contentsOf: plan.items[0].file).dataset
        let study = try XCTUnwrap(first.string(.studyInstanceUID)), series = try XCTUnwrap(first.string(.seriesInstanceUID))
        var query = try DICOMQuery(level: .study)
        try query.set("StudyInstanceUID", study)

        let output = try TestEnvironment.temporaryDirectory(self)
        let result = try Retriever.get(query, from: peer, into: output)
        XCTAssertEqual(result.received, 48)
        XCTAssertEqual(result.completed, 48)
        for item in plan.items {
            let back = output.appendingPathComponent("\(study)/\(series)/\(item.sopInstanceUID).dcm")
            XCTAssertEqual(try DICOMFile(contentsOf: back).value(of: .pixelData), try DICOMFile(contentsOf: item.file).value(of: .pixelData))
        }

        // Without CT Image Storage among the SCP-role contexts, dcmqrscp refuses: A702.
        XCTAssertThrowsError(try Retriever.get(query, from: peer, into: output, storageSOPClasses: [SOPClass.mrImage])) { error in
            guard case DICOMNetworkError.failureStatus(_, let operation, let status)? = error as? DICOMNetworkError else { return XCTFail("\(error)") }
            XCTAssertEqual(status.code, 0xA702)
            XCTAssertTrue(operation.contains("48 failed"), operation)
            XCTAssertTrue("\(error)".contains("unable to perform sub-operations"), "\(error)")
        }
    }
}
