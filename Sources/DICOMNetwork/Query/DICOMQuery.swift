import DICOM
import Foundation

/// The level of a query or retrieve (QueryRetrieveLevel, 0008,0052).
public enum QueryLevel: String, Sendable, CaseIterable {
    case patient = "PATIENT", study = "STUDY", series = "SERIES", image = "IMAGE"
}

/// The information model: Study Root or Patient Root (PS3.4 C.6).
public enum QueryModel: String, Sendable, CaseIterable {
    case studyRoot = "study", patientRoot = "patient"

    /// The C-FIND SOP class.
    public var findSOPClass: String { self == .studyRoot ? "1.2.840.10008.5.1.4.1.2.2.1" : "1.2.840.10008.5.1.4.1.2.1.1" }
    /// The C-MOVE SOP class.
    public var moveSOPClass: String { self == .studyRoot ? "1.2.840.10008.5.1.4.1.2.2.2" : "1.2.840.10008.5.1.4.1.2.1.2" }
    /// The C-GET SOP class.
    public var getSOPClass: String { self == .studyRoot ? "1.2.840.10008.5.1.4.1.2.2.3" : "1.2.840.10008.5.1.4.1.2.1.3" }
}

/// A C-FIND (or retrieve) identifier: the level, the matching keys and the keys to
/// return. Values follow PS3.4 C.2.2.2: `*` and `?` wildcards, `A-B` date and time
/// ranges (`20240101-`, `-20241231`), `\`-separated UID lists, "" to ask for the value.
public struct DICOMQuery: Sendable {
    /// The level.
    public var level: QueryLevel
    /// The model.
    public var model: QueryModel
    /// Matching and return keys, by tag; "" asks for the value.
    public private(set) var keys: [DICOMTag: String] = [:]

    /// A query at `level` in `model` that returns the usual keys of that level (and of
    /// the levels above, as Study Root and Patient Root allow).
    public init(level: QueryLevel, model: QueryModel = .studyRoot) throws {
        self.level = level
        self.model = model
        for keyword in Self.returnKeys(level, model) { try set(keyword, "") }
    }

    /// Sets a matching key by keyword (`PatientName`, `StudyDate`…); throws for an
    /// unknown keyword.
    public mutating func set(_ keyword: String, _ value: String) throws {
        let tag: DICOMTag
        do { tag = try DICOMTag(keyword: keyword) } catch {
            throw DICOMNetworkError.invalidArgument("unknown query key '\(keyword)' (use DICOM keywords such as PatientID, StudyDate, Modality)")
        }
        keys[tag] = value
    }

    /// Sets a key by tag.
    public mutating func set(_ tag: DICOMTag, _ value: String) { keys[tag] = value }

    /// The identifier dataset: QueryRetrieveLevel, then the keys in tag order with the
    /// dictionary's VR.
    public var identifier: DICOMDataset {
        var elements: [DICOMElement] = [.text(.queryRetrieveLevel, "CS", level.rawValue)]
        for tag in keys.keys.sorted() {
            let vr = tag.dictionaryVR.count == 2 ? tag.dictionaryVR : "LO"
            elements.append(vr == "SQ" ? .sequence(tag, []) : .text(tag, vr, keys[tag] ?? ""))
        }
        return DICOMDataset(elements: elements)
    }

    /// The identifier of a C-MOVE or C-GET: QueryRetrieveLevel and the unique keys with
    /// values only (PS3.4 C.4.2.1.4; Orthanc refuses a C-GET carrying empty return keys).
    public var retrieveIdentifier: DICOMDataset {
        let unique: Set<DICOMTag> = [.patientID, .studyInstanceUID, .seriesInstanceUID, .sopInstanceUID]
        return DICOMDataset(elements: identifier.elements.filter { $0.tag == .queryRetrieveLevel || (unique.contains($0.tag) && !($0.text ?? "").isEmpty) })
    }

    /// Keys returned by default at each level.
    static func returnKeys(_ level: QueryLevel, _ model: QueryModel) -> [String] {
        let patient = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex"]
        let study = ["StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber", "StudyID", "StudyDescription",
                     "ModalitiesInStudy", "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances"]
        let series = ["SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription", "NumberOfSeriesRelatedInstances"]
        let image = ["SOPInstanceUID", "SOPClassUID", "InstanceNumber"]
        switch level {
        case .patient: return patient + ["NumberOfPatientRelatedStudies"]
        case .study: return patient + study
        case .series: return ["StudyInstanceUID"] + series + (model == .patientRoot ? ["PatientID"] : [])
        case .image: return ["StudyInstanceUID", "SeriesInstanceUID"] + image + (model == .patientRoot ? ["PatientID"] : [])
        }
    }
}
