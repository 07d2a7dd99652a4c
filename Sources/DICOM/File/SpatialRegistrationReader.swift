import Foundation

/// The rigid matrices of a DICOM Spatial Registration object (PS3.3 C.20.2): for each
/// registered frame of reference, the 4×4 matrix (row major) that maps its points to the
/// object's own frame (the Registered RCS).
public struct SpatialRegistrationObject: Sendable {
    /// The object's FrameOfReferenceUID: the frame every matrix maps into.
    public var registeredFrameOfReferenceUID: String
    /// One entry per Registration Sequence item: its frame and its matrix.
    public var registrations: [(frameOfReferenceUID: String, matrix: [Double])]

    /// Reads `url`; an error names the file and what is missing or unsupported (another SOP
    /// class, no Registration Sequence, several matrices in one item, a non-rigid type).
    public init(contentsOf url: URL) throws {
        let ds = try DICOMFile(contentsOf: url).dataset
        guard ds.string(.sopClassUID) == SpatialRegistrationWriter.sopClassUID else {
            throw DICOMError.invalidValue(path: url.path, tag: .sopClassUID, value: ds.string(.sopClassUID) ?? "(missing)",
                                          expected: "\(SpatialRegistrationWriter.sopClassUID) (Spatial Registration)")
        }
        guard let registered = ds.string(.frameOfReferenceUID), !registered.isEmpty else {
            throw DICOMError.missingElement(path: url.path, tag: .frameOfReferenceUID, needed: "the registered frame of reference")
        }
        let items = ds.sequence(DICOMTag(0x0070, 0x0308))
        guard !items.isEmpty else { throw DICOMError.missingElement(path: url.path, tag: DICOMTag(0x0070, 0x0308), needed: "the registrations") }
        var registrations: [(String, [Double])] = []
        for item in items {
            let frame = item.string(.frameOfReferenceUID) ?? ""
            let matrices = item.sequence(DICOMTag(0x0070, 0x0309)).first?.sequence(DICOMTag(0x0070, 0x030A)) ?? []
            guard matrices.count == 1, let m = matrices.first else {
                throw DICOMError.invalidSeries(url.path, reason: "a registration of frame \(frame) holds \(matrices.count) matrices; one rigid matrix is read")
            }
            let type = m.string(DICOMTag(0x0070, 0x030C)) ?? ""
            guard type == "RIGID" else {
                throw DICOMError.invalidValue(path: url.path, tag: DICOMTag(0x0070, 0x030C), value: type, expected: "RIGID")
            }
            let values = try m.doubles(DICOMTag(0x3006, 0x00C6), path: url.path)
            guard values.count == 16 else {
                throw DICOMError.invalidValue(path: url.path, tag: DICOMTag(0x3006, 0x00C6), value: "\(values.count) values", expected: "16 values (4×4, row major)")
            }
            registrations.append((frame, values))
        }
        registeredFrameOfReferenceUID = registered
        self.registrations = registrations
    }

    /// The matrix of the one registered frame other than the object's own, or of
    /// `frameOfReferenceUID` when given; nil when there is none.
    public func matrix(from frameOfReferenceUID: String? = nil) -> [Double]? {
        if let frameOfReferenceUID { return registrations.first { $0.frameOfReferenceUID == frameOfReferenceUID }?.matrix }
        let others = registrations.filter { $0.frameOfReferenceUID != registeredFrameOfReferenceUID }
        return others.count == 1 ? others[0].matrix : nil
    }
}
