import Foundation
import NoduleModels
import XCTest
import TestSupport

/// The one-number baselines the classifiers must beat.
final class FeatureBaselineTests: XCTestCase {
    func testTheDiameterRuleLearnsTheDiscSizeThresholdOnTheTrainingSplit() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        // Benign discs of radius 2–3 px, malignant 5–6 px, the same brightness.
        try ClassifierTrainingTests.writeDataset(in: folder)
        let train = try ClassificationDatasetReader(folder: folder, split: .train)
        let test = try ClassificationDatasetReader(folder: folder, split: .test)
        // Its feature is the equivalent diameter of the segmented area, in pixels.
        let diameters = try FeatureBaseline.featureValues(.segmentedDiameter, train)
        for (d, s) in zip(diameters, train.samples) {
            XCTAssertTrue(s.label == .malignant ? (8...13.5).contains(d) : (3...6.5).contains(d), "\(s.label) disc of \(d) px")
        }
        let rule = try FeatureBaseline.fit(.segmentedDiameter, on: train)
        XCTAssertGreaterThan(rule.threshold, 6)
        XCTAssertLessThan(rule.threshold, 8.5)
        let evaluation = ClassifierEvaluation(model: rule.feature.rawValue, scoresOfServedPairs: try rule.scores(test), reader: test)
        XCTAssertEqual(evaluation.slices.accuracy, 1)
        XCTAssertEqual(evaluation.model, "diameter-rule")
        // The brightest-value rule reads the windowed slice inside the segmented area.
        let brightest = try FeatureBaseline.featureValues(.maximumIntensity, test)
        XCTAssertTrue(brightest.allSatisfy { (0.75...1.1).contains($0) }, "\(brightest)")
    }
}
