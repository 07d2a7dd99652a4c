import CDICOMBridge

/// A DICOM attribute tag, (group, element). Known tags have static names
/// (`DICOMTag.patientWeight`); any other keyword resolves through DCMTK's dictionary.
public struct DICOMTag: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The group number.
    public let group: UInt16
    /// The element number.
    public let element: UInt16

    /// A tag from its group and element numbers.
    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    /// A tag from its 32-bit value, group in the high half.
    public init(rawValue: UInt32) { self.init(UInt16(rawValue >> 16), UInt16(rawValue & 0xFFFF)) }

    /// The 32-bit value, group in the high half.
    public var rawValue: UInt32 { UInt32(group) << 16 | UInt32(element) }

    /// The tag of a dictionary keyword such as "PatientWeight"; throws for unknown ones.
    public init(keyword: String) throws {
        try DICOMLibrary.ensureInitialized()
        var raw: UInt32 = 0
        var error = ndk_error()
        guard ndk_tag_for_keyword(keyword, &raw, &error) == 0 else { throw DICOMError.unknownKeyword(keyword) }
        self.init(rawValue: raw)
    }

    /// The dictionary keyword, or nil for private and unknown tags.
    public var keyword: String? { dictionaryEntry.keyword }

    /// The dictionary VR ("UN" when unknown).
    public var dictionaryVR: String { dictionaryEntry.vr }

    /// Whether the group is odd (a private tag).
    public var isPrivate: Bool { group % 2 == 1 }

    private var dictionaryEntry: (keyword: String?, vr: String) {
        guard (try? DICOMLibrary.ensureInitialized()) != nil else { return (nil, "UN") }
        var buffer = [CChar](repeating: 0, count: 128)
        var vr: (CChar, CChar, CChar) = (0, 0, 0)
        _ = withUnsafeMutablePointer(to: &vr) { p in
            p.withMemoryRebound(to: CChar.self, capacity: 3) { ndk_keyword_for_tag(rawValue, &buffer, buffer.count, $0) }
        }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let vrText = String(decoding: [UInt8(bitPattern: vr.0), UInt8(bitPattern: vr.1)], as: UTF8.self)
        return (name.isEmpty ? nil : name, vrText)
    }

    public static func < (a: DICOMTag, b: DICOMTag) -> Bool { a.rawValue < b.rawValue }

    /// "(0010,1030)" style, as dcmdump prints tags.
    public var description: String {
        let hex = { (v: UInt16) -> String in
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - s.count) + s
        }
        return "(\(hex(group)),\(hex(element)))"
    }
}
