import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit world-to-voxel --image FILE X Y Z`: the continuous index of a world point.
struct WorldToVoxelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world-to-voxel",
        abstract: "Print the continuous index i j k of a world point (LPS mm) in an image.",
        discussion: "Uses the image's full direction matrix. Coordinates are LUNA16's coordX coordY coordZ.")

    @Option(help: "The image whose geometry maps the point.")
    var image: String

    // Taken as raw words so negative coordinates (LUNA16's are mostly negative) need no `--`.
    @Argument(parsing: .allUnrecognized, help: "World X Y Z (LPS mm).")
    var coordinates: [String] = []

    var point: Vector3? {
        let words = coordinates.filter { $0 != "--" }
        let v = words.compactMap { Double($0) }
        guard words.count == 3, v.count == 3, v.allSatisfy(\.isFinite) else { return nil }
        return Vector3(v[0], v[1], v[2])
    }

    @Flag(help: "Also print the nearest voxel and whether it lies inside the image.")
    var round = false

    func validate() throws {
        guard point != nil else {
            throw ValidationError("expected three finite numbers X Y Z, got '\(coordinates.joined(separator: " "))'")
        }
    }

    func run() throws {
        let geometry = try ImageFile.read(URL(fileURLWithPath: image)).geometry
        guard let world = point else { return }
        let c = geometry.worldToContinuousIndex(world)
        print(String(format: "%.4f %.4f %.4f", c.x, c.y, c.z))
        if round {
            let v = geometry.worldToIndex(world)
            print("\(v.i) \(v.j) \(v.k)" + (geometry.size.contains(v) ? "" : " (outside the image)"))
        }
    }
}
