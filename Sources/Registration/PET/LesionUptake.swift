import Foundation
import ImagingCore

/// The PET reading of one CT lesion.
public enum UptakeStatus: String, Sendable, Codable {
    /// SUVmax in the lesion's neighbourhood at or above the positivity threshold.
    case positive
    /// Below the threshold, and the lesion is large enough for PET to see it.
    case negative
    /// Below the threshold but smaller than the partial-volume limit: PET cannot rule it out.
    case indeterminate
    /// The lesion's centre maps outside the PET field of view.
    case outsideFieldOfView = "outside-fov"
}

/// Per-lesion PET measures (SUV body weight), on the CT grid.
public struct LesionUptake: Sendable, Codable, Equatable {
    /// The mask label.
    public var label: Int
    /// Lesion centroid (CT world, LPS mm), its volume (mL) and equivalent-sphere diameter (mm).
    public var centre: Vector3, volumeML: Double, diameterMM: Double
    /// Highest SUV in the lesion's neighbourhood (sphere of radius d/2 + margin about the centre).
    public var suvMax: Double
    /// Mean SUV over the lesion's own voxels.
    public var suvMean: Double
    /// Highest mean SUV over a 1 cm³ sphere (radius 6.2 mm) centred in the neighbourhood (PERCIST).
    public var suvPeak: Double
    /// Metabolic tumour volume (mL) and total lesion glycolysis (SUVmean × MTV) of the region
    /// connected to the hottest voxel at ≥ 41 % of SUVmax …
    public var mtv41: Double, tlg41: Double
    /// … and at SUV ≥ the absolute threshold (2.5 by default).
    public var mtvAbsolute: Double, tlgAbsolute: Double
    /// Distance (mm) from the lesion centroid to the hottest voxel.
    public var hotSpotDistanceMM: Double
    /// The reading under `UptakeSettings`' rule.
    public var status: UptakeStatus
}

/// The measure a positivity threshold applies to.
public enum PositivityMeasure: String, Sendable, Codable {
    case suvMax = "SUVmax", suvPeak = "SUVpeak"
}

/// The rule and defaults behind `LesionUptake`.
public struct UptakeSettings: Sendable {
    /// SUVmax (or `positiveMeasure`) at or above this is positive (2.5, the customary
    /// solitary-nodule cut-off).
    public var positiveSUV = 2.5
    /// The measure compared with `positiveSUV`: SUVmax by default; PERCIST's liver-based
    /// threshold (`ReferenceUptake.percistThreshold`) is defined on SUVpeak.
    public var positiveMeasure = PositivityMeasure.suvMax
    /// Lesions below this diameter (mm) that are not positive are indeterminate: at a PET
    /// resolution of about 6 mm FWHM partial volume hides their uptake (10 mm).
    public var indeterminateBelowMM = 10.0
    /// Search margin (mm) around the lesion: the neighbourhood radius is d/2 + margin (10 mm).
    public var marginMM = 10.0
    /// Relative threshold for MTV41/TLG41 (0.41 of SUVmax).
    public var relativeThreshold = 0.41
    /// Absolute threshold for the second MTV/TLG (SUV 2.5).
    public var absoluteThreshold = 2.5
    /// Radius (mm) of the SUVpeak sphere: 1 cm³.
    public var peakRadiusMM = cbrt(3000 / (4 * Double.pi))
    public init() {}
}

public enum LesionUptakeCalculator {
    /// Measures every non-zero label of `mask` (on the CT grid) in `pet` (SUV, its own grid),
    /// reading PET at `transform(x)` for CT-world points x (ITK's direction: CT fixed, PET moving).
    public static func measure(pet: Volume<Float>, mask: Volume<UInt8>, transform: RigidTransform = .identity,
                               settings: UptakeSettings = .init()) throws -> [LesionUptake] {
        let g = mask.geometry, n = mask.size
        // Voxels per label, as index lists.
        var members: [Int: [VoxelIndex]] = [:]
        for k in 0..<n.k { for j in 0..<n.j { for i in 0..<n.i where mask[i, j, k] != 0 {
            members[Int(mask[i, j, k]), default: []].append(VoxelIndex(i, j, k))
        } } }
        guard !members.isEmpty else { throw RegistrationError.emptyMask("the lesion mask") }
        let voxelML = g.spacing.x * g.spacing.y * g.spacing.z / 1000
        return members.keys.sorted().map { label in
            measureOne(label: label, voxels: members[label] ?? [], pet: pet, mask: mask, transform: transform, voxelML: voxelML, settings: settings)
        }
    }

