import Foundation
import ImagingCore
import TestSupport
import XCTest
@testable import DICOM

/// Header values a hostile or broken file can hold: an error naming the file and tag
/// (so series discovery reports the slice in `skipped`), never a silent drop or a trap.
final class HostileHeaderTests: XCTestCase {
    private let url = URL(fileURLWithPath: "/data/slice-7.dcm")

    private func header(_ extra: [DICOMElement]) throws -> SliceHeader {
        try SliceHeader(url: url, dataset: DICOMDataset(elements: [
            .text(.seriesInstanceUID, "UI", "1.2.3"), .uint16(.rows, [4]), .uint16(.columns, [4]),
        ] + extra))
    }

    func testMalformedGeometryAndNumbersThrowNamingTheFileAndTag() throws {
        let cases: [(DICOMElement, DICOMTag)] = [
            (.text(.imagePositionPatient, "DS", ["1", "2"]), .imagePositionPatient),
            (.text(.imagePositionPatient, "DS", ["1", "2", "1e999"]), .imagePositionPatient),
            (.text(.imageOrientationPatient, "DS", ["1", "0", "0", "0", "1"]), .imageOrientationPatient),
            (.text(.pixelSpacing, "DS", ["0.7"]), .pixelSpacing),
            (.text(.pixelSpacing, "DS", ["0.7", "-0.7"]), .pixelSpacing),
            (.text(.instanceNumber, "IS", "seven"), .instanceNumber),
            (.text(.numberOfFrames, "IS", "2.5"), .numberOfFrames),
            (.text(.gantryDetectorTilt, "DS", "tilted"), .gantryDetectorTilt),
            (.text(.rescaleSlope, "DS", "1e999"), .rescaleSlope),
        ]
        for (element, tag) in cases {
            XCTAssertThrowsError(try header([element]), "\(tag)") { error in
                guard case DICOMError.invalidValue(let path, let found, _, _)? = error as? DICOMError else { return XCTFail("\(error)") }
                XCTAssertEqual(path, url.path)
                XCTAssertEqual(found, tag)
            }
        }
        // Absent or empty values are still "not given", not errors.
        let plain = try header([.text(.instanceNumber, "IS", ""), .text(.pixelSpacing, "DS", [String]())])
        XCTAssertNil(plain.instanceNumber)
        XCTAssertNil(plain.pixelSpacing)
        XCTAssertNil(plain.position)
        let good = try header([.decimals(.imagePositionPatient, [1, 2, 3]), .decimals(.pixelSpacing, [0.5, 0.7])])
        XCTAssertEqual(good.position, Vector3(1, 2, 3))
        XCTAssertEqual(good.pixelSpacing, SIMD2(0.7, 0.5))
    }

    func testASliceWithABrokenPositionIsListedAsSkippedWithItsTag() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let geometry = try ImageGeometry(size: GridSize(4, 4, 3), spacing: Vector3(0.7, 0.7, 2))
        let written = try CTSeriesWriter.write(Volume<Int16>(geometry: geometry, repeating: 0), to: folder)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }, [],
                       "no partial folder or file is left")
        let broken = written.files[1]
        let dataset = try DICOMFile.readDataset(at: broken)
        let kept = dataset.elements.filter { ![.imagePositionPatient, .pixelData].contains($0.tag) && $0.tag.group != 0x0002 }
        try DICOMDataset(elements: kept + [.text(.imagePositionPatient, "DS", ["0", "0"]),
                                           .binary(.pixelData, "OW", [UInt8](repeating: 0, count: 32))]).write(to: broken)
        let scan = try SeriesScanner.scan(folder)
        XCTAssertEqual(scan.skipped.map(\.path), [broken.path])
        XCTAssertTrue(scan.skipped.first?.reason.contains("(0020,0032)") ?? false, "\(scan.skipped)")
        XCTAssertEqual(scan.series.first?.files.count, 2)
    }

    func testHostileShiftsFillTheSliceInsteadOfTrapping() {
        // A hostile ImagePositionPatient or PixelSpacing gives infinite, NaN or huge shifts;
        // Int(x.rounded(.down)) trapped on them.
        let geometry = ImageGeometry(unchecked: GridSize(3, 3, 4), origin: .zero, spacing: Vector3(1, 1, 1), direction: .identity)
        var volume = Volume<Int16>(geometry: geometry, repeating: 5)
        volume[0, 0, 0] = -7
        GantryTiltCorrection.apply(&volume, shifts: [SIMD2(0, 0), SIMD2(.infinity, 0), SIMD2(.nan, .nan), SIMD2(1e300, -1e300)])
        let slice = 9
        XCTAssertEqual(Array(volume.voxels[0..<slice]), [-7] + Array(repeating: 5, count: 8), "an unshifted slice is kept")
        XCTAssertEqual(Array(volume.voxels[slice...]), Array(repeating: -7, count: 3 * slice))
    }
}
