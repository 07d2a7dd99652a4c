import Foundation
import XCTest
import ImageFormats
import TestSupport

final class NumPyArrayTests: XCTestCase {
    func testNumPyReadsWhatWeWriteAndWeReadWhatNumPyWrites() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let ours = folder.appendingPathComponent("ours.npy")
        let values = (0..<24).map { Float($0) * 0.5 - 3 }
        try NumPyArray(shape: [2, 3, 4], values: values).write(to: ours)
        let theirs = folder.appendingPathComponent("theirs.npy")
        let report = try PythonOracle.run("numpy_roundtrip.py", [ours.path, theirs.path])
        XCTAssertEqual(report.trimmingCharacters(in: .whitespacesAndNewlines), "float32 (2, 3, 4) 66.0")
        let back = try NumPyArray<Int16>(contentsOf: theirs)
        XCTAssertEqual(back.shape, [3, 5])
        XCTAssertEqual(back.values, (0..<15).map { Int16($0 * 7 - 50) })
    }

    func testWrongElementTypeAndTruncationAreErrors() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let url = folder.appendingPathComponent("a.npy")
        try NumPyArray<UInt8>(shape: [4, 4], values: Array(repeating: 1, count: 16)).write(to: url)
        XCTAssertThrowsError(try NumPyArray<Float>(contentsOf: url)) { error in
            guard case .invalidValue(_, "descr", _, _)? = error as? ImageFormatError else { return XCTFail("\(error)") }
        }
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 3).write(to: url)
        XCTAssertThrowsError(try NumPyArray<UInt8>(contentsOf: url)) { error in
            guard case .truncatedData? = error as? ImageFormatError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("a.npy"))
        }
        XCTAssertThrowsError(try NumPyArray<Float>(shape: [2, 2], values: [1, 2, 3]))
    }
}
