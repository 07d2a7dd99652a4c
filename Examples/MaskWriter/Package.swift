// swift-tools-version: 6.0
// A tiny program that uses NoduleKit as a library: read a LUNA16-style folder and write
// each scan's nodule mask. Built and run by `make test`, so the example in Docs never rots.
import PackageDescription

let package = Package(
    name: "MaskWriter",
    dependencies: [.package(name: "NoduleKit", path: "../..")],
    targets: [
        .executableTarget(name: "MaskWriter", dependencies: [.product(name: "NoduleKit", package: "NoduleKit")]),
    ]
)
