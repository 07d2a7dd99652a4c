import NeuralNet

/// The encoder-decoder of the paper's U-Net (Fig. 3), shared by `UNetSegmenter` and
/// `EncoderDecoderClassifier`. Level d has `base·2^d` channels:
///
///     conv 3×3 + ReLU [+ dropout 0.5 on the last two levels]
///     skip: concat(x, [max pool 2×2 → level d+1 → up-conv 2×2 + ReLU])   (not on the last level)
///     conv 3×3 + ReLU back to base·2^d channels                            (not on the last level)
///
/// Built as nested `Sequential`/`SkipConnection`, so parameter names equal PyTorch's for
/// `unet_body` in scripts/nn/paper_models.py.
enum UNetBuilder {
    /// Channels of the first level for a width multiplier (64 × multiplier, at least 1).
    static func baseChannels(widthMultiplier: Double) -> Int {
        max(1, Int((64 * widthMultiplier).rounded()))
    }

    /// The body and the channels it outputs (the first level's). Convs use He-normal weights;
    /// dropout layer d is seeded with `seed + d`.
    static func body(
        inputChannels: Int, baseChannels: Int, levels: Int, dropoutRate: Float, seed: UInt64,
        generator g: inout SeededGenerator
    ) throws -> (layer: Sequential, outChannels: Int) {
        func level(_ depth: Int, inChannels: Int) throws -> Sequential {
            let ch = baseChannels << depth
            var layers: [Layer] = [
                try Conv2D(inChannels: inChannels, outChannels: ch, initializer: .heNormal, generator: &g), ReLU(),
            ]
            if depth >= levels - 2 { layers.append(try Dropout(rate: dropoutRate, seed: seed &+ UInt64(depth))) }
            guard depth + 1 < levels else { return Sequential(layers) }
            let deeper = try level(depth + 1, inChannels: ch)
            layers.append(SkipConnection(Sequential([
                MaxPool2D(), deeper,
                try ConvTranspose2D(inChannels: 2 * ch, outChannels: ch, initializer: .heNormal, generator: &g), ReLU(),
            ])))
            layers += [try Conv2D(inChannels: 2 * ch, outChannels: ch, initializer: .heNormal, generator: &g), ReLU()]
            return Sequential(layers)
        }
        return (try level(0, inChannels: inputChannels), baseChannels)
    }
}
