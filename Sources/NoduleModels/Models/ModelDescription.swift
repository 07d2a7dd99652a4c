import Foundation
import ImagingCore

/// Which model a checkpoint holds and how it was configured, stored as `model.json` beside
/// the weights of a training run, so `evaluate` and `screen` rebuild the right network.
public enum ModelDescription: Sendable, Equatable, Codable {
    /// The paper's U-Net segmenter.
    case unet(UNetSegmenter.Configuration)
    /// The paper's encoder classifier.
    case encoder(EncoderClassifier.Configuration)
    /// Table 1's fully connected baseline.
    case fullyConnected(FullyConnectedClassifier.Configuration)
    /// Table 1's encoder-decoder baseline.
    case encoderDecoder(EncoderDecoderClassifier.Configuration)

    /// The classifier names `nodulekit train classifier --model` takes.
    public static let classifierNames = ["encoder", "fully-connected", "encoder-decoder"]

    /// A short name for tables ("unet", "encoder", "fully-connected", "encoder-decoder").
    public var name: String {
        switch self {
        case .unet: return "unet"
        case .encoder: return "encoder"
        case .fullyConnected: return "fully-connected"
        case .encoderDecoder: return "encoder-decoder"
        }
    }

    /// The segmenter this describes, with fresh weights; throws for a classifier.
    public func makeSegmenter() throws -> Segmenter {
        guard case let .unet(c) = self else {
            throw NoduleModelsError.invalidConfiguration(model: name, reason: "is a classifier, not a segmenter")
        }
        return try UNetSegmenter(c)
    }

    /// The classifier this describes, with fresh weights; throws for a segmenter.
    public func makeClassifier() throws -> Classifier {
        switch self {
        case .unet: throw NoduleModelsError.invalidConfiguration(model: name, reason: "is a segmenter, not a classifier")
        case let .encoder(c): return try EncoderClassifier(c)
        case let .fullyConnected(c): return try FullyConnectedClassifier(c)
        case let .encoderDecoder(c): return try EncoderDecoderClassifier(c)
        }
    }

    /// The file name inside a run folder.
    public static let fileName = "model.json"

    /// Writes `model.json` into `folder` (atomically).
    public func write(toRun folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: folder.appendingPathComponent(Self.fileName))
    }

    /// Resolves a checkpoint argument: a run folder (its `best.safetensors`) or a
    /// `.safetensors` file, with `model.json` in the same folder.
    public static func locate(_ checkpoint: URL) throws -> (description: ModelDescription, weights: URL) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: checkpoint.path, isDirectory: &isFolder) else {
            throw NoduleModelsError.invalidDataset(path: checkpoint.path, reason: "no such checkpoint file or run folder")
        }
        let folder = isFolder.boolValue ? checkpoint : checkpoint.deletingLastPathComponent()
        let weights = isFolder.boolValue ? folder.appendingPathComponent("best.safetensors") : checkpoint
        let json = folder.appendingPathComponent(fileName)
        let data: Data
        do { data = try Data(contentsOf: json) } catch {
            throw NoduleModelsError.invalidDataset(path: json.path, reason: "missing: a checkpoint needs the model.json its training run wrote")
        }
        return (try decode(data, path: json.path), weights)
    }

    /// Decodes a `model.json` and checks its bounds (`parameterCount()`); throws naming
    /// `path` and the problem, before any weight is allocated.
    public static func decode(_ data: Data, path: String) throws -> ModelDescription {
        let description: ModelDescription
        do { description = try JSONDecoder().decode(ModelDescription.self, from: data) } catch {
            throw NoduleModelsError.invalidDataset(path: path, reason: "not a model description: \(error)")
        }
        do { _ = try description.parameterCount() } catch {
            throw NoduleModelsError.invalidDataset(path: path, reason: "not a usable model description: \(error)")
        }
        return description
    }

    /// The trained segmenter of a checkpoint (run folder or `.safetensors` file).
    public static func loadSegmenter(_ checkpoint: URL) throws -> Segmenter {
        let (description, weights) = try locate(checkpoint)
        let model = try description.makeSegmenter()
        try model.loadWeights(from: weights)
        return model
    }

    /// The trained classifier of a checkpoint and its description.
    public static func loadClassifier(_ checkpoint: URL) throws -> (classifier: Classifier, description: ModelDescription) {
        let (description, weights) = try locate(checkpoint)
        let model = try description.makeClassifier()
        try model.loadWeights(from: weights)
        return (model, description)
    }
}
