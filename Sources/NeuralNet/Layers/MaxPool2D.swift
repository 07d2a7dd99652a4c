/// 2×2 max pooling with stride 2; an odd last row or column is dropped (PyTorch's floor).
/// Backward routes each gradient to the input element that won its window.
public final class MaxPool2D: Layer {
    private var cached: (winners: [Int32], inputShape: [Int])?

    /// A 2×2, stride-2 max pool.
    public init() {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let (n, c, h, w) = try input.nchw("MaxPool2D.forward")
        let oh = h / 2, ow = w / 2
        guard oh > 0, ow > 0 else {
            throw NeuralNetError.shapeMismatch(operation: "MaxPool2D.forward", expected: "H, W ≥ 2", found: input.shape)
        }
        // Both outputs are written in full below, so they start uninitialized.
        let winnerCount = training ? n * c * oh * ow : 1
        var winners = [Int32](unsafeUninitializedCapacity: winnerCount) { _, initialized in initialized = winnerCount }
        var out = [Float](unsafeUninitializedCapacity: n * c * oh * ow) { _, initialized in initialized = n * c * oh * ow }
        input.scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                winners.withUnsafeMutableBufferPointer { wb in
                    guard let xs = xb.baseAddress, let os = ob.baseAddress, let ws = wb.baseAddress else { return }
                    parallelFor(n * c) { job in
                        let src = xs + job * h * w, dst = os + job * oh * ow, win = ws + job * oh * ow
                        guard training else {  // inference needs no winners
                            for i in 0..<oh {
                                let top = src + 2 * i * w, bottom = top + w, row = dst + i * ow
                                for j in 0..<ow {  // the same selects as below, so the same values
                                    let (a, b, c, d) = (top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1])
                                    let ab = b > a ? b : a, cd = d > c ? d : c
                                    row[j] = cd > ab ? cd : ab
                                }
                            }
                            return
                        }
                        for i in 0..<oh {
                            let top = src + 2 * i * w, bottom = top + w
                            for j in 0..<ow {
                                // Branch-free select; the first maximum wins ties, as in PyTorch.
                                let (a, b, c, d) = (top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1])
                                let ab = b > a ? b : a, cd = d > c ? d : c
                                let abIndex = b > a ? 2 * j + 1 : 2 * j, cdIndex = d > c ? w + 2 * j + 1 : w + 2 * j
                                dst[i * ow + j] = cd > ab ? cd : ab
                                win[i * ow + j] = Int32(2 * i * w + (cd > ab ? cdIndex : abIndex))
                            }
                        }
                    }
                }
            }
        }
        cached = training ? (winners, input.shape) : nil
        return try Tensor(shape: [n, c, oh, ow], scalars: out)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let (winners, inputShape) = cached else { throw NeuralNetError.backwardBeforeForward(layer: "MaxPool2D") }
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        guard outputGradient.shape == [n, c, h / 2, w / 2] else {
            throw NeuralNetError.shapeMismatch(
                operation: "MaxPool2D.backward", expected: "\([n, c, h / 2, w / 2])", found: outputGradient.shape)
        }
        let outPlane = (h / 2) * (w / 2)
        let dx = uninitializedFloats(n * c * h * w) { ds in
            outputGradient.scalars.withUnsafeBufferPointer { gb in
                winners.withUnsafeBufferPointer { wb in
                    guard let gs = gb.baseAddress, let win = wb.baseAddress else { return }
                    parallelFor(n * c) { job in
                        let plane = ds + job * h * w, g = gs + job * outPlane, at = win + job * outPlane
                        plane.update(repeating: 0, count: h * w)
                        for o in 0..<outPlane { plane[Int(at[o])] += g[o] }
                    }
                }
            }
        }
        return try Tensor(shape: inputShape, scalars: dx)
    }
}
