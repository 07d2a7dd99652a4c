import Foundation
import ImagingCore

/// Building elements for writing.
extension DICOMElement {
    /// A text element (values joined with backslashes).
    public static func text(_ tag: DICOMTag, _ vr: String, _ values: [String]) -> DICOMElement {
        DICOMElement(tag: tag, vr: vr, value: .bytes(Array(values.joined(separator: "\\").utf8)))
    }

    /// A single-valued text element.
    public static func text(_ tag: DICOMTag, _ vr: String, _ value: String) -> DICOMElement { text(tag, vr, [value]) }

    /// A decimal string (DS), each value in at most 16 characters.
    public static func decimals(_ tag: DICOMTag, _ values: [Double]) -> DICOMElement {
        text(tag, "DS", values.map(formatDecimal))
    }

    /// An integer string (IS).
    public static func integers(_ tag: DICOMTag, _ values: [Int]) -> DICOMElement { text(tag, "IS", values.map(String.init)) }

    /// Unsigned 16-bit values (US).
    public static func uint16(_ tag: DICOMTag, _ values: [UInt16]) -> DICOMElement {
        DICOMElement(tag: tag, vr: "US", value: .bytes(values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
    }

    /// Raw little-endian bytes with an explicit VR (OB, OW, FL…).
    public static func binary(_ tag: DICOMTag, _ vr: String, _ bytes: [UInt8]) -> DICOMElement {
        DICOMElement(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// A sequence.
    public static func sequence(_ tag: DICOMTag, _ items: [DICOMDataset]) -> DICOMElement {
        DICOMElement(tag: tag, vr: "SQ", value: .sequence(items))
    }

    /// A code sequence item (CodeValue, CodingSchemeDesignator, CodeMeaning).
    public static func code(_ tag: DICOMTag, value: String, scheme: String, meaning: String) -> DICOMElement {
        sequence(tag, [DICOMDataset(elements: [
            text(DICOMTag(0x0008, 0x0100), "SH", value),
            text(DICOMTag(0x0008, 0x0102), "SH", scheme),
            text(DICOMTag(0x0008, 0x0104), "LO", meaning),
        ])])
    }

    /// Shortest decimal text of at most 16 characters (the DS limit).
    static func formatDecimal(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        let plain = "\(v)"
        if plain.count <= 16, !plain.contains("e") { return plain }
        for digits in stride(from: 15, through: 1, by: -1) {
            let s = String(format: "%.\(digits)g", v)
            if s.count <= 16 { return s }
        }
        return "0"
    }
}

/// DICOM unique identifiers.
public enum DICOMUID {
    /// True for a well-formed UID (PS3.5 9.1): 1–64 characters, digits and dots, no empty
    /// component, no leading zero in a component (`UIDFileName.isDICOMUID`).
    public static func isValid(_ uid: String) -> Bool { UIDFileName.isDICOMUID(uid) }

    /// The file-name form of a UID (`<uid><suffix>`), or nil when the UID is not valid:
    /// ImagingCore's `UIDFileName`, the one sanitiser every UID passes before it names a
    /// file, with the strict DICOM alphabet.
    public static func fileName(_ uid: String, suffix: String = "") -> String? {
        UIDFileName.fileName(uid, suffix: suffix, strictDICOM: true)
    }

    /// A new UID under the UUID-derived root 2.25 (PS3.5 B.2): "2.25." + a random UUID as
    /// a decimal integer.
    public static func make() -> String {
        "2.25." + decimal(withUnsafeBytes(of: UUID().uuid) { Array($0) })
    }

    /// Big-endian bytes as a decimal integer (no leading zeros; "0" for zero).
    static func decimal(_ bytes: [UInt8]) -> String { KeyedPseudonyms.decimal(bytes) }
}
