import NeuralNet

/// A readable list of a network's layers in execution order, for docs, logs and the
/// architecture tests: `Conv2D 1→64 3×3`, `ReLU`, `MaxPool2D 2×2`, `Concatenate`, ….
/// A `SkipConnection` appears as its inner layers followed by `Concatenate`.
public enum LayerSummary {
    /// One line per layer.
    public static func lines(_ layer: Layer) -> [String] {
        switch layer {
        case let s as Sequential: return s.layers.flatMap(lines)
        case let s as SkipConnection: return lines(s.inner) + ["Concatenate"]
        case let c as Conv2D: return ["Conv2D \(c.inChannels)→\(c.outChannels) \(c.kernelSize)×\(c.kernelSize)"]
        case let c as ConvTranspose2D: return ["ConvTranspose2D \(c.inChannels)→\(c.outChannels) 2×2"]
        case let d as Dense: return ["Dense \(d.inFeatures)→\(d.outFeatures)"]
        case let d as Dropout: return ["Dropout \(d.rate)"]
        case is MaxPool2D: return ["MaxPool2D 2×2"]
        default: return [String(describing: type(of: layer))]
        }
    }
}
