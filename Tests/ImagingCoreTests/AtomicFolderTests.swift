import Foundation
import ImagingCore
import TestSupport
import XCTest

/// Folders of files written all at once (a DICOM series): never half there.
final class AtomicFolderTests: XCTestCase {
    func testANewFolderAppearsWithEveryFileAndNoTemporaryFolderRemains() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let target = root.appendingPathComponent("series")
        try AtomicFolder.write(to: target) { tmp in
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "the destination must not exist while it is written")
            for k in 0..<3 { try Data([UInt8(k)]).write(to: tmp.appendingPathComponent("slice-\(k).dcm")) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.path).sorted(), ["slice-0.dcm", "slice-1.dcm", "slice-2.dcm"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["series"])
    }

    func testAFailureMidwayLeavesNothingBehind() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let target = root.appendingPathComponent("series")
        struct Interrupted: Error {}
        XCTAssertThrowsError(try AtomicFolder.write(to: target) { tmp in
            try Data([1]).write(to: tmp.appendingPathComponent("slice-0.dcm"))
            throw Interrupted()
        }) { XCTAssertTrue($0 is Interrupted) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [], "neither the series nor its partial folder")
    }

    func testAnEmptyExistingFolderIsReplacedAndAFullOneKeepsItsOtherFiles() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let empty = root.appendingPathComponent("empty"), full = root.appendingPathComponent("full")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        try Data([9]).write(to: full.appendingPathComponent("notes.txt"))
        for folder in [empty, full] {
            try AtomicFolder.write(to: folder) { try Data([1]).write(to: $0.appendingPathComponent("slice-0.dcm")) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: empty.path), ["slice-0.dcm"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: full.path).sorted(), ["notes.txt", "slice-0.dcm"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted(), ["empty", "full"])
    }
}
