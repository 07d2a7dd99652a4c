import Foundation
import XCTest
@testable import NeuralNet

/// Shapes and headers from a file are checked before anything is allocated.
final class HostileCheckpointTests: XCTestCase {
    func testAShapeWhoseProductOverflowsIsAnErrorNotATrap() {
        XCTAssertNil(Tensor.elementCount(of: [Int.max, 2]))
        XCTAssertNil(Tensor.elementCount(of: [1 << 32, 1 << 32]))
        XCTAssertNil(Tensor.elementCount(of: [3, -1]))
        XCTAssertEqual(Tensor.elementCount(of: [2, 3, 4]), 24)
        XCTAssertEqual(Tensor.elementCount(of: []), 1)
        XCTAssertEqual(Tensor.elementCount(of: [0, Int.max]), 0)
        // shape.reduce(1, *) trapped here before.
        XCTAssertThrowsError(try Tensor(shape: [Int.max, 2], scalars: [])) { error in
            guard case NeuralNetError.shapeMismatch(_, _, let found) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(found, [Int.max, 2])
        }
    }

    func testCheckpointMetadataRoundTripsAndAMalformedOneIsRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(["a": Tensor(shape: [2], scalars: [1, 2])], metadata: ["nodulekit.epoch": "7"], to: url)
        let (tensors, metadata) = try Safetensors.readWithMetadata(from: url)
        XCTAssertEqual(metadata, ["nodulekit.epoch": "7"])
        XCTAssertEqual(tensors["a"]?.scalars, [1, 2])

        let header = #"{"__metadata__":{"epoch":[1,2]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        var bad = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bad.append(contentsOf: $0) }
        bad.append(contentsOf: Array(header.utf8))
        bad.append(Data(count: 4))
        try bad.write(to: url)
        XCTAssertThrowsError(try Safetensors.read(from: url)) { error in
            guard case NeuralNetError.checkpointFormat(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("__metadata__"), reason)
        }
    }

    func testAMissingCheckpointIsACheckpointFormatErrorNamingTheFile() {
        let url = URL(fileURLWithPath: "/nonexistent/nodulekit/last.safetensors")
        XCTAssertThrowsError(try Safetensors.read(from: url)) { error in
            guard case NeuralNetError.checkpointFormat(let file, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
        }
    }
}
