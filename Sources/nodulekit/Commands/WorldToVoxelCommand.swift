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

    @Argument(help: "World x (LPS mm).") var x: Double
    @Argument(help: "World y (LPS mm).") var y: Double
    @Argument(help: "World z (LPS mm).") var z: Double

    @Flag(help: "Also print the nearest voxel and whether it lies inside the image.")
    var round = false

    func validate() throws {
        guard x.isFinite, y.isFinite, z.isFinite else { throw ValidationError("X, Y and Z must be finite numbers") }
    }

    func run() throws {
        let geometry = try ImageFile.read(URL(fileURLWithPath: image)).geometry
        let world = Vector3(x, y, z)
        let c = geometry.worldToContinuousIndex(world)
        print(String(format: "%.4f %.4f %.4f", c.x, c.y, c.z))
        if round {
            let v = geometry.worldToIndex(world)
            print("\(v.i) \(v.j) \(v.k)" + (geometry.size.contains(v) ? "" : " (outside the image)"))
        }
    }
}
