import NeuralNet
import NoduleModels

/// The paper's U-Net as NoduleModels builds it (scripts/nn/paper_models.py's `unet` is the
/// PyTorch twin the anchor times): five levels 64…1024, dropout on the last two, four up-convs
/// each concatenated and followed by a 3×3 conv, a 1×1 conv to logits.
func makePaperUNet(seed: UInt64) throws -> Layer {
    try UNetSegmenter(.init(seed: seed)).network
}

/// The paper's nodule classifier on 2×64×64 input (NoduleModels' `EncoderClassifier`).
func makePaperClassifier(seed: UInt64) throws -> Layer {
    try EncoderClassifier(.init(inputChannels: 2, imageSize: 64, seed: seed)).network
}
