import Foundation
import ImagingCore

/// A normal-tissue reference region on the CT grid: a label of a mask, or a sphere.
public enum ReferenceRegion: Sendable {
    /// The voxels of `mask` (on the CT grid) equal to `label`.
    case mask(Volume<UInt8>, label: UInt8)
    /// The CT voxel centres within `radiusMM` of `centre` (CT world, LPS mm).
    case sphere(centre: Vector3, radiusMM: Double)
}

/// The SUV of a reference region: PERCIST's liver (a 3 cm sphere in the right lobe) or
/// mediastinal blood pool (a 1 cm × 2 cm cylinder in the descending aorta).
public struct ReferenceUptake: Sendable, Codable, Equatable {
    /// What the region is ("liver", "blood-pool", …).
    public var name: String
    /// SUVmean and its standard deviation over the region's voxels inside the PET.
    public var suvMean: Double, suvSD: Double
    /// Voxels measured and their volume (mL).
    public var voxels: Int, volumeML: Double
    /// PERCIST 1.0's threshold of measurable uptake: 1.5 × mean + 2 × SD (defined on the
    /// liver; Wahl et al. 2009).
    public var percistThreshold: Double { 1.5 * suvMean + 2 * suvSD }
}

extension LesionUptakeCalculator {
    /// The SUV of `region` (on `ctGeometry`) in `pet`, read linearly at `transform(x)` for
    /// CT-world voxel centres x; voxels mapping outside the PET are left out. An error
    /// when no voxel of the region is inside both the CT grid and the PET.
    public static func reference(pet: Volume<Float>, region: ReferenceRegion, ctGeometry g: ImageGeometry,
                                 transform: RigidTransform = .identity, name: String = "liver") throws -> ReferenceUptake {
        var members: [VoxelIndex] = []
        switch region {
        case .mask(let mask, let label):
            guard mask.geometry.size == g.size else {
                throw RegistrationError.invalidSettings("the \(name) reference mask's grid \(mask.size) is not the CT's \(g.size)")
            }
            let n = mask.size
            for k in 0..<n.k { for j in 0..<n.j { for i in 0..<n.i where mask[i, j, k] == label { members.append(VoxelIndex(i, j, k)) } } }
        case .sphere(let centre, let radius):
            let c = g.worldToContinuousIndex(centre)
            let reach = Vector3(radius / g.spacing.x, radius / g.spacing.y, radius / g.spacing.z) + 1
            let lo = (max(0, Int((c.x - reach.x).rounded(.down))), max(0, Int((c.y - reach.y).rounded(.down))), max(0, Int((c.z - reach.z).rounded(.down))))
            let hi = (min(g.size.i - 1, Int((c.x + reach.x).rounded(.up))), min(g.size.j - 1, Int((c.y + reach.y).rounded(.up))),
                      min(g.size.k - 1, Int((c.z + reach.z).rounded(.up))))
            if lo.0 <= hi.0, lo.1 <= hi.1, lo.2 <= hi.2 {
                for k in lo.2...hi.2 { for j in lo.1...hi.1 { for i in lo.0...hi.0 where length(g.indexToWorld(VoxelIndex(i, j, k)) - centre) <= radius {
                    members.append(VoxelIndex(i, j, k))
                } } }
            }
        }
        guard let first = members.first else { throw RegistrationError.emptyMask("the \(name) reference region (inside the CT grid)") }
        // The PET on the CT grid over the region's bounding box (NaN outside the PET).
        var lo = first, hi = first
        for m in members {
            lo = VoxelIndex(min(lo.i, m.i), min(lo.j, m.j), min(lo.k, m.k)); hi = VoxelIndex(max(hi.i, m.i), max(hi.j, m.j), max(hi.k, m.k))
        }
        let box = ImageGeometry(unchecked: GridSize(hi.i - lo.i + 1, hi.j - lo.j + 1, hi.k - lo.k + 1), origin: g.indexToWorld(lo),
                                spacing: g.spacing, direction: g.direction)
        let suv = TransformResampler.resample(pet, onto: box, through: transform, interpolation: .linear, defaultValue: .nan, threads: 1)
        let values = members.map { Double(suv[VoxelIndex($0.i - lo.i, $0.j - lo.j, $0.k - lo.k)]) }.filter { !$0.isNaN }
        guard !values.isEmpty else { throw RegistrationError.emptyMask("the \(name) reference region (inside the PET)") }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1 ? values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1) : 0
        return ReferenceUptake(name: name, suvMean: mean, suvSD: variance.squareRoot(), voxels: values.count,
                               volumeML: Double(values.count) * g.spacing.x * g.spacing.y * g.spacing.z / 1000)
    }
}
