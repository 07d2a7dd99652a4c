import ImagingCore

/// The kind of lesions a phantom patient carries; it is also the patient's label.
public enum LesionKind: String, Sendable, CaseIterable, Codable {
    /// Small (4–10 mm), smooth, solid nodules; about a third calcified (a dense core).
    case benign
    /// Larger (12–25 mm) nodules, lobulated or spiculated, some part-solid (a solid core in
    /// ground glass).
    case malignant
}

/// One piece of a lesion's shape, drawn at `hounsfield` where it covers a point. A lesion
/// is a list of pieces; the first piece covering a point decides its value.
struct LesionPiece: Sendable {
    enum Shape: Sendable {
        case sphere(centre: Vector3, radius: Double)
        case rod(from: Vector3, to: Vector3, radius: Double)
        /// A real nodule's shape at `centre`, turned by `orientation` (shape axes → world)
        /// and scaled by `scale` (a core is the same shape at a smaller scale).
        case mask(LesionShape, centre: Vector3, orientation: Matrix3, scale: Double)
    }
    var shape: Shape
    var hounsfield: Double

    func covers(_ p: Vector3) -> Bool {
        switch shape {
        case .sphere(let c, let r):
            return dot(p - c, p - c) <= r * r
        case .rod(let a, let b, let r):
            return ChestPhantom.distanceToSegment(p, a, b) <= r
        case .mask(let shape, let c, let orientation, let scale):
            return shape.occupancy(at: orientation.transposed * (p - c) / scale) >= 0.5
        }
    }

    /// Bounding radius around `centre` for a quick reject.
    func reach(from centre: Vector3) -> Double {
        switch shape {
        case .sphere(let c, let r): return length(c - centre) + r
        case .rod(let a, let b, let r): return max(length(a - centre), length(b - centre)) + r
        case .mask(let shape, let c, _, let scale): return length(c - centre) + shape.reachMM * scale
        }
    }
}

/// Builds the pieces of a lesion of a given kind around a centre.
enum LesionBuilder {
    /// Solid nodule tissue.
    static let solid = 35.0
    /// Calcification.
    static let calcified = 380.0
    /// Ground-glass opacity.
    static let groundGlass = -450.0

    /// Diameter (mm) for a lesion kind, or the mixed range when no kind is set.
    static func diameter(_ kind: LesionKind?, _ rng: inout SeededGenerator) -> Double {
        switch kind {
        case nil: return 4 + rng.nextUnit() * 14
        case .benign?: return 4 + rng.nextUnit() * 6
        case .malignant?: return 12 + rng.nextUnit() * 13
        }
    }

    /// The pieces of a real LIDC nodule at `centre`, turned by `orientation`, drawn by its
    /// density: cores are the nodule's own shape at 0.5 (part-solid) or 0.55 (calcified)
    /// scale, so they sit inside it.
    static func pieces(_ lesion: LidcLesion, centre c: Vector3, orientation: Matrix3) -> [LesionPiece] {
        func piece(_ scale: Double, _ hu: Double) -> LesionPiece {
            LesionPiece(shape: .mask(lesion.shape, centre: c, orientation: orientation, scale: scale), hounsfield: hu)
        }
        switch lesion.density {
        case .solid: return [piece(1, solid)]
        case .partSolid: return [piece(0.5, solid), piece(1, groundGlass)]
        case .groundGlass: return [piece(1, groundGlass)]
        case .calcifiedCore: return [piece(0.55, calcified), piece(1, solid)]
        case .calcified: return [piece(1, calcified)]
        }
    }

    /// The pieces of the `ordinal`-th lesion (1-based) at `centre` with `diameter`.
    static func pieces(_ kind: LesionKind?, ordinal: Int, centre c: Vector3, diameter: Double,
                       _ rng: inout SeededGenerator) -> [LesionPiece] {
        let r = diameter / 2
        func randomDirection() -> Vector3 {
            let d = Vector3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian())
            return d / max(length(d), 1e-6)
        }
        func satellites(_ n: Int, hu: Double) -> [LesionPiece] {
            (0..<n).map { _ in LesionPiece(shape: .sphere(centre: c + randomDirection() * diameter * 0.35, radius: diameter * 0.22), hounsfield: hu) }
        }
        switch kind {
        case nil:
            // Every second nodule lobulated: a main sphere and three satellites.
            let main = LesionPiece(shape: .sphere(centre: c, radius: r), hounsfield: solid)
            return ordinal % 2 == 0 ? [main] + satellites(3, hu: solid) : [main]
        case .benign?:
            let main = LesionPiece(shape: .sphere(centre: c, radius: r), hounsfield: solid)
            if rng.nextUnit() < 0.35 {
                return [LesionPiece(shape: .sphere(centre: c, radius: r * 0.55), hounsfield: calcified), main]
            }
            return [main]
        case .malignant?:
            let partSolid = rng.nextUnit() < 0.4
            let spiculated = rng.nextUnit() < 0.6
            var pieces: [LesionPiece] = []
            if partSolid {
                pieces.append(LesionPiece(shape: .sphere(centre: c, radius: r * 0.5), hounsfield: solid))
                pieces.append(LesionPiece(shape: .sphere(centre: c, radius: r), hounsfield: groundGlass))
            } else {
                pieces.append(LesionPiece(shape: .sphere(centre: c, radius: r), hounsfield: solid))
                pieces += satellites(4, hu: solid)
            }
            if spiculated {
                for _ in 0..<(6 + Int(rng.next() % 5)) {
                    let tip = c + randomDirection() * (r + 3 + rng.nextUnit() * 6)
                    pieces.append(LesionPiece(shape: .rod(from: c, to: tip, radius: 0.45 + rng.nextUnit() * 0.3), hounsfield: solid - 10))
                }
            }
            return pieces
        }
    }
}
