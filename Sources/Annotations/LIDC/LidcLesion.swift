import ImagingCore

/// How a lesion is drawn, from its readers' texture and calcification ratings.
public enum LesionDensity: String, Sendable, Equatable, CaseIterable {
    /// Soft-tissue density throughout.
    case solid
    /// A solid core in ground glass.
    case partSolid = "part-solid"
    /// Ground glass only.
    case groundGlass = "ground-glass"
    /// A dense calcified core in solid tissue.
    case calcifiedCore = "calcified-core"
    /// Calcified throughout.
    case calcified

    /// The density LIDC's ratings describe: calcification (1 popcorn, 2 laminated, 3 solid,
    /// 4 non-central, 5 central, 6 absent) decides first — a median below 6 is calcified,
    /// throughout when it is 3 (solid), a core otherwise; then texture (1 non-solid … 3 part
    /// solid … 5 solid): a median ≤ 2 is ground glass, below 4 part-solid, else solid.
    /// Unrated features count as absent calcification and solid texture.
    public init(texture: Double?, calcification: Double?) {
        if let c = calcification, c < 6 {
            self = c == 3 ? .calcified : .calcifiedCore
        } else if let t = texture, t <= 2 {
            self = .groundGlass
        } else if let t = texture, t < 4 {
            self = .partSolid
        } else {
            self = .solid
        }
    }
}

/// A real LIDC-IDRI nodule ready to be drawn into a phantom: its readers' consensus shape
/// in millimetres, their median ratings, the density those ratings describe and the usual
/// LIDC label (benign when the median malignancy is ≤ 2, malignant when ≥ 4).
public struct LidcLesion: Sendable, Equatable {
    /// The LIDC patient (e.g. LIDC-IDRI-0001), the unit kept within one split.
    public var patient: String
    /// The scan's series UID.
    public var seriesUID: String
    /// The nodule's label in its scan (`LidcNodule.label`).
    public var nodule: Int
    /// How many readers marked it.
    public var readerCount: Int
    /// The median of each of the nine ratings (`LidcCharacteristics.names` order).
    public var medianRatings: [Double?]
    /// Its consensus mask as a shape.
    public var shape: LesionShape

    /// The label its readers' malignancy ratings give.
    public var label: LidcMalignancyLabel { LidcMalignancyLabel(median: medianRatings[8]) }
    /// How it is drawn.
    public var density: LesionDensity { LesionDensity(texture: medianRatings[7], calcification: medianRatings[2]) }
    /// The consensus volume's equivalent diameter, mm.
    public var equivalentDiameterMM: Double { shape.equivalentDiameterMM }

    /// The lesion of `nodule` (found on a grid of `spacing`); nil when its consensus is empty.
    public init?(patient: String, seriesUID: String, nodule: LidcNodule, spacing: Vector3) {
        guard let shape = LesionShape(nodule.consensus, spacing: spacing) else { return nil }
        self.patient = patient
        self.seriesUID = seriesUID
        self.nodule = nodule.label
        readerCount = nodule.readings.count
        medianRatings = nodule.medianRatings
        self.shape = shape
    }
}
