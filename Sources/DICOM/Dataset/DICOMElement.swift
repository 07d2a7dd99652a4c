/// One element of a dataset: its tag, its value representation and its value.
public struct DICOMElement: Sendable, Equatable {
    /// What an element holds.
    public enum Value: Sendable, Equatable {
        /// The value bytes: text for string VRs (UTF-8 once the character set was
        /// converted), little-endian binary for numeric and OB/OW VRs.
        case bytes([UInt8])
        /// The items of a sequence (SQ).
        case sequence([DICOMDataset])
        /// A value not read with the header: pixel data or a large binary value.
        case omitted(length: UInt32)
    }

    /// The tag.
    public let tag: DICOMTag
    /// The value representation, two letters ("DS", "SQ", "UN"…).
    public let vr: String
    /// The value.
    public let value: Value

    /// Creates an element.
    public init(tag: DICOMTag, vr: String, value: Value) {
        self.tag = tag
        self.vr = vr
        self.value = value
    }

    /// VRs whose values are text.
    static let textVRs: Set<String> = ["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"]

    /// Whether the value is text (by VR).
    public var isText: Bool { Self.textVRs.contains(vr) }

    /// The raw value bytes (empty for sequences and omitted values).
    public var bytes: [UInt8] {
        if case .bytes(let b) = value { return b }
        return []
    }

    /// The items, for a sequence; empty otherwise.
    public var items: [DICOMDataset] {
        if case .sequence(let s) = value { return s }
        return []
    }

    /// The whole value as text, trailing padding (spaces and NULs) removed. For UN
    /// elements (private tags read as implicit VR) the bytes are read as text too.
    public var text: String? {
        guard case .bytes(let b) = value, isText || vr == "UN" || vr == "OB" else { return nil }
        var end = b.count
        while end > 0, b[end - 1] == 0x20 || b[end - 1] == 0 { end -= 1 }
        return String(decoding: b[..<end], as: UTF8.self)
    }

    /// VRs whose leading spaces are insignificant too (PS3.5 table 6.2-1).
    static let leadingSpaceInsignificantVRs: Set<String> = ["AE", "AS", "CS", "DA", "DS", "DT", "IS", "TM", "UI", "UN"]

    /// The values of a multi-valued text element, split at backslashes; trailing spaces
    /// removed, and leading ones where the VR makes them insignificant.
    public var strings: [String] {
        guard let t = text, !t.isEmpty else { return [] }
        let both = Self.leadingSpaceInsignificantVRs.contains(vr)
        let trimmed: (Substring) -> String = { s in
            let tail = String(s.reversed().drop { $0 == " " || $0 == "\0" }.reversed())
            return both ? String(tail.drop { $0 == " " }) : tail
        }
        if vr == "LT" || vr == "ST" || vr == "UT" || vr == "UR" { return [t] }
        return t.split(separator: "\\", omittingEmptySubsequences: false).map(trimmed)
    }

    /// Numeric values: decimal strings (DS, IS) parsed, binary numbers (US, SS, UL, SL,
    /// FL, FD, SV, UV) decoded; nil when a value does not parse.
    public var numbers: [Double]? {
        switch vr {
        case "DS", "IS", "UN":
            var out: [Double] = []
            for s in strings {
                if s.isEmpty { continue }
                guard let v = Double(s) else { return nil }
                out.append(v)
            }
            return out
        case "US": return decode(UInt16.self).map { Double($0) }
        case "SS": return decode(Int16.self).map { Double($0) }
        case "UL": return decode(UInt32.self).map { Double($0) }
        case "SL": return decode(Int32.self).map { Double($0) }
        case "UV": return decode(UInt64.self).map { Double($0) }
        case "SV": return decode(Int64.self).map { Double($0) }
        case "FL", "OF": return decode(Float.self).map { Double($0) }
        case "FD", "OD": return decode(Double.self).map { $0 }
        default: return nil
        }
    }

    /// The value as little-endian binary numbers of type `T` (trailing partial bytes
    /// ignored).
    public func decode<T: BitwiseCopyable>(_ type: T.Type) -> [T] {
        let b = bytes
        let n = b.count / MemoryLayout<T>.stride
        guard n > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: n) { out, count in
            b.withUnsafeBytes { raw in
                for i in 0..<n { out[i] = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: T.self) }
            }
            count = n
        }
    }

    /// Attribute tags (AT) held by the value.
    public var tags: [DICOMTag] {
        let v = decode(UInt16.self)
        return stride(from: 0, to: v.count - 1, by: 2).map { DICOMTag(v[$0], v[$0 + 1]) }
    }
}
