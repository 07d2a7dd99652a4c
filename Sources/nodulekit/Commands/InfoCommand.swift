import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit info FILE`: size, spacing, origin, direction, voxel type and value range.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print an image's geometry, voxel type and value range.")

    @Argument(help: "An image file (.mhd, .mha, .nii, .nii.gz).")
    var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let image = try ImageFile.read(url)
        print(ImageSummary(image, name: url.lastPathComponent).text)
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
