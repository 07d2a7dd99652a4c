import Foundation
import ImagingCore

/// What `registration.json` holds: the inputs, the result and its transform in ITK's terms.
public struct RegistrationReport: Codable, Sendable {
    public struct TransformParameters: Codable, Sendable {
        /// "Euler3DTransform": maps fixed-world points (LPS mm) to moving-world points.
        public var type = "Euler3DTransform"
        public var direction = "fixed world (LPS mm) → moving world"
        public var anglesDegrees: [Double], translationMM: [Double], centreMM: [Double]
        /// The rotation matrix by rows and the affine offset (x' = R·x + offset).
        public var matrix: [Double], offsetMM: [Double]
        public var rotationDegrees: Double
    }
    public var fixed: String, moving: String
    public var initialiser: String, seed: UInt64, bins: Int, samplingPercentage: Double
    public var shrinkFactors: [Int], smoothingSigmasMM: [Double]
    public var initialMetric: Double, metric: Double
    public var iterations: [Int], stopReasons: [String]
    public var samples: Int, samplesInside: Int
    public var converged: Bool
    /// `RegistrationConvergence`'s raw value: converged, suspected-misregistration, …
    public var convergence: String
    /// The final-metric check: normalised MI at the result and its threshold.
    public var convergenceCheck: ConvergenceCheck
    public var seconds: Double
    public var transform: TransformParameters
    public var initialTransform: TransformParameters
    /// The error against a known transform (`register --truth`), when one was given.
    public var targetRegistrationError: TargetRegistrationError?

    public init(fixed: String, moving: String, settings: RigidRegistrationSettings, result: RigidRegistrationResult) {
        func parameters(_ t: RigidTransform) -> TransformParameters {
            let a = t.eulerAngles * (180 / .pi)
            return TransformParameters(anglesDegrees: [a.x, a.y, a.z], translationMM: [t.translation.x, t.translation.y, t.translation.z],
                                       centreMM: [t.centre.x, t.centre.y, t.centre.z], matrix: t.rotation.rowMajor,
                                       offsetMM: [t.offset.x, t.offset.y, t.offset.z], rotationDegrees: t.rotationAngleDegrees)
        }
        self.fixed = fixed; self.moving = moving
        initialiser = settings.initialiser.rawValue; seed = settings.seed; bins = settings.bins; samplingPercentage = settings.samplingPercentage
        shrinkFactors = settings.shrinkFactors; smoothingSigmasMM = settings.smoothingSigmas
        initialMetric = result.initialMetric; metric = result.metric
        iterations = result.iterations; stopReasons = result.stopReasons
        samples = result.samples; samplesInside = result.samplesInside
        converged = result.converged; seconds = result.seconds
        convergence = result.convergence.rawValue; convergenceCheck = result.convergenceCheck
        transform = parameters(result.transform); initialTransform = parameters(result.initialTransform)
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
