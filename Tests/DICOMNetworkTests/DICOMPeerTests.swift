import DICOMNetwork
import XCTest

/// `HOST:PORT:AE` addresses (`screen --send-to`) and AE title rules.
final class DICOMPeerTests: XCTestCase {
    func testAddressesParseIntoHostPortAndAETitle() throws {
        let p = try DICOMPeer(address: "pacs.example.org:104:ARCHIVE")
        XCTAssertEqual([p.host, String(p.port), p.calledAETitle, p.callingAETitle], ["pacs.example.org", "104", "ARCHIVE", "NODULEKIT"])
        let v6 = try DICOMPeer(address: "[::1]:11112:ORTHANC", callingAETitle: "SCREEN")
        XCTAssertEqual([v6.host, String(v6.port), v6.calledAETitle, v6.callingAETitle], ["::1", "11112", "ORTHANC", "SCREEN"])
        for bad in ["pacs:ARCHIVE", "pacs:0:ARCHIVE", "pacs:70000:ARCHIVE", ":104:ARCHIVE", "pacs:104:", "pacs:104:" + String(repeating: "A", count: 17)] {
            XCTAssertThrowsError(try DICOMPeer(address: bad), bad)
        }
    }
}
