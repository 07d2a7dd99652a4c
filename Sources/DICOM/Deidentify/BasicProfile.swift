/// The Basic Application Level Confidentiality Profile of PS3.15 Annex E (Table E.1-1,
/// Basic Profile column), as data: `BasicProfileTable.swift` is generated from
/// dicom-anonymizer's machine-readable copy by `scripts/deid/generate_basic_profile.py`.
public enum BasicProfile {
    /// An action of Table E.1-1. Compound actions are resolved by `resolved(for:)`.
    public enum Action: String, Sendable, CaseIterable {
        /// Replace with a non-zero length dummy value consistent with the VR.
        case d = "D"
        /// Replace with a zero length value (or a dummy).
        case z = "Z"
        /// Remove.
        case x = "X"
        /// Keep.
        case k = "K"
        /// Clean: keep, with identifying text removed.
        case c = "C"
        /// Replace the UID with a consistent non-identifying one.
        case u = "U"
        /// Z unless D is needed for IOD conformance (Type 1).
        case zd = "Z/D"
        /// X unless Z is needed (Type 2).
        case xz = "X/Z"
        /// X unless D is needed (Type 1).
        case xd = "X/D"
        /// X unless Z (Type 2) or D (Type 1) is needed.
        case xzd = "X/Z/D"
        /// X unless Z is needed, or keep the sequence with its UIDs replaced (U*).
        case xzuStar = "X/Z/U*"

        /// The simple action for an attribute of `type` (1, 2 or 3) in the IODs written.
        /// X/Z/U* keeps the sequence and replaces the UIDs inside it (U*), so a SEG's
        /// source-image references stay linked.
        public func resolved(for type: Int) -> Action {
            switch self {
            case .zd: return type == 1 ? .d : .z
            case .xz: return type == 1 || type == 2 ? .z : .x
            case .xd: return type == 1 ? .d : (type == 2 ? .z : .x)
            case .xzd: return type == 1 ? .d : (type == 2 ? .z : .x)
            case .xzuStar: return .u
            default: return self
            }
        }
    }

    /// One row of the table; masks cover repeating groups (curves 50xx, overlays 60xx).
    struct Entry: Sendable {
        let group: UInt16, element: UInt16, groupMask: UInt16, elementMask: UInt16
        let action: Action
        init(_ group: UInt16, _ element: UInt16, _ groupMask: UInt16, _ elementMask: UInt16, _ action: Action) {
            self.group = group; self.element = element; self.groupMask = groupMask; self.elementMask = elementMask; self.action = action
        }
        func matches(_ tag: DICOMTag) -> Bool { tag.group & groupMask == group && tag.element & elementMask == element }
    }

    private static let exact: [DICOMTag: Action] = {
        var map: [DICOMTag: Action] = [:]
        for e in entries where e.groupMask == 0xFFFF && e.elementMask == 0xFFFF { map[DICOMTag(e.group, e.element)] = e.action }
        return map
    }()
    private static let masked = entries.filter { $0.groupMask != 0xFFFF || $0.elementMask != 0xFFFF }

    /// The table's action for `tag` as written in the standard (compound ones included),
    /// nil for an attribute the profile does not list (kept).
    public static func action(for tag: DICOMTag) -> Action? {
        if let a = exact[tag] { return a }
        return masked.first { $0.matches(tag) }?.action
    }

    /// Every exactly listed tag with its action (for checks against other tools).
    public static var listedTags: [(DICOMTag, Action)] {
        entries.filter { $0.groupMask == 0xFFFF && $0.elementMask == 0xFFFF }.map { (DICOMTag($0.group, $0.element), $0.action) }
    }

    /// The strictest Type an attribute with a compound action has in the IODs NoduleKit
    /// reads and writes (CT Image, Segmentation, Comprehensive/Enhanced SR, Spatial
    /// Registration; PS3.3): 1 → a dummy, 2 → empty, otherwise (3) removed. Only the
    /// compound-action attributes that are Type 1 or 2 somewhere there are listed.
    static let attributeTypes: [DICOMTag: Int] = [
        DICOMTag(0x0008, 0x0023): 1,  // ContentDate: Type 1 in SEG, SR, Spatial Registration
        DICOMTag(0x0008, 0x0033): 1,  // ContentTime
        DICOMTag(0x0018, 0x1000): 1,  // DeviceSerialNumber: Type 1 in Enhanced General Equipment (SEG)
        DICOMTag(0x0010, 0x0020): 2,  // PatientID: Type 2 in Patient
        DICOMTag(0x0070, 0x0084): 2,  // ContentCreatorName: Type 2 in Content Identification (SEG)
        DICOMTag(0x0018, 0x0010): 2,  // ContrastBolusAgent: Type 2 in Contrast/Bolus
        DICOMTag(0x0018, 0x9919): 2,  // InstructionPerformedDateTime
        DICOMTag(0x0008, 0x1111): 2,  // ReferencedPerformedProcedureStepSequence: Type 2 in SR Document Series
        DICOMTag(0x0008, 0x1110): 3,  // ReferencedStudySequence: Type 3 in General Study
    ]

    /// The Type used to resolve a compound action for `tag` (3 when not listed).
    public static func attributeType(of tag: DICOMTag) -> Int { attributeTypes[tag] ?? 3 }
}
