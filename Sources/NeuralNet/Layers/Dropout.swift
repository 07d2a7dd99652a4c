/// Inverted dropout: in training each element is zeroed with probability `rate` and the
/// survivors scaled by 1/(1 − rate), so inference is the identity. The mask stream is seeded.
///
/// By default one stream serves the whole batch in order. With `sampleKeys` set, sample b's
/// mask comes from its own stream, seeded by the layer's seed and `sampleKeys[b]`, so a
/// sample gets the same mask whichever batch or process holds it (data-parallel training keys
/// it by epoch and global sample index).
public final class Dropout: Layer {
    public let rate: Float
    private let seed: UInt64
    private var generator: SeededGenerator
    private var mask: [Float]?
    /// One key per sample of the next training forwards (nil: the single stream). Must have
    /// the batch's count when set.
    public var sampleKeys: [UInt64]?

    /// Dropout with drop probability `rate` in [0, 1) and a mask stream fixed by `seed`.
    public init(rate: Float, seed: UInt64) throws {
        guard rate >= 0, rate < 1 else {
            throw NeuralNetError.invalidArgument(operation: "Dropout", reason: "rate must be in [0, 1), got \(rate)")
        }
        self.rate = rate
        self.seed = seed
        self.generator = SeededGenerator(seed: seed)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        guard training, rate > 0 else {
            mask = nil
            return input
        }
        let (scale, rate, count) = (1 / (1 - rate), rate, input.count)
        let perSample: [SeededGenerator]?
        if let keys = sampleKeys {
            guard let n = input.shape.first, keys.count == n, n > 0 else {
                throw NeuralNetError.shapeMismatch(operation: "Dropout.forward", expected: "\(keys.count) samples (one per sample key)", found: input.shape)
            }
            // SplitMix64's increment separates the layer seed from the key before mixing.
            perSample = keys.map { SeededGenerator(seed: seed ^ ($0 &* 0x9E37_79B9_7F4A_7C15 &+ 0xD1B5_4A32_D192_ED03)) }
        } else {
            perSample = nil
        }
        let block = perSample.map { count / $0.count } ?? count
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
                    for b in 0..<(count / max(1, block)) {
                        if let perSample { rng = perSample[b] }
                        for i in (b * block)..<((b + 1) * block) {
                            let u = rng.next() >> 40
                            let drop = (u &- threshold) >> 63  // 1 when u < threshold
                            let keepBits = scaleBits & (drop &- 1)  // all ones when kept
                            mask[i] = Float(bitPattern: UInt32(truncatingIfNeeded: keepBits))
                            o[i] = x[i] * mask[i]
                        }
                    }
                }
            }
        }
        if perSample == nil { generator = rng }
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
