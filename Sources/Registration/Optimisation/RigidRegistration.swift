import Foundation
import ImagingCore

/// Rigid registration by Mattes mutual information: a multi-resolution pyramid, seeded
/// random samples of the fixed image, and a regular-step gradient ascent in parameters
/// scaled by the physical shift they cause. The result maps fixed-world points to
/// moving-world points (ITK's direction): resample the moving image through it onto the
/// fixed grid to line the two up.
public struct RigidRegistration: Sendable {
    public var settings: RigidRegistrationSettings

    public init(settings: RigidRegistrationSettings = .init()) { self.settings = settings }

    /// Registers `moving` to `fixed`. `fixedMask` (on the fixed grid, non-zero = use)
    /// restricts the samples, e.g. to the body or the lungs.
    public func register<F: VoxelScalar, M: VoxelScalar>(fixed: Volume<F>, moving: Volume<M>, fixedMask: Volume<UInt8>? = nil,
                                                         progress: ProgressReporter = SilentProgress()) throws -> RigidRegistrationResult {
        try settings.validate()
        let started = Date()
        // Float input is used as it is (a CT grid is 78 M voxels: no needless copy).
        let fixedFloat = (fixed as? Volume<Float>) ?? fixed.converted(to: Float.self)
        let movingFloat = (moving as? Volume<Float>) ?? moving.converted(to: Float.self)
        if let mask = fixedMask {
            guard mask.voxels.contains(where: { $0 != 0 }) else { throw RegistrationError.emptyMask("the fixed-image mask") }
        }
        let threads = settings.threads ?? ParallelSlices.defaultThreads
        // A single-slice pair only moves in its plane: rotation about k, translation in i, j.
        let planar = fixed.size.k == 1 || moving.size.k == 1
        let active: [Bool] = planar ? [false, false, true, true, true, false] : Array(repeating: true, count: 6)
        var (centre, angles, translation) = initialParameters(fixedFloat, movingFloat)
        let initial = RigidTransform(eulerAngles: angles, translation: translation, centre: centre)
        var history: [ConvergencePoint] = [], iterations: [Int] = [], reasons: [String] = []
        var initialMetric = 0.0, finalMetric = 0.0, lastSamples = 0, lastInside = 0, lastLevelHitLimit = false
        var lastMetric: MattesMutualInformation?
        let levels = settings.shrinkFactors.count
        for level in 0..<levels {
            let metric = try levelMetric(level: level, fixed: fixedFloat, moving: movingFloat, mask: fixedMask, threads: threads)
            if level == 0 {
                let inside = metric.countInside(RigidTransform(eulerAngles: angles, translation: translation, centre: centre))
                let required = max(16, Int((settings.minimumOverlap * Double(metric.points.count)).rounded(.up)))
                guard inside >= required else {
                    throw RegistrationError.insufficientOverlap(inside: inside, total: metric.points.count, required: required)
                }
                if settings.rotationSearch {
                    angles = bestStartRotation(metric, angles: angles, translation: translation, centre: centre)
                }
            }
            let shrink = settings.shrinkFactors[level]
            let spacing = fixed.geometry.spacing
            let levelVoxel = Double(shrink) * min(spacing.x, spacing.y, planar ? spacing.x : spacing.z)
            var optimiser = RegularStepAscent(metric: metric, centre: centre, active: active,
                                              scales: physicalShiftScales(fixed.geometry, centre: centre),
                                              initialStep: settings.initialStepVoxels * levelVoxel, minimumStep: settings.minimumStep,
                                              relaxation: settings.relaxation, maximumIterations: settings.maximumIterations)
            let outcome = optimiser.run(angles: angles, translation: translation, level: level)
            angles = outcome.angles; translation = outcome.translation
            history += outcome.history
            iterations.append(outcome.iterations)
            reasons.append(outcome.reason)
            if level == levels - 1 {
                // The start transform on the last level's samples: the like-for-like baseline.
                initialMetric = -metric.evaluate(angles: initial.eulerAngles, translation: initial.translation, centre: centre).mutualInformation
            }
            finalMetric = -outcome.mutualInformation
            lastSamples = metric.points.count; lastInside = outcome.inside
            lastLevelHitLimit = outcome.hitIterationLimit
            lastMetric = metric
            progress.update(completed: level + 1, total: levels, item: "level \(level + 1): \(outcome.iterations) iterations, metric \(String(format: "%.5f", finalMetric))")
        }
        let transform = RigidTransform(eulerAngles: angles, translation: translation, centre: centre)
        let enoughInside = Double(lastInside) >= settings.minimumOverlap * Double(max(lastSamples, 1))
        let final = lastMetric?.evaluate(angles: angles, translation: translation, centre: centre)
        var check = ConvergenceCheck(mutualInformation: -finalMetric, fixedEntropy: final?.fixedEntropy ?? 0, movingEntropy: final?.movingEntropy ?? 0,
                                     threshold: settings.minimumNormalisedMutualInformation)
        if let lastMetric {
            let delta = 2 * max(moving.geometry.spacing.x, moving.geometry.spacing.y, planar ? 0 : moving.geometry.spacing.z)
            let axes = [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)].prefix(planar ? 2 : 3)
            let shifts: [Vector3] = axes.flatMap { [$0 * delta, $0 * -delta] }
            let values = shifts.map { lastMetric.evaluate(angles: angles, translation: translation + $0, centre: centre).mutualInformation }
            check.perturbedMutualInformation = values.reduce(0, +) / Double(values.count)
            check.perturbationMM = delta
        }
        let convergence: RegistrationConvergence = check.suspectsMisregistration ? .suspectedMisregistration
            : !enoughInside ? .samplesOutside : finalMetric > initialMetric + 1e-12 ? .noImprovement
            : lastLevelHitLimit ? .iterationLimit : .converged
        return RigidRegistrationResult(transform: transform, initialTransform: initial, initialMetric: initialMetric, metric: finalMetric,
                                       iterations: iterations, stopReasons: reasons, history: history, samples: lastSamples,
                                       samplesInside: lastInside, convergence: convergence, convergenceCheck: check,
                                       seconds: Date().timeIntervalSince(started))
    }

    /// Centre, angles and translation of the start transform.
    private func initialParameters(_ fixed: Volume<Float>, _ moving: Volume<Float>) -> (Vector3, Vector3, Vector3) {
        if let start = settings.initialTransform {
            // About the fixed grid's centre, as the initialisers (the parameter scales assume it).
            let t = start.recentred(at: Self.geometricCentre(fixed.geometry))
            return (t.centre, t.eulerAngles, t.translation)
        }
        switch settings.initialiser {
        case .geometry:
            let f = Self.geometricCentre(fixed.geometry), m = Self.geometricCentre(moving.geometry)
            return (f, .zero, m - f)
        case .moments:
            let f = Self.centreOfMass(fixed.shrunk(by: 2)), m = Self.centreOfMass(moving.shrunk(by: 2))
            return (f, .zero, m - f)
        case .none:
            return (Self.geometricCentre(fixed.geometry), .zero, .zero)
        }
    }

    /// The world centre of a grid's voxel centres.
    public static func geometricCentre(_ g: ImageGeometry) -> Vector3 {
        g.continuousIndexToWorld(Vector3(Double(g.size.i - 1), Double(g.size.j - 1), Double(g.size.k - 1)) / 2)
    }

    /// The intensity centre of mass (weights: value minus the image's minimum).
    public static func centreOfMass(_ v: Volume<Float>) -> Vector3 {
        let minimum = Double(v.voxels.min() ?? 0)
        var sum = Vector3.zero, total = 0.0
        let n = v.size
        for k in 0..<n.k { for j in 0..<n.j { for i in 0..<n.i {
            let w = Double(v[i, j, k]) - minimum
            guard w > 0 else { continue }
            sum += v.geometry.indexToWorld(VoxelIndex(i, j, k)) * w
            total += w
        } } }
        return total > 0 ? sum / total : geometricCentre(v.geometry)
    }

    /// The squared largest shift (mm per unit) each parameter causes at the fixed grid's corners.
    private func physicalShiftScales(_ g: ImageGeometry, centre: Vector3) -> [Double] {
        let corners = g.cornerWorldPoints
        let d = MattesMutualInformation.rotationDerivatives(.zero)
        let rotations = [d.0, d.1, d.2].map { m in corners.map { length(m * ($0 - centre)) }.max() ?? 1 }
        return rotations.map { max($0 * $0, 1e-6) } + [1, 1, 1]
    }

    /// The metric of one pyramid level: the fixed image shrunk and smoothed, sampled at
    /// seeded random positions (inside the mask), and the moving image smoothed.
    func levelMetric(level: Int, fixed: Volume<Float>, moving: Volume<Float>, mask: Volume<UInt8>?, threads: Int) throws -> MattesMutualInformation {
        let sigma = settings.smoothingSigmas[level]
        let shrunk = fixed.shrunk(by: settings.shrinkFactors[level]).smoothed(sigma: sigma)
        let g = shrunk.geometry, n = g.size
        let wanted = max(settings.minimumSamples, Int(settings.samplingPercentage * Double(n.voxelCount)))
        let probability = min(1, Double(wanted) / Double(n.voxelCount))
        var rng = SeededGenerator(seed: settings.seed &+ UInt64(level) &* 0x9E37_79B9)
        var points: [Vector3] = [], values: [Float] = []
        shrunk.withUnsafeVoxels { voxels in
            for k in 0..<n.k { for j in 0..<n.j { for i in 0..<n.i {
                guard rng.nextUnit() < probability else { continue }
                // A random position inside the voxel, so samples never line up with either grid.
                let c = Vector3(Double(i) + rng.nextUnit() - 0.5, Double(j) + rng.nextUnit() - 0.5, Double(k) + rng.nextUnit() - 0.5)
                let clamped = Vector3(n.i > 1 ? c.x : 0, n.j > 1 ? c.y : 0, n.k > 1 ? c.z : 0)
                let world = g.continuousIndexToWorld(clamped)
                if let mask {
                    let m = mask.geometry.worldToIndex(world)
                    guard mask.size.contains(m), mask[m] != 0 else { continue }
                }
                points.append(world)
                values.append(Float(SampleReader.trilinear(voxels, n.i, n.j, n.k, clamped.x, clamped.y, clamped.z).0))
            } } }
        }
        guard points.count >= 16 else {
            throw RegistrationError.invalidSettings("level \(level + 1) has only \(points.count) fixed samples (mask too small or image too small for shrink \(settings.shrinkFactors[level]))")
        }
        return MattesMutualInformation(points: points, fixedValues: values, moving: moving.smoothed(sigma: sigma), bins: settings.bins, threads: threads)
    }

    /// The start rotation on a coarse grid of angles with the best metric.
    func bestStartRotation(_ metric: MattesMutualInformation, angles: Vector3, translation: Vector3, centre: Vector3) -> Vector3 {
        let step = settings.rotationSearchStep * .pi / 180, steps = Int((settings.rotationSearchRange / settings.rotationSearchStep).rounded(.down))
        var best = angles, bestValue = metric.evaluate(angles: angles, translation: translation, centre: centre).mutualInformation
        for a in -steps...steps { for b in -steps...steps { for c in -steps...steps where a != 0 || b != 0 || c != 0 {
            let candidate = angles + Vector3(Double(a), Double(b), Double(c)) * step
            let value = metric.evaluate(angles: candidate, translation: translation, centre: centre).mutualInformation
            if value > bestValue { best = candidate; bestValue = value }
        } } }
        return best
    }
}
