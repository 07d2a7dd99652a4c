import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit resample`: an image resampled onto another's grid, through a transform.
struct ResampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resample",
        abstract: "Resample an image onto a reference grid, optionally through an ITK .tfm transform (reference world → input world).",
        discussion: """
            Inputs are MetaImage/NIfTI files or DICOM series folders (a PET series becomes SUV). The output \
            keeps the input's voxel type. Without --interpolation, uint8 images (label maps) are read by \
            nearest neighbour and every other type linearly. Points outside the input get --default.
            """)

    @Option(help: "The image whose grid the output takes (file or DICOM folder).") var reference: String
    @Option(help: "The image to resample (file or DICOM folder).") var input: String
    @Option(help: "An ITK .tfm rigid transform mapping reference-world points to input-world points, or a DICOM Spatial Registration object (its matrix is inverted to that direction).") var transform: String?
    @Option(help: "linear or nearest (default: nearest for uint8 labels, linear otherwise).") var interpolation: String?
    @Option(name: .customLong("default"), help: "Value outside the input's field of view.") var defaultValue = 0.0
    @Option(help: "Output file (.mha, .mhd, .nii, .nii.gz).") var output: String

    func validate() throws {
        if let interpolation, Interpolation(rawValue: interpolation) == nil {
            throw ValidationError("--interpolation must be linear or nearest, found \(interpolation)")
        }
        guard ImageFile.isSupported(URL(fileURLWithPath: output)) else { throw ValidationError("--output must end in .mha, .mhd, .nii or .nii.gz") }
    }

    func run() throws {
        let referenceURL = URL(fileURLWithPath: reference)
        let grid = ImageFile.isSupported(referenceURL) ? try ImageFile.readGeometry(referenceURL) : try ImageInput.read(referenceURL).geometry
        let read = try ImageInput.readForRegistration(URL(fileURLWithPath: input))
        let volume = read.volume, isSUV = read.isSUV
        let t = try transform.map { try TransformInput.read(URL(fileURLWithPath: $0)) } ?? .identity
        let chosen = interpolation.flatMap(Interpolation.init(rawValue:))
        let result = volume.resampled(onto: grid, through: t, interpolation: chosen, defaultValue: defaultValue)
        try ImageFile.write(result, to: URL(fileURLWithPath: output))
        let used = chosen ?? (volume.voxelType == .uint8 ? .nearest : .linear)
        print("\(input)\(isSUV ? " (PET, SUV)" : ""): \(volume.geometry.size) \(volume.voxelType) → \(grid.size) by \(used.rawValue) interpolation, default \(defaultValue)")
        print("transform: \(transform == nil ? "identity" : t.description)")
        print("output: \(output)")
    }
}
