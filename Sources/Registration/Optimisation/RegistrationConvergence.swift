import Foundation

/// Whether a registration's result can be trusted, and if not, why.
public enum RegistrationConvergence: String, Sendable, Codable, CaseIterable {
    /// Every check passed.
    case converged
    /// The final metric says the images are not lined up: the normalised mutual
    /// information at the result is below `RigidRegistrationSettings.minimumNormalisedMutualInformation`
    /// (an optimiser that settled in a wrong local optimum, e.g. from a start far from the truth).
    case suspectedMisregistration = "suspected-misregistration"
    /// Too few samples ended inside the moving image.
    case samplesOutside = "samples-outside"
    /// The metric on the last level's samples is no better than at the start transform.
    case noImprovement = "no-improvement"
    /// The last level ran out of iterations.
    case iterationLimit = "iteration-limit"

    /// One sentence for a warning.
    public var explanation: String {
        switch self {
        case .converged: return "the registration converged"
        case .suspectedMisregistration: return "the final metric says the images are not lined up (normalised mutual information below the threshold)"
        case .samplesOutside: return "too few samples ended inside the moving image"
        case .noImprovement: return "the metric did not improve on the start transform"
        case .iterationLimit: return "the last level ran out of iterations"
        }
    }
}

/// The final-metric check of a registration: mutual information normalised by the
/// marginal entropies of the final joint histogram (the last level's samples), so the
/// rule does not depend on a pair's absolute MI scale.
///
/// `normalisedMutualInformation` = 2·MI / (H(fixed) + H(moving)), Studholme's "symmetric
/// uncertainty": 0 for independent images, 1 when one image's bins predict the other's.
public struct ConvergenceCheck: Sendable, Codable, Equatable {
    /// Mutual information at the result (nats; the metric is its negative).
    public var mutualInformation: Double
    /// Entropies (nats) of the fixed and moving marginals of the final joint histogram.
    public var fixedEntropy: Double, movingEntropy: Double
    /// 2·MI / (H(fixed) + H(moving)) at the result.
    public var normalisedMutualInformation: Double
    /// The threshold it was held against (`minimumNormalisedMutualInformation`).
    public var threshold: Double
    /// The mean MI with the result shifted by ±`perturbationMM` along each world axis, and
    /// the fraction of MI those shifts lose (1 − mean / MI): how sharp the optimum is.
    public var perturbedMutualInformation = 0.0, perturbationMM = 0.0
    public var perturbationLoss: Double { mutualInformation > 0 ? 1 - perturbedMutualInformation / mutualInformation : 0 }

    public init(mutualInformation: Double, fixedEntropy: Double, movingEntropy: Double, threshold: Double) {
        self.mutualInformation = mutualInformation
        self.fixedEntropy = fixedEntropy
        self.movingEntropy = movingEntropy
        let total = fixedEntropy + movingEntropy
        normalisedMutualInformation = total > 0 ? 2 * mutualInformation / total : 0
        self.threshold = threshold
    }

    /// True when the normalised MI is below the threshold.
    public var suspectsMisregistration: Bool { !(normalisedMutualInformation >= threshold) }
}
