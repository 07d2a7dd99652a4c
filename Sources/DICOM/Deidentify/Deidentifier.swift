import Foundation
import ImagingCore

/// De-identifies datasets with PS3.15's Basic Application Level Confidentiality Profile
/// (the table of `BasicProfile`, edition named there) and the chosen options. UIDs are
/// replaced by a keyed hash (HMAC-SHA256 of the UID under `secret`, as a "2.25." UID), so
/// one input UID maps to one output UID across every file and inside every reference
/// (kept as they are with `.retainUIDs`);
/// dates shift by a per-patient offset with `.retainLongitudinalModifiedDates`. A Type 1
/// attribute is given a dummy, never emptied or removed, so the object stays valid.
public struct Deidentifier: Sendable {
    /// The options in effect.
    public let options: Set<DeidentificationOption>
    /// Whether private tags are kept (the profile removes them).
    public let keepsPrivateTags: Bool
    /// The keyed pseudonyms behind UID replacement (shared with the dataset builders).
    public let pseudonyms: KeyedPseudonyms

    /// Creates a de-identifier; the same `secret` gives the same UIDs and date offsets.
    public init(secret: String, options: Set<DeidentificationOption> = [], keepingPrivateTags: Bool = false) {
        pseudonyms = KeyedPseudonyms(secret: secret)
        self.options = options
        keepsPrivateTags = keepingPrivateTags
    }

    /// What de-identifying one dataset did.
    public struct Result: Sendable {
        /// The de-identified dataset.
        public let dataset: DICOMDataset
        /// Whether pixels may carry burned-in identity: BurnedInAnnotation is YES, or it is
        /// missing on a modality that may burn text in (US, XA, RF, ES, secondary capture…).
        public let mayHaveBurnedInAnnotation: Bool
        /// Why, in a few words ("BurnedInAnnotation YES", "BurnedInAnnotation missing on US").
        public let burnedInReason: String?
    }

    /// The replacement of `uid`: "2.25." and the first 128 bits of HMAC-SHA256(secret, uid)
    /// as a decimal integer (`KeyedPseudonyms.replacementUID(for:)`).
    public func replacementUID(for uid: String) -> String { pseudonyms.replacementUID(for: uid) }

    /// The day offset (−1 … −3650) dates of the patient with `patientID` move by.
    public func dateOffsetDays(patientID: String) -> Int {
        let mac = pseudonyms.mac("date-offset:" + patientID)
        let v = mac.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        return -(1 + v % 3650)
    }

    /// De-identifies `dataset` (top level; meta group 0002 dropped, it is rebuilt on write).
    public func deidentify(_ dataset: DICOMDataset) -> Result {
        let patientID = dataset.string(DICOMTag(0x0010, 0x0020)) ?? ""
        var context = Context(offset: dateOffsetDays(patientID: patientID),
                              identity: [dataset.string(DICOMTag(0x0010, 0x0010)), dataset.string(DICOMTag(0x0010, 0x0020)),
                                         dataset.string(DICOMTag(0x0010, 0x0030))].compactMap { $0 }.filter { $0.count >= 3 })
        context.identity += context.identity.flatMap { $0.split(whereSeparator: { $0 == "^" || $0 == " " }).map(String.init) }.filter { $0.count >= 3 }
        var out = rewrite(dataset, context: context).filter { $0.tag.group != 0x0002 }
        let burned = burnedIn(dataset)
        out.removeAll { [0x0012_0062, 0x0012_0063, 0x0012_0064, 0x0028_0303].contains($0.tag.rawValue) }
        out.append(.text(DICOMTag(0x0012, 0x0062), "CS", "YES"))
        var method = "PS3.15 \(BasicProfile.edition) Basic Profile"
        for o in DeidentificationOption.allCases where options.contains(o) { method += ", " + o.rawValue }
        out.append(.text(DICOMTag(0x0012, 0x0063), "LO", String(method.prefix(64))))
        var codes = [DICOMDataset(elements: Self.codeItem("113100", "Basic Application Confidentiality Profile"))]
        for o in DeidentificationOption.allCases where options.contains(o) { codes.append(DICOMDataset(elements: Self.codeItem(o.code.value, o.code.meaning))) }
        out.append(.sequence(DICOMTag(0x0012, 0x0064), codes))
        out.append(.text(DICOMTag(0x0028, 0x0303), "CS", options.contains(.retainLongitudinalModifiedDates) ? "MODIFIED" : "REMOVED"))
        return Result(dataset: DICOMDataset(elements: out), mayHaveBurnedInAnnotation: burned != nil, burnedInReason: burned)
    }

    private static func codeItem(_ value: String, _ meaning: String) -> [DICOMElement] {
        [.text(DICOMTag(0x0008, 0x0100), "SH", value), .text(DICOMTag(0x0008, 0x0102), "SH", "DCM"), .text(DICOMTag(0x0008, 0x0104), "LO", meaning)]
    }

    struct Context {
        var offset: Int
        var identity: [String]
    }

    private func rewrite(_ item: DICOMDataset, context: Context) -> [DICOMElement] {
        var out: [DICOMElement] = []
        for element in item.elements {
            if element.tag.isPrivate && !keepsPrivateTags { continue }
            if let e = rewrite(element, context: context) { out.append(e) }
        }
        return out
    }

