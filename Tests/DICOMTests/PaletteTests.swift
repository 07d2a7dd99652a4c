import DICOM
import Foundation
import TestSupport
import XCTest

/// PALETTE COLOR images through their lookup tables, against pydicom's apply_color_lut.
final class PaletteTests: XCTestCase {
    struct Oracle: Decodable {
        struct File: Decodable { let path: String; let status: String; let error: String? }
        let files: [File]
    }

    func testPaletteImagesMatchPydicomApplyColorLUT() throws {
        let names = ["pydicom/pydicom/data/test_files/examples_palette.dcm", "pydicom-data/data_store/data/OBXXXX1A.dcm",
                     "pydicom-data/data_store/data/OBXXXX1A_rle.dcm", "pydicom-data/data_store/data/OBXXXX1A_2frame.dcm"]
        let urls = try names.map { try TestEnvironment.downloadedFile($0) }
        let out = try TestEnvironment.temporaryDirectory(self)
        let oracle = try PythonOracle.json("dicom_palette.py", [out.path] + urls.map(\.path), as: Oracle.self)
        for (n, entry) in oracle.files.enumerated() {
            XCTAssertEqual(entry.status, "ok", "\(names[n]): \(entry.error ?? "")")
            let file = try DICOMFile(contentsOf: urls[n])
            let rgb = try PaletteColorLUT(file: file).apply(file.decodePixels())
            let data = try Data(contentsOf: out.appendingPathComponent("\(n).bin"))
            let expected = data.withUnsafeBytes { raw in (0..<(data.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) } }
            XCTAssertEqual(rgb.map(Double.init), expected, names[n])
        }
    }

    func testBigEndianPaletteEqualsLittleEndianTwin() throws {
        // pydicom 3.0.2's apply_color_lut reads this big-endian file's OW tables without
        // swapping (index 244 → 37 instead of 9472); the same image in little endian is
        // the reference here.
        let big = try DICOMFile(contentsOf: try TestEnvironment.downloadedFile("pydicom-data/data_store/data/OBXXXX1A_expb_2frame.dcm"))
        let little = try DICOMFile(contentsOf: try TestEnvironment.downloadedFile("pydicom-data/data_store/data/OBXXXX1A_2frame.dcm"))
        XCTAssertEqual(try PaletteColorLUT(file: big), try PaletteColorLUT(file: little))
        XCTAssertEqual(try PaletteColorLUT(file: big).apply(big.decodePixels()), try PaletteColorLUT(file: little).apply(little.decodePixels()))
    }
}
