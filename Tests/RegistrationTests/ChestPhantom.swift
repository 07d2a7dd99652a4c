import Foundation
import ImagingCore
@testable import Registration

/// A CT-like and PET-like pair of one chest model, made by the tests: CT at 3.5x3.5x5 mm
/// in HU, PET at 4 mm in SUV blurred to 6 mm FWHM with Poisson-like noise, the PET seeing
/// the anatomy through a known rigid misalignment (`truth` maps CT world → PET world).
struct ChestPhantom {
    struct Ellipsoid { var centre: Vector3; var radii: Vector3; var hu: Double; var suv: Double }

    // Body, lungs, heart, spine, liver, two hot lesions, in LPS mm (x: patient left, y: posterior, z: head).
    static let organs: [Ellipsoid] = [
        Ellipsoid(centre: Vector3(0, 0, 0), radii: Vector3(150, 105, 400), hu: 40, suv: 0.8),
        Ellipsoid(centre: Vector3(-65, 0, 15), radii: Vector3(48, 62, 95), hu: -850, suv: 0.3),
        Ellipsoid(centre: Vector3(70, 8, 5), radii: Vector3(40, 55, 80), hu: -850, suv: 0.3),
        Ellipsoid(centre: Vector3(25, -35, -15), radii: Vector3(45, 38, 45), hu: 45, suv: 2.6),
        Ellipsoid(centre: Vector3(0, 82, 0), radii: Vector3(16, 16, 400), hu: 700, suv: 1.3),
        Ellipsoid(centre: Vector3(-50, -10, -100), radii: Vector3(80, 70, 42), hu: 60, suv: 2.2),
        Ellipsoid(centre: Vector3(-70, 12, 35), radii: Vector3(9, 9, 9), hu: 30, suv: 7),
        Ellipsoid(centre: Vector3(62, -5, -25), radii: Vector3(7, 7, 7), hu: 30, suv: 5),
    ]

    /// HU and SUV at a world point: the last organ containing it wins (scalar code: the
    /// tests run in debug builds).
    static func tissue(_ x: Double, _ y: Double, _ z: Double) -> (hu: Double, suv: Double) {
        var value = (hu: -1000.0, suv: 0.0)
        for o in organs {
            let dx = (x - o.centre.x) / o.radii.x, dy = (y - o.centre.y) / o.radii.y, dz = (z - o.centre.z) / o.radii.z
            if dx * dx + dy * dy + dz * dz <= 1 { value = (o.hu, o.suv) }
        }
        return value
    }

    static let ctGeometry = ImageGeometry(unchecked: GridSize(96, 72, 48), origin: Vector3(-166.25, -124.25, -117.5), spacing: Vector3(3.5, 3.5, 5), direction: .identity)
    static let petGeometry = ImageGeometry(unchecked: GridSize(84, 64, 60), origin: Vector3(-166, -126, -118), spacing: Vector3(4, 4, 4), direction: .identity)

    let ct: Volume<Int16>
    let pet: Volume<Float>
    let truth: RigidTransform

    init(truth: RigidTransform, seed: UInt64) {
        self.truth = truth
        var rng = SeededGenerator(seed: seed)
        var ct = Volume<Int16>(geometry: Self.ctGeometry, repeating: 0)
        let g = Self.ctGeometry
        // Axis-aligned CT grid: world = origin + spacing ⊙ index.
        for k in 0..<g.size.k { for j in 0..<g.size.j { for i in 0..<g.size.i {
            let hu = Self.tissue(g.origin.x + Double(i) * g.spacing.x, g.origin.y + Double(j) * g.spacing.y, g.origin.z + Double(k) * g.spacing.z).hu
            ct[i, j, k] = Int16(clampingDouble: hu + 12 * rng.nextGaussian())
        } } }
        self.ct = ct
        // The PET at moving-world y shows the tissue at CT-world T⁻¹(y).
        let inverse = truth.inverse, p = Self.petGeometry
        var pet = Volume<Float>(geometry: p, repeating: 0)
        let r = inverse.rotation.rowMajor, o = inverse.offset
        for k in 0..<p.size.k { for j in 0..<p.size.j { for i in 0..<p.size.i {
            let x = p.origin.x + Double(i) * p.spacing.x, y = p.origin.y + Double(j) * p.spacing.y, z = p.origin.z + Double(k) * p.spacing.z
            pet[i, j, k] = Float(Self.tissue(r[0] * x + r[1] * y + r[2] * z + o.x, r[3] * x + r[4] * y + r[5] * z + o.y,
                                             r[6] * x + r[7] * y + r[8] * z + o.z).suv)
        } } }
        pet = pet.smoothed(sigma: 6 / 2.3548)
        pet.withUnsafeMutableVoxels { v in
            for n in v.indices { v[n] = max(0, v[n] + Float(0.15 * Double(v[n]).squareRoot() * rng.nextGaussian())) }
        }
        self.pet = pet
    }

    /// Points of the lungs on a 10 mm grid (CT world), for the target registration error.
    static let lungPoints: [Vector3] = {
        var points: [Vector3] = []
        for lung in organs[1...2] {
            for x in stride(from: -lung.radii.x, through: lung.radii.x, by: 10) {
                for y in stride(from: -lung.radii.y, through: lung.radii.y, by: 10) {
                    for z in stride(from: -lung.radii.z, through: lung.radii.z, by: 10) {
                        let d = Vector3(x, y, z) / lung.radii
                        if dot(d, d) <= 1 { points.append(lung.centre + Vector3(x, y, z)) }
                    }
                }
            }
        }
        return points
    }()

    /// Mean distance (mm) over the lung points between where `estimate` and the truth send them.
    func targetRegistrationError(_ estimate: RigidTransform) -> Double {
        Self.lungPoints.map { length(estimate.transformPoint($0) - truth.transformPoint($0)) }.reduce(0, +) / Double(Self.lungPoints.count)
    }

    /// A seeded misalignment: rotations up to `degrees` about each axis, translations up to `millimetres`.
    static func misalignment(seed: UInt64, degrees: Double, millimetres: Double) -> RigidTransform {
        var rng = SeededGenerator(seed: seed)
        let u = { (scale: Double) in (rng.nextUnit() * 2 - 1) * scale }
        let angles = Vector3(u(degrees), u(degrees), u(degrees)) * (.pi / 180)
        return RigidTransform(eulerAngles: angles, translation: Vector3(u(millimetres), u(millimetres), u(millimetres)), centre: Vector3(0, 0, 0))
    }
}
