import Annotations
import Foundation
import ImagingCore
import NoduleModels
import XCTest

/// LUNA16's FROC on findings whose outcome is worked out by hand.
final class FROCEvaluationTests: XCTestCase {
    func testFindingsMatchNodulesByRadiusOncePerNoduleAndWithinTheirScanOnly() throws {
        let a = NoduleAnnotation(seriesUID: "1", center: Vector3(0, 0, 0), diameterMM: 10, line: 2)
        let b = NoduleAnnotation(seriesUID: "1", center: Vector3(50, 0, 0), diameterMM: 6, line: 3)
        let c = NoduleAnnotation(seriesUID: "2", center: Vector3(0, 0, 0), diameterMM: 8, line: 4)
        let findings: [FROCEvaluation.Finding] = [
            .init(seriesUID: "1", center: Vector3(1, 1, 0), score: 0.9),    // hits a
            .init(seriesUID: "1", center: Vector3(2, 0, 0), score: 0.8),    // a again: neither hit nor false positive
            .init(seriesUID: "2", center: Vector3(30, 0, 0), score: 0.7),   // false positive
            .init(seriesUID: "1", center: Vector3(50, 2.9, 0), score: 0.6), // hits b (2.9 mm ≤ its 3 mm radius)
            .init(seriesUID: "2", center: Vector3(0, 4.1, 0), score: 0.5),  // just outside c's 4 mm: false positive
            .init(seriesUID: "2", center: Vector3(0, 0, 3.9), score: 0.4),  // hits c
            .init(seriesUID: "2", center: Vector3(50, 0, 0), score: 0.3),   // b's place, but in the other scan
        ]
        let froc = try FROCEvaluation(findings: findings, annotations: [a, b, c], scanCount: 2)
        XCTAssertEqual(froc.outcomes, [true, nil, false, true, false, true, false])
        XCTAssertEqual(froc.detectedNodules, 3)
        XCTAssertEqual(froc.curve.map(\.falsePositivesPerScan), [0, 0, 0.5, 0.5, 1, 1, 1.5])
        XCTAssertEqual(froc.curve.map(\.sensitivity), [1, 1, 1, 2, 2, 3, 3].map { Double($0) / 3 })
        let third = 1.0 / 3
        XCTAssertEqual(froc.sensitivities, [third, third, 2 * third, 1, 1, 1, 1])
        XCTAssertEqual(froc.cpm, (third + third + 2 * third + 4) / 7, accuracy: 1e-12)
    }

    func testTiedScoresMakeOnePointAndANoduleWithoutDiameterIsAnError() throws {
        let a = NoduleAnnotation(seriesUID: "1", center: .zero, diameterMM: 4, line: 2)
        let tied = try FROCEvaluation(findings: [.init(seriesUID: "1", center: Vector3(9, 0, 0), score: 0.5),
                                                 .init(seriesUID: "1", center: .zero, score: 0.5)],
                                      annotations: [a], scanCount: 1)
        XCTAssertEqual(tied.curve, [.init(falsePositivesPerScan: 1, sensitivity: 1, threshold: 0.5)])
        XCTAssertEqual(tied.sensitivities[0], 0, "at 1/8 FP per scan the tied pair is not reached")
        XCTAssertThrowsError(try FROCEvaluation(findings: [], annotations: [NoduleAnnotation(seriesUID: "1", center: .zero, diameterMM: nil, line: 7)],
                                                scanCount: 1)) { XCTAssertTrue("\($0)".contains("line 7"), "\($0)") }
    }
}
