import Foundation
import ImagingCore

/// What a synthetic chest CT should look like: its grid and how many nodules it holds.
public struct PhantomSpec: Sendable, Equatable {
    /// Voxels along i, j, k.
    public var size: GridSize
    /// Voxel spacing in mm.
    public var spacing: Vector3
    /// Direction matrix (columns = world directions of i, j, k).
    public var direction: Matrix3
    /// Nodules to place in the lungs.
    public var noduleCount: Int
    /// Seed for everything random in the scan.
    public var seed: UInt64
    /// Write the voxels zlib-compressed (.zraw).
    public var compress: Bool
    /// The patient's lesion kind (and label); nil draws a mix of smooth and lobulated
    /// nodules with no label.
    public var lesionKind: LesionKind?
    /// How much anatomy is drawn around the lungs.
    public var anatomy: PhantomAnatomy
    /// Real LIDC nodules to draw instead of generated lesions (one nodule each; when set,
    /// `noduleCount` is their count).
    public var lidcLesions: [LidcLesion] = []
    /// The scanner's kernel and noise.
    public var reconstruction: PhantomReconstruction = .standard

    /// Creates a spec.
    public init(size: GridSize = GridSize(128, 128, 80), spacing: Vector3 = Vector3(0.7, 0.7, 2.5),
                direction: Matrix3 = .identity, noduleCount: Int = 4, seed: UInt64 = 1, compress: Bool = false,
                lesionKind: LesionKind? = nil, anatomy: PhantomAnatomy = .simple) {
        self.size = size
        self.spacing = spacing
        self.direction = direction
        self.noduleCount = noduleCount
        self.seed = seed
        self.compress = compress
        self.lesionKind = lesionKind
        self.anatomy = anatomy
    }

    /// A rotation by `degrees` about the world axis `axis` (a right-handed rotation).
    public static func rotation(degrees: Double, axis: Vector3) -> Matrix3 {
        let a = axis / length(axis)
        let t = degrees * .pi / 180
        let c = cos(t), s = sin(t), v = 1 - c
        return Matrix3(rows:
            Vector3(c + a.x * a.x * v, a.x * a.y * v - a.z * s, a.x * a.z * v + a.y * s),
            Vector3(a.y * a.x * v + a.z * s, c + a.y * a.y * v, a.y * a.z * v - a.x * s),
            Vector3(a.z * a.x * v - a.y * s, a.z * a.y * v + a.x * s, c + a.z * a.z * v))
    }

    /// The set shipped in SampleData/: an axial scan, an oblique one (rotated 12° about
    /// an off-axis direction) and a compressed one with finer slices, small enough for
    /// a repository.
    public static let sampleSet: [PhantomSpec] = [
        PhantomSpec(size: GridSize(128, 128, 64), spacing: Vector3(0.75, 0.75, 2.5), noduleCount: 4, seed: 11),
        PhantomSpec(size: GridSize(112, 128, 60), spacing: Vector3(0.8, 0.7, 2.5),
                    direction: rotation(degrees: 12, axis: Vector3(0.2, 0.3, 1)), noduleCount: 3, seed: 23, compress: true),
        PhantomSpec(size: GridSize(128, 112, 96), spacing: Vector3(0.7, 0.8, 1.25), noduleCount: 5, seed: 37, compress: true),
    ]
}

