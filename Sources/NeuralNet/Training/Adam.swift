import Foundation

/// Adam as Keras implements it (Kingma & Ba 2015, with the bias correction folded into the
/// step size): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
/// w ← w − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε). Optional decoupled weight decay (AdamW)
/// subtracts lr·decay·w first; it is off by default.
public final class Adam {
    public var learningRate: Float
    public let beta1, beta2, epsilon, weightDecay: Float
    /// Steps taken so far.
    public private(set) var step = 0
    /// First and second moments by parameter name, boxed so each step updates them in place
    /// (a tuple read out of the dictionary would be copied on its first write).
    private var moments: [String: Moments] = [:]

    private final class Moments {
        var m: [Float], v: [Float]
        init(count: Int) {
            m = [Float](repeating: 0, count: count)
            v = m
        }
    }

    /// An optimizer with the Keras defaults unless overridden.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        weightDecay: Float = 0
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Applies one update to every parameter of `model` from its accumulated gradient, then
    /// zeroes the gradients for the next batch.
    public func update(_ model: Layer) {
        step += 1
        let t = Float(step)
        let alpha = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        for named in model.parameters {
            let p = named.parameter
            var state = moments[named.name] ?? Moments(count: p.value.count)
            if state.m.count != p.value.count {  // the parameter was replaced by one of another size
                state = Moments(count: p.value.count)
            }
            moments[named.name] = state
            let step = AdamStep(b1: beta1, b2: beta2, epsilon: epsilon, decay: learningRate * weightDecay, alpha: alpha)
            state.m.withUnsafeMutableBufferPointer { mp in
                state.v.withUnsafeMutableBufferPointer { vp in
                    p.gradient.scalars.withUnsafeBufferPointer { g in
                        p.value.scalars.withUnsafeMutableBufferPointer { w in
                            guard let m = mp.baseAddress, let v = vp.baseAddress, let g = g.baseAddress,
                                  let w = w.baseAddress else { return }
                            parallelRanges(mp.count) { range in step.apply(m: m, v: v, g: g, w: w, range) }
                        }
                    }
                }
            }
            p.zeroGradient()
        }
    }
}

/// One Adam update over a range of a parameter, eight lanes at a time: the scalar loop's
/// division and square root do not vectorise on their own. Every lane computes exactly what
/// the scalar tail does, so results do not depend on where a range starts.
private struct AdamStep {
    let b1, b2, epsilon, decay, alpha: Float

    func apply(
        m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
        w: UnsafeMutablePointer<Float>, _ range: Range<Int>
    ) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let gv = load(g + i)
            let mv = b1 * load(m + i) + (1 - b1) * gv
            let vv = b2 * load(v + i) + (1 - b2) * gv * gv
            var wv = load(w + i)
            if decay != 0 { wv -= decay * wv }
            wv -= alpha * mv / (vv.squareRoot() + epsilon)
            store(mv, m + i); store(vv, v + i); store(wv, w + i)
            i += 8
        }
        while i < range.upperBound {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            if decay != 0 { w[i] -= decay * w[i] }
            w[i] -= alpha * m[i] / (v[i].squareRoot() + epsilon)
            i += 1
        }
    }

    @inline(__always) private func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        load(UnsafePointer(p))
    }

    @inline(__always) private func store(_ x: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD8<Float>.self)
    }
}
