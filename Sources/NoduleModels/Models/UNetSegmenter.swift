import NeuralNet

/// The paper's segmentation network (Sect. 3.1, Fig. 3): a U-Net whose encoder has five
/// 3×3 conv + ReLU levels (64 channels doubling to 1024) with a 2×2 max pool between them and
/// dropout 0.5 after the last two; the decoder has four 2×2 up-convolutions + ReLU, each
/// concatenated with the encoder output of its level and followed by a 3×3 conv + ReLU; a
/// 1×1 conv and a sigmoid give one nodule probability per pixel.
///
/// `network` ends at the 1×1 conv (logits), for `Loss.binaryCrossEntropyWithLogits`.
/// Inputs are [N, inputChannels, H, W] with H and W multiples of 2^(levels−1) (16 for five
/// levels). The same configuration and seed always give the same weights.
public final class UNetSegmenter: Segmenter {
    /// What defines the network's shape and initial weights.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Input channels (1: a CT slice).
        public var inputChannels = 1
        /// Scales every level's channels: 1 is the paper's 64…1024, 0.125 gives 8…128.
        public var widthMultiplier = 1.0
        /// Encoder levels (the paper's 5).
        public var levels = 5
        /// Dropout after the last two encoder convs (the paper's 0.5).
        public var dropoutRate: Float = 0.5
        /// Seed of the weights and of the dropout masks.
        public var seed: UInt64 = 0

        /// The paper's network, or one changed through the parameters.
        public init(inputChannels: Int = 1, widthMultiplier: Double = 1, levels: Int = 5,
                    dropoutRate: Float = 0.5, seed: UInt64 = 0) {
            self.inputChannels = inputChannels
            self.widthMultiplier = widthMultiplier
            self.levels = levels
            self.dropoutRate = dropoutRate
            self.seed = seed
        }

        /// Channels of each encoder level, e.g. [64, 128, 256, 512, 1024].
        public var channels: [Int] {
            let base = UNetBuilder.baseChannels(widthMultiplier: widthMultiplier)
            return (0..<levels).map { base << $0 }
        }

        /// Input sides must be multiples of this (each max pool halves them).
        public var sizeMultiple: Int { 1 << (levels - 1) }
    }

    /// The configuration the network was built from.
    public let configuration: Configuration
    /// Images to per-pixel logits: body, then a 1×1 conv.
    public let network: Layer
    public var inputChannels: Int { configuration.inputChannels }

    /// Builds the network with seeded weights; throws on a configuration outside its domain.
    public init(_ configuration: Configuration = .init()) throws {
        _ = try configuration.parameterCount()  // bounds every field before anything is allocated
        guard configuration.inputChannels > 0, configuration.widthMultiplier > 0,
              configuration.widthMultiplier.isFinite, configuration.widthMultiplier <= 16,
              (2...8).contains(configuration.levels) else {
            throw NoduleModelsError.invalidConfiguration(
                model: "UNetSegmenter",
                reason: "needs input channels > 0, a width multiplier in (0, 16] and 2…8 levels, got \(configuration)")
        }
        self.configuration = configuration
        var g = SeededGenerator(seed: configuration.seed)
        let (body, out) = try UNetBuilder.body(
            inputChannels: configuration.inputChannels, baseChannels: configuration.channels[0],
            levels: configuration.levels, dropoutRate: configuration.dropoutRate, seed: configuration.seed, generator: &g)
        network = Sequential([body, try Conv2D(inChannels: out, outChannels: 1, kernelSize: 1, generator: &g)])
    }

    public func validateInput(shape: [Int]) throws {
        try requireImages(shape, channels: inputChannels, multipleOf: configuration.sizeMultiple, model: "UNetSegmenter")
    }
}
