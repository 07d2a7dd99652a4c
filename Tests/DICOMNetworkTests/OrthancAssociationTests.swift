import DICOM
import DICOMNetwork
import Foundation
import TestSupport
import XCTest

/// C-ECHO against a real Orthanc, and errors that say which step failed.
final class OrthancAssociationTests: XCTestCase {
    func testEchoSucceedsAndFailuresNameTheStep() throws {
        let orthanc = try OrthancServer(self)
        let peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)
        XCTAssertNoThrow(try QueryClient.echo(peer))

        // A port nobody listens on: the connection is refused.
        var closed = peer
        closed.port = try FreePort.next()
        XCTAssertThrowsError(try QueryClient.echo(closed)) { error in
            guard case DICOMNetworkError.connectionFailed(let p, let why)? = error as? DICOMNetworkError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, closed.description)
            XCTAssertTrue(why.contains("Connection refused"), why)
        }
        // A called AE title Orthanc is not: rejected, with the reason.
        var wrongAE = peer
        wrongAE.calledAETitle = "NOT-ORTHANC"
        XCTAssertThrowsError(try QueryClient.echo(wrongAE)) { error in
            guard case DICOMNetworkError.associationRejected(_, let why)? = error as? DICOMNetworkError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("Called AE Title Not Recognized"), why)
        }
        // An AE title too long never reaches the network.
        var long = peer
        long.callingAETitle = String(repeating: "A", count: 17)
        XCTAssertThrowsError(try QueryClient.echo(long)) { error in
            guard case DICOMNetworkError.invalidArgument? = error as? DICOMNetworkError else { return XCTFail("\(error)") }
        }
    }

    /// A peer that takes the TCP connection but never answers the A-ASSOCIATE-RQ: the
    /// ACSE timeout ends the wait with an error that says so.
    func testAPeerThatNeverAnswersTimesOutNamingTheStep() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        XCTAssertTrue(listening)
        var peer = DICOMPeer(host: "127.0.0.1", port: UInt16(bigEndian: address.sin_port), calledAETitle: "SILENT")
        peer.acseTimeout = 1
        let started = Date()
        XCTAssertThrowsError(try QueryClient.echo(peer)) { error in
            guard case DICOMNetworkError.timedOut(_, let why)? = error as? DICOMNetworkError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("requesting an association") && why.contains("SILENT@127.0.0.1"), why)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testDIMSEStatusNamesItsMeaning() {
        XCTAssertEqual(DIMSEStatus(0xA702).description, "0xA702 (refused: out of resources (unable to perform sub-operations))")
        XCTAssertEqual(DIMSEStatus(0xA801).meaning, "refused: move destination unknown")
        XCTAssertTrue(DIMSEStatus(0xB000).isWarning)
        XCTAssertTrue(DIMSEStatus(0xC123).isFailure)
        XCTAssertFalse(DIMSEStatus(0xFF00).isFailure)
    }
}
