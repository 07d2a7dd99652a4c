import ImagingCore

/// How the start transform is chosen before optimising.
public enum RegistrationInitialiser: String, Sendable, CaseIterable {
    /// Centre of rotation at the fixed image's geometric centre, translation lining it up
    /// with the moving image's (ITK's CenteredTransformInitializer, GEOMETRY).
    case geometry
    /// The same with intensity centres of mass (values above each image's minimum), for
    /// field-of-view mismatches (ITK's MOMENTS).
    case moments
    /// The identity: the images' world coordinates are trusted as they are (same scanner,
    /// same frame of reference).
    case none
}

/// The settings of a rigid Mattes MI registration. Defaults follow SimpleITK's
/// registration tutorial (50 bins, 1 % random sampling, shrink 4/2/1 with smoothing
/// 2/1/0 mm, parameter scales from physical shift) with a floor on the sample count so
/// small images still get a usable histogram.
public struct RigidRegistrationSettings: Sendable {
    /// Histogram bins per image (ITK's NumberOfHistogramBins).
    public var bins = 50
    /// Fraction of the fixed voxels sampled at each level (0 < p ≤ 1).
    public var samplingPercentage = 0.01
    /// Fewest samples per level (capped by the voxels available).
    public var minimumSamples = 20_000
    /// Shrink factors of the fixed grid, coarsest first.
    public var shrinkFactors = [4, 2, 1]
    /// Gaussian smoothing (σ, mm) of both images at each level.
    public var smoothingSigmas = [2.0, 1.0, 0.0]
    /// The start transform's rule.
    public var initialiser = RegistrationInitialiser.geometry
    /// Seed of the sample positions.
    public var seed: UInt64 = 1
    /// Most optimiser iterations per level.
    public var maximumIterations = 200
    /// First step of each level as a multiple of that level's fixed voxel size (mm).
    public var initialStepVoxels = 1.0
    /// The optimiser stops a level when its step (largest physical shift, mm) falls below this.
    public var minimumStep = 0.01
    /// Step reduction after a step that did not improve the metric.
    public var relaxation = 0.5
    /// Fewest fraction of samples that must map inside the moving image at the start.
    public var minimumOverlap = 0.1
    /// Compute threads (results do not depend on it).
    public var threads: Int? = nil
    /// Also try start rotations on a coarse grid at the coarsest level and keep the best
    /// (widens the capture range; costs one short optimisation per start).
    public var rotationSearch = false
    /// Half-width of the coarse rotation search per axis, degrees, and its step.
    public var rotationSearchRange = 20.0, rotationSearchStep = 10.0
    /// A start transform (fixed world → moving world) used instead of `initialiser`'s, as
    /// ITK's SetInitialTransform: e.g. a previous result or a scanner's registration object.
    public var initialTransform: RigidTransform? = nil
    /// A result whose normalised mutual information (`ConvergenceCheck`) is below this is
    /// flagged `.suspectedMisregistration`. Calibrated on `phantom --pet` pairs: see
    /// Docs/PETCT.md, "Saying when it did not converge".
    public var minimumNormalisedMutualInformation = 0.31

    public init() {}

    func validate() throws {
        guard bins >= 8 else { throw RegistrationError.invalidSettings("bins must be at least 8, found \(bins)") }
        guard samplingPercentage > 0, samplingPercentage <= 1 else {
            throw RegistrationError.invalidSettings("the sampling percentage must be in (0, 1], found \(samplingPercentage)")
        }
        guard !shrinkFactors.isEmpty, shrinkFactors.allSatisfy({ $0 >= 1 }), smoothingSigmas.count == shrinkFactors.count,
              smoothingSigmas.allSatisfy({ $0 >= 0 }) else {
            throw RegistrationError.invalidSettings("shrink factors (each ≥ 1) and smoothing sigmas (each ≥ 0) must be given per level, found \(shrinkFactors) and \(smoothingSigmas)")
        }
        guard maximumIterations >= 1, minimumStep > 0, relaxation > 0, relaxation < 1, initialStepVoxels > 0 else {
            throw RegistrationError.invalidSettings("iterations ≥ 1, minimum step > 0, relaxation in (0, 1) and initial step > 0 are needed")
        }
        guard minimumOverlap > 0, minimumOverlap <= 1 else { throw RegistrationError.invalidSettings("minimum overlap must be in (0, 1]") }
        guard minimumNormalisedMutualInformation >= 0, minimumNormalisedMutualInformation < 1 else {
            throw RegistrationError.invalidSettings("the minimum normalised mutual information must be in [0, 1), found \(minimumNormalisedMutualInformation)")
        }
    }
}

/// One optimiser step, for the convergence plot.
public struct ConvergencePoint: Sendable, Equatable, Codable {
    /// Pyramid level (0 = coarsest).
    public var level: Int
    /// Iteration within the level.
    public var iteration: Int
    /// The metric (−MI, as ITK reports it: lower is better).
    public var metric: Double
    /// The step length tried, mm of largest physical shift.
    public var step: Double
    /// Whether the step was taken.
    public var accepted: Bool
}

/// What a registration returns.
public struct RigidRegistrationResult: Sendable {
    /// Fixed-world → moving-world, as ITK.
    public var transform: RigidTransform
    /// The start transform the initialiser chose.
    public var initialTransform: RigidTransform
    /// −MI of the start transform and of the result, both on the last level's samples.
    public var initialMetric: Double, metric: Double
    /// Optimiser iterations per level.
    public var iterations: [Int]
    /// Why each level stopped.
    public var stopReasons: [String]
    /// Every evaluation, in order.
    public var history: [ConvergencePoint]
    /// Samples used at the last level, and how many mapped inside the moving image.
    public var samples: Int, samplesInside: Int
    /// Why the result can or cannot be trusted; anything but `.converged` means the
    /// transform should not be used without a look at the fusion pictures.
    public var convergence: RegistrationConvergence
    /// The final-metric check behind `.suspectedMisregistration`: the measured normalised
    /// mutual information and its threshold.
    public var convergenceCheck: ConvergenceCheck
    /// True only when `convergence` is `.converged`.
    public var converged: Bool { convergence == .converged }
    /// True when the final metric says the images are not lined up.
    public var suspectedMisregistration: Bool { convergence == .suspectedMisregistration }
    /// Wall-clock seconds.
    public var seconds: Double
}
