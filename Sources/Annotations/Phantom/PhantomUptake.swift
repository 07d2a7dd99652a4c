import Foundation
import ImagingCore

/// The FDG uptake (SUV) a phantom's PET shows per tissue, before blur and noise. Tissues are
/// told apart by the phantom's noise-free Hounsfield values, which are exact per structure.
/// Defaults are typical adult FDG values: blood pool (heart, aorta) 1.8, liver 2.2 (the
/// PERCIST reference organs), muscle 0.8, marrow 1.3, lung and fat 0.35.
public struct PhantomUptake: Sendable, Equatable {
    public var lung = 0.35, fat = 0.35, muscle = 0.8, bloodPool = 1.8, liver = 2.2, smallVessels = 1.5
    public var marrow = 1.3, cortical = 0.6
    /// True uptake range of a malignant lesion (uniform, seeded per lesion).
    public var malignant = 4.0...12.0
    /// True uptake range of a benign lesion: near background.
    public var benign = 0.6...1.2
    public init() {}

    /// SUV of a tissue from its noise-free Hounsfield value.
    func suv(hounsfield hu: Double) -> Double {
        switch hu {
        case ...(-995): return 0          // air, airway lumen, stomach gas
        case -860 ... -840: return lung
        case -95 ... -85: return fat
        case 59.5 ... 60.5: return liver
        case 44.5 ... 45.5: return bloodPool // heart and aorta
        case 29.5 ... 30.5: return smallVessels
        case 210 ... 230: return marrow
        case 250...: return cortical
        default: return muscle
        }
    }
}

/// The ground truth of a phantom PET: what each nodule takes up and where the reference
/// regions are, in CT world millimetres.
public struct PhantomPETTruth: Sendable, Codable, Equatable {
    /// One nodule: its annotation centre and diameter and its true (unblurred) SUV.
    public struct Lesion: Sendable, Codable, Equatable {
        public var centre: [Double], diameterMM: Double, trueSUV: Double, kind: String
    }
    /// A sphere inside a reference organ (CT world centre, radius mm) and its true SUV.
    public struct Sphere: Sendable, Codable, Equatable {
        public var centre: [Double], radiusMM: Double, trueSUV: Double
    }
    public var lesions: [Lesion]
    /// PERCIST's liver reference (a sphere of up to 3 cm in the liver within the CT field of view).
    public var liver: Sphere?
    /// The mediastinal blood pool (a sphere of up to 1 cm in the aorta or heart).
    public var bloodPool: Sphere?
}

extension ChestPhantom {
    /// True SUV of each nodule (in `nodules` order), seeded: a malignant patient's lesions
    /// in `uptake.malignant`, a benign one's in `uptake.benign`; the nodules of an unlabelled
    /// phantom (`kind` nil) alternate, malignant first.
    public func lesionUptake(kind: LesionKind?, seed: UInt64, uptake: PhantomUptake = .init()) -> [(suv: Double, malignant: Bool)] {
        var rng = SeededGenerator(seed: seed ^ 0xFD6_0F18)
        return nodules.indices.map { n in
            let malignant = kind.map { $0 == .malignant } ?? (n % 2 == 0)
            let range = malignant ? uptake.malignant : uptake.benign
            return (range.lowerBound + rng.nextUnit() * (range.upperBound - range.lowerBound), malignant)
        }
    }

    /// Noise-free SUV at a CT-world point: a nodule's uptake inside its annotated sphere
    /// where the CT shows tissue (not the lung around a spicule), else its tissue's.
    public func suv(at p: Vector3, lesionSUV: [Double], uptake: PhantomUptake = .init()) -> Double {
        let hu = hounsfield(at: p)
        if hu > -600 {
            for (n, nodule) in nodules.enumerated() {
                let r = (nodule.diameterMM ?? 0) / 2
                let d = p - nodule.center
                if dot(d, d) <= r * r { return lesionSUV[n] }
            }
        }
        return uptake.suv(hounsfield: hu)
    }

    /// The ground truth for the lesions' uptakes, with reference spheres found inside the CT grid:
    /// the largest sphere (radius 15 mm down to 4 mm, centres on a 6 mm lattice) whose
    /// centre and 26 surface probes all lie in the liver, and likewise one of up to 5 mm in
    /// the blood pool.
    public func petTruth(lesions uptakes: [(suv: Double, malignant: Bool)], uptake: PhantomUptake = .init()) -> PhantomPETTruth {
        let lesions = zip(nodules, uptakes).map { a, u in
            PhantomPETTruth.Lesion(centre: [a.center.x, a.center.y, a.center.z], diameterMM: a.diameterMM ?? 0,
                                   trueSUV: u.suv, kind: u.malignant ? "malignant" : "benign")
        }
        return PhantomPETTruth(lesions: lesions, liver: referenceSphere(hounsfield: 60, maxRadius: 15, suv: uptake.liver),
                               bloodPool: referenceSphere(hounsfield: 45, maxRadius: 5, suv: uptake.bloodPool))
    }

    private func referenceSphere(hounsfield target: Double, maxRadius: Double, suv: Double) -> PhantomPETTruth.Sphere? {
        let g = geometry
        func inGrid(_ p: Vector3) -> Bool { g.containsContinuousIndex(g.worldToContinuousIndex(p)) }
        var probes: [Vector3] = []
        for dz in -1...1 { for dy in -1...1 { for dx in -1...1 where (dx, dy, dz) != (0, 0, 0) {
            let v = Vector3(Double(dx), Double(dy), Double(dz))
            probes.append(v / length(v))
        } } }
        let corners = g.cornerWorldPoints
        let lo = corners.reduce(corners[0]) { Vector3(min($0.x, $1.x), min($0.y, $1.y), min($0.z, $1.z)) }
        let hi = corners.reduce(corners[0]) { Vector3(max($0.x, $1.x), max($0.y, $1.y), max($0.z, $1.z)) }
        // Lattice points in the organ (in z, y, x order), then the largest radius that fits.
        var candidates: [Vector3] = []
        for z in stride(from: lo.z, through: hi.z, by: 6) { for y in stride(from: lo.y, through: hi.y, by: 6) {
            for x in stride(from: lo.x, through: hi.x, by: 6) {
                let c = Vector3(x, y, z)
                if inGrid(c), hounsfield(at: c) == target { candidates.append(c) }
            }
        } }
        for radius in stride(from: maxRadius, through: 4, by: -1) {
            for c in candidates where probes.allSatisfy({ inGrid(c + $0 * radius) && hounsfield(at: c + $0 * radius) == target }) {
                return PhantomPETTruth.Sphere(centre: [c.x, c.y, c.z], radiusMM: radius, trueSUV: suv)
            }
        }
        return nil
    }

}
