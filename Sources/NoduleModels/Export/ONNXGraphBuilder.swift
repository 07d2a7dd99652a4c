import NeuralNet

/// Walks a NeuralNet layer tree in execution order and emits the equivalent ONNX operators.
/// Weights become initializers named by their NeuralNet (= PyTorch `state_dict`) path, e.g.
/// `0.2.inner.1.0.weight`, so a file can be matched to its safetensors by name.
/// Dropout is the identity at inference and emits nothing.
struct ONNXGraphBuilder {
    private(set) var nodes: [ONNXNode] = []
    private(set) var initializers: [ONNXInitializer] = []
    private var counter = 0

    /// Emits `layer` applied to the value `input`; returns the name of its output value.
    /// Throws for a layer type ONNX export does not know.
    mutating func emit(_ layer: Layer, input: String, path: String = "") throws -> String {
        switch layer {
        case let s as Sequential:
            var x = input
            for (i, l) in s.layers.enumerated() { x = try emit(l, input: x, path: "\(path)\(i).") }
            return x
        case let s as SkipConnection:
            let inner = try emit(s.inner, input: input, path: "\(path)inner.")
            return node("Concat", [input, inner], [.int("axis", 1)])
        case let c as Conv2D:
            let pad = c.padding == .same ? c.kernelSize / 2 : 0
            return node("Conv", [input, weight(c.weight, path + "weight"), weight(c.bias, path + "bias")], [
                .ints("kernel_shape", [c.kernelSize, c.kernelSize]), .ints("pads", [pad, pad, pad, pad]),
                .ints("strides", [1, 1]), .ints("dilations", [1, 1]), .int("group", 1),
            ])
        case let c as ConvTranspose2D:
            return node("ConvTranspose", [input, weight(c.weight, path + "weight"), weight(c.bias, path + "bias")], [
                .ints("kernel_shape", [2, 2]), .ints("strides", [2, 2]), .ints("pads", [0, 0, 0, 0]),
            ])
        case let d as Dense:
            // y = x · Wᵀ + b with W [out, in]: Gemm with transB.
            return node("Gemm", [input, weight(d.weight, path + "weight"), weight(d.bias, path + "bias")], [.int("transB", 1)])
        case is MaxPool2D:
            return node("MaxPool", [input], [.ints("kernel_shape", [2, 2]), .ints("strides", [2, 2])])
        case is ReLU:
            return node("Relu", [input])
        case is Sigmoid:
            return node("Sigmoid", [input])
        case is Softmax:
            return node("Softmax", [input], [.int("axis", 1)])
        case is Flatten:
            return node("Flatten", [input], [.int("axis", 1)])
        case is Dropout:
            return input
        default:
            throw NoduleModelsError.invalidConfiguration(
                model: "ONNX export",
                reason: "layer \(path.isEmpty ? "(root)" : String(path.dropLast())) is a \(type(of: layer)), which has no ONNX form here")
        }
    }

    /// Appends an operator reading `inputs`; returns its one output's name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], _ attributes: [ONNXNode.Attribute] = [], output: String? = nil) -> String {
        counter += 1
        let name = "\(op)_\(counter)"
        let out = output ?? name + "_out"
        nodes.append(ONNXNode(opType: op, inputs: inputs, outputs: [out], name: name, attributes: attributes))
        return out
    }

    /// Renames the value the last operator writes (the graph output gets a documented name).
    mutating func renameLastOutput(to name: String) {
        guard let last = nodes.indices.last else { return }
        nodes[last].outputs = [name]
    }

    private mutating func weight(_ p: Parameter, _ name: String) -> String {
        initializers.append(ONNXInitializer(name: name, dims: p.value.shape, values: p.value.scalars))
        return name
    }
}
