import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit export MODEL --format onnx --output FILE.onnx`: a trained model for other runtimes.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model as an ONNX inference graph (onnxruntime, TensorRT, Triton).",
        discussion: """
            MODEL is a training run folder (its best.safetensors) or a .safetensors file with \
            model.json beside it. The segmenter's graph reads ct_slice [N, C, H, W] and writes \
            nodule_probability [N, 1, H, W]; a classifier's reads slice_pair [N, C, S, S] and writes \
            class_probabilities [N, 2]. Dropout is removed; the window and size of the training set \
            (dataset.json of the run folder, or --dataset) are kept as metadata_props.
            """)

    @Argument(help: "A training run folder or its .safetensors file.") var model: String
    @Option(help: "Output format (onnx).") var format = "onnx"
    @Option(help: "The file to write.") var output: String
    @Option(help: "A dataset folder whose dataset.json records the preprocessing (default: the run folder's).") var dataset: String?

    func validate() throws {
        guard format == "onnx" else { throw ValidationError("--format must be onnx") }
    }

    func run() throws {
        let sampler = try dataset.flatMap { folder -> SliceSampler? in
            guard let s = try SliceSampler.ofDataset(URL(fileURLWithPath: folder)) else {
                throw ValidationError("\(folder): no dataset.json")
            }
            return s
        }
        let onnx = try ONNXExport.checkpoint(URL(fileURLWithPath: model), preprocessing: sampler)
        let url = URL(fileURLWithPath: output)
        try onnx.write(to: url)
        let shape = { (v: ONNXValue) in "[" + v.shape.map(\.description).joined(separator: ", ") + "]" }
        print("\(url.path): ONNX opset \(ONNXModel.opset), \(onnx.operatorTypes.count) operators, \(onnx.weightCount) weights; "
              + "input \(onnx.input.name) \(shape(onnx.input)), output \(onnx.output.name) \(shape(onnx.output))")
        if let window = onnx.metadata["preprocessing.window_hu"], let size = onnx.metadata["preprocessing.size"] {
            print("preprocessing: window \(window) HU → 0…1, \(size)×\(size)")
        } else {
            print("preprocessing: not recorded (no dataset.json in the run folder; pass --dataset)")
        }
    }
}
