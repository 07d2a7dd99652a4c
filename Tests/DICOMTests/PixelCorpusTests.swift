import DICOM
import Foundation
import TestSupport
import XCTest

/// Every file of pydicom's and pydicom-data's corpus: what pydicom decodes, we decode to
/// the same numbers; what we cannot decode is a clear DICOMError, never a crash.
final class PixelCorpusTests: XCTestCase {
    /// Lossy JPEG decoders (libjpeg versions, IDCT choices) differ by a few grey levels.
    static let lossyTolerance = 3.0

    func testEveryPydicomDecodableFileDecodesToTheSameNumbers() throws {
        let files = try RealFileCorpus.files()
        XCTAssertGreaterThan(files.count, 200)
        let out = try TestEnvironment.temporaryDirectory(self)
        let oracle = try PythonOracle.json("dicom_pixels.py", [out.path] + files.map(\.path), as: PydicomPixels.self)
        var compared = 0, bySimpleITK = 0, ourOnly = 0, clearErrors: [String] = []
        var mismatches: [String] = []
        for entry in oracle.files {
            let url = files[entry.index]
            let name = url.path.replacingOccurrences(of: TestEnvironment.downloadedTestData.path + "/", with: "")
            let ours: DecodedPixels
            do {
                ours = try DICOMFile(contentsOf: url).decodePixels()
            } catch let error as DICOMError {
                if entry.status == "ok" {
                    mismatches.append("\(name): pydicom decodes \(entry.shape ?? []) but we fail: \(error)")
                } else {
                    clearErrors.append("\(name): \(error)")
                }
                continue
            }
            guard entry.status == "ok", let shape = entry.shape else { ourOnly += 1; continue }
            let expected = try readDoubles(out.appendingPathComponent("\(entry.index).bin"))
            var got = ours.doubleValues
            if let r = entry.rescale, r.count == 2, r != [1, 0] { got = got.map { $0 * r[0] + r[1] } }
            if entry.oracle == "simpleitk", ours.description.photometricInterpretation == "MONOCHROME1" {
                // ITK shows MONOCHROME1 inverted (max - value); pydicom and we keep stored values.
                let top = Double((1 << ours.description.bitsStored) - 1)
                got = got.map { top - $0 }
            }
            guard got.count == expected.count else {
                mismatches.append("\(name): \(got.count) samples, \(entry.oracle ?? "?") \(expected.count) \(shape) [\(ours.description.photometricInterpretation) \(ours.description.decoder)]")
                continue
            }
            let tolerance = entry.lossy == true ? Self.lossyTolerance : 0
            var worst = 0.0, worstAt = 0
            for i in 0..<got.count where abs(got[i] - expected[i]) > worst { worst = abs(got[i] - expected[i]); worstAt = i }
            if worst > tolerance {
                mismatches.append("\(name): max |difference| \(worst) at \(worstAt) (ours \(got[worstAt]), \(entry.oracle ?? "?") \(expected[worstAt])), ts \(entry.transfer_syntax ?? "?") \(ours.description.photometricInterpretation) \(ours.description.decoder)")
            }
            compared += 1
            if entry.oracle == "simpleitk" { bySimpleITK += 1 }
        }
        print("pixel corpus: \(files.count) files, \(compared) compared (\(bySimpleITK) of them with SimpleITK where pydicom lacks a codec), \(ourOnly) decoded only by us, \(clearErrors.count) clear errors")
        for e in clearErrors where !e.contains("holds no PixelData") { print("  clear error: \(e)") }
        XCTAssertEqual(mismatches, [], mismatches.joined(separator: "\n"))
        XCTAssertGreaterThan(compared, 100)
    }

    private func readDoubles(_ url: URL) throws -> [Double] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
        }
    }
}
