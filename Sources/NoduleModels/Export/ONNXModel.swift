import Foundation
import ImagingCore

/// One extent of a graph input or output: a number, or a name the runtime binds (`N`, `H`, `W`).
public enum ONNXDimension: Sendable, Equatable, CustomStringConvertible {
    case fixed(Int)
    case symbolic(String)

    public var description: String {
        switch self {
        case let .fixed(n): return String(n)
        case let .symbolic(s): return s
        }
    }
}

/// A named Float32 tensor of the graph's signature.
public struct ONNXValue: Sendable, Equatable {
    /// The name a runtime binds it by (`session.run(None, {name: array})`).
    public var name: String
    /// Its shape, outermost first.
    public var shape: [ONNXDimension]
}

/// An operator of the graph.
struct ONNXNode: Sendable {
    /// An operator attribute; only the kinds our layers need.
    enum Attribute: Sendable {
        case int(String, Int)
        case ints(String, [Int])
    }

    var opType: String
    var inputs: [String]
    var outputs: [String]
    var name: String
    var attributes: [Attribute] = []
}

/// A weight stored in the file (`TensorProto` with `raw_data`).
struct ONNXInitializer: Sendable {
    var name: String
    var dims: [Int]
    var values: [Float]
}

/// An inference graph in ONNX form (opset `ONNXModel.opset`), ready to be written as a `.onnx`
/// file. The field numbers below are those of onnx/onnx.proto (ModelProto, GraphProto,
/// NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto, StringStringEntryProto).
public struct ONNXModel: Sendable {
    /// The operator set written (13: Softmax on one axis, as our layers compute it).
    public static let opset = 13
    /// IR version 7 is the one that goes with opset 13.
    static let irVersion = 7

    /// The graph input.
    public var input: ONNXValue
    /// The graph output.
    public var output: ONNXValue
    /// Key–value pairs written as `metadata_props` (preprocessing, model configuration).
    public var metadata: [String: String]
    /// The graph's name.
    public var graphName: String
    var nodes: [ONNXNode]
    var initializers: [ONNXInitializer]

    /// Operator types in graph order, e.g. for a summary.
    public var operatorTypes: [String] { nodes.map(\.opType) }
    /// Number of weight scalars stored.
    public var weightCount: Int { initializers.reduce(0) { $0 + $1.values.count } }

    /// The file's bytes (a serialized `ModelProto`).
    public func serialized() -> Data {
        var m = ProtobufWriter()
        m.int(1, Self.irVersion)                               // ir_version
        m.string(2, "NoduleKit")                               // producer_name
        m.string(3, "0.1.0")                                   // producer_version
        m.string(4, "org.nodulekit")                           // domain
        m.int(5, 1)                                            // model_version
        m.message(7) { g in writeGraph(&g) }                   // graph
        m.message(8) { o in o.string(1, ""); o.int(2, Self.opset) }  // opset_import (default domain)
        for key in metadata.keys.sorted() {                    // metadata_props
            m.message(14) { e in e.string(1, key); e.string(2, metadata[key] ?? "") }
        }
        return Data(m.bytes)
    }

    /// Writes the model to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(serialized(), to: url)
    }

    private func writeGraph(_ g: inout ProtobufWriter) {
        for node in nodes {
            g.message(1) { n in                                // node
                for i in node.inputs { n.string(1, i) }
                for o in node.outputs { n.string(2, o) }
                n.string(3, node.name)
                n.string(4, node.opType)
                for a in node.attributes { n.message(5) { Self.writeAttribute(a, &$0) } }
            }
        }
        g.string(2, graphName)                                 // name
        for t in initializers {
            g.message(5) { p in                                // initializer (TensorProto)
                p.packedInts(1, t.dims)                        // dims
                p.int(2, 1)                                    // data_type FLOAT
                p.string(8, t.name)                            // name
                p.bytes(9, ProtobufWriter.littleEndianBytes(t.values))  // raw_data
            }
        }
        g.message(11) { Self.writeValueInfo(input, &$0) }      // input
        g.message(12) { Self.writeValueInfo(output, &$0) }     // output
    }

    private static func writeAttribute(_ attribute: ONNXNode.Attribute, _ a: inout ProtobufWriter) {
        switch attribute {
        case let .int(name, value):
            a.string(1, name)
            a.int(3, value)                                    // i
            a.int(20, 2)                                       // type INT
        case let .ints(name, values):
            a.string(1, name)
            a.packedInts(8, values)                            // ints
            a.int(20, 7)                                       // type INTS
        }
    }

    private static func writeValueInfo(_ value: ONNXValue, _ v: inout ProtobufWriter) {
        v.string(1, value.name)
        v.message(2) { type in                                 // TypeProto
            type.message(1) { tensor in                        // tensor_type
                tensor.int(1, 1)                               // elem_type FLOAT
                tensor.message(2) { shape in                   // TensorShapeProto
                    for d in value.shape {
                        shape.message(1) { dim in
                            switch d {
                            case let .fixed(n): dim.int(1, n)  // dim_value
                            case let .symbolic(s): dim.string(2, s)  // dim_param
                            }
                        }
                    }
                }
            }
        }
    }
}
