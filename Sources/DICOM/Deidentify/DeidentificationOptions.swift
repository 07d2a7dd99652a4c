/// The PS3.15 Annex E options the de-identifier offers on top of the Basic Profile, and
/// their CID 7050 codes.
public enum DeidentificationOption: String, Sendable, CaseIterable, Hashable {
    /// Dates shifted by a per-patient offset instead of removed (113107; 113106 is the
    /// full-dates option, not offered).
    case retainLongitudinalModifiedDates = "retain-longitudinal-modified-dates"
    /// Sex, age, size, weight and the like kept (113108).
    case retainPatientCharacteristics = "retain-patient-characteristics"
    /// Device serial numbers, station names and detector IDs kept (113109).
    case retainDeviceIdentity = "retain-device-identity"
    /// Descriptions kept with the patient's name, ID and birth date cut out (113105).
    case cleanDescriptors = "clean-descriptors"
    /// Every UID the Basic Profile replaces (action U, in sequences too) kept as it is
    /// (113110): for a release that must stay linked to the site's own copies. The UIDs may
    /// identify the site or, with dates embedded by some vendors, the time of the study.
    case retainUIDs = "retain-uids"

    /// The CID 7050 code value (scheme DCM) and meaning.
    public var code: (value: String, meaning: String) {
        switch self {
        case .retainLongitudinalModifiedDates: return ("113107", "Retain Longitudinal Temporal Information Modified Dates Option")
        case .retainPatientCharacteristics: return ("113108", "Retain Patient Characteristics Option")
        case .retainDeviceIdentity: return ("113109", "Retain Device Identity Option")
        case .cleanDescriptors: return ("113105", "Clean Descriptors Option")
        case .retainUIDs: return ("113110", "Retain UIDs Option")
        }
    }

    /// Attributes the option keeps (K) although the Basic Profile removes or replaces them.
    var keptTags: Set<DICOMTag> {
        switch self {
        case .retainPatientCharacteristics:
            return [DICOMTag(0x0010, 0x0040), DICOMTag(0x0010, 0x1010), DICOMTag(0x0010, 0x1020), DICOMTag(0x0010, 0x1030),
                    DICOMTag(0x0010, 0x2160), DICOMTag(0x0010, 0x21A0), DICOMTag(0x0010, 0x21C0), DICOMTag(0x0010, 0x2203),
                    DICOMTag(0x0010, 0x1022), DICOMTag(0x0010, 0x2000), DICOMTag(0x0010, 0x2110), DICOMTag(0x0038, 0x0500)]
        case .retainDeviceIdentity:
            return [DICOMTag(0x0018, 0x1000), DICOMTag(0x0008, 0x1010), DICOMTag(0x0018, 0x700A), DICOMTag(0x0018, 0x1002),
                    DICOMTag(0x0018, 0x1008), DICOMTag(0x0018, 0x1004), DICOMTag(0x0018, 0x1007), DICOMTag(0x3010, 0x002D),
                    DICOMTag(0x3008, 0x0105), DICOMTag(0x300A, 0x00B2), DICOMTag(0x0018, 0x9371), DICOMTag(0x0018, 0x9373)]
        default: return []
        }
    }

    /// Descriptions the clean-descriptors option keeps, cleaned (C).
    static let descriptorTags: Set<DICOMTag> = [
        DICOMTag(0x0008, 0x1030), DICOMTag(0x0008, 0x103E), DICOMTag(0x0018, 0x1030), DICOMTag(0x0020, 0x4000),
        DICOMTag(0x0008, 0x1080), DICOMTag(0x0032, 0x1060), DICOMTag(0x0040, 0x0254), DICOMTag(0x0018, 0x0015),
        DICOMTag(0x0040, 0x0007), DICOMTag(0x0008, 0x4000), DICOMTag(0x0018, 0x1400), DICOMTag(0x0040, 0x1400),
    ]
}
