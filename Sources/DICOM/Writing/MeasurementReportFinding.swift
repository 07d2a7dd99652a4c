import Foundation
import ImagingCore

/// One finding of a measurement report: a nodule or mass, where it is, its size and its
/// malignancy, and the SEG segment that outlines it (a TID 1411 measurement group).
public struct MeasurementReportFinding: Sendable, Equatable {
    /// What was found.
    public enum Kind: String, Sendable {
        case nodule, mass

        /// SNOMED CT's code for it (27925004 "Nodule", 4147007 "Mass").
        public var code: SRCode {
            switch self {
            case .nodule: SRCode("27925004", "SCT", "Nodule")
            case .mass: SRCode("4147007", "SCT", "Mass")
            }
        }
    }

    /// Where it was found: a lung, or one of them.
    public enum Site: String, Sendable {
        case lung, rightLung = "right lung", leftLung = "left lung"

        /// The finding site, 39607008 "Lung" (SCT).
        public var code: SRCode { SRCode("39607008", "SCT", "Lung") }

        /// Its laterality (SCT 24028007 "Right", 7771000 "Left"), nil for `.lung`.
        public var laterality: SRCode? {
            switch self {
            case .lung: nil
            case .rightLung: SRCode("24028007", "SCT", "Right")
            case .leftLung: SRCode("7771000", "SCT", "Left")
            }
        }
    }

    /// The human-readable tracking identifier ("nodule 1"), the SEG segment's label.
    public var trackingIdentifier: String
    /// The Tracking Unique Identifier: the same finding keeps it across reports.
    public var trackingUID: String
    public var kind: Kind
    /// Nil when unknown (the lungs were not segmented).
    public var site: Site?
    /// Centre of mass in LPS world millimetres (the source series' frame of reference).
    public var centerLPS: Vector3
    /// Its extent along its longest chord, in mm (SCT 103339001 "Long axis"; see `Volume.longAxes`).
    public var longAxisMM: Double
    /// The diameter of the sphere of its volume, in mm (SCT 81827009 "Diameter").
    public var equivalentDiameterMM: Double
    /// In mm³ (SCT 118565006 "Volume").
    public var volumeMM3: Double
    /// Probability of malignancy in [0, 1] (DCM 111047 "Probability of cancer"), nil without a classifier.
    public var malignancy: Double?
    /// Its segment number in the referenced SEG (1-based).
    public var segmentNumber: Int

    /// A finding; `trackingUID` is new unless given.
    public init(trackingIdentifier: String, trackingUID: String = DICOMUID.make(), kind: Kind, site: Site?, centerLPS: Vector3,
                longAxisMM: Double, equivalentDiameterMM: Double, volumeMM3: Double, malignancy: Double?, segmentNumber: Int) {
        self.trackingIdentifier = trackingIdentifier
        self.trackingUID = trackingUID
        self.kind = kind
        self.site = site
        self.centerLPS = centerLPS
        self.longAxisMM = longAxisMM
        self.equivalentDiameterMM = equivalentDiameterMM
        self.volumeMM3 = volumeMM3
        self.malignancy = malignancy
        self.segmentNumber = segmentNumber
    }
}

/// The codes of TID 1500 and the templates it includes (PS3.16), by what they name.
enum MeasurementReportCode {
    static let imagingMeasurementReport = SRCode("126000", "DCM", "Imaging Measurement Report")
    static let languageOfContent = SRCode("121049", "DCM", "Language of Content Item and Descendants")
    static let englishUS = SRCode("en-US", "RFC5646", "English (United States)")
    static let observerType = SRCode("121005", "DCM", "Observer Type")
    static let device = SRCode("121007", "DCM", "Device")
    static let deviceObserverUID = SRCode("121012", "DCM", "Device Observer UID")
    static let deviceObserverName = SRCode("121013", "DCM", "Device Observer Name")
    static let deviceObserverManufacturer = SRCode("121014", "DCM", "Device Observer Manufacturer")
    static let deviceObserverModelName = SRCode("121015", "DCM", "Device Observer Model Name")
    static let procedureReported = SRCode("121058", "DCM", "Procedure reported")
    static let ctUnspecifiedBodyRegion = SRCode("25045-6", "LN", "CT unspecified body region")
    static let imageLibrary = SRCode("111028", "DCM", "Image Library")
    static let imageLibraryGroup = SRCode("126200", "DCM", "Image Library Group")
    static let modality = SRCode("121139", "DCM", "Modality")
    static let computedTomography = SRCode("CT", "DCM", "Computed Tomography")
    static let frameOfReferenceUID = SRCode("112227", "DCM", "Frame of Reference UID")
    static let source = SRCode("260753009", "SCT", "Source")
    static let imagingMeasurements = SRCode("126010", "DCM", "Imaging Measurements")
    static let measurementGroup = SRCode("125007", "DCM", "Measurement Group")
    static let trackingIdentifier = SRCode("112039", "DCM", "Tracking Identifier")
    static let trackingUniqueIdentifier = SRCode("112040", "DCM", "Tracking Unique Identifier")
    static let findingCategory = SRCode("276214006", "SCT", "Finding category")
    static let morphologicallyAbnormalStructure = SRCode("49755003", "SCT", "Morphologically abnormal structure")
    static let finding = SRCode("121071", "DCM", "Finding")
    static let findingSite = SRCode("363698007", "SCT", "Finding Site")
    static let laterality = SRCode("272741003", "SCT", "Laterality")
    static let algorithmName = SRCode("111001", "DCM", "Algorithm Name")
    static let algorithmVersion = SRCode("111003", "DCM", "Algorithm Version")
    static let referencedSegment = SRCode("121191", "DCM", "Referenced Segment")
    static let sourceSeriesForSegmentation = SRCode("121232", "DCM", "Source series for segmentation")
    static let centerOfMass = SRCode("128138", "DCM", "Center of Mass")
    static let longAxis = SRCode("103339001", "SCT", "Long axis")
    static let diameter = SRCode("81827009", "SCT", "Diameter")
    static let volume = SRCode("118565006", "SCT", "Volume")
    static let probabilityOfCancer = SRCode("111047", "DCM", "Probability of cancer")
    static let millimetre = SRCode("mm", "UCUM", "millimeter")
    static let cubicMillimetre = SRCode("mm3", "UCUM", "cubic millimeter")
    static let noUnits = SRCode("1", "UCUM", "no units")
}
