/// Inverted dropout: in training each element is zeroed with probability `rate` and the
/// survivors scaled by 1/(1 − rate), so inference is the identity. The mask stream is seeded.
public final class Dropout: Layer {
    public let rate: Float
    private var generator: SeededGenerator
    private var mask: [Float]?

    /// Dropout with drop probability `rate` in [0, 1) and a mask stream fixed by `seed`.
    public init(rate: Float, seed: UInt64) throws {
        guard rate >= 0, rate < 1 else {
            throw NeuralNetError.invalidArgument(operation: "Dropout", reason: "rate must be in [0, 1), got \(rate)")
        }
        self.rate = rate
        self.generator = SeededGenerator(seed: seed)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        guard training, rate > 0 else {
            mask = nil
            return input
        }
        let scale = 1 / (1 - rate)
        var m = [Float](repeating: 0, count: input.count)
        for i in m.indices where generator.nextUniform() >= rate { m[i] = scale }
        var out = input
        for i in out.scalars.indices { out.scalars[i] *= m[i] }
        mask = m
        return out
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let m = mask else { return outputGradient }  // identity when not dropping
        guard m.count == outputGradient.count else {
            throw NeuralNetError.shapeMismatch(
                operation: "Dropout.backward", expected: "\(m.count) elements", found: outputGradient.shape)
        }
        var dx = outputGradient
        for i in dx.scalars.indices { dx.scalars[i] *= m[i] }
        return dx
    }
}
