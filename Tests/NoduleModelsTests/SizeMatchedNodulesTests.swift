import Annotations
import Foundation
import ImagingCore
import NoduleModels
import XCTest

/// Nodules paired by diameter, and classifiers judged on the pairs.
final class SizeMatchedNodulesTests: XCTestCase {
    /// Malignant nodules of 10, 20 and 30 mm and benign ones of 5, 9, 19 and 40 mm, in scans
    /// "m" and "b", each nodule crossed by two slices.
    private func makeNodules() -> (samples: [ClassificationSample], annotations: [NoduleAnnotation]) {
        let malignant = [10.0, 20, 30], benign = [5.0, 9, 19, 40]
        var annotations: [NoduleAnnotation] = [], samples: [ClassificationSample] = []
        for (uid, label, diameters) in [("m", NoduleClass.malignant, malignant), ("b", .benign, benign)] {
            for (n, d) in diameters.enumerated() {
                annotations.append(NoduleAnnotation(seriesUID: uid, center: Vector3(0, 0, Double(n)), diameterMM: d))
                for k in 0..<2 {
                    samples.append(ClassificationSample(patient: uid, seriesUID: uid, split: .test, label: label, row: samples.count,
                                                        slice: 10 * n + k, maximumProbability: 0.9, copies: 1,
                                                        pairsFile: "\(uid).npy", nodule: n + 1))
                }
            }
            // A false-positive slice: never part of a pair.
            samples.append(ClassificationSample(patient: uid, seriesUID: uid, split: .test, label: label, row: samples.count,
                                                slice: 99, maximumProbability: 0.8, copies: 1, pairsFile: "\(uid).npy", nodule: 0))
        }
        return (samples, annotations)
    }

    func testPairsTheClosestDiametersFirstAndEachNoduleOnce() {
        let (samples, annotations) = makeNodules()
        let matched = SizeMatchedNodules(samples: samples, annotations: annotations)
        // 20/19 (5 % apart) before 10/9 (11 %); 30 mm has no benign partner within 25 % (40 is
        // 29 % away, 19 already taken); 5 mm has no malignant one.
        XCTAssertEqual(matched.pairs.map { "\($0.malignant)-\($0.benign)" }, ["m#2-b#3", "m#1-b#2"])
        XCTAssertEqual(matched.pairs.map(\.benignDiameterMM), [19, 9])
        XCTAssertEqual(matched.malignantCandidates, 3)
        XCTAssertEqual(matched.benignCandidates, 4)
        XCTAssertEqual(matched.keys, ["m#1", "m#2", "b#2", "b#3"])
        // A wider tolerance lets 30 mm meet 40 mm.
        let wider = SizeMatchedNodules(samples: samples, annotations: annotations, relativeTolerance: 0.3)
        XCTAssertEqual(wider.pairs.count, 3)
        XCTAssertEqual(wider.pairs.last.map { "\($0.malignant)-\($0.benign)" }, "m#3-b#4")
    }

    func testNodulesWithoutADiameterOrOfTheOtherLabelAreLeftOut() {
        var (samples, annotations) = makeNodules()
        annotations[1].diameterMM = nil  // m#2 (20 mm): unknown size
        // b#3 (19 mm) carries its own malignant label: two malignant nodules cannot pair.
        for i in samples.indices where samples[i].noduleKey == "b#3" { samples[i].noduleLabel = .malignant }
        let matched = SizeMatchedNodules(samples: samples, annotations: annotations)
        XCTAssertEqual(matched.pairs.map { "\($0.malignant)-\($0.benign)" }, ["m#1-b#2"])
        XCTAssertEqual(matched.malignantCandidates, 3)  // m#1, m#3 and the relabelled b#3
    }

    func testASizeOnlyScoreLosesItsLeadOnTheMatchedNodules() {
        let (samples, annotations) = makeNodules()
        var diameterOf: [String: Double] = [:]
        for (index, annotation) in annotations.enumerated() {
            let row = index < 3 ? index + 1 : index - 2  // m#1…m#3, then b#1…b#4
            diameterOf["\(annotation.seriesUID)#\(row)"] = annotation.diameterMM ?? 0
        }
        // A score that is the diameter alone, and one that knows the label.
        let sizeScores: [Double] = samples.map { (s: ClassificationSample) -> Double in (diameterOf[s.noduleKey] ?? 0) / 50 }
        let knowing: [Double] = samples.map { (s: ClassificationSample) -> Double in s.label == .malignant ? 0.8 : 0.2 }
        var size = ClassifierEvaluation(model: "size", scores: sizeScores, samples: samples)
        var knows = ClassifierEvaluation(model: "knows", scores: knowing, samples: samples)
        let matched = SizeMatchedNodules(samples: samples, annotations: annotations)
        size.judgeSizeMatched(matched)
        knows.judgeSizeMatched(matched)
        // All 7 nodules: 8 of the 12 malignant/benign orderings are right for size.
        XCTAssertEqual(try XCTUnwrap(size.noduleROC).area, 8.0 / 12, accuracy: 1e-12)
        // Matched (10, 20 against 9, 19): 10 mm ranks below 19 mm, so 3 of 4.
        XCTAssertEqual(try XCTUnwrap(size.sizeMatchedNoduleROC).area, 0.75, accuracy: 1e-12)
        XCTAssertEqual(size.sizeMatchedNodules?.confusion.truePositives, 0)  // every score under 0.5
        XCTAssertEqual(try XCTUnwrap(knows.sizeMatchedNoduleROC).area, 1, accuracy: 1e-12)
        XCTAssertEqual(knows.sizeMatchedNodules?.accuracy, 1)
        // Nothing matched: no figures.
        size.judgeSizeMatched(SizeMatchedNodules(labels: [:], diameters: [:]))
        XCTAssertNil(size.sizeMatchedNodules)
    }
}
