import Annotations
import Foundation
import NeuralNet

/// The paper's networks as ONNX inference graphs, for runtimes such as onnxruntime,
/// TensorRT or Triton. The graph ends in the probability the toolkit's own inference gives:
///
/// | model | input | output |
/// | --- | --- | --- |
/// | segmenter | `ct_slice` [N, C, H, W] (H, W multiples of 2^(levels−1)) | `nodule_probability` [N, 1, H, W] (sigmoid) |
/// | classifier | `slice_pair` [N, C, S, S] (S fixed) | `class_probabilities` [N, 2] (softmax; column 1 malignant) |
///
/// Dropout is left out (inference); weights are initializers named as in the safetensors.
public enum ONNXExport {
    /// The segmenter graph's input name.
    public static let segmenterInput = "ct_slice"
    /// The segmenter graph's output name.
    public static let segmenterOutput = "nodule_probability"
    /// The classifier graph's input name.
    public static let classifierInput = "slice_pair"
    /// The classifier graph's output name.
    public static let classifierOutput = "class_probabilities"

    /// `segmenter` with a sigmoid on its logits; H and W are left symbolic.
    public static func segmenter(_ segmenter: Segmenter, metadata: [String: String] = [:]) throws -> ONNXModel {
        var b = ONNXGraphBuilder()
        let logits = try b.emit(segmenter.network, input: segmenterInput)
        b.node("Sigmoid", [logits], output: segmenterOutput)
        return ONNXModel(
            input: ONNXValue(name: segmenterInput, shape: [.symbolic("N"), .fixed(segmenter.inputChannels), .symbolic("H"), .symbolic("W")]),
            output: ONNXValue(name: segmenterOutput, shape: [.symbolic("N"), .fixed(1), .symbolic("H"), .symbolic("W")]),
            metadata: metadata, graphName: "nodulekit_segmenter", nodes: b.nodes, initializers: b.initializers)
    }

    /// `classifier` with a softmax on its logits, for inputs of side `imageSize`.
    public static func classifier(_ classifier: Classifier, imageSize: Int, metadata: [String: String] = [:]) throws -> ONNXModel {
        try classifier.validateInput(shape: [1, classifier.inputChannels, imageSize, imageSize])
        var b = ONNXGraphBuilder()
        let logits = try b.emit(classifier.network, input: classifierInput)
        b.node("Softmax", [logits], [.int("axis", 1)], output: classifierOutput)
        return ONNXModel(
            input: ONNXValue(name: classifierInput, shape: [.symbolic("N"), .fixed(classifier.inputChannels), .fixed(imageSize), .fixed(imageSize)]),
            output: ONNXValue(name: classifierOutput, shape: [.symbolic("N"), .fixed(classifier.classCount)]),
            metadata: metadata, graphName: "nodulekit_classifier", nodes: b.nodes, initializers: b.initializers)
    }

    /// The trained model of a checkpoint (a run folder or a `.safetensors` file with
    /// `model.json` beside it), rebuilt from its description, with its weights. Metadata
    /// records the model and, when `preprocessing` is given or the run folder holds the
    /// `dataset.json` of its training set, the window and size its inputs were made with.
    public static func checkpoint(_ checkpoint: URL, preprocessing: SliceSampler? = nil) throws -> ONNXModel {
        let (description, weights) = try ModelDescription.locate(checkpoint)
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: checkpoint.path, isDirectory: &isFolder)
        let folder = isFolder.boolValue ? checkpoint : checkpoint.deletingLastPathComponent()
        let sampler = try preprocessing ?? SliceSampler.ofDataset(folder)
        var metadata = try Self.metadata(description, sampler: sampler)
        metadata["nodulekit.weights"] = weights.lastPathComponent
        switch description {
        case .unet:
            let model = try description.makeSegmenter()
            try model.loadWeights(from: weights)
            return try segmenter(model, metadata: metadata)
        case let .encoder(c): return try loadedClassifier(description, weights, c.imageSize, metadata)
        case let .fullyConnected(c): return try loadedClassifier(description, weights, c.imageSize, metadata)
        case let .encoderDecoder(c): return try loadedClassifier(description, weights, c.imageSize, metadata)
        }
    }

    private static func loadedClassifier(_ description: ModelDescription, _ weights: URL, _ size: Int,
                                         _ metadata: [String: String]) throws -> ONNXModel {
        let model = try description.makeClassifier()
        try model.loadWeights(from: weights)
        return try classifier(model, imageSize: size, metadata: metadata)
    }

    /// The `metadata_props` of an exported model: its kind and configuration (model.json's
    /// JSON), and the preprocessing when known.
    public static func metadata(_ description: ModelDescription, sampler: SliceSampler?) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var out = [
            "nodulekit.model": description.name,
            "nodulekit.configuration": String(decoding: try encoder.encode(description), as: UTF8.self),
        ]
        switch description {
        case let .unet(c):
            out["input.layout"] = "NCHW float32; H and W multiples of \(c.sizeMultiple)"
            out["output.meaning"] = "per-pixel nodule probability (the paper's discriminator flags a slice whose maximum exceeds 0.35)"
        case .encoder, .fullyConnected, .encoderDecoder:
            out["input.layout"] = "NCHW float32; channel 0 the CT slice, channel 1 the segmented nodule image"
            out["output.meaning"] = "class probabilities: column 0 benign, column 1 malignant"
        }
        if let s = sampler {
            out["preprocessing.window_hu"] = "\(s.lower),\(s.upper)"
            out["preprocessing.size"] = String(s.size)
            if let mm = s.pixelSpacingMM {
                out["preprocessing.pixel_mm"] = String(mm)
                out["preprocessing.formula"] = "clamp((HU - \(s.lower)) / (\(s.upper) - \(s.lower)), 0, 1), resampled to \(mm) mm pixels "
                    + "(bilinear, box-averaged over each pixel's footprint when shrinking, pixel centres aligned); the segmenter "
                    + "takes the whole slice at that size, the classifier a size x size window"
            } else {
                out["preprocessing.formula"] = "clamp((HU - \(s.lower)) / (\(s.upper) - \(s.lower)), 0, 1), bilinear resize to size x size (pixel centres aligned)"
            }
        }
        return out
    }
}
