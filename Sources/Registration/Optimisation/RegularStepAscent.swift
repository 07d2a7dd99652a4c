import ImagingCore

/// Regular-step gradient ascent on mutual information over the six Euler parameters,
/// each scaled by the physical shift it causes (ITK's RegistrationParameterScalesFromPhysicalShift):
/// a step moves no point of the fixed domain by more than about `step` mm; a step that
/// does not raise the metric is not taken and the step shrinks by `relaxation`.
struct RegularStepAscent {
    let metric: MattesMutualInformation
    let centre: Vector3
    let active: [Bool]
    /// Squared physical shift per unit of each parameter.
    let scales: [Double]
    let initialStep: Double, minimumStep: Double, relaxation: Double
    let maximumIterations: Int

    struct Outcome {
        var angles: Vector3, translation: Vector3
        var startMutualInformation: Double, mutualInformation: Double
        var iterations: Int, inside: Int
        var history: [ConvergencePoint]
        var reason: String
        var hitIterationLimit: Bool
    }

    mutating func run(angles start: Vector3, translation startTranslation: Vector3, level: Int) -> Outcome {
        var angles = start, translation = startTranslation
        var current = metric.evaluate(angles: angles, translation: translation, centre: centre)
        let first = current.mutualInformation
        var step = initialStep, history: [ConvergencePoint] = [], iteration = 0
        var reason = "reached \(maximumIterations) iterations"
        while iteration < maximumIterations {
            iteration += 1
            // Scaled ascent direction, then its length set so the largest shift is `step` mm.
            var d = (0..<6).map { active[$0] ? current.gradient[$0] / scales[$0] : 0 }
            let shift = (0..<6).map { d[$0] * scales[$0].squareRoot() }.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard shift > 0, shift.isFinite else { reason = "zero gradient"; break }
            d = d.map { $0 * step / shift }
            let trialAngles = angles + Vector3(d[0], d[1], d[2]), trialTranslation = translation + Vector3(d[3], d[4], d[5])
            let trial = metric.evaluate(angles: trialAngles, translation: trialTranslation, centre: centre)
            let better = trial.mutualInformation > current.mutualInformation && trial.inside > 0
            history.append(ConvergencePoint(level: level, iteration: iteration, metric: -(better ? trial : current).mutualInformation,
                                            step: step, accepted: better))
            if better {
                angles = trialAngles; translation = trialTranslation; current = trial
            } else {
                step *= relaxation
                if step < minimumStep { reason = "step below \(minimumStep) mm"; break }
            }
        }
        return Outcome(angles: angles, translation: translation, startMutualInformation: first, mutualInformation: current.mutualInformation,
                       iterations: iteration, inside: current.inside, history: history, reason: reason,
                       hitIterationLimit: iteration >= maximumIterations && !reason.hasPrefix("step") && reason != "zero gradient")
    }
}
