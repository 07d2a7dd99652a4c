import Foundation
import NeuralNet

/// A model that maps CT slices [N, C, H, W] to one nodule probability per pixel [N, 1, H, W].
///
/// `network` outputs logits (the sigmoid lives in the loss while training, for stability);
/// `probabilities` applies it. Conform a type that wraps any `NeuralNet` network — e.g. one
/// whose weights were trained in PyTorch and loaded with `loadWeights(from:)` — to use it
/// wherever the paper's U-Net goes.
public protocol Segmenter: AnyObject {
    /// Channels the network expects (1 for a CT slice).
    var inputChannels: Int { get }
    /// The network from images to per-pixel logits.
    var network: Layer { get }
    /// Throws unless `shape` is an input the network can take.
    func validateInput(shape: [Int]) throws
}

/// A model that maps inputs [N, C, H, W] (for the paper: CT slice and segmented nodule image)
/// to class probabilities [N, classCount]; class 1 is malignant.
///
/// `network` outputs logits (softmax lives in the loss while training); `probabilities`
/// applies the softmax.
public protocol Classifier: AnyObject {
    /// Channels the network expects (2 for the paper's x̄ = {x̂, ŷ}).
    var inputChannels: Int { get }
    /// Classes predicted (2: benign, malignant).
    var classCount: Int { get }
    /// The network from inputs to class logits.
    var network: Layer { get }
    /// Throws unless `shape` is an input the network can take.
    func validateInput(shape: [Int]) throws
}

extension Segmenter {
    /// Per-pixel nodule probabilities (inference: dropout off).
    public func probabilities(_ images: Tensor) throws -> Tensor {
        try validateInput(shape: images.shape)
        var out = try network.forward(images, training: false)
        for i in out.scalars.indices { out.scalars[i] = 1 / (1 + exp(-out.scalars[i])) }
        return out
    }

    /// Replaces the weights from a safetensors checkpoint whose names and shapes match exactly.
    public func loadWeights(from url: URL) throws { try network.loadCheckpoint(from: url) }

    /// Saves the weights as safetensors (atomically).
    public func saveWeights(to url: URL) throws { try network.saveCheckpoint(to: url) }

    /// Number of trainable scalars.
    public var parameterCount: Int { network.parameters.reduce(0) { $0 + $1.parameter.value.count } }
}

extension Classifier {
    /// Class probabilities per sample (inference: dropout off).
    public func probabilities(_ inputs: Tensor) throws -> Tensor {
        try validateInput(shape: inputs.shape)
        return try Softmax().forward(network.forward(inputs, training: false), training: false)
    }

    /// Replaces the weights from a safetensors checkpoint whose names and shapes match exactly.
    public func loadWeights(from url: URL) throws { try network.loadCheckpoint(from: url) }

    /// Saves the weights as safetensors (atomically).
    public func saveWeights(to url: URL) throws { try network.saveCheckpoint(to: url) }

    /// Number of trainable scalars.
    public var parameterCount: Int { network.parameters.reduce(0) { $0 + $1.parameter.value.count } }
}

/// Checks an NCHW shape against a channel count and a side divisor; shared by the models.
func requireImages(_ shape: [Int], channels: Int, multipleOf divisor: Int, fixedSize: Int? = nil, model: String) throws {
    let sizeText = fixedSize.map { "\($0)×\($0)" } ?? "H×W multiples of \(divisor)"
    let expected = "[N, \(channels), \(sizeText)]"
    guard shape.count == 4, shape[0] > 0, shape[1] == channels, shape[2] > 0, shape[3] > 0,
          shape[2] % divisor == 0, shape[3] % divisor == 0 else {
        throw NoduleModelsError.unsupportedInput(model: model, expected: expected, found: shape)
    }
    if let fixedSize, shape[2] != fixedSize || shape[3] != fixedSize {
        throw NoduleModelsError.unsupportedInput(model: model, expected: expected, found: shape)
    }
}
