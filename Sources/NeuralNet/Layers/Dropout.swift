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
        let (scale, rate, count) = (1 / (1 - rate), rate, input.count)
        var rng = generator
        // The last step's mask array is reused when nothing else holds it (no page faults).
        var m = mask ?? []
        mask = nil
        if m.count != count { m = [Float](repeating: 0, count: count) }
        let out = uninitializedFloats(count) { o in
            m.withUnsafeMutableBufferPointer { mb in
                input.scalars.withUnsafeBufferPointer { xb in
                    guard let x = xb.baseAddress, let mask = mb.baseAddress else { return }
                    // nextUniform() >= rate without a branch (random outcomes mispredict):
                    // the uniform is u/2^24 for the top 24 bits u, exactly, so it is u >= ⌈rate·2^24⌉.
                    // The mask value is the scale's bits and-ed with all ones or zero, which the
                    // compiler cannot turn back into a branch as it does a select.
                    let threshold = UInt64((Double(rate) * 16_777_216).rounded(.up))
                    let scaleBits = UInt64(scale.bitPattern)
                    for i in 0..<count {
                        let u = rng.next() >> 40
                        let drop = (u &- threshold) >> 63  // 1 when u < threshold
                        let keepBits = scaleBits & (drop &- 1)  // all ones when kept
                        mask[i] = Float(bitPattern: UInt32(truncatingIfNeeded: keepBits))
                        o[i] = x[i] * mask[i]
                    }
                }
            }
        }
        generator = rng
        mask = m
        return try Tensor(shape: input.shape, scalars: out)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let m = mask else { return outputGradient }  // identity when not dropping
        guard m.count == outputGradient.count else {
            throw NeuralNetError.shapeMismatch(
                operation: "Dropout.backward", expected: "\(m.count) elements", found: outputGradient.shape)
        }
        let dx = uninitializedFloats(m.count) { d in
            outputGradient.scalars.withUnsafeBufferPointer { gb in
                m.withUnsafeBufferPointer { mb in
                    guard let g = gb.baseAddress, let ms = mb.baseAddress else { return }
                    parallelRanges(mb.count) { range in for i in range { d[i] = g[i] * ms[i] } }
                }
            }
        }
        return try Tensor(shape: outputGradient.shape, scalars: dx)
    }
}
