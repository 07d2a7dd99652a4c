/// Layers applied in order; parameters are named `index.name` as in PyTorch's `nn.Sequential`.
public final class Sequential: Layer {
    public let layers: [Layer]

    /// A chain of `layers`, first applied first.
    public init(_ layers: [Layer]) {
        self.layers = layers
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        var x = input
        var i = 0
        while i < layers.count {
            // A conv or up-conv followed by ReLU writes the rectified output in one pass; the
            // ReLU keeps that output for its backward as if it had computed it.
            // A skip connection feeding a conv: the conv reads both halves of the
            // concatenation where they are instead of a copy of them.
            if i + 1 < layers.count, let skip = layers[i] as? SkipConnection, let conv = layers[i + 1] as? Conv2D {
                let relu = i + 2 < layers.count ? layers[i + 2] as? ReLU : nil
                let (input, inner) = try skip.forwardParts(x, training: training)
                x = try conv.forward(concatenating: input, inner, training: training, relu: relu != nil)
                relu?.adopt(output: x, training: training)
                i += relu == nil ? 2 : 3
                continue
            }
            if i + 1 < layers.count, let relu = layers[i + 1] as? ReLU {
                if let conv = layers[i] as? Conv2D {
                    x = try conv.forward(x, training: training, relu: true)
                    relu.adopt(output: x, training: training)
                    i += 2
                    continue
                }
                if let up = layers[i] as? ConvTranspose2D {
                    x = try up.forward(x, training: training, relu: true)
                    relu.adopt(output: x, training: training)
                    i += 2
                    continue
                }
            }
            x = try layers[i].forward(x, training: training)
            i += 1
        }
        return x
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        var g = outputGradient
        for layer in layers.reversed() { g = try layer.backward(g) }
        return g
    }

    /// Runs backward down to the first layer with parameters, which computes only those;
    /// the layers before it have nothing to learn and are not visited.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        guard let first = layers.firstIndex(where: { !$0.parameters.isEmpty }) else { return }
        var g = outputGradient
        for layer in layers[(first + 1)...].reversed() { g = try layer.backward(g) }
        try layers[first].backwardParameters(g)
    }

    public var parameters: [NamedParameter] {
        layers.enumerated().flatMap { index, layer in
            layer.parameters.map { NamedParameter(name: "\(index).\($0.name)", parameter: $0.parameter) }
        }
    }
}

/// A U-Net skip connection: output = concat([input, inner(input)]) along channels, so the
/// encoder features sit beside the decoded ones. `inner` must keep N, H and W (a
/// down-path, the deeper levels and an up-convolution). Parameters are `inner.name`.
public final class SkipConnection: Layer {
    public let inner: Layer
    private var inputChannels: Int?

    /// Wraps `inner` with a channel-concatenating skip.
    public init(_ inner: Layer) {
        self.inner = inner
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let (input, y) = try forwardParts(input, training: training)
        return try Tensor.concatenateChannels([input, y])
    }

    /// The two halves of the output, not yet concatenated: the input and inner(input).
    func forwardParts(_ input: Tensor, training: Bool) throws -> (input: Tensor, inner: Tensor) {
        let (n, c, h, w) = try input.nchw("SkipConnection.forward")
        let y = try inner.forward(input, training: training)
        let s = try y.nchw("SkipConnection.forward")
        guard s.n == n, s.h == h, s.w == w else {
            throw NeuralNetError.shapeMismatch(operation: "SkipConnection.forward", expected: "[\(n), C, \(h), \(w)]", found: y.shape)
        }
        inputChannels = c
        return (input, y)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let c = inputChannels else { throw NeuralNetError.backwardBeforeForward(layer: "SkipConnection") }
        let (n, total, h, w) = try outputGradient.nchw("SkipConnection.backward")
        guard total > c else {
            throw NeuralNetError.shapeMismatch(operation: "SkipConnection.backward", expected: "more than \(c) channels", found: outputGradient.shape)
        }
        let innerGradient = try inner.backward(outputGradient.channels(c..<total))
        guard innerGradient.shape == [n, c, h, w] else {
            throw NeuralNetError.shapeMismatch(operation: "SkipConnection.backward", expected: "\([n, c, h, w])", found: innerGradient.shape)
        }
        // dx = the skip's channels of the gradient + the inner path's, read in place.
        let block = c * h * w
        let dx = uninitializedFloats(n * block) { d in
            outputGradient.scalars.withUnsafeBufferPointer { gb in
                innerGradient.scalars.withUnsafeBufferPointer { ib in
                    guard let g = gb.baseAddress, let i = ib.baseAddress else { return }
                    parallelFor(n) { b in
                        let skip = g + b * total * h * w, path = i + b * block, out = d + b * block
                        for e in 0..<block { out[e] = skip[e] + path[e] }
                    }
                }
            }
        }
        return try Tensor(shape: [n, c, h, w], scalars: dx)
    }

    public var parameters: [NamedParameter] {
        inner.parameters.map { NamedParameter(name: "inner.\($0.name)", parameter: $0.parameter) }
    }
}
