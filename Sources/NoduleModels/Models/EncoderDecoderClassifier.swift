import NeuralNet

/// Table 1's "encoder-decoder + fully connected" baseline: the segmenter's U-Net body on the
/// input pair, a 1×1 conv + ReLU to one feature map, then flatten, dense 128 + ReLU and
/// dense 2 + softmax.
public final class EncoderDecoderClassifier: Classifier {
    /// What defines the network's shape and initial weights.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Input channels (2: the slice and its segmented nodule image).
        public var inputChannels = 2
        /// Side S of the square input (a multiple of 2^(levels−1)).
        public var imageSize = 64
        /// Scales the U-Net's channels (1: 64…1024).
        public var widthMultiplier = 1.0
        /// U-Net levels.
        public var levels = 5
        /// Units of each hidden dense layer.
        public var hiddenUnits = [128]
        /// Seed of the weights and the dropout masks.
        public var seed: UInt64 = 0

        /// The baseline at `imageSize`, or one changed through the parameters.
        public init(inputChannels: Int = 2, imageSize: Int = 64, widthMultiplier: Double = 1, levels: Int = 5,
                    hiddenUnits: [Int] = [128], seed: UInt64 = 0) {
            self.inputChannels = inputChannels
            self.imageSize = imageSize
            self.widthMultiplier = widthMultiplier
            self.levels = levels
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

    /// Builds the network with seeded weights.
    public init(_ configuration: Configuration = .init()) throws {
        _ = try configuration.parameterCount()  // bounds every field before anything is allocated
        let c = configuration
        let multiple = 1 << max(0, c.levels - 1)
        guard c.inputChannels > 0, c.widthMultiplier > 0, c.widthMultiplier <= 16, (2...8).contains(c.levels),
              c.imageSize >= multiple, c.imageSize % multiple == 0, c.imageSize <= 4096,
              c.hiddenUnits.allSatisfy({ $0 > 0 }) else {
            throw NoduleModelsError.invalidConfiguration(
                model: "EncoderDecoderClassifier",
                reason: "needs a width in (0, 16], 2…8 levels and an image size that is a multiple of \(multiple), got \(c)")
        }
        self.configuration = c
        var g = SeededGenerator(seed: c.seed)
        let (body, out) = try UNetBuilder.body(
            inputChannels: c.inputChannels, baseChannels: UNetBuilder.baseChannels(widthMultiplier: c.widthMultiplier),
            levels: c.levels, dropoutRate: 0.5, seed: c.seed, generator: &g)
        network = Sequential([body, try Conv2D(inChannels: out, outChannels: 1, kernelSize: 1, generator: &g), ReLU()]
            + (try denseHead(inFeatures: c.imageSize * c.imageSize, hiddenUnits: c.hiddenUnits, generator: &g)))
    }

    public func validateInput(shape: [Int]) throws {
        try requireImages(shape, channels: inputChannels, multipleOf: 1, fixedSize: configuration.imageSize,
                          model: "EncoderDecoderClassifier")
    }
}
