import Foundation

/// Losses on logits: each returns the mean loss and its gradient with respect to the logits,
/// ready to pass to the network's `backward`.
public enum Loss {
    /// Binary cross-entropy on logits x with targets t in [0, 1], averaged over all elements:
    /// ℓ = max(x, 0) − x·t + log(1 + e^(−|x|)) (never overflows), ∂ℓ/∂x = σ(x) − t.
    /// `weights`, if given, has the logits' shape and scales each element (e.g. per-pixel
    /// class weights); the mean still divides by the element count, as Keras does.
    public static func binaryCrossEntropyWithLogits(
        logits: Tensor, targets: Tensor, weights: Tensor? = nil
    ) throws -> (loss: Float, gradient: Tensor) {
        try targets.requireSameShape(as: logits, "binaryCrossEntropyWithLogits targets")
        if let weights { try weights.requireSameShape(as: logits, "binaryCrossEntropyWithLogits weights") }
        guard logits.count > 0 else {
            throw NeuralNetError.shapeMismatch(operation: "binaryCrossEntropyWithLogits", expected: "non-empty", found: logits.shape)
        }
        let scale = 1 / Float(logits.count)
        var total = 0.0
        var grad = logits
        for i in logits.scalars.indices {
            let x = logits.scalars[i], t = targets.scalars[i], w = weights?.scalars[i] ?? 1
            total += Double(w * (max(x, 0) - x * t + log1p(exp(-abs(x)))))
            grad.scalars[i] = w * (1 / (1 + exp(-x)) - t) * scale
        }
        return (Float(total / Double(logits.count)), grad)
    }

    /// Categorical cross-entropy on logits over axis 1 ([N, C] or per pixel of [N, C, H, W])
    /// with target distributions (one-hot) of the same shape, averaged over samples/pixels:
    /// ℓ = −w·Σ_c t_c log softmax(x)_c, ∂ℓ/∂x_c = w·(softmax(x)_c·Σt − t_c). With
    /// `classWeights` (one per class) each pixel is weighted by w = Σ_c t_c·classWeights[c].
    public static func categoricalCrossEntropyWithLogits(
        logits: Tensor, targets: Tensor, classWeights: [Float]? = nil
    ) throws -> (loss: Float, gradient: Tensor) {
        try targets.requireSameShape(as: logits, "categoricalCrossEntropyWithLogits targets")
        let (n, c, inner) = try classAxis(logits.shape, "categoricalCrossEntropyWithLogits")
        if let classWeights, classWeights.count != c {
            throw NeuralNetError.invalidArgument(
                operation: "categoricalCrossEntropyWithLogits",
                reason: "\(classWeights.count) class weights for \(c) classes")
        }
        let samples = n * inner
        let scale = 1 / Float(samples)
        var total = 0.0
        var grad = logits
        for b in 0..<n {
            for p in 0..<inner {
                let base = b * c * inner + p
                let logSum = logSumExp(logits.scalars, base: base, stride: inner, count: c)
                var w: Float = 1, tSum: Float = 0, nll: Float = 0
                if let classWeights {
                    w = 0
                    for k in 0..<c { w += targets.scalars[base + k * inner] * classWeights[k] }
                }
                for k in 0..<c {
                    let t = targets.scalars[base + k * inner]
                    tSum += t
                    nll -= t * (logits.scalars[base + k * inner] - logSum)
                }
                total += Double(w * nll)
                for k in 0..<c {
                    let i = base + k * inner
                    grad.scalars[i] = w * (exp(logits.scalars[i] - logSum) * tSum - targets.scalars[i]) * scale
                }
            }
        }
        return (Float(total / Double(samples)), grad)
    }
}