    private static func measureOne(label: Int, voxels: [VoxelIndex], pet: Volume<Float>, mask: Volume<UInt8>, transform: RigidTransform,
                                   voxelML: Double, settings: UptakeSettings) -> LesionUptake {
        let g = mask.geometry
        let centre = voxels.reduce(Vector3.zero) { $0 + g.indexToWorld($1) } / Double(voxels.count)
        let volume = Double(voxels.count) * voxelML
        let diameter = cbrt(6 * volume * 1000 / .pi)
        let radius = diameter / 2 + settings.marginMM
        // The neighbourhood's box on the CT grid, PET resampled into it (NaN outside the PET).
        let c = g.worldToContinuousIndex(centre)
        let reach = Vector3(radius / g.spacing.x, radius / g.spacing.y, radius / g.spacing.z) + 1
        // The box also holds every voxel of the lesion: an elongated one (a vessel-like
        // finding) reaches beyond its equivalent sphere.
        var lo = VoxelIndex(max(0, Int((c.x - reach.x).rounded(.down))), max(0, Int((c.y - reach.y).rounded(.down))), max(0, Int((c.z - reach.z).rounded(.down))))
        var hi = VoxelIndex(min(g.size.i - 1, Int((c.x + reach.x).rounded(.up))), min(g.size.j - 1, Int((c.y + reach.y).rounded(.up))),
                            min(g.size.k - 1, Int((c.z + reach.z).rounded(.up))))
        for v in voxels {
            lo = VoxelIndex(min(lo.i, v.i), min(lo.j, v.j), min(lo.k, v.k))
            hi = VoxelIndex(max(hi.i, v.i), max(hi.j, v.j), max(hi.k, v.k))
        }
        let box = ImageGeometry(unchecked: GridSize(hi.i - lo.i + 1, hi.j - lo.j + 1, hi.k - lo.k + 1), origin: g.indexToWorld(lo),
                                spacing: g.spacing, direction: g.direction)
        let suv = TransformResampler.resample(pet, onto: box, through: transform, interpolation: .linear, defaultValue: .nan, threads: 1)
        let bs = box.size
        var neighbourhood = [Bool](repeating: false, count: bs.voxelCount)
        var hottest = -1, suvMax = -Double.infinity
        for k in 0..<bs.k { for j in 0..<bs.j { for i in 0..<bs.i {
            let o = bs.linearOffset(VoxelIndex(i, j, k))
            let v = Double(suv.voxels[o])
            guard !v.isNaN, length(box.indexToWorld(VoxelIndex(i, j, k)) - centre) <= radius else { continue }
            neighbourhood[o] = true
            if v > suvMax { suvMax = v; hottest = o }
        } } }
        let inLesion = voxels.map { Double(suv[VoxelIndex($0.i - lo.i, $0.j - lo.j, $0.k - lo.k)]) }.filter { !$0.isNaN }
        let insideFOV = pet.geometry.containsContinuousIndex(pet.geometry.worldToContinuousIndex(transform.transformPoint(centre)))
        guard hottest >= 0, insideFOV else {
            return LesionUptake(label: label, centre: centre, volumeML: volume, diameterMM: diameter, suvMax: .nan, suvMean: .nan, suvPeak: .nan,
                                mtv41: .nan, tlg41: .nan, mtvAbsolute: .nan, tlgAbsolute: .nan, hotSpotDistanceMM: .nan, status: .outsideFieldOfView)
        }
        let hotIndex = VoxelIndex(hottest % bs.i, (hottest / bs.i) % bs.j, hottest / bs.sliceCount)
        let peak = suvPeak(suv, neighbourhood: neighbourhood, suvMax: suvMax, radius: settings.peakRadiusMM)
        let (mtv41, tlg41) = metabolicVolume(suv, neighbourhood, seed: hottest, threshold: settings.relativeThreshold * suvMax, voxelML: voxelML)
        let (mtvA, tlgA) = suvMax >= settings.absoluteThreshold
            ? metabolicVolume(suv, neighbourhood, seed: hottest, threshold: settings.absoluteThreshold, voxelML: voxelML) : (0, 0)
        let measured = settings.positiveMeasure == .suvPeak ? peak : suvMax
        let status: UptakeStatus = measured >= settings.positiveSUV ? .positive : diameter < settings.indeterminateBelowMM ? .indeterminate : .negative
        return LesionUptake(label: label, centre: centre, volumeML: volume, diameterMM: diameter, suvMax: suvMax,
                            suvMean: inLesion.isEmpty ? .nan : inLesion.reduce(0, +) / Double(inLesion.count), suvPeak: peak,
                            mtv41: mtv41, tlg41: tlg41, mtvAbsolute: mtvA, tlgAbsolute: tlgA,
                            hotSpotDistanceMM: length(box.indexToWorld(hotIndex) - centre), status: status)
    }

