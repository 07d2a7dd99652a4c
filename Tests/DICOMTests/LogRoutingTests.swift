import DICOM
import Foundation
import TestSupport
import XCTest

/// DCMTK's and GDCM's warnings reach the toolkit's log handler, not stderr.
final class LogRoutingTests: XCTestCase {
    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var messages: [(DICOMLogLevel, String)] = []
    }

    func testLibraryWarningsGoToTheLogHandler() throws {
        let collected = Collected()
        DICOMLibrary.setLogHandler { level, message in
            collected.lock.lock(); collected.messages.append((level, message)); collected.lock.unlock()
        }
        defer { DICOMLibrary.setLogHandler(nil) }
        // The dataset switches to implicit VR against its meta header: DCMTK warns.
        let url = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/SC_rgb_jpeg.dcm")
        _ = try DICOMFile(contentsOf: url)
        collected.lock.lock(); defer { collected.lock.unlock() }
        XCTAssertTrue(collected.messages.contains { $0.1.hasPrefix("DCMTK: ") && $0.0 >= .warning }, "\(collected.messages)")
    }
}
