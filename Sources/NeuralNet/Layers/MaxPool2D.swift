/// 2×2 max pooling with stride 2; an odd last row or column is dropped (PyTorch's floor).
/// Backward routes each gradient to the input element that won its window.
public final class MaxPool2D: Layer {
    /// Per output element, where its window's winner sits: 0, 1 top row, 2, 3 bottom row.
    private var cached: (winners: [UInt8], inputShape: [Int])?

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
        var winners = [UInt8](unsafeUninitializedCapacity: winnerCount) { _, initialized in initialized = winnerCount }
        var out = [Float](unsafeUninitializedCapacity: n * c * oh * ow) { _, initialized in initialized = n * c * oh * ow }
        input.scalars.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                winners.withUnsafeMutableBufferPointer { wb in
                    guard let xs = xb.baseAddress, let os = ob.baseAddress, let ws = wb.baseAddress else { return }
                    parallelFor(n * c) { job in
                        let src = xs + job * h * w, dst = os + job * oh * ow
                        for i in 0..<oh {
                            let top = src + 2 * i * w
                            poolRow(top, top + w, into: dst + i * ow, codes: training ? ws + (job * oh + i) * ow : nil, count: ow)
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
                        let ow = w / 2
                        // Every window writes its four inputs (the gradient at the winner, zeros
                        // elsewhere); an odd last row or column read by no window is zero.
                        for i in 0..<(h / 2) {
                            let top = plane + 2 * i * w, bottom = top + w, gi = g + i * ow, code = at + i * ow
                            for j in 0..<ow {
                                let v = gi[j], k = code[j]
                                top[2 * j] = k == 0 ? v : 0
                                top[2 * j + 1] = k == 1 ? v : 0
                                bottom[2 * j] = k == 2 ? v : 0
                                bottom[2 * j + 1] = k == 3 ? v : 0
                            }
                            if w % 2 == 1 { top[w - 1] = 0; bottom[w - 1] = 0 }
                        }
                        if h % 2 == 1 { (plane + (h - 1) * w).update(repeating: 0, count: w) }
                    }
                }
            }
        }
        return try Tensor(shape: inputShape, scalars: dx)
    }
}

/// Pools one output row of `count` windows from two input rows; with `codes`, also records
/// each winner's position (0, 1 top, 2, 3 bottom). Ties go to the first maximum, as in PyTorch.
/// Four windows at a time in SIMD lanes: scalar selects compile to branches that mispredict.
private func poolRow(
    _ top: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>,
    codes: UnsafeMutablePointer<UInt8>?, count: Int
) {
    var j = 0
    while j + 4 <= count {
        let t = UnsafeRawPointer(top + 2 * j).loadUnaligned(as: SIMD8<Float>.self)
        let b = UnsafeRawPointer(bottom + 2 * j).loadUnaligned(as: SIMD8<Float>.self)
        let right = t.oddHalf .> t.evenHalf, lowerRight = b.oddHalf .> b.evenHalf
        let ab = t.evenHalf.replacing(with: t.oddHalf, where: right)
        let cd = b.evenHalf.replacing(with: b.oddHalf, where: lowerRight)
        let lower = cd .> ab
        UnsafeMutableRawPointer(row + j).storeBytes(of: ab.replacing(with: cd, where: lower), as: SIMD4<Float>.self)
        if let codes {
            let upper = SIMD4<Int32>(repeating: 0).replacing(with: 1, where: right)
            let bottomCode = SIMD4<Int32>(repeating: 2).replacing(with: 3, where: lowerRight)
            let code = upper.replacing(with: bottomCode, where: lower)
            UnsafeMutableRawPointer(codes + j).storeBytes(of: SIMD4<UInt8>(truncatingIfNeeded: code), as: SIMD4<UInt8>.self)
        }
        j += 4
    }
    while j < count {
        let (a, b, c, d) = (top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1])
        let ab = b > a ? b : a, cd = d > c ? d : c
        row[j] = cd > ab ? cd : ab
        codes?[j] = cd > ab ? (d > c ? 3 : 2) : (b > a ? 1 : 0)
        j += 1
    }
}
