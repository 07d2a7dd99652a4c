/// How a weight tensor is filled at construction. Fans follow PyTorch/Keras: for a conv
/// kernel, fanIn = inChannels·k·k and fanOut = outChannels·k·k.
public enum Initializer: Sendable {
    /// Normal with std sqrt(2 / fanIn) (He et al. 2015; Keras `he_normal` without truncation).
    case heNormal
    /// Uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010; the Keras default).
    case glorotUniform
    /// All zeros.
    case zeros

    /// A tensor of `shape` drawn from `generator`.
    public func make(shape: [Int], fanIn: Int, fanOut: Int, generator: inout SeededGenerator) -> Tensor {
        var t = Tensor(shape: shape)
        switch self {
        case .heNormal:
            let std = (2 / Float(max(1, fanIn))).squareRoot()
            for i in t.scalars.indices { t.scalars[i] = std * generator.nextNormal() }
        case .glorotUniform:
            let limit = (6 / Float(max(1, fanIn + fanOut))).squareRoot()
            for i in t.scalars.indices { t.scalars[i] = limit * (2 * generator.nextUniform() - 1) }
        case .zeros:
            break
        }
        return t
    }
}
