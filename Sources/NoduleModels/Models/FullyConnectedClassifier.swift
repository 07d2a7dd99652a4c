import NeuralNet

/// Table 1's "fully connected" baseline: the input image pair is flattened and fed straight
/// to dense layers (default: dense 128 + ReLU, dense 2 + softmax), with no convolution.
public final class FullyConnectedClassifier: Classifier {
    /// What defines the network's shape and initial weights.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Input channels (2: the slice and its segmented nodule image).
        public var inputChannels = 2
        /// Side S of the square input.
        public var imageSize = 64
        /// Units of each hidden dense layer, each followed by a ReLU.
        public var hiddenUnits = [128]
        /// Seed of the weights.
        public var seed: UInt64 = 0

        /// The baseline at `imageSize`, or one changed through the parameters.
        public init(inputChannels: Int = 2, imageSize: Int = 64, hiddenUnits: [Int] = [128], seed: UInt64 = 0) {
            self.inputChannels = inputChannels
            self.imageSize = imageSize
            self.hiddenUnits = hiddenUnits
            self.seed = seed
        }
    }

    /// The configuration the network was built from.
    public let configuration: Configuration
    /// Inputs to two class logits.
    public let network: Layer
    public var inputChannels: Int { configuration.inputChannels }
    public var classCount: Int { 2 }

    /// Builds the network with seeded (Glorot-uniform) weights.
    public init(_ configuration: Configuration = .init()) throws {
        _ = try configuration.parameterCount()  // bounds every field before anything is allocated
        let c = configuration
        guard c.inputChannels > 0, c.imageSize > 0, c.imageSize <= 4096, c.hiddenUnits.allSatisfy({ $0 > 0 }) else {
            throw NoduleModelsError.invalidConfiguration(
                model: "FullyConnectedClassifier", reason: "needs positive channels, size and units, got \(c)")
        }
        self.configuration = c
        var g = SeededGenerator(seed: c.seed)
        network = Sequential(try denseHead(
            inFeatures: c.inputChannels * c.imageSize * c.imageSize, hiddenUnits: c.hiddenUnits, generator: &g))
    }

    public func validateInput(shape: [Int]) throws {
        try requireImages(shape, channels: inputChannels, multipleOf: 1, fixedSize: configuration.imageSize,
                          model: "FullyConnectedClassifier")
    }
}

/// Flatten, then dense + ReLU per hidden width, then dense 2 (logits): the classifier head
/// of both baselines.
func denseHead(inFeatures: Int, hiddenUnits: [Int], generator g: inout SeededGenerator) throws -> [Layer] {
    var layers: [Layer] = [Flatten()]
    var features = inFeatures
    for units in hiddenUnits {
        layers += [try Dense(inFeatures: features, outFeatures: units, generator: &g), ReLU()]
        features = units
    }
    layers.append(try Dense(inFeatures: features, outFeatures: 2, generator: &g))
    return layers
}
