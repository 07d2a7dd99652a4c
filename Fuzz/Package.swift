// swift-tools-version: 6.0
// libFuzzer harnesses for NoduleKit's parsers, kept out of the main package so a plain
// `swift build` never needs fuzzer flags. Run with scripts/fuzz/run.sh (`make fuzz`).
import Foundation
import PackageDescription

// A path dependency's identity is its folder name; take it from where this file lives.
let rootName = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// One harness: an executable of its own (libFuzzer wants one entry point per binary).
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    let dependencies: [Target.Dependency] = ["FuzzSupport"] + products.map { .product(name: $0, package: rootName) }
    return .executableTarget(name: name, dependencies: dependencies)
}

let package = Package(
    name: "NoduleKitFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // The libFuzzer driver shim and a scratch folder for readers that take a URL.
        .target(name: "FuzzSupport"),
        fuzzTarget("DICOMFuzz", ["DICOM"]),
        fuzzTarget("MetaImageFuzz", ["ImageFormats", "ImagingCore"]),
        fuzzTarget("NIfTIFuzz", ["ImageFormats", "ImagingCore"]),
        fuzzTarget("NumPyFuzz", ["ImageFormats"]),
        fuzzTarget("AnnotationsCSVFuzz", ["Annotations", "NoduleModels"]),
        fuzzTarget("SafetensorsFuzz", ["NeuralNet"]),
        fuzzTarget("ModelJSONFuzz", ["NoduleModels", "NeuralNet"]),
    ]
)
