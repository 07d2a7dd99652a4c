import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit info FILE`: size, spacing, origin, direction, voxel type and value range.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print an image's geometry, voxel type and value range; a DICOM file's main elements; a folder's series.")

    @Argument(help: "An image file (.mhd, .mha, .nii, .nii.gz), a DICOM file, or a folder of DICOM files.")
    var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        if ImageFile.isSupported(url) {
            print(ImageSummary(try ImageFile.read(url), name: url.lastPathComponent).text)
        } else if isFolder.boolValue {
            print(SeriesScanSummary(try SeriesScanner.scan(files: try ImageInput.candidateFiles(url))).text)
        } else {
            print(DICOMElementsSummary(try DICOMFile.readDataset(at: url), name: url.lastPathComponent).text)
        }
    }
}

/// The main elements of a DICOM dataset, one per line, by keyword.
struct DICOMElementsSummary {
    static let keywords = [
        "PatientID", "PatientName", "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "Modality", "Manufacturer",
        "SeriesDescription", "InstanceNumber", "Rows", "Columns", "PixelSpacing", "SliceThickness", "ImagePositionPatient",
        "ImageOrientationPatient", "BitsAllocated", "BitsStored", "PixelRepresentation", "PhotometricInterpretation",
        "NumberOfFrames", "RescaleSlope", "RescaleIntercept", "Units",
    ]
    let text: String

    init(_ dataset: DICOMDataset, name: String) {
        var lines = ["file: \(name)"]
        for keyword in Self.keywords {
            guard let element = dataset[keyword: keyword] else { continue }
            let numbers = element.numbers.map { $0.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) } }
            let value = element.isText ? element.strings.joined(separator: "\\") : (numbers?.joined(separator: "\\") ?? element.text ?? "")
            lines.append(keyword.padding(toLength: 26, withPad: " ", startingAt: 0) + value)
        }
        text = lines.joined(separator: "\n")
    }
}

/// A human-readable description of an image.
struct ImageSummary {
    let text: String

    init(_ image: AnyVolume, name: String) {
        let g = image.geometry
        let s = image.statistics
        func f(_ v: Double) -> String { String(format: "%.6g", v) }
        var lines = [
            "file:       \(name)",
            "size:       \(g.size.i) x \(g.size.j) x \(g.size.k) (i x j x k)",
            "spacing:    \(f(g.spacing.x)) \(f(g.spacing.y)) \(f(g.spacing.z)) mm",
            "origin:     \(f(g.origin.x)) \(f(g.origin.y)) \(f(g.origin.z)) mm (LPS)",
        ]
        for c in 0..<3 {
            let col = g.direction.column(c)
            lines.append((c == 0 ? "direction:  " : "            ") + "\(["i", "j", "k"][c]) → \(f(col.x)) \(f(col.y)) \(f(col.z))")
        }
        lines.append("voxel type: \(image.voxelType)" + (image.channelCount > 1 ? " x \(image.channelCount) channels" : ""))
        lines.append("range:      \(f(s.minimum)) … \(f(s.maximum)), mean \(f(s.mean))")
        text = lines.joined(separator: "\n")
    }
}
