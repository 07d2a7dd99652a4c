import NeuralNet

/// The paper's classification network (Sect. 3.2, Fig. 6): on x̄ = {CT slice, segmented
/// nodule image}, three 3×3 conv + ReLU layers (8, 16, 32 channels) each followed by a 2×2
/// max pool, dropout 0.5 after the last conv; flatten; dense 128 + ReLU; dense 2 + softmax.
///
/// `network` ends at the last dense layer (logits) for
/// `Loss.categoricalCrossEntropyWithLogits`; inputs are [N, inputChannels, S, S] with the
/// configured S (a multiple of 8, since the dense layer's width depends on it).
public final class EncoderClassifier: Classifier {
    /// What defines the network's shape and initial weights.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Input channels (2: the slice and its segmented nodule image).
        public var inputChannels = 2
        /// Side S of the square input.
        public var imageSize = 64
        /// Channels of the three convs.
        public var channels = [8, 16, 32]
        /// Units of the hidden dense layer.
        public var hiddenUnits = 128
        /// Dropout after the last conv.
        public var dropoutRate: Float = 0.5
        /// Seed of the weights and of the dropout mask.
        public var seed: UInt64 = 0

        /// The paper's classifier at `imageSize`, or one changed through the parameters.
        public init(inputChannels: Int = 2, imageSize: Int = 64, channels: [Int] = [8, 16, 32],
                    hiddenUnits: Int = 128, dropoutRate: Float = 0.5, seed: UInt64 = 0) {
            self.inputChannels = inputChannels
            self.imageSize = imageSize
            self.channels = channels
            self.hiddenUnits = hiddenUnits
            self.dropoutRate = dropoutRate
            self.seed = seed
        }
    }

    /// The configuration the network was built from.
    public let configuration: Configuration
    /// Inputs to two class logits.
    public let network: Layer
    public var inputChannels: Int { configuration.inputChannels }
    public var classCount: Int { 2 }

    /// Builds the network with seeded (Glorot-uniform, Keras's default) weights.
    public init(_ configuration: Configuration = .init()) throws {
        _ = try configuration.parameterCount()  // bounds every field before anything is allocated
        let c = configuration
        let divisor = 1 << min(c.channels.count, 12)
        guard c.inputChannels > 0, !c.channels.isEmpty, c.channels.count <= 12, c.dropoutRate >= 0, c.dropoutRate < 1, c.channels.allSatisfy({ $0 > 0 }), c.hiddenUnits > 0,
              c.imageSize >= divisor, c.imageSize % divisor == 0, c.imageSize <= 4096 else {
            throw NoduleModelsError.invalidConfiguration(
                model: "EncoderClassifier",
                reason: "needs positive channels and units and an image size that is a multiple of \(divisor), got \(c)")
        }
        self.configuration = c
        var g = SeededGenerator(seed: c.seed)
        var layers: [Layer] = []
        var inChannels = c.inputChannels
        for (i, ch) in c.channels.enumerated() {
            layers += [try Conv2D(inChannels: inChannels, outChannels: ch, generator: &g), ReLU()]
            if i == c.channels.count - 1 { layers.append(try Dropout(rate: c.dropoutRate, seed: c.seed)) }
            layers.append(MaxPool2D())
            inChannels = ch
        }
        let side = c.imageSize / divisor
        layers += try denseHead(inFeatures: inChannels * side * side, hiddenUnits: [c.hiddenUnits], generator: &g)
        network = Sequential(layers)
    }

    public func validateInput(shape: [Int]) throws {
        try requireImages(shape, channels: inputChannels, multipleOf: 1, fixedSize: configuration.imageSize, model: "EncoderClassifier")
    }
}
