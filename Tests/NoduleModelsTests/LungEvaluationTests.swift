import Annotations
import Foundation
import ImagingCore
import NoduleModels
import XCTest
import TestSupport

/// `evaluate segmenter` counts only the lungs when the set carries lung regions, as `screen`.
final class LungEvaluationTests: XCTestCase {
    func testLungRegionsRemoveTheSoftTissueFalsePositivesFromDice() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("scans")
        let specs = (0..<3).map { PhantomSpec(size: GridSize(64, 64, 20), spacing: Vector3(1.4, 1.4, 2.5), noduleCount: 2, seed: UInt64(60 + $0)) }
        let nodules = try PhantomSet.write(specs, to: scans)
        var options = SegmentationDatasetOptions()
        options.size = 32
        options.fractions = try SplitFractions(parsing: "0/0/100")
        options.lungMask = true
        let out = root.appendingPathComponent("set")
        _ = try SegmentationDatasetBuilder(annotations: nodules, imagesFolder: scans, outputFolder: out, options: options).run()
        let withLungs = try SegmentationDatasetReader(folder: out, split: .test)
        XCTAssertEqual(withLungs.lungRegions?.count, withLungs.count * 32 * 32)
        // The same set with the lungs column emptied reads as one built without the mask.
        let manifest = out.appendingPathComponent("manifest.csv")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try text.split(separator: "\n").map { line in line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") + "," }
            .joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
        let without = try SegmentationDatasetReader(folder: out, split: .test)
        XCTAssertNil(without.lungRegions)
        // A segmenter that fires on all soft tissue: outside the lungs it is all false positive.
        let segmenter = try BrightPixelSegmenter()
        let inLungs = try SegmenterEvaluation(segmenter: segmenter, reader: withLungs)
        let everywhere = try SegmenterEvaluation(segmenter: segmenter, reader: without)
        XCTAssertLessThan(everywhere.dice, 0.2)
        XCTAssertGreaterThan(inLungs.dice, 2 * everywhere.dice)
    }
}
