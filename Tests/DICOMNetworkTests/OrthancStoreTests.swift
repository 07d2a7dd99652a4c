import DICOM
import DICOMNetwork
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// C-STORE of many instances over parallel associations, and per-file errors.
final class OrthancStoreTests: XCTestCase {
    /// 300 instances over 4 associations all arrive in Orthanc, none twice.
    func testThreeHundredInstancesOverFourAssociationsAllArriveOnce() throws {
        let orthanc = try OrthancServer(self)
        let peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)
        let folder = try TestEnvironment.temporaryDirectory(self)
        let geometry = try ImageGeometry(size: GridSize(16, 16, 300), origin: Vector3(0, 0, 0), spacing: Vector3(1, 1, 1), direction: .identity)
        let written = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: -1000), to: folder)
        let counter = CountingProgress()
        let started = Date()
        let summary = try StoreSender.send(try StorePlan(paths: [folder]), to: peer, associations: 4, progress: counter)
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "C-STORE: 300 instances over 4 associations in %.2f s (%.0f instances/s)", seconds, 300 / seconds))
        XCTAssertEqual(summary.sent.count, 300)
        XCTAssertEqual(Set(summary.sent).count, 300)
        XCTAssertTrue(summary.failed.isEmpty, "\(summary.failed.first.map { "\($0.error)" } ?? "")")
        XCTAssertEqual(counter.last, 300)
        let stored = try orthanc.instanceUIDs(series: written.seriesInstanceUID)
        XCTAssertEqual(stored.count, 300)
        XCTAssertEqual(Set(stored), Set(written.sopInstanceUIDs))
        let statistics = try XCTUnwrap(try orthanc.rest("/statistics") as? [String: Any])
        XCTAssertEqual(statistics["CountInstances"] as? Int, 300)
    }

    /// A file whose SOP class Orthanc does not accept fails alone, naming the file and
    /// the SOP class; a non-DICOM file is skipped; the others are sent.
    func testAFileWithoutAcceptedContextFailsAloneAndTheRestIsSent() throws {
        let orthanc = try OrthancServer(self)
        let peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)
        let folder = try TestEnvironment.temporaryDirectory(self)
        let geometry = try ImageGeometry(size: GridSize(8, 8, 3), origin: Vector3(0, 0, 0), spacing: Vector3(1, 1, 1), direction: .identity)
        _ = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: 0), to: folder)
        let odd = folder.appendingPathComponent("odd.dcm")
        try DICOMDataset(elements: [.text(.sopClassUID, "UI", "1.2.826.0.1.3680043.99.1"), .text(.sopInstanceUID, "UI", DICOMUID.make()),
                                    .text(.patientID, "LO", "X")]).write(to: odd)
        try Data("not dicom".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let summary = try StoreSender.send(try StorePlan(paths: [folder]), to: peer)
        XCTAssertEqual(summary.sent.count, 3)
        XCTAssertEqual(summary.skipped.map(\.file.lastPathComponent), ["notes.txt"])
        XCTAssertEqual(summary.failed.map(\.file.lastPathComponent), ["odd.dcm"])
        let message = summary.failed.first.map { "\($0.error)" } ?? ""
        XCTAssertTrue(message.contains("odd.dcm") && message.contains("1.2.826.0.1.3680043.99.1"), message)
        XCTAssertFalse(summary.succeeded)
    }
}


extension OrthancStoreTests {
    /// A compressed file goes as it is where its syntax is accepted (Orthanc keeps it
    /// RLE) and fails alone, naming the file and the syntax, where it is not (storescp
    /// accepts uncompressed syntaxes only by default).
    func testCompressedFilesAreSentAsTheyAreOrFailNamingTheSyntax() throws {
        let storescp = try ExternalTool.find("storescp", package: "dcmtk")
        let rle = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/MR_small_RLE.dcm")
        let folder = try TestEnvironment.temporaryDirectory(self)
        try FileManager.default.copyItem(at: rle, to: folder.appendingPathComponent("mr-rle.dcm"))
        let geometry = try ImageGeometry(size: GridSize(8, 8, 2), origin: Vector3(0, 0, 0), spacing: Vector3(1, 1, 1), direction: .identity)
        _ = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: 7), to: folder.appendingPathComponent("ct"))
        let plan = try StorePlan(paths: [folder])
        XCTAssertEqual(Set(plan.presentationContexts.map(\.transferSyntaxes)),
                       [["1.2.840.10008.1.2.5"], TransferSyntax.uncompressed])

        let orthanc = try OrthancServer(self)
        let toOrthanc = try StoreSender.send(plan, to: DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle))
        XCTAssertEqual(toOrthanc.sent.count, 3)
        let sop = try XCTUnwrap(try DICOMFile(contentsOf: rle).dataset.string(.sopInstanceUID))
        let ids = try orthanc.rest("/tools/lookup", post: sop) as? [[String: Any]] ?? []
        let id = try XCTUnwrap(ids.first?["ID"] as? String)
        XCTAssertEqual(try orthanc.text("/instances/\(id)/metadata/TransferSyntax"), "1.2.840.10008.1.2.5")

        let port = try FreePort.next()
        let received = try TestEnvironment.temporaryDirectory(self)
        let scp = Process()
        scp.executableURL = storescp
        scp.arguments = ["-od", received.path, String(port)]
        scp.standardOutput = FileHandle.nullDevice
        scp.standardError = FileHandle.nullDevice
        try scp.run()
        addTeardownBlock { scp.terminate(); scp.waitUntilExit() }
        let peer = DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "ANY-SCP")
        let deadline = Date().addingTimeInterval(10)
        while (try? QueryClient.echo(peer)) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let toStorescp = try StoreSender.send(plan, to: peer)
        XCTAssertEqual(toStorescp.sent.count, 2)
        XCTAssertEqual(toStorescp.failed.map(\.file.lastPathComponent), ["mr-rle.dcm"])
        guard case .noPresentationContext(_, let why)? = toStorescp.failed.first?.error else { return XCTFail("\(toStorescp.failed)") }
        XCTAssertTrue(why.contains("mr-rle.dcm") && why.contains("RLE Lossless") && why.contains("1.2.840.10008.1.2.5"), why)

        // Asked to, the RLE file is decoded and goes uncompressed, pixel for pixel.
        let decompressed = try StoreSender.send(plan, to: peer, decompressingRefused: true)
        XCTAssertEqual(decompressed.sent.count, 3, "\(decompressed.failed)")
        let landed = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: received, includingPropertiesForKeys: nil)
            .first { $0.lastPathComponent.hasPrefix("MR.") })
        let arrived = try DICOMFile(contentsOf: landed)
        XCTAssertTrue(TransferSyntax.isUncompressed(arrived.transferSyntaxUID), arrived.transferSyntaxUID)
        XCTAssertEqual(try arrived.decodePixels().doubleValues, try DICOMFile(contentsOf: rle).decodePixels().doubleValues)
    }
}

/// Remembers the last completed count it was told.
final class CountingProgress: ProgressReporter, @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var last: Int { lock.lock(); defer { lock.unlock() }; return value }
    func update(completed: Int, total: Int, item: String) { lock.lock(); value = max(value, completed); lock.unlock() }
}
