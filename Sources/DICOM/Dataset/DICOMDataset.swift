/// A DICOM dataset (or a sequence item): elements in tag order, read by tag or keyword.
/// A value type: reading it never touches the file again.
public struct DICOMDataset: Sendable, Equatable {
    /// The elements in tag order.
    public let elements: [DICOMElement]
    private let index: [DICOMTag: Int]

    /// Wraps elements (sorted by tag here).
    public init(elements: [DICOMElement]) {
        let sorted = elements.sorted { $0.tag < $1.tag }
        self.elements = sorted
        var index: [DICOMTag: Int] = [:]
        for (i, e) in sorted.enumerated() { index[e.tag] = i }
        self.index = index
    }

    /// The element with `tag`, if present.
    public subscript(tag: DICOMTag) -> DICOMElement? {
        guard let i = index[tag] else { return nil }
        return elements[i]
    }

    /// The element named by a dictionary keyword ("PatientWeight"), if present; nil for
    /// an unknown keyword too.
    public subscript(keyword keyword: String) -> DICOMElement? {
        guard let tag = try? DICOMTag(keyword: keyword) else { return nil }
        return self[tag]
    }

    /// Whether the dataset holds `tag`.
    public func contains(_ tag: DICOMTag) -> Bool { index[tag] != nil }

    public static func == (a: DICOMDataset, b: DICOMDataset) -> Bool { a.elements == b.elements }
}
