import NeuralNet

/// The paper's discriminator (Sect. 3.1): a slice holds a suspicious nodule when the highest
/// pixel probability the segmenter predicts for it exceeds a threshold (0.35 in the paper).
public struct NoduleDiscriminator: Sendable, Equatable {
    /// The paper's threshold.
    public static let paperThreshold: Float = 0.35
    /// A slice is suspicious when its maximum probability is strictly above this.
    public var threshold: Float

    /// A discriminator with the paper's threshold unless told otherwise.
    public init(threshold: Float = NoduleDiscriminator.paperThreshold) {
        self.threshold = threshold
    }

    /// Whether one slice's probabilities hold a suspicious nodule.
    public func isSuspicious<C: Collection>(_ probabilities: C) -> Bool where C.Element == Float {
        probabilities.contains { $0 > threshold }
    }

    /// The highest probability of each sample of [N, …] probabilities.
    public func maximumProbabilities(_ probabilities: Tensor) throws -> [Float] {
        guard let n = probabilities.shape.first, n > 0, probabilities.count % n == 0 else {
            throw NoduleModelsError.unsupportedInput(model: "NoduleDiscriminator", expected: "[N, …] with N > 0", found: probabilities.shape)
        }
        let per = probabilities.count / n
        return (0..<n).map { b in probabilities.scalars[(b * per)..<((b + 1) * per)].max() ?? 0 }
    }

    /// For each sample of [N, …] probabilities, whether it is suspicious.
    public func suspicious(_ probabilities: Tensor) throws -> [Bool] {
        try maximumProbabilities(probabilities).map { $0 > threshold }
    }

    /// Runs `segmenter` on slices [N, C, H, W] and flags the suspicious ones.
    public func screen(_ slices: Tensor, with segmenter: Segmenter) throws -> [Bool] {
        try suspicious(segmenter.probabilities(slices))
    }
}
