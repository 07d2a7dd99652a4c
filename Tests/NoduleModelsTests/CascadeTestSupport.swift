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

extension CascadeFixtures {
    /// A small torso in HU on a 1.5 × 1.5 × 2.5 mm grid: air around an elliptic body of soft
    /// tissue (40 HU), two lungs (−850 HU), and bright (200 HU) spheres, centres in world mm.
    /// With `BrightPixelSegmenter`, all soft tissue lights up as the heart did for the
    /// phantom-trained U-Net on real CT.
    static func torso(spheres: [(center: Vector3, radiusMM: Double)]) throws -> Volume<Int16> {
        let size = GridSize(96, 72, 36), spacing = Vector3(1.5, 1.5, 2.5)
        let extent = Vector3(Double(size.i - 1), Double(size.j - 1), Double(size.k - 1)) * spacing
        let g = try ImageGeometry(size: size, origin: extent / -2, spacing: spacing)
        var v = Volume<Int16>(geometry: g, repeating: -1000)
        for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
            let p = g.indexToWorld(VoxelIndex(i, j, k))
            guard (p.x * p.x) / (68 * 68) + (p.y * p.y) / (50 * 50) <= 1 else { continue }
            var hu: Int16 = 40
            for centre in torsoLungCentres {
                let q = (p - centre) / torsoLungRadii
                if dot(q, q) <= 1 { hu = -850 }
            }
            for s in spheres where length(p - s.center) <= s.radiusMM { hu = 200 }
            v[i, j, k] = hu
        } } }
        return v
    }

    /// The torso's right (world −x) and left lung centres, and their radii.
    static let torsoLungCentres = [Vector3(-30, 0, 0), Vector3(30, 0, 0)]
    static let torsoLungRadii = Vector3(22, 34, 40)
}
