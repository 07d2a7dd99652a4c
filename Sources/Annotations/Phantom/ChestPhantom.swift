import Foundation
import ImagingCore

/// A deterministic synthetic chest CT in Hounsfield units: air around an elliptic body of
/// soft tissue, two lungs of about −850 HU, vessels, and nodules (smooth, lobulated,
/// calcified, spiculated or part-solid, by the spec's lesion kind)
/// whose world centres and diameters are known exactly. The anatomy is defined in world
/// millimetres (LPS) and sampled at each voxel's world position, so a scan with an oblique
/// direction matrix shows the same patient as an axial one; masks that line up with the
/// nodules therefore prove the geometry end to end.
public struct ChestPhantom: Sendable {
    /// The scan's grid.
    public let geometry: ImageGeometry
    /// The scan's series UID (a 2.25 UID derived from the seed).
    public let seriesUID: String
    /// The nodules drawn, as LUNA16 annotations (centre LPS mm, diameter mm: for a real
    /// LIDC nodule, its consensus volume's equivalent diameter).
    public let nodules: [NoduleAnnotation]
    /// The real LIDC nodule behind each of `nodules`, nil for a generated one.
    public let lesionSources: [LidcLesion?]

    private let spec: PhantomSpec
    private let bodyCentre: Vector3
    private let vessels: [(Vector3, Vector3, Double)]
    private let lesions: [(centre: Vector3, reach: Double, pieces: [LesionPiece])]
    private let lungs: [(centre: Vector3, radii: Vector3)]
    /// The structures around the lungs, for `PhantomAnatomy.chest`.
    private let anatomy: ChestAnatomy?
    private let half: Double

    /// Lays out a phantom from a spec (nothing is sampled yet).
    public init(_ spec: PhantomSpec) throws {
        self.spec = spec
        var rng = SeededGenerator(seed: spec.seed)
        // The grid is centred on the world origin's neighbourhood, as scanners do: the
        // centre of the grid lands at (0, 0, -200) mm whatever the direction.
        let extent = Vector3(Double(spec.size.i - 1) * spec.spacing.x, Double(spec.size.j - 1) * spec.spacing.y,
                             Double(spec.size.k - 1) * spec.spacing.z)
        let centre = Vector3(0, 0, -200)
        let origin = centre - spec.direction * (extent / 2)
        geometry = try ImageGeometry(size: spec.size, origin: origin, spacing: spec.spacing, direction: spec.direction)
        bodyCentre = centre
        seriesUID = "2.25.\(rng.next() >> 1)\(rng.next() % 1_000_000_000)"

        // Body and lungs scale with the smaller in-plane world extent.
        let half = min(extent.x, extent.y) / 2
        let lungRadii = Vector3(half * 0.30, half * 0.52, extent.z * 0.62)
        lungs = [(centre + Vector3(-half * 0.40, 0, 0), lungRadii), (centre + Vector3(half * 0.40, 0, 0), lungRadii)]
        self.half = half
        if spec.anatomy == .chest {
            var anatomyRNG = SeededGenerator(seed: spec.seed ^ 0xA7A7_0A7A)
            anatomy = ChestAnatomy(centre: centre, half: half, sliceExtent: extent.z, lungs: lungs, rng: &anatomyRNG)
        } else {
            anatomy = nil
        }

        // Vessels: straight segments fanning out from each hilum.
        var vs: [(Vector3, Vector3, Double)] = []
        for lung in lungs {
            let hilum = lung.centre + Vector3(lung.centre.x < centre.x ? lungRadii.x * 0.6 : -lungRadii.x * 0.6, 0, 0)
            for _ in 0..<6 {
                let dir = Vector3(rng.nextUnit() - 0.5, rng.nextUnit() - 0.5, rng.nextUnit() - 0.5)
                let end = hilum + dir / max(length(dir), 1e-6) * Vector3(lungRadii.x, lungRadii.y, lungRadii.z) * 0.9
                vs.append((hilum, end, 0.6 + rng.nextUnit() * 1.2))
            }
        }
        vessels = vs

        // Nodules: inside a lung, away from its wall and from each other, shaped by the
        // spec's lesion kind (see LesionBuilder).
        var placed: [NoduleAnnotation] = []
        var lesionList: [(Vector3, Double, [LesionPiece])] = []
        // A real LIDC nodule keeps its size; its extent (not its equivalent diameter)
        // keeps it clear of organs and of the other lesions.
        let real = spec.lidcLesions
        let wanted = real.isEmpty ? spec.noduleCount : real.count
        var extents: [Double] = []
        var attempts = 0
        while placed.count < wanted && attempts < 10_000 {
            attempts += 1
            let lung = lungs[Int(rng.next() % 2)]
            let lesion = real.isEmpty ? nil : real[placed.count]
            let diameter = lesion?.equivalentDiameterMM ?? LesionBuilder.diameter(spec.lesionKind, &rng)
            let extent = lesion.map { 2 * $0.shape.reachMM } ?? diameter
            let u = Vector3(rng.nextUnit() * 2 - 1, rng.nextUnit() * 2 - 1, rng.nextUnit() * 2 - 1)
            guard dot(u, u) < 0.45 else { continue }
            let c = lung.centre + u * lung.radii
            if let anatomy {
                // In lung parenchyma only: no organ, airway or vessel trunk inside the lesion.
                let probes = [Vector3.zero, Vector3(1, 0, 0), Vector3(-1, 0, 0), Vector3(0, 1, 0), Vector3(0, -1, 0),
                              Vector3(0, 0, 1), Vector3(0, 0, -1)].map { c + $0 * (extent * 0.55 + 1) }
                guard probes.allSatisfy({ anatomy.structure(at: $0, bodyShell: 0) == nil }) else { continue }
            }
            guard !zip(placed, extents).contains(where: { length($0.0.center - c) < ($0.1 + extent) * 0.8 }) else { continue }
            placed.append(NoduleAnnotation(seriesUID: seriesUID, center: c, diameterMM: diameter, line: 0))
            extents.append(extent)
            let pieces: [LesionPiece]
            if let lesion {
                // Turned about the body axis and mirrored left-right at random: slices stay axial.
                let turn = PhantomSpec.rotation(degrees: rng.nextUnit() * 360, axis: Vector3(0, 0, 1))
                let mirror = rng.nextUnit() < 0.5 ? Matrix3(rows: Vector3(-1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)) : .identity
                pieces = LesionBuilder.pieces(lesion, centre: c, orientation: turn * mirror)
            } else {
                pieces = LesionBuilder.pieces(spec.lesionKind, ordinal: placed.count, centre: c, diameter: diameter, &rng)
            }
            lesionList.append((c, pieces.map { $0.reach(from: c) }.max() ?? 0, pieces))
        }
        guard placed.count == wanted else {
            throw AnnotationError.phantomTooSmall(requested: wanted, placed: placed.count, size: spec.size)
        }
        nodules = placed
        lesionSources = real.isEmpty ? placed.map { _ in nil } : real
        lesions = lesionList
    }

