import NeuralNet
import NoduleModels
import XCTest

/// The paper's networks against PyTorch. The oracle numbers were printed by
/// `.build-nn/torch-venv/bin/python scripts/nn/paper_models.py` (PyTorch 2.x), which builds
/// the same definitions with torch.nn; a state_dict name there is a parameter name here.
final class ArchitectureTests: XCTestCase {
    private func shapes(_ layer: Layer) -> [String] {
        layer.parameters.map { "\($0.name) \($0.parameter.value.shape)" }
    }

    func testPaperUNetMatchesPyTorchParametersAndLayers() throws {
        let unet = try UNetSegmenter(.init(inputChannels: 1, widthMultiplier: 1, seed: 1))
        XCTAssertEqual(unet.configuration.channels, [64, 128, 256, 512, 1024])
        XCTAssertEqual(unet.parameterCount, 15_323_585)  // PyTorch: unet(1, 64) parameters 15323585
        // PyTorch's state_dict, sorted as it prints it (module registration order).
        let l4 = "0.2.inner.1.2.inner.1.2.inner.1.3.inner"
        let pytorch = [
            "0.0.weight [64, 1, 3, 3]", "0.0.bias [64]",
            "0.2.inner.1.0.weight [128, 64, 3, 3]", "0.2.inner.1.0.bias [128]",
            "0.2.inner.1.2.inner.1.0.weight [256, 128, 3, 3]", "0.2.inner.1.2.inner.1.0.bias [256]",
            "0.2.inner.1.2.inner.1.2.inner.1.0.weight [512, 256, 3, 3]", "0.2.inner.1.2.inner.1.2.inner.1.0.bias [512]",
            "\(l4).1.0.weight [1024, 512, 3, 3]", "\(l4).1.0.bias [1024]",
            "\(l4).2.weight [1024, 512, 2, 2]", "\(l4).2.bias [512]",
            "0.2.inner.1.2.inner.1.2.inner.1.4.weight [512, 1024, 3, 3]", "0.2.inner.1.2.inner.1.2.inner.1.4.bias [512]",
            "0.2.inner.1.2.inner.1.2.inner.2.weight [512, 256, 2, 2]", "0.2.inner.1.2.inner.1.2.inner.2.bias [256]",
            "0.2.inner.1.2.inner.1.3.weight [256, 512, 3, 3]", "0.2.inner.1.2.inner.1.3.bias [256]",
            "0.2.inner.1.2.inner.2.weight [256, 128, 2, 2]", "0.2.inner.1.2.inner.2.bias [128]",
            "0.2.inner.1.3.weight [128, 256, 3, 3]", "0.2.inner.1.3.bias [128]",
            "0.2.inner.2.weight [128, 64, 2, 2]", "0.2.inner.2.bias [64]",
            "0.3.weight [64, 128, 3, 3]", "0.3.bias [64]",
            "1.weight [1, 64, 1, 1]", "1.bias [1]",
        ]
        XCTAssertEqual(shapes(unet.network), pytorch)

        let layers = LayerSummary.lines(unet.network)
        XCTAssertEqual(layers.filter { $0.hasPrefix("Conv2D") && $0.hasSuffix("3×3") }.count, 9)  // 5 encoder + 4 decoder
        XCTAssertEqual(layers.filter { $0.hasPrefix("ConvTranspose2D") }, [
            "ConvTranspose2D 1024→512 2×2", "ConvTranspose2D 512→256 2×2", "ConvTranspose2D 256→128 2×2", "ConvTranspose2D 128→64 2×2",
        ])
        XCTAssertEqual(layers.filter { $0 == "MaxPool2D 2×2" }.count, 4)
        XCTAssertEqual(layers.filter { $0 == "Concatenate" }.count, 4)
        XCTAssertEqual(layers.filter { $0 == "ReLU" }.count, 13)  // 9 convs + 4 up-convs
        // Dropout 0.5 right after the ReLUs of the last two encoder convs.
        XCTAssertEqual(Array(layers.prefix(20)).filter { $0.hasPrefix("Dropout") }, ["Dropout 0.5", "Dropout 0.5"])
        let encoder = layers.filter { $0.hasPrefix("Conv2D") }.prefix(5)
        XCTAssertEqual(Array(encoder), ["Conv2D 1→64 3×3", "Conv2D 64→128 3×3", "Conv2D 128→256 3×3", "Conv2D 256→512 3×3", "Conv2D 512→1024 3×3"])
        XCTAssertEqual(layers.last, "Conv2D 64→1 1×1")
    }

    func testNarrowUNetMatchesPyTorchCount() throws {
        let unet = try UNetSegmenter(.init(widthMultiplier: 0.125))
        XCTAssertEqual(unet.configuration.channels, [8, 16, 32, 64, 128])
        XCTAssertEqual(unet.parameterCount, 239_929)  // PyTorch: unet(1, 8)
    }

    func testEncoderClassifierMatchesPyTorch() throws {
        let classifier = try EncoderClassifier(.init(inputChannels: 2, imageSize: 64))
        XCTAssertEqual(classifier.parameterCount, 268_490)  // PyTorch: encoder_classifier(2, 64)
        XCTAssertEqual(shapes(classifier.network), [
            "0.weight [8, 2, 3, 3]", "0.bias [8]", "3.weight [16, 8, 3, 3]", "3.bias [16]",
            "6.weight [32, 16, 3, 3]", "6.bias [32]", "11.weight [128, 2048]", "11.bias [128]",
            "13.weight [2, 128]", "13.bias [2]",
        ])
        XCTAssertEqual(LayerSummary.lines(classifier.network), [
            "Conv2D 2→8 3×3", "ReLU", "MaxPool2D 2×2", "Conv2D 8→16 3×3", "ReLU", "MaxPool2D 2×2",
            "Conv2D 16→32 3×3", "ReLU", "Dropout 0.5", "MaxPool2D 2×2",
            "Flatten", "Dense 2048→128", "ReLU", "Dense 128→2",
        ])
    }

    func testBaselinesMatchPyTorchCounts() throws {
        let fc = try FullyConnectedClassifier(.init(inputChannels: 2, imageSize: 64))
        XCTAssertEqual(fc.parameterCount, 1_048_962)  // PyTorch: fully_connected_classifier(2, 64)
        XCTAssertEqual(shapes(fc.network), ["1.weight [128, 8192]", "1.bias [128]", "3.weight [2, 128]", "3.bias [2]"])
        let ed = try EncoderDecoderClassifier(.init(inputChannels: 2, imageSize: 64, widthMultiplier: 0.125))
        XCTAssertEqual(ed.parameterCount, 764_675)  // PyTorch: encoder_decoder_classifier(2, 64, 8)
        XCTAssertEqual(shapes(ed.network).suffix(4), ["4.weight [128, 4096]", "4.bias [128]", "6.weight [2, 128]", "6.bias [2]"])
    }

    func testSameSeedSameWeightsOtherSeedOther() throws {
        let a = try UNetSegmenter(.init(widthMultiplier: 0.0625, levels: 3, seed: 9))
        let b = try UNetSegmenter(.init(widthMultiplier: 0.0625, levels: 3, seed: 9))
        let c = try UNetSegmenter(.init(widthMultiplier: 0.0625, levels: 3, seed: 10))
        XCTAssertEqual(a.network.stateDictionary(), b.network.stateDictionary())
        XCTAssertNotEqual(a.network.stateDictionary(), c.network.stateDictionary())
    }
}
