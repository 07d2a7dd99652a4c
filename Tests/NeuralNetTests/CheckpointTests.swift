import Foundation
import XCTest
@testable import NeuralNet

final class CheckpointTests: XCTestCase {
    private func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("nn-\(UUID().uuidString)-\(name)")
    }

    func testSafetensorsRoundTripRestoresEveryWeightExactly() throws {
        let net = try makeTinyUNet(seed: 1)
        let url = temporaryURL("unet.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try net.saveCheckpoint(to: url)
        let other = try makeTinyUNet(seed: 2)
        XCTAssertNotEqual(other.stateDictionary(), net.stateDictionary())
        try other.loadCheckpoint(from: url)
        XCTAssertEqual(other.stateDictionary(), net.stateDictionary())
        XCTAssertEqual(Set(net.stateDictionary().keys), [
            "0.weight", "0.bias", "2.inner.1.weight", "2.inner.1.bias", "2.inner.3.weight", "2.inner.3.bias",
            "3.weight", "3.bias",
        ])
    }

    func testLoadingAMismatchedCheckpointNamesEveryDifference() throws {
        let url = temporaryURL("wide.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        var state = try makeTinyUNet(seed: 1, width: 4).stateDictionary()
        state["extra.weight"] = Tensor(shape: [2])
        state["3.bias"] = nil
        try Safetensors.write(state, to: url)
        let net = try makeTinyUNet(seed: 1, width: 3)
        XCTAssertThrowsError(try net.loadCheckpoint(from: url)) { error in
            guard case let NeuralNetError.checkpointMismatch(missing, unexpected, wrongShape) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(missing, ["3.bias"])
            XCTAssertEqual(unexpected, ["extra.weight"])
            XCTAssertTrue(wrongShape.contains("0.weight model [3, 1, 3, 3] vs checkpoint [4, 1, 3, 3]"), "\(wrongShape)")
            XCTAssertTrue("\(error)".contains("missing from the checkpoint: 3.bias"))
        }
    }

    func testMalformedSafetensorsFilesAreErrorsNotCrashes() throws {
        let url = temporaryURL("bad.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let header = #"{"w":{"dtype":"F32","shape":[4000000000000,4000000000000],"data_offsets":[0,16]}}"#
        var cases: [Data] = [Data([1, 2, 3]), Data([255, 255, 255, 255, 0, 0, 0, 0, 1])]
        var bad = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bad.append(contentsOf: $0) }
        bad.append(contentsOf: Array(header.utf8))
        bad.append(Data(count: 16))
        cases.append(bad)
        for data in cases {
            try data.write(to: url)
            XCTAssertThrowsError(try Safetensors.read(from: url)) { error in
                guard case NeuralNetError.checkpointFormat = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testSafetensorsHeaderIsEightByteAlignedJSON() throws {
        let url = temporaryURL("one.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(["a": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])], to: url)
        let data = try Data(contentsOf: url)
        let length = Int(data[0]) | Int(data[1]) << 8
        XCTAssertEqual((8 + length) % 8, 0)
        XCTAssertEqual(data.count, 8 + length + 24)
        XCTAssertEqual(try Safetensors.read(from: url)["a"]?.scalars, [1, 2, 3, 4, 5, 6])
    }
}
