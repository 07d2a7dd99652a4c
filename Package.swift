// swift-tools-version: 6.0
// NoduleKit — a DICOM-native medical imaging toolkit. Targets and the arrows between
// them follow ../shared/DESIGN.md: a target may import only the targets above it there.
import PackageDescription

let package = Package(
    name: "NoduleKit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nodulekit", targets: ["nodulekit"]),
        .library(name: "NoduleKit", targets: ["NoduleKit"]),
        .library(name: "ImagingCore", targets: ["ImagingCore"]),
        .library(name: "ImageFormats", targets: ["ImageFormats"]),
        .library(name: "Annotations", targets: ["Annotations"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "NoduleModels", targets: ["NoduleModels"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "DICOM", targets: ["DICOM"]),
        .library(name: "DICOMNetwork", targets: ["DICOMNetwork"]),
        .library(name: "MPICollectives", targets: ["MPICollectives"]),
        .library(name: "Registration", targets: ["Registration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries from Debian (zlib1g-dev, libdeflate-dev, libopenblas-dev, libdnnl-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // oneDNN (libdnnl-dev), NeuralNet's convolution backend; Debian ships no dnnl.pc, so
        // the module map links it by name.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        .target(name: "ImagingCore"),
        .target(name: "ImageFormats", dependencies: ["ImagingCore", "CZlib", "CLibDeflate"]),
        .target(name: "Annotations", dependencies: ["ImagingCore", "ImageFormats"]),
        .target(name: "NeuralNet", dependencies: ["COpenBLAS", "CDNNL"]),
        .target(name: "NoduleModels", dependencies: ["NeuralNet", "ImagingCore", "ImageFormats", "Annotations"]),
        .target(name: "Reports", dependencies: ["ImagingCore", "ImageFormats"]),

        // Open MPI (Debian's libopenmpi-dev) behind NoduleModels' Collectives protocol, for
        // data-parallel training. Only the CLI links it: library users of NoduleKit never need MPI.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "MPICollectives", dependencies: ["CMPI", "NoduleModels"]),

        // DICOM: the C++ bridge over DCMTK and GDCM (Debian's libdcmtk-dev, libgdcm-dev; no
        // pkg-config: dcmtk.pc needs sndfile.pc and GDCM ships none), and the Swift API.
        .target(name: "CDICOMBridge", linkerSettings: [
            .linkedLibrary("dcmjpeg"), .linkedLibrary("ijg8"), .linkedLibrary("ijg12"), .linkedLibrary("ijg16"),
            .linkedLibrary("dcmimgle"), .linkedLibrary("dcmtls"), .linkedLibrary("dcmnet"), .linkedLibrary("dcmdata"), .linkedLibrary("oflog"), .linkedLibrary("ofstd"),
            .linkedLibrary("gdcmMSFF"), .linkedLibrary("gdcmDSED"), .linkedLibrary("gdcmIOD"),
            .linkedLibrary("gdcmDICT"), .linkedLibrary("gdcmCommon"), .linkedLibrary("stdc++"),
        ]),
        .target(name: "DICOM", dependencies: ["ImagingCore", "CDICOMBridge"]),
        // DICOMNetwork: C-ECHO/FIND/MOVE/GET/STORE as SCU and a storage SCP over dcmnet.
        .target(name: "DICOMNetwork", dependencies: ["DICOM", "ImagingCore", "CDICOMBridge"]),

        // PET/CT: rigid transforms and ITK .tfm files, resampling through a transform, Mattes MI registration.
        .target(name: "Registration", dependencies: ["ImagingCore"]),

        // Umbrella: one dependency and one import for PACS tooling.
        .target(name: "NoduleKit", dependencies: ["ImagingCore", "ImageFormats", "Annotations", "DICOM", "DICOMNetwork", "NeuralNet", "NoduleModels", "Reports", "Registration"]),
        .executableTarget(name: "nodulekit", dependencies: [
            "NoduleKit", "MPICollectives",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (`make bench`), never run by tests.
        .executableTarget(name: "imaging-bench", dependencies: ["NoduleKit"], path: "Benchmarks/ImagingBench"),
        .executableTarget(name: "nn-bench", dependencies: ["NeuralNet", "NoduleModels", "CFMAPeak"], path: "Benchmarks/NeuralNetBench"),
        .target(name: "CFMAPeak", path: "Benchmarks/CFMAPeak"),
        .executableTarget(name: "registration-bench", dependencies: ["Registration", "ImageFormats"], path: "Benchmarks/RegistrationBench"),
        .executableTarget(name: "dicom-bench", dependencies: ["DICOM"], path: "Benchmarks/DICOMBench"),
        .executableTarget(name: "lidc-bench", dependencies: ["Annotations"], path: "Benchmarks/LIDCBench"),

        // Shared test helpers: real-data paths, the Python oracle runner.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ImagingCoreTests", dependencies: ["ImagingCore", "TestSupport"]),
        .testTarget(name: "DICOMTests", dependencies: ["DICOM", "TestSupport"]),
        .testTarget(name: "DICOMNetworkTests", dependencies: ["DICOMNetwork", "DICOM", "ImagingCore", "TestSupport"]),
        .testTarget(name: "ImageFormatsTests", dependencies: ["ImageFormats", "TestSupport"]),
        .testTarget(name: "AnnotationsTests", dependencies: ["Annotations", "ImageFormats", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["ImagingCore", "ImageFormats", "Annotations", "NeuralNet", "NoduleModels", "Registration", "TestSupport"]),
        .testTarget(name: "NoduleModelsTests", dependencies: ["NoduleModels", "ImagingCore", "NeuralNet", "Annotations", "ImageFormats", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "NoduleModels", "TestSupport"]),
        .testTarget(name: "RegistrationTests", dependencies: ["Registration", "ImagingCore", "ImageFormats", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"], resources: [.copy("Fixtures")]),
    ]
)
