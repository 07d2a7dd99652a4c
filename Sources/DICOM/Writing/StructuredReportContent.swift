import Foundation

/// A coded concept (PS3.3 8.8 Code Sequence Macro): code value, coding scheme, meaning.
public struct SRCode: Sendable, Equatable, Hashable {
    /// CodeValue.
    public var value: String
    /// CodingSchemeDesignator (DCM, SCT, UCUM…).
    public var scheme: String
    /// CodeMeaning.
    public var meaning: String

    /// The code `value` of `scheme`, read as `meaning`.
    public init(_ value: String, _ scheme: String, _ meaning: String) {
        self.value = value
        self.scheme = scheme
        self.meaning = meaning
    }
}

/// How an SR content item relates to its parent (PS3.3 C.17.3.2.4).
enum SRRelationship: String {
    case contains = "CONTAINS"
    case hasObservationContext = "HAS OBS CONTEXT"
    case hasConceptModifier = "HAS CONCEPT MOD"
    case hasAcquisitionContext = "HAS ACQ CONTEXT"
}

/// One SR content item and its children (PS3.3 C.17.3), encoded as DICOM elements: the
/// root of a document's content tree, or an item of its parent's ContentSequence.
struct SRContentItem {
    enum Value {
        /// A CONTAINER, with the DCMR template it follows when it names one.
        case container(template: String?)
        case text(String)
        case code(SRCode)
        /// A NUM: the value and its UCUM unit.
        case number(Double, unit: SRCode)
        case uid(String)
        /// An IMAGE reference; a segment number when it references a SEG's segment.
        case image(sopClassUID: String, sopInstanceUID: String, segmentNumber: Int?)
        /// A SCOORD3D: (x, y, z) triplets in the frame of reference, in mm.
        case coordinates3D(graphicType: String, points: [Double], frameOfReferenceUID: String)
    }

    /// Nil for the root item.
    var relationship: SRRelationship?
    var name: SRCode
    var value: Value
    var children: [SRContentItem] = []

    init(_ relationship: SRRelationship?, _ name: SRCode, _ value: Value, children: [SRContentItem] = []) {
        self.relationship = relationship
        self.name = name
        self.value = value
        self.children = children
    }

    /// The item's attributes: RelationshipType, ValueType, ConceptNameCodeSequence, its value
    /// and its ContentSequence.
    var elements: [DICOMElement] {
        var elements: [DICOMElement] = []
        if let relationship { elements.append(.text(SRTag.relationshipType, "CS", relationship.rawValue)) }
        elements.append(.code(SRTag.conceptNameCodeSequence, name))
        switch value {
        case .container(let template):
            elements += [.text(SRTag.valueType, "CS", "CONTAINER"), .text(SRTag.continuityOfContent, "CS", "SEPARATE")]
            if let template {
                elements.append(.sequence(SRTag.contentTemplateSequence, [DICOMDataset(elements: [
                    .text(SRTag.mappingResource, "CS", "DCMR"), .text(SRTag.templateIdentifier, "CS", template),
                ])]))
            }
        case .text(let text):
            elements += [.text(SRTag.valueType, "CS", "TEXT"), .text(SRTag.textValue, "UT", text)]
        case .code(let code):
            elements += [.text(SRTag.valueType, "CS", "CODE"), .code(SRTag.conceptCodeSequence, code)]
        case .number(let number, let unit):
            elements += [.text(SRTag.valueType, "CS", "NUM"), .sequence(SRTag.measuredValueSequence, [DICOMDataset(elements: [
                .code(SRTag.measurementUnitsCodeSequence, unit), .decimals(SRTag.numericValue, [number]),
                // The exact binary value beside the 16-character decimal string.
                .binary(SRTag.floatingPointValue, "FD", withUnsafeBytes(of: number.bitPattern.littleEndian) { Array($0) }),
            ])])]
        case .uid(let uid):
            elements += [.text(SRTag.valueType, "CS", "UIDREF"), .text(SRTag.uid, "UI", uid)]
        case .image(let sopClass, let sopInstance, let segment):
            var reference: [DICOMElement] = [.text(.referencedSOPClassUID, "UI", sopClass), .text(.referencedSOPInstanceUID, "UI", sopInstance)]
            if let segment { reference.append(.uint16(SRTag.referencedSegmentNumber, [UInt16(clamping: segment)])) }
            elements += [.text(SRTag.valueType, "CS", "IMAGE"), .sequence(SRTag.referencedSOPSequence, [DICOMDataset(elements: reference)])]
        case .coordinates3D(let graphicType, let points, let frameOfReference):
            let floats = points.flatMap { p in withUnsafeBytes(of: Float(p).bitPattern.littleEndian) { Array($0) } }
            elements += [.text(SRTag.valueType, "CS", "SCOORD3D"), .text(SRTag.graphicType, "CS", graphicType),
                         .binary(SRTag.graphicData, "FL", floats), .text(SRTag.referencedFrameOfReferenceUID, "UI", frameOfReference)]
        }
        if !children.isEmpty {
            elements.append(.sequence(SRTag.contentSequence, children.map { DICOMDataset(elements: $0.elements) }))
        }
        return elements
    }
}

extension DICOMElement {
    /// A code sequence of one item holding `code`.
    static func code(_ tag: DICOMTag, _ code: SRCode) -> DICOMElement {
        .code(tag, value: code.value, scheme: code.scheme, meaning: code.meaning)
    }
}

/// The attributes of SR documents and content items (PS3.3 C.17) used by the writers.
enum SRTag {
    static let relationshipType = DICOMTag(0x0040, 0xA010)
    static let valueType = DICOMTag(0x0040, 0xA040)
    static let conceptNameCodeSequence = DICOMTag(0x0040, 0xA043)
    static let continuityOfContent = DICOMTag(0x0040, 0xA050)
    static let contentTemplateSequence = DICOMTag(0x0040, 0xA504)
    static let mappingResource = DICOMTag(0x0008, 0x0105)
    static let templateIdentifier = DICOMTag(0x0040, 0xDB00)
    static let textValue = DICOMTag(0x0040, 0xA160)
    static let conceptCodeSequence = DICOMTag(0x0040, 0xA168)
    static let measuredValueSequence = DICOMTag(0x0040, 0xA300)
    static let measurementUnitsCodeSequence = DICOMTag(0x0040, 0x08EA)
    static let numericValue = DICOMTag(0x0040, 0xA30A)
    static let floatingPointValue = DICOMTag(0x0040, 0xA161)
    static let uid = DICOMTag(0x0040, 0xA124)
    static let referencedSOPSequence = DICOMTag(0x0008, 0x1199)
    static let referencedSegmentNumber = DICOMTag(0x0062, 0x000B)
    static let graphicData = DICOMTag(0x0070, 0x0022)
    static let graphicType = DICOMTag(0x0070, 0x0023)
    static let referencedFrameOfReferenceUID = DICOMTag(0x3006, 0x0024)
    static let contentSequence = DICOMTag(0x0040, 0xA730)
    static let completionFlag = DICOMTag(0x0040, 0xA491)
    static let verificationFlag = DICOMTag(0x0040, 0xA493)
    static let performedProcedureCodeSequence = DICOMTag(0x0040, 0xA372)
    static let currentRequestedProcedureEvidenceSequence = DICOMTag(0x0040, 0xA375)
    static let referencedPerformedProcedureStepSequence = DICOMTag(0x0008, 0x1111)
}