    /// The element after its action; nil when removed.
    private func rewrite(_ element: DICOMElement, context: Context) -> DICOMElement? {
        let tag = element.tag
        var action = BasicProfile.action(for: tag)?.resolved(for: BasicProfile.attributeType(of: tag))
        // Retain UIDs: PS3.15 Table E.1-1's "Rtn. UIDs Opt." column is K on every row the Basic Profile gives U.
        if options.contains(.retainUIDs), action == .u { action = .k }
        for o in options where o.keptTags.contains(tag) { action = .k }
        if options.contains(.cleanDescriptors), DeidentificationOption.descriptorTags.contains(tag) { action = .c }
        if options.contains(.retainLongitudinalModifiedDates), action != nil, action != .k,
           ["DA", "DT"].contains(element.vr), case .bytes = element.value {
            return shifted(element, days: context.offset)
        }
        if options.contains(.retainLongitudinalModifiedDates), action != nil, action != .x, element.vr == "TM" { return element }
        switch action {
        case nil, .k?:
            if case .sequence(let items) = element.value {
                return .sequence(tag, items.map { DICOMDataset(elements: rewrite($0, context: context)) })
            }
            return element
        case .x?: return nil
        case .z?:
            if element.vr == "SQ" { return .sequence(tag, []) }
            return DICOMElement(tag: tag, vr: element.vr, value: .bytes([]))
        case .d?: return dummy(element, context: context)
        case .u?:
            if case .sequence(let items) = element.value {
                return .sequence(tag, items.map { DICOMDataset(elements: rewrite($0, context: context)) })
            }
            guard element.vr == "UI" else { return dummy(element, context: context) }
            return .text(tag, "UI", element.strings.map { $0.isEmpty ? $0 : replacementUID(for: $0) })
        case .c?:
            guard var text = element.text else { return nil }
            for word in context.identity.sorted(by: { $0.count > $1.count }) {
                text = text.replacingOccurrences(of: word, with: "X", options: .caseInsensitive)
            }
            return .text(tag, element.vr, text)
        default: return nil
        }
    }

    /// A non-zero length value of the element's VR that says nothing (PS3.15 action D); a
    /// sequence keeps its items, each de-identified in turn.
    private func dummy(_ element: DICOMElement, context: Context) -> DICOMElement {
        let tag = element.tag
        switch element.vr {
        case "SQ": return .sequence(tag, element.items.map { DICOMDataset(elements: rewrite($0, context: context)) })
        case "DA": return .text(tag, "DA", "19000101")
        case "TM": return .text(tag, "TM", "000000")
        case "DT": return .text(tag, "DT", "19000101000000")
        case "AS": return .text(tag, "AS", "000Y")
        case "DS", "IS": return .text(tag, element.vr, "0")
        case "UI": return .text(tag, "UI", element.strings.map { replacementUID(for: $0) })
        case "PN": return .text(tag, "PN", "ANONYMIZED")
        case "US", "SS": return .binary(tag, element.vr, [0, 0])
        case "UL", "SL", "FL": return .binary(tag, element.vr, [0, 0, 0, 0])
        case "FD": return .binary(tag, element.vr, [UInt8](repeating: 0, count: 8))
        case "AT": return .binary(tag, element.vr, [0, 0, 0, 0])
        case "OB", "OW", "UN", "OF", "OD", "OL", "OV": return .binary(tag, element.vr, [0, 0])
        default: return .text(tag, element.vr, "ANONYMIZED")
        }
    }

    private func shifted(_ element: DICOMElement, days: Int) -> DICOMElement {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let values = element.strings.map { value -> String in
            guard value.count >= 8, let y = Int(value.prefix(4)), let m = Int(value.dropFirst(4).prefix(2)), let d = Int(value.dropFirst(6).prefix(2)),
                  let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
                  let moved = calendar.date(byAdding: .day, value: days, to: date) else { return element.vr == "DA" ? "19000101" : "19000101000000" }
            let c = calendar.dateComponents([.year, .month, .day], from: moved)
            return String(format: "%04d%02d%02d", c.year ?? 1900, c.month ?? 1, c.day ?? 1) + value.dropFirst(8)
        }
        return .text(element.tag, element.vr, values)
    }

    /// Modalities whose pixels may hold burned-in text when BurnedInAnnotation is absent.
    static let burnInModalities: Set<String> = ["US", "XA", "RF", "ES", "OT", "SC", "XC", "GM", "SM", "IO", "PX", "DOC", "OP", "IVUS"]

    private func burnedIn(_ dataset: DICOMDataset) -> String? {
        guard dataset.contains(DICOMTag(0x7FE0, 0x0010)) else { return nil }
        let flag = dataset.string(DICOMTag(0x0028, 0x0301))?.uppercased()
        if flag == "YES" { return "BurnedInAnnotation YES" }
        if flag != nil { return nil }
        let modality = dataset.string(DICOMTag(0x0008, 0x0060)) ?? ""
        let sopClass = dataset.string(.sopClassUID) ?? ""
        if Self.burnInModalities.contains(modality) || sopClass.hasPrefix("1.2.840.10008.5.1.4.1.1.7") {
            return "BurnedInAnnotation missing on \(modality.isEmpty ? "secondary capture" : modality)"
        }
        return nil
    }
}
