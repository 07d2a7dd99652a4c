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
            let (b1, b2, eps, decay, lr) = (beta1, beta2, epsilon, weightDecay, learningRate)
            state.m.withUnsafeMutableBufferPointer { mp in
                state.v.withUnsafeMutableBufferPointer { vp in
                    p.gradient.scalars.withUnsafeBufferPointer { g in
                        p.value.scalars.withUnsafeMutableBufferPointer { w in
                            parallelRanges(w.count) { range in
                                for i in range {
                                    mp[i] = b1 * mp[i] + (1 - b1) * g[i]
                                    vp[i] = b2 * vp[i] + (1 - b2) * g[i] * g[i]
                                    if decay != 0 { w[i] -= lr * decay * w[i] }
                                    w[i] -= alpha * mp[i] / (vp[i].squareRoot() + eps)
                                }
                            }
                        }
                    }
                }
            }
            p.zeroGradient()
        }
    }
}