    /// Hounsfield units at a world point, before noise.
    func hounsfield(at p: Vector3) -> Double {
        let b = p - bodyCentre
        let bodyRadii = Vector3(lungs[1].centre.x - bodyCentre.x, 0, 0) * 2.2
        let body = (b.x * b.x) / (bodyRadii.x * bodyRadii.x) + (b.y * b.y) / (bodyRadii.x * bodyRadii.x * 0.55)
        if body > 1 { return -1000 }
        for lesion in lesions where dot(p - lesion.centre, p - lesion.centre) <= lesion.reach * lesion.reach {
            for piece in lesion.pieces where piece.covers(p) { return piece.hounsfield }
        }
        if let anatomy, let value = anatomy.structure(at: p, bodyShell: body) { return value }
        var inLung = false
        for lung in lungs {
            let q = (p - lung.centre) / lung.radii
            if dot(q, q) <= 1 { inLung = true; break }
        }
        if let anatomy {
            guard inLung else { return body > 0.85 ? -90 : anatomy.interior(at: p, centre: bodyCentre, half: half) }
            return anatomy.vessel(at: p) ? 30 : -850
        }
        guard inLung else { return body > 0.85 ? -90 : 40 } // fat rim, then muscle
        for (a, e, r) in vessels where Self.distanceToSegment(p, a, e) <= r { return 30 }
        return -850
    }

    /// The lesions' true extent on the scan's grid: voxel n holds the 1-based number of
    /// the lesion whose shape covers its centre (0 elsewhere), the mask a segmenter should
    /// reproduce.
    public func lesionMask() -> Volume<UInt8> {
        var mask = Volume<UInt8>(geometry: geometry, repeating: 0)
        let size = geometry.size
        mask.withUnsafeMutableVoxels { out in
            var o = 0
            for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
                let p = geometry.indexToWorld(VoxelIndex(i, j, k))
                for (n, lesion) in lesions.enumerated() where dot(p - lesion.centre, p - lesion.centre) <= lesion.reach * lesion.reach {
                    if lesion.pieces.contains(where: { $0.covers(p) }) { out[o] = UInt8(clamping: n + 1); break }
                }
                o += 1
            } } }
        }
        return mask
    }

    static func distanceToSegment(_ p: Vector3, _ a: Vector3, _ b: Vector3) -> Double {
        let ab = b - a
        let t = max(0, min(1, dot(p - a, ab) / max(dot(ab, ab), 1e-12)))
        return length(p - (a + ab * t))
    }

    /// Samples the phantom on its grid, through the spec's reconstruction kernel, with its
    /// Gaussian noise (15 HU by default). With the chest anatomy, each voxel also takes a
    /// quarter of each neighbouring slice before the noise (the partial volume of a slice
    /// profile about as wide as the slice step).
    public func render() -> Volume<Int16> {
        var volume = Volume<Int16>(geometry: geometry, repeating: -1000)
        var rng = SeededGenerator(seed: spec.seed ^ 0x5EED)
        let size = geometry.size
        var values = [Double](repeating: -1000, count: size.voxelCount)
        var o = 0
        for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
            values[o] = hounsfield(at: geometry.indexToWorld(VoxelIndex(i, j, k)))
            o += 1
        } } }
        if anatomy != nil && size.k > 1 {
            let n = size.sliceCount
            var blurred = values
            for k in 0..<size.k {
                let below = max(k - 1, 0) * n, here = k * n, above = min(k + 1, size.k - 1) * n
                for v in 0..<n { blurred[here + v] = 0.25 * values[below + v] + 0.5 * values[here + v] + 0.25 * values[above + v] }
            }
            values = blurred
        }
        spec.reconstruction.filter(&values, size: size)
        let noise = spec.reconstruction.noiseHU
        volume.withUnsafeMutableVoxels { out in
            for v in values.indices {
                let hu = values[v]
                out[v] = Int16(clampingDouble: hu <= -1000 ? hu : hu + noise * rng.nextGaussian())
            }
        }
        return volume
    }
}
