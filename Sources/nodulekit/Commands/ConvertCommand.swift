import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit convert IN OUT`: between MetaImage and NIfTI, by extension.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an image or a DICOM series to .mhd, .mha, .nii or .nii.gz (chosen by extension).")

    @Argument(help: "The input: a .mhd/.mha/.nii/.nii.gz file, a DICOM file, or a folder holding a DICOM series.")
    var input: String

    @Option(help: "The SeriesInstanceUID to convert when the folder holds several series.")
    var series: String?

    @Argument(help: "The output image; its extension picks the format.")
    var output: String

    @Flag(help: "Compress the voxels (MetaImage .zraw or inline zlib; NIfTI is compressed by .nii.gz).")
    var compress = false

    func validate() throws {
        guard ImageFile.isSupported(URL(fileURLWithPath: output)) else {
            throw ValidationError("unsupported output extension in \(output); use .mhd, .mha, .nii or .nii.gz")
        }
    }

    func run() throws {
        let image = try ImageInput.read(URL(fileURLWithPath: input), seriesUID: series)
        try ImageFile.write(image, to: URL(fileURLWithPath: output), options: ImageWriteOptions(compress: compress))
    }
}
