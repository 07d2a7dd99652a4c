import Foundation
import NoduleModels
import TestSupport
import XCTest

/// The cascade's pass/fail, read by column name from evaluation folders.
final class CascadeTargetsTests: XCTestCase {
    private func folder(summary: String, comparison: String) throws -> URL {
        let root = try TestEnvironment.temporaryDirectory(self)
        for (path, text) in [("segmenter/summary.csv", summary), ("classifier/comparison.csv", comparison)] {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    func testTargetsAreReadByColumnNameAndAMissIsAFailure() throws {
        // Columns in another order than `evaluate` writes them: a reader by position would
        // take IoU for Dice and specificity for sensitivity.
        let good = try folder(summary: "iou,specificity,dice,sensitivity\n0.1,0.2,0.81,0.95\n",
                              comparison: "level,model,accuracy,auc\nnodules,encoder,0.93,0.97\nnodules,diameter-rule,0.80,0.99\n")
        let outcome = try CascadeTargets().judge(evaluationFolder: good)
        XCTAssertEqual(outcome.checks.map(\.value), [0.81, 0.95, 0.93])
        XCTAssertTrue(outcome.passed)
        XCTAssertTrue(outcome.notes.contains { $0.contains("does not beat the diameter rule") }, "\(outcome.notes)")

        let bad = try folder(summary: "dice,sensitivity\n0.69,0.95\n", comparison: "model,level,accuracy\nencoder,nodules,0.95\n")
        let missed = try CascadeTargets().judge(evaluationFolder: bad)
        XCTAssertEqual(missed.failedCount, 1)
        XCTAssertEqual(missed.checks.first?.line, "segmenter Dice on test nodule slices 0.690 < 0.700 FAILED")
    }

    func testAMissingFigureIsAnErrorNamingTheFile() throws {
        let noRow = try folder(summary: "dice,sensitivity\n0.8,0.95\n", comparison: "model,level,accuracy\nencoder,slices,0.95\n")
        XCTAssertThrowsError(try CascadeTargets().judge(evaluationFolder: noRow)) { error in
            XCTAssertTrue("\(error)".contains("comparison.csv") && "\(error)".contains("nodules"), "\(error)")
        }
        let noColumn = try folder(summary: "dice\n0.8\n", comparison: "model,level,accuracy\nencoder,nodules,0.95\n")
        XCTAssertThrowsError(try CascadeTargets().judge(evaluationFolder: noColumn)) { error in
            XCTAssertTrue("\(error)".contains("summary.csv") && "\(error)".contains("sensitivity"), "\(error)")
        }
    }
}
