/// The one error type of `NeuralNet`: every case says which operation failed and what it found.
public enum NeuralNetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor reached an operation with a shape it cannot take.
    case shapeMismatch(operation: String, expected: String, found: [Int])
    /// A layer or function was configured with a value outside its domain.
    case invalidArgument(operation: String, reason: String)
    /// `backward` was called on a layer before a training `forward` stored what it needs.
    case backwardBeforeForward(layer: String)
    /// A checkpoint's tensors do not match the model's parameters.
    case checkpointMismatch(missing: [String], unexpected: [String], wrongShape: [String])
    /// A safetensors file is malformed.
    case checkpointFormat(file: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, found):
            return "\(operation): expected a tensor of shape \(expected), found \(found)"
        case let .invalidArgument(operation, reason):
            return "\(operation): \(reason)"
        case let .backwardBeforeForward(layer):
            return "\(layer).backward: called before a forward pass with training: true"
        case let .checkpointMismatch(missing, unexpected, wrongShape):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing from the checkpoint: \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("not in the model: \(unexpected.joined(separator: ", "))") }
            if !wrongShape.isEmpty { parts.append("shape differs: \(wrongShape.joined(separator: "; "))") }
            return "checkpoint does not match the model: " + parts.joined(separator: "; ")
        case let .checkpointFormat(file, reason):
            return "\(file): not a readable safetensors file: \(reason)"
        }
    }
}