    /// The highest mean over spheres of `radius` mm centred on neighbourhood voxels whose
    /// SUV is at least half of SUVmax (the peak sphere always sits on hot voxels; the
    /// restriction only saves time). Voxels outside the PET (NaN) are left out of a mean.
    static func suvPeak(_ suv: Volume<Float>, neighbourhood: [Bool], suvMax: Double, radius: Double) -> Double {
        let g = suv.geometry, n = g.size
        let r = (Int((radius / g.spacing.x).rounded(.down)), Int((radius / g.spacing.y).rounded(.down)), Int((radius / g.spacing.z).rounded(.down)))
        var offsets: [(Int, Int, Int)] = []
        for dk in -r.2...r.2 { for dj in -r.1...r.1 { for di in -r.0...r.0 {
            let d = Vector3(Double(di) * g.spacing.x, Double(dj) * g.spacing.y, Double(dk) * g.spacing.z)
            if dot(d, d) <= radius * radius { offsets.append((di, dj, dk)) }
        } } }
        var best = -Double.infinity
        for k in 0..<n.k { for j in 0..<n.j { for i in 0..<n.i {
            let o = n.linearOffset(VoxelIndex(i, j, k))
            guard neighbourhood[o], Double(suv.voxels[o]) >= suvMax / 2 else { continue }
            var sum = 0.0, count = 0
            for (di, dj, dk) in offsets {
                let q = VoxelIndex(i + di, j + dj, k + dk)
                guard n.contains(q) else { continue }
                let v = Double(suv[q])
                if !v.isNaN { sum += v; count += 1 }
            }
            if count > 0 { best = max(best, sum / Double(count)) }
        } } }
        return best
    }

    /// Volume (mL) and SUVmean × volume of the 6-connected region of neighbourhood voxels
    /// at or above `threshold` that holds `seed`.
    static func metabolicVolume(_ suv: Volume<Float>, _ neighbourhood: [Bool], seed: Int, threshold: Double, voxelML: Double) -> (Double, Double) {
        let n = suv.size
        var visited = [Bool](repeating: false, count: n.voxelCount)
        var stack = [seed], count = 0, sum = 0.0
        visited[seed] = true
        while let o = stack.popLast() {
            let v = Double(suv.voxels[o])
            count += 1; sum += v
            let i = o % n.i, j = (o / n.i) % n.j, k = o / n.sliceCount
            for (di, dj, dk) in [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)] {
                let q = VoxelIndex(i + di, j + dj, k + dk)
                guard n.contains(q) else { continue }
                let p = n.linearOffset(q)
                guard !visited[p], neighbourhood[p], Double(suv.voxels[p]) >= threshold else { continue }
                visited[p] = true
                stack.append(p)
            }
        }
        let volume = Double(count) * voxelML
        return (volume, count > 0 ? sum / Double(count) * volume : 0)
    }
}
