/// Fully connected layer y = x · Wᵀ + b on [N, in]; weight shape [out, in] as in PyTorch.
///   dW += dyᵀ · x,   db += Σ_n dy,   dx = dy · W.
public final class Dense: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let inFeatures, outFeatures: Int
    private var input: Tensor?

    /// A dense layer with weights drawn by `initializer` from `generator` and zero bias.
    public init(
        inFeatures: Int, outFeatures: Int, initializer: Initializer = .glorotUniform,
        generator: inout SeededGenerator
    ) throws {
        guard inFeatures > 0, outFeatures > 0 else {
            throw NeuralNetError.invalidArgument(operation: "Dense", reason: "feature counts must be positive")
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(initializer.make(
            shape: [outFeatures, inFeatures], fanIn: inFeatures, fanOut: outFeatures, generator: &generator))
        bias = Parameter(Tensor(shape: [outFeatures]))
    }

    public var parameters: [NamedParameter] {
        [NamedParameter(name: "weight", parameter: weight), NamedParameter(name: "bias", parameter: bias)]
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        guard input.shape.count == 2, input.shape[1] == inFeatures, input.shape[0] > 0 else {
            throw NeuralNetError.shapeMismatch(operation: "Dense.forward", expected: "[N, \(inFeatures)]", found: input.shape)
        }
        let n = input.shape[0]
        var y = [Float](repeating: 0, count: n * outFeatures)
        for b in 0..<n { for o in 0..<outFeatures { y[b * outFeatures + o] = bias.value.scalars[o] } }
        sgemm(transA: false, transB: true, m: n, n: outFeatures, k: inFeatures, input.scalars, weight.value.scalars, beta: 1, &y)
        self.input = training ? input : nil
        return try Tensor(shape: [n, outFeatures], scalars: y)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let x = input else { throw NeuralNetError.backwardBeforeForward(layer: "Dense") }
        let n = x.shape[0]
        guard outputGradient.shape == [n, outFeatures] else {
            throw NeuralNetError.shapeMismatch(
                operation: "Dense.backward", expected: "\([n, outFeatures])", found: outputGradient.shape)
        }
        var dx = [Float](repeating: 0, count: n * inFeatures)
        let g = outputGradient.scalars
        sgemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: n, g, x.scalars, beta: 1, &weight.gradient.scalars)
        sgemm(transA: false, transB: false, m: n, n: inFeatures, k: outFeatures, g, weight.value.scalars, beta: 0, &dx)
        for b in 0..<n { for o in 0..<outFeatures { bias.gradient.scalars[o] += outputGradient.scalars[b * outFeatures + o] } }
        return try Tensor(shape: x.shape, scalars: dx)
    }
}
