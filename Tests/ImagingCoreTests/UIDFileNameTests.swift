import Foundation
import ImagingCore
import TestSupport
import XCTest

/// The one sanitiser for UID-derived file names: what it accepts and refuses.
final class UIDFileNameTests: XCTestCase {
    func testWellFormedDICOMUIDsAreAcceptedByBothRules() {
        for uid in ["1.2.840.10008.5.1.4.1.1.2", "2.25.2916839690478819406629744545",
                    "1.3.6.1.4.1.14519.5.2.1.6279.6001.100225287222365663678666836860", "0"] {
            XCTAssertTrue(UIDFileName.isDICOMUID(uid), uid)
            XCTAssertTrue(UIDFileName.isSafeName(uid), uid)
            XCTAssertEqual(UIDFileName.fileName(uid, suffix: "_mask.mhd"), uid + "_mask.mhd")
        }
    }

    func testScanNamesOutsideTheDICOMAlphabetAreSafeNamesButNotDICOMUIDs() {
        for name in ["ct", "scan-01_a.b", "LIDC-IDRI-0002"] {
            XCTAssertTrue(UIDFileName.isSafeName(name), name)
            XCTAssertFalse(UIDFileName.isDICOMUID(name), name)
            XCTAssertNil(UIDFileName.fileName(name, strictDICOM: true), name)
        }
        XCTAssertFalse(UIDFileName.isDICOMUID("1.02.3"), "leading zero in a component")
        XCTAssertFalse(UIDFileName.isDICOMUID("1..3"), "empty component")
        XCTAssertFalse(UIDFileName.isDICOMUID(String(repeating: "1", count: 65)), "longer than 64")
    }

    func testNamesThatCouldLeaveTheFolderAreRefused() {
        let hostile = ["", ".", "..", "../escape", "a/b", "/etc/passwd", "..\\x", "a..b", ".hidden", "a b", "a\u{0}b",
                       "1.2\n3", "é", "1.2;rm", String(repeating: "a", count: UIDFileName.maximumLength + 1)]
        for name in hostile {
            XCTAssertFalse(UIDFileName.isSafeName(name), name.debugDescription)
            XCTAssertNil(UIDFileName.fileName(name, suffix: ".json"), name.debugDescription)
            XCTAssertNotNil(UIDFileName.problem(name), name.debugDescription)
        }
        XCTAssertTrue(UIDFileName.isSafeName(String(repeating: "a", count: UIDFileName.maximumLength)))
    }

    func testURLInAFolderThrowsNamingTheSourceAndTheFolder() throws {
        let folder = URL(fileURLWithPath: "/tmp/out")
        XCTAssertEqual(try UIDFileName.url(in: folder, uid: "1.2.3", suffix: ".json", source: "x").path, "/tmp/out/1.2.3.json")
        XCTAssertThrowsError(try UIDFileName.url(in: folder, uid: "../../etc/cron.d/x", suffix: ".json", source: "labels.csv line 4")) { error in
            guard case ImagingError.unsafeFileName(let uid, let source, let path)? = error as? ImagingError else { return XCTFail("\(error)") }
            XCTAssertEqual(uid, "../../etc/cron.d/x")
            XCTAssertEqual(source, "labels.csv line 4")
            XCTAssertEqual(path, "/tmp/out")
            XCTAssertTrue("\(error)".contains("path separator"), "\(error)")
        }
    }
}
