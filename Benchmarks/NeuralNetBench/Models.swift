import NeuralNet

/// The paper's U-Net (and scripts/bench/neuralnet_torch.py's): one 3×3 conv + ReLU per level
/// with 64-128-256-512-1024 channels, dropout 0.5 after the last two encoder convs, a 2×2 max
/// pool between levels, four 2×2 up-convolutions + ReLU each concatenated with the encoder
/// output of its level, and a 1×1 conv to one logit per pixel (sigmoid lives in the loss).
func makePaperUNet(seed: UInt64) throws -> Sequential {
    var g = SeededGenerator(seed: seed)
    let channels = [64, 128, 256, 512, 1024]
    func level(_ depth: Int, inChannels: Int) throws -> (layer: Layer, outChannels: Int) {
        let ch = channels[depth]
        var layers: [Layer] = [
            try Conv2D(inChannels: inChannels, outChannels: ch, initializer: .heNormal, generator: &g), ReLU(),
        ]
        if depth >= channels.count - 2 { layers.append(try Dropout(rate: 0.5, seed: seed &+ UInt64(depth))) }
        guard depth + 1 < channels.count else { return (Sequential(layers), ch) }
        let (deeper, deeperChannels) = try level(depth + 1, inChannels: ch)
        layers.append(SkipConnection(Sequential([
            MaxPool2D(), deeper,
            try ConvTranspose2D(inChannels: deeperChannels, outChannels: ch, initializer: .heNormal, generator: &g), ReLU(),
        ])))
        return (Sequential(layers), 2 * ch)
    }
    let (body, outChannels) = try level(0, inChannels: 1)
    return Sequential([body, try Conv2D(inChannels: outChannels, outChannels: 1, kernelSize: 1, generator: &g)])
}

/// The paper's nodule classifier on 2×64×64 input: three 3×3 conv + ReLU + 2×2 pool stages with
/// 8-16-32 channels, dropout 0.5 after the last conv, dense 128 + ReLU, dense 2 (logits).
func makePaperClassifier(seed: UInt64) throws -> Sequential {
    var g = SeededGenerator(seed: seed)
    return Sequential([
        try Conv2D(inChannels: 2, outChannels: 8, generator: &g), ReLU(), MaxPool2D(),
        try Conv2D(inChannels: 8, outChannels: 16, generator: &g), ReLU(), MaxPool2D(),
        try Conv2D(inChannels: 16, outChannels: 32, generator: &g), ReLU(), try Dropout(rate: 0.5, seed: seed), MaxPool2D(),
        Flatten(),
        try Dense(inFeatures: 32 * 8 * 8, outFeatures: 128, generator: &g), ReLU(),
        try Dense(inFeatures: 128, outFeatures: 2, generator: &g),
    ])
}
