import Annotations
import Foundation
import ImageFormats
import NeuralNet
import NoduleModels
import TestSupport
import XCTest

/// Run folders with seeded weights, for the tests that hand our checkpoints to other engines
/// (onnxruntime, PyTorch) and compare their outputs with ours.
enum CheckpointFixtures {
    /// Writes a run folder for `description` whose weights (biases too) are seeded noise, so a
    /// misplaced bias or a transposed kernel shows; returns the folder.
    static func runFolder(_ test: XCTestCase, _ description: ModelDescription, network: Layer, sampler: SliceSampler?) throws -> URL {
        let folder = try TestEnvironment.temporaryDirectory(test)
        var g = SeededGenerator(seed: 99)
        for p in network.parameters where p.name.hasSuffix("bias") {
            p.parameter.value = try Tensor(shape: p.parameter.value.shape,
                                           scalars: (0..<p.parameter.value.count).map { _ in g.nextUniform() * 0.2 - 0.1 })
        }
        try network.saveCheckpoint(to: folder.appendingPathComponent("best.safetensors"))
        try description.write(toRun: folder)
        try sampler?.write(toDataset: folder)
        return folder
    }

    /// A tensor of seeded uniform values in [0, 1).
    static func seededInput(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var g = SeededGenerator(seed: seed)
        return try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in g.nextUniform() })
    }

    /// Writes `input` and `ours` as `.npy` files in `folder`; returns their paths.
    static func writePair(input: Tensor, ours: Tensor, in folder: URL) throws -> (input: String, ours: String) {
        let x = folder.appendingPathComponent("input.npy"), y = folder.appendingPathComponent("ours.npy")
        try NumPyArray(shape: input.shape, values: input.scalars).write(to: x)
        try NumPyArray(shape: ours.shape, values: ours.scalars).write(to: y)
        return (x.path, y.path)
    }
}
