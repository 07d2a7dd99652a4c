import DICOM
import Foundation
import TestSupport
import XCTest

/// Bad input is a DICOMError, never a crash or a runaway allocation.
final class MalformedInputTests: XCTestCase {
    func testRandomBytesAreNotDICOM() {
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        XCTAssertThrowsError(try DICOMFile(data: bytes, name: "random")) { error in
            guard case DICOMError.notDICOM(let path, _)? = error as? DICOMError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "random")
        }
    }

    func testHugeDeclaredLengthInMemoryIsAnErrorNotAnAllocation() throws {
        // Found by the fuzzer: an element claiming ~3.7 GB in a tiny in-memory dataset.
        var bytes = Data(count: 128) + Data("DICM".utf8)
        func element(_ group: UInt16, _ elem: UInt16, _ vr: String, _ value: [UInt8]) -> Data {
            var d = Data([UInt8(group & 0xFF), UInt8(group >> 8), UInt8(elem & 0xFF), UInt8(elem >> 8)]) + Data(vr.utf8)
            d += Data([UInt8(value.count & 0xFF), UInt8(value.count >> 8)]) + Data(value)
            return d
        }
        let ts = Array("1.2.840.10008.1.2.1\0".utf8)
        bytes += element(0x0002, 0x0010, "UI", ts)
        // (0010,0010) PN with an implicit-style 4-byte length of 0xE0000000 after an OB header.
        bytes += Data([0x10, 0x00, 0x10, 0x00]) + Data("OB".utf8) + Data([0, 0, 0x00, 0x00, 0x00, 0xE0]) + Data(repeating: 0x41, count: 64)
        XCTAssertThrowsError(try DICOMFile(data: bytes, name: "huge")) { XCTAssertTrue($0 is DICOMError, "\($0)") }
    }

    func testEveryPrefixOfARealFileFailsCleanlyOrDecodes() throws {
        let url = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/CT_small.dcm")
        let whole = try Data(contentsOf: url)
        var failures = 0
        for cut in stride(from: 0, to: whole.count, by: 97) {
            do {
                let file = try DICOMFile(data: whole.prefix(cut), name: "cut\(cut)")
                _ = try file.decodePixels()
            } catch is DICOMError {
                failures += 1
            }
        }
        XCTAssertGreaterThan(failures, 0)
    }

    func testDumpListsElementsLikeDcmdump() throws {
        let url = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/CT_small.dcm")
        let dump = try DICOMFile(contentsOf: url).dump()
        XCTAssertTrue(dump.contains("(0010,0010) PN [CompressedSamples^CT1]"), dump)
        XCTAssertTrue(dump.contains("(7fe0,0010)"), dump)
    }

    func testKeywordsResolveThroughTheDictionary() throws {
        XCTAssertEqual(try DICOMTag(keyword: "PatientWeight"), .patientWeight)
        XCTAssertEqual(DICOMTag.rescaleIntercept.keyword, "RescaleIntercept")
        XCTAssertThrowsError(try DICOMTag(keyword: "NoSuchKeyword"))
        let url = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/CT_small.dcm")
        let ds = try DICOMFile(contentsOf: url).dataset
        XCTAssertEqual(ds[keyword: "PatientName"]?.strings, ["CompressedSamples^CT1"])
        XCTAssertEqual(try ds.doubles(.imagePositionPatient), [-158.135803, -179.035797, -75.699997])
        XCTAssertEqual(try ds.date(.studyDate)?.description, "20040119")
    }
}

/// Real JPEG-LS / JPEG 2000 files with attributes contradicting their codestreams: each
/// once aborted the process inside GDCM (asserts); now each is a DICOMError.
final class HostileCompressedInputTests: XCTestCase {
    struct Made: Decodable { let files: [String] }

    func testContradictoryAttributesAreErrorsNotAborts() throws {
        let source = try TestEnvironment.downloadedFile("pydicom-data/data_store/data")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let made = try PythonOracle.json("dicom_make_hostile.py", [source.path, folder.path], as: Made.self)
        XCTAssertEqual(made.files.count, 10)
        for name in made.files {
            XCTAssertThrowsError(try DICOMFile(contentsOf: folder.appendingPathComponent(name)).decodePixels(), name) { error in
                XCTAssertTrue(error is DICOMError, "\(name): \(error)")
            }
        }
    }
}

/// Headers that claim more pixels than the file holds or the machine has.
final class ImplausibleSizeTests: XCTestCase {
    func testHugeClaimedImageIsRefusedBeforeAllocating() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        // A real CT slice whose header claims 65535 x 65535 pixels and 1000 frames.
        let url = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files/CT_small.dcm")
        let ds = try DICOMFile(contentsOf: url).dataset
        var elements = ds.elements.filter { ![DICOMTag.rows, .columns, .numberOfFrames, .pixelData].contains($0.tag) }
        elements += [.uint16(.rows, [65535]), .uint16(.columns, [65535]), .integers(.numberOfFrames, [1000]),
                     .binary(.pixelData, "OW", [UInt8](repeating: 0, count: 64))]
        let liar = folder.appendingPathComponent("liar.dcm")
        try DICOMDataset(elements: elements).write(to: liar)
        XCTAssertThrowsError(try DICOMFile(contentsOf: liar).decodePixels()) { XCTAssertTrue("\($0)".contains("too few"), "\($0)") }
    }
}
