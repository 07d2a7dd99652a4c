import Annotations
import Foundation
import ImagingCore
import NeuralNet
import NoduleModels
import XCTest

/// A classifier whose malignancy is σ(20·x̂ − 15) at the centre pixel of its pair: it says
/// what the pair is centred on.
private final class CentrePixelClassifier: Classifier {
    final class CentreLayer: Layer {
        func forward(_ input: Tensor, training: Bool) throws -> Tensor {
            let n = input.shape[0], side = input.shape[2], per = 2 * side * side
            let centre = (side / 2) * side + side / 2
            return try Tensor(shape: [n, 2], scalars: (0..<n).flatMap { b in [0, 20 * input.scalars[b * per + centre] - 15] })
        }
        func backward(_ outputGradient: Tensor) throws -> Tensor { outputGradient }
    }
    let network: Layer = CentreLayer()
    var inputChannels: Int { 2 }
    var classCount: Int { 2 }
    func validateInput(shape: [Int]) throws {}
}

/// On a canvas larger than the pairs, each 3-D nodule is classified on pairs centred on it,
/// not on the square around each slice's most probable pixel.
final class NoduleCentredPairsTests: XCTestCase {
    func testEachNoduleIsClassifiedOnPairsCentredOnIt() throws {
        // Two 10 mm spheres on the same slices, 70 mm apart: a dim one (200 HU, x̂ ≈ 0.86)
        // and a bright one (400 HU, x̂ = 1, the slices' most probable pixels).
        let size = GridSize(200, 160, 10)
        let g = try ImageGeometry(size: size, origin: Vector3(-70, -60, -20), spacing: Vector3(0.7, 0.7, 2))
        let dim = g.continuousIndexToWorld(Vector3(50, 80, 5)), bright = g.continuousIndexToWorld(Vector3(150, 80, 5))
        var v = [Int16](repeating: -1000, count: size.voxelCount)
        for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
            let w = g.indexToWorld(VoxelIndex(i, j, k))
            if length(w - dim) <= 5 { v[(k * size.j + j) * size.i + i] = 200 }
            if length(w - bright) <= 5 { v[(k * size.j + j) * size.i + i] = 400 }
        } } }
        let scan = try Volume(geometry: g, voxels: v)
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(),
                                         sampler: SliceSampler(size: 32, lower: -1000, upper: 400, pixelSpacingMM: 1.5))
        let report = try CascadeScreener(screener: screener, classifier: CentrePixelClassifier()).screen(AnyVolume(scan))
        XCTAssertEqual(report.screened.pairSize, 32)
        XCTAssertGreaterThan(report.screened.size, 32)
        XCTAssertEqual(report.nodules.count, 2)
        func malignancy(near world: Vector3) throws -> Double {
            let n = try XCTUnwrap(report.nodules.first { length($0.center - world) < 2 }, "no nodule at \(world)")
            return try XCTUnwrap(n.malignancy)
        }
        let sigma = { (x: Double) in 1 / (1 + exp(-x)) }
        XCTAssertEqual(try malignancy(near: bright), sigma(5), accuracy: 0.01)
        XCTAssertEqual(try malignancy(near: dim), sigma(20 * (1200.0 / 1400) - 15), accuracy: 0.05,
                       "the dim nodule was judged on the bright one's pairs")
        // The slice pairs (the classification set's) still sit on the slice's most probable pixel.
        XCTAssertEqual(try XCTUnwrap(report.sliceMalignancy[5]), sigma(5), accuracy: 0.01)
    }
}
