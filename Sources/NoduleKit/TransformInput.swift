import Foundation
import DICOM
import Registration

/// A transform for `resample` and `pet-compare` as one call: an ITK transform file, or a
/// DICOM Spatial Registration object.
public enum TransformInput {
    /// The transform in `url` (a Part 10 DICOM file is read as a Spatial Registration
    /// object, anything else as ITK text), always in ITK's direction (fixed world → moving world). A
    /// Spatial Registration object's matrix carries the moving frame onto the fixed
    /// (registered) frame, so its inverse is returned; the object must register exactly
    /// one frame other than its own.
    public static func read(_ url: URL) throws -> RigidTransform {
        let head = (try? FileHandle(forReadingFrom: url)).flatMap { try? $0.read(upToCount: 132) } ?? Data()
        // DICOM Part 10 files carry "DICM" after a 128-byte preamble; anything else is read as ITK text.
        guard head.count >= 132, head[128..<132].elementsEqual(Array("DICM".utf8)) else { return try TransformFile.read(url) }
        let object = try SpatialRegistrationObject(contentsOf: url)
        guard let m = object.matrix() else {
            throw DICOMError.invalidSeries(url.path, reason: "registers \(object.registrations.count) frames; exactly one other than its own frame \(object.registeredFrameOfReferenceUID) is needed")
        }
        guard let movingToFixed = RigidTransform(homogeneousMatrix: m) else {
            throw RegistrationError.notRigid(path: url.path, reason: "the Frame of Reference Transformation Matrix is not a rotation and translation")
        }
        return movingToFixed.inverse
    }
}
