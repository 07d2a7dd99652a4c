import Foundation
import ImagingCore

extension SliceHeader {
    /// The frames of an enhanced multi-frame image (Enhanced CT/MR/PET) as slices, each
    /// with the position, orientation, pixel spacing and rescale of its per-frame
    /// functional groups (falling back to the shared groups, then to the top level).
    /// A single-frame file, or one without per-frame groups, is returned as is.
    public func frameSlices() throws -> [SliceHeader] {
        let perFrame = dataset.sequence(.perFrameFunctionalGroupsSequence)
        guard frames > 1, !perFrame.isEmpty else { return [self] }
        guard perFrame.count == frames else {
            throw DICOMError.invalidValue(path: url.path, tag: .perFrameFunctionalGroupsSequence, value: "\(perFrame.count) items",
                                          expected: "one item per frame (NumberOfFrames \(frames))")
        }
        let shared = dataset.sequence(.sharedFunctionalGroupsSequence).first
        let path = url.path
        /// The first item of `macro` in the frame's groups, else in the shared groups.
        func group(_ frame: DICOMDataset, _ macro: DICOMTag) -> DICOMDataset? {
            frame.sequence(macro).first ?? shared?.sequence(macro).first
        }
        return try perFrame.enumerated().map { index, item in
            let ipp = try group(item, .planePositionSequence).flatMap { try Self.vector($0, .imagePositionPatient, path: path) }
            let iop = try group(item, .planeOrientationSequence).flatMap { try Self.numbers($0, .imageOrientationPatient, count: 6, path: path) }
            let ps = try group(item, .pixelMeasuresSequence).flatMap { try Self.pixelSpacing($0, path: path) }
            let transform = group(item, .pixelValueTransformationSequence)
            let slope = try transform.flatMap { try Self.number($0, .rescaleSlope, path: path) } ?? rescaleSlope
            let intercept = try transform.flatMap { try Self.number($0, .rescaleIntercept, path: path) } ?? rescaleIntercept
            return SliceHeader(self, frame: index,
                               position: ipp.map { Vector3($0[0], $0[1], $0[2]) } ?? position,
                               rowDirection: iop.map { Vector3($0[0], $0[1], $0[2]) } ?? rowDirection,
                               columnDirection: iop.map { Vector3($0[3], $0[4], $0[5]) } ?? columnDirection,
                               pixelSpacing: ps ?? pixelSpacing,
                               rescaleSlope: slope, rescaleIntercept: intercept)
        }
    }
}
