import XCTest
import NoduleModels
import ImagingCore

final class MetricsTests: XCTestCase {
    func testConfusionRatesByHand() {
        // 3 TP, 1 FP, 4 TN, 2 FN.
        let predicted = [true, true, true, true, false, false, false, false, false, false]
        let actual = [true, true, true, false, false, false, false, false, true, true]
        let c = BinaryConfusion(predicted: predicted, actual: actual)
        XCTAssertEqual([c.truePositives, c.falsePositives, c.trueNegatives, c.falseNegatives], [3, 1, 4, 2])
        XCTAssertEqual(c.precision, 0.75)
        XCTAssertEqual(c.recall, 0.6)
        XCTAssertEqual(c.specificity, 0.8)
        XCTAssertEqual(c.f1, 2 * 0.75 * 0.6 / 1.35, accuracy: 1e-12)
        XCTAssertEqual(c.accuracy, 0.7)
    }

    func testMacroAveragesBothClasses() {
        let r = ClassificationReport(predicted: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], actual: [1, 1, 1, 0, 0, 0, 0, 0, 1, 1])
        // Class 1: P 3/4, R 3/5. Class 0: P 4/6, R 4/5.
        XCTAssertEqual(r.macroPrecision, (0.75 + 4.0 / 6) / 2, accuracy: 1e-12)
        XCTAssertEqual(r.macroRecall, (0.6 + 0.8) / 2, accuracy: 1e-12)
        let f1a = 2 * 0.75 * 0.6 / 1.35, f1b = 2 * (4.0 / 6) * 0.8 / (4.0 / 6 + 0.8)
        XCTAssertEqual(r.macroF1, (f1a + f1b) / 2, accuracy: 1e-12)
        XCTAssertEqual(r.accuracy, 0.7)
    }

    func testROCAreaMatchesScikitLearnsDocumentedExample() {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        let roc = ROCCurve(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
        XCTAssertEqual(roc.area, 0.75, accuracy: 1e-12)
        XCTAssertEqual(roc.points.first?.truePositiveRate, 0)
        XCTAssertEqual(roc.points.last?.falsePositiveRate, 1)
    }

    func testROCAreaEqualsPairwiseProbabilityWithTies() {
        var rng = SeededGenerator(seed: 12)
        let scores = (0..<200).map { _ in Double(Int.random(in: 0..<20, using: &rng)) / 20 }
        let labels = scores.map { $0 + Double.random(in: -0.3...0.3, using: &rng) > 0.5 }
        var wins = 0.0, pairs = 0.0
        for (s1, l1) in zip(scores, labels) where l1 {
            for (s0, l0) in zip(scores, labels) where !l0 {
                pairs += 1
                wins += s1 > s0 ? 1 : (s1 == s0 ? 0.5 : 0)
            }
        }
        XCTAssertEqual(ROCCurve(scores: scores, labels: labels).area, wins / pairs, accuracy: 1e-12)
        XCTAssertTrue(ROCCurve(scores: [0.1, 0.2], labels: [true, true]).area.isNaN)
    }

    func testDiceAndIoU() {
        let a: [UInt8] = [1, 1, 1, 0, 0, 0]
        let b: [UInt8] = [0, 1, 1, 1, 0, 0]
        XCTAssertEqual(OverlapMetrics.dice(a, b), 4.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(OverlapMetrics.intersectionOverUnion(a, b), 0.5, accuracy: 1e-12)
        XCTAssertEqual(OverlapMetrics.dice([UInt8](repeating: 0, count: 4), [UInt8](repeating: 0, count: 4)), 1)
    }
}
