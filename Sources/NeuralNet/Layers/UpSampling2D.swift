/// Nearest-neighbour up-sampling by 2 in both directions; backward sums each 2×2 block.
public final class UpSampling2D: Layer {
    private var inputShape: [Int]?

    /// A ×2 nearest up-sampler.
    public init() {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let (n, c, h, w) = try input.nchw("UpSampling2D.forward")
        var out = Tensor(shape: [n, c, 2 * h, 2 * w])
        for p in 0..<(n * c) {
            for i in 0..<(2 * h) {
                for j in 0..<(2 * w) {
                    out.scalars[(p * 2 * h + i) * 2 * w + j] = input.scalars[(p * h + i / 2) * w + j / 2]
                }
            }
        }
        inputShape = input.shape
        return out
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let shape = inputShape else { throw NeuralNetError.backwardBeforeForward(layer: "UpSampling2D") }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        guard outputGradient.shape == [n, c, 2 * h, 2 * w] else {
            throw NeuralNetError.shapeMismatch(
                operation: "UpSampling2D.backward", expected: "\([n, c, 2 * h, 2 * w])", found: outputGradient.shape)
        }
        var dx = Tensor(shape: shape)
        for p in 0..<(n * c) {
            for i in 0..<(2 * h) {
                for j in 0..<(2 * w) {
                    dx.scalars[(p * h + i / 2) * w + j / 2] += outputGradient.scalars[(p * 2 * h + i) * 2 * w + j]
                }
            }
        }
        return dx
    }
}
