/// A trainable value and the gradient accumulated for it by `backward` passes.
public final class Parameter {
    /// The current value; optimizers write it.
    public var value: Tensor {
        didSet { version &+= 1 }  // no oldValue: in-place writes stay in place
    }
    /// Changes with every write to `value`, so layers can cache forms derived from it.
    private(set) var version = 0
    /// The sum of gradients since the last `zeroGradient()`.
    public var gradient: Tensor

    /// A parameter holding `value`, with a zero gradient of the same shape.
    public init(_ value: Tensor) {
        self.value = value
        self.gradient = Tensor(shape: value.shape)
    }

    /// Resets the accumulated gradient to zero.
    public func zeroGradient() {
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            guard let base = g.baseAddress else { return }
            parallelRanges(g.count) { range in (base + range.lowerBound).update(repeating: 0, count: range.count) }
        }
    }
}

/// A parameter with its dotted path in the model, e.g. `3.inner.0.weight` (PyTorch's naming).
public struct NamedParameter {
    /// The dotted path, unique within a model.
    public let name: String
    /// The parameter itself (shared by reference with its layer).
    public let parameter: Parameter

    /// Pairs a parameter with its path.
    public init(name: String, parameter: Parameter) {
        self.name = name
        self.parameter = parameter
    }
}

/// A differentiable step of a network with its forward and backward pass.
///
/// `forward(_:training: true)` keeps what `backward` needs; `backward` takes the gradient of
/// the loss with respect to the output, *adds* parameter gradients into `parameters` and
/// returns the gradient with respect to the input.
public protocol Layer: AnyObject {
    /// Computes the output; with `training` it caches inputs for `backward` and applies dropout.
    func forward(_ input: Tensor, training: Bool) throws -> Tensor
    /// Returns dLoss/dInput and accumulates dLoss/dParameter.
    func backward(_ outputGradient: Tensor) throws -> Tensor
    /// Accumulates dLoss/dParameter only, for a network whose input gradient nobody reads
    /// (a training step): layers may skip the input-gradient work, as PyTorch does for an
    /// input that does not require a gradient. By default it calls `backward`.
    func backwardParameters(_ outputGradient: Tensor) throws
    /// The trainable parameters, named relative to this layer.
    var parameters: [NamedParameter] { get }
}

extension Layer {
    /// Layers without weights have none.
    public var parameters: [NamedParameter] { [] }

    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backward(outputGradient)
    }

    /// Clears every parameter's accumulated gradient.
    public func zeroGradients() {
        for p in parameters { p.parameter.zeroGradient() }
    }

    /// The parameter values by name, e.g. to save a checkpoint.
    public func stateDictionary() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for p in parameters { out[p.name] = p.parameter.value }
        return out
    }

    /// Replaces every parameter value from `state`; throws, naming each difference, unless
    /// names and shapes match exactly.
    public func loadStateDictionary(_ state: [String: Tensor]) throws {
        let params = parameters
        let names = Set(params.map(\.name))
        let missing = params.map(\.name).filter { state[$0] == nil }
        let unexpected = state.keys.filter { !names.contains($0) }.sorted()
        let wrongShape = params.compactMap { p -> String? in
            guard let t = state[p.name], t.shape != p.parameter.value.shape else { return nil }
            return "\(p.name) model \(p.parameter.value.shape) vs checkpoint \(t.shape)"
        }
        guard missing.isEmpty, unexpected.isEmpty, wrongShape.isEmpty else {
            throw NeuralNetError.checkpointMismatch(missing: missing, unexpected: unexpected, wrongShape: wrongShape)
        }
        for p in params { if let t = state[p.name] { p.parameter.value = t } }
    }
}
