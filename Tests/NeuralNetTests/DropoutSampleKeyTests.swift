import NeuralNet
import XCTest

/// Dropout masks keyed by sample: a sample gets the same mask in any batch, alone or not.
final class DropoutSampleKeyTests: XCTestCase {
    func testASampleGetsTheSameMaskWhateverBatchHoldsIt() throws {
        let x = try Tensor(shape: [3, 2, 4, 4], scalars: (0..<96).map { Float($0 % 7) + 1 })
        let batch = try Dropout(rate: 0.5, seed: 11)
        batch.sampleKeys = [40, 41, 42]
        let together = try batch.forward(x, training: true)
        let alone = try Dropout(rate: 0.5, seed: 11)
        alone.sampleKeys = [42]
        let last = try alone.forward(try Tensor(shape: [1, 2, 4, 4], scalars: Array(x.scalars[64..<96])), training: true)
        XCTAssertEqual(Array(together.scalars[64..<96]), last.scalars)
        // Kept elements are scaled by 2, dropped ones are 0; about half of each.
        let dropped = together.scalars.filter { $0 == 0 }.count
        XCTAssertTrue((24...72).contains(dropped), "\(dropped) of 96 dropped")
        XCTAssertTrue(zip(together.scalars, x.scalars).allSatisfy { $0 == 0 || $0 == 2 * $1 })
        // Different keys give different masks; the backward pass uses the same mask.
        XCTAssertNotEqual(together.scalars[0..<32].map { $0 == 0 }, together.scalars[32..<64].map { $0 == 0 })
        let g = try batch.backward(Tensor(shape: x.shape, repeating: 1))
        XCTAssertEqual(g.scalars.map { $0 == 0 }, together.scalars.map { $0 == 0 })
    }

    func testKeysOfTheWrongCountAreAnError() throws {
        let d = try Dropout(rate: 0.5, seed: 1)
        d.sampleKeys = [1, 2]
        XCTAssertThrowsError(try d.forward(Tensor(shape: [3, 1, 2, 2], repeating: 1), training: true)) {
            XCTAssertEqual("\($0)".contains("2 samples (one per sample key)"), true, "\($0)")
        }
    }
}
