import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit evaluate targets`: the cascade's pass/fail on an evaluation folder.
struct EvaluateTargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: "Judge the cascade's targets (Dice, discriminator sensitivity, per-nodule accuracy) from evaluation outputs.",
        discussion: """
            EVALUATION holds segmenter/summary.csv and classifier/comparison.csv (and optionally \
            screening/sensitivities.csv), as `evaluate segmenter|classifier|screening --output` write \
            them; columns are read by name. Prints one line per target and the baselines beside the \
            encoder; exits 1 when a target is missed. With --no-classifier-target the classifier is \
            reported, not judged.
            """)

    @Argument(help: "Folder with segmenter/, classifier/ and screening/ evaluation outputs.") var evaluation: String
    @Option(help: "Minimum pooled Dice on test nodule slices.") var minimumDice = 0.7
    @Option(help: "Minimum discriminator slice sensitivity.") var minimumSensitivity = 0.9
    @Option(help: "Minimum encoder accuracy per annotated test nodule.") var minimumNoduleAccuracy = 0.9
    @Flag(help: "Print the classifier's figures beside the baselines without judging them (real LIDC classes, which size alone nearly separates and 2-D slices barely do).")
    var noClassifierTarget = false

    func run() throws {
        var targets = CascadeTargets()
        targets.minimumDice = minimumDice
        targets.minimumSensitivity = minimumSensitivity
        targets.minimumNoduleAccuracy = noClassifierTarget ? nil : minimumNoduleAccuracy
        let outcome = try targets.judge(evaluationFolder: URL(fileURLWithPath: evaluation))
        for c in outcome.checks { print("cascade check: " + c.line) }
        for n in outcome.notes { print("cascade check: " + n) }
        print("cascade: \(outcome.passedCount) passed, \(outcome.failedCount) failed")
        if !outcome.passed { throw ExitCode(1) }
    }
}
