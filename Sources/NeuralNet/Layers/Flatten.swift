/// [N, C, H, W] → [N, C·H·W] in PyTorch's order; backward restores the shape.
public final class Flatten: Layer {
    private var inputShape: [Int]?

    /// A flattener.
    public init() {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        guard input.shape.count >= 2 else {
            throw NeuralNetError.shapeMismatch(operation: "Flatten.forward", expected: "[N, ...]", found: input.shape)
        }
        inputShape = input.shape
        return try input.reshaped([input.shape[0], input.shape.dropFirst().reduce(1, *)])
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let shape = inputShape else { throw NeuralNetError.backwardBeforeForward(layer: "Flatten") }
        return try outputGradient.reshaped(shape)
    }
}
