// swift-tools-version: 6.0
// libFuzzer harness for NoduleKit's DICOM reader, kept out of the main package so a
// plain `swift build` never needs fuzzer flags. Run with scripts/fuzz/dicom.sh.
import Foundation
import PackageDescription

// A path dependency's identity is its folder name; take it from where this file lives.
let rootName = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "NoduleKitFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "DICOMFuzz", dependencies: [.product(name: "DICOM", package: rootName)]),
    ]
)
