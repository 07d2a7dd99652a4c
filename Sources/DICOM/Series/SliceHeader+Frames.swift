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
            let ipp = try group(item, .planePositionSequence).map { try $0.doubles(.imagePositionPatient, path: path) } ?? []
            let iop = try group(item, .planeOrientationSequence).map { try $0.doubles(.imageOrientationPatient, path: path) } ?? []
            let ps = try group(item, .pixelMeasuresSequence).map { try $0.doubles(.pixelSpacing, path: path) } ?? []
            let transform = group(item, .pixelValueTransformationSequence)
            let slope = try transform?.double(.rescaleSlope, path: path) ?? rescaleSlope
            let intercept = try transform?.double(.rescaleIntercept, path: path) ?? rescaleIntercept
            let hasIOP = iop.count == 6 && iop.allSatisfy(\.isFinite)
            return SliceHeader(self, frame: index,
                               position: ipp.count == 3 && ipp.allSatisfy(\.isFinite) ? Vector3(ipp[0], ipp[1], ipp[2]) : position,
                               rowDirection: hasIOP ? Vector3(iop[0], iop[1], iop[2]) : rowDirection,
                               columnDirection: hasIOP ? Vector3(iop[3], iop[4], iop[5]) : columnDirection,
                               pixelSpacing: ps.count == 2 && ps[0] > 0 && ps[1] > 0 ? SIMD2(ps[1], ps[0]) : pixelSpacing,
                               rescaleSlope: slope, rescaleIntercept: intercept)
        }
    }
}
