import Annotations
import Foundation
import ImagingCore
import NeuralNet
import NoduleModels

/// A "segmenter" whose probability is a fixed steep sigmoid of the pixel value
/// (σ(40·(x − 0.5))): bright pixels are nodule. It makes screening results predictable.
final class BrightPixelSegmenter: Segmenter {
    let network: Layer
    var inputChannels: Int { 1 }

    init() throws {
        var g = NeuralNet.SeededGenerator(seed: 0)
        let conv = try Conv2D(inChannels: 1, outChannels: 1, kernelSize: 1, generator: &g)
        for p in conv.parameters {
            p.parameter.value = try Tensor(shape: p.parameter.value.shape, scalars: p.name.hasSuffix("weight") ? [40] : [-20])
        }
        network = Sequential([conv])
    }

    func validateInput(shape: [Int]) throws {
        guard shape.count == 4, shape[1] == 1 else {
            throw NoduleModelsError.unsupportedInput(model: "BrightPixelSegmenter", expected: "[N, 1, H, W]", found: shape)
        }
    }
}

enum CascadeFixtures {
    /// A small CT in HU: −1000 background with bright (+200 HU) spheres at the given
    /// centres (index space) and radii (mm), on a 1×1×2 mm grid with an oblique-free origin.
    static func scan(size: GridSize = GridSize(32, 32, 12), spheres: [(center: Vector3, radiusMM: Double)],
                     origin: Vector3 = Vector3(-10, 20, -100)) throws -> Volume<Int16> {
        let geometry = try ImageGeometry(size: size, origin: origin, spacing: Vector3(1, 1, 2))
        var voxels = [Int16](repeating: -1000, count: size.voxelCount)
        for k in 0..<size.k {
            for j in 0..<size.j {
                for i in 0..<size.i {
                    let w = geometry.indexToWorld(VoxelIndex(i, j, k))
                    for s in spheres where length(w - geometry.continuousIndexToWorld(s.center)) <= s.radiusMM {
                        voxels[(k * size.j + j) * size.i + i] = 200
                    }
                }
            }
        }
        return try Volume(geometry: geometry, voxels: voxels)
    }

    static func source(_ uid: String, _ volume: Volume<Int16>) -> ScanSource {
        ScanSource(seriesUID: uid, location: "memory:\(uid)", readGeometry: { volume.geometry },
                   readVolume: { AnyVolume(volume) }, fingerprint: { "memory:\(uid)" })
    }
}
