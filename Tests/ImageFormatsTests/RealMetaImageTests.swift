import Foundation
import ImagingCore
import TestSupport
import XCTest
@testable import ImageFormats

/// Every MetaImage in ../shared/testdata/metaimage (ITK's example data and MONAI's head
/// CT slices: 2-D, multi-channel, complex, ±30° TransformMatrix, .mha naming a .raw,
/// .zraw) reads to the voxels and geometry SimpleITK reads.
final class RealMetaImageTests: XCTestCase {
    private func realFiles() throws -> [URL] {
        let folder = try TestEnvironment.sharedFile("metaimage")
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        let files = (enumerator?.compactMap { $0 as? URL } ?? [])
            .filter { ["mhd", "mha"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        return files
    }

    func testEverySharedMetaImageMatchesSimpleITK() throws {
        let files = try realFiles()
        XCTAssertEqual(files.count, 12)
        let out = try TestEnvironment.temporaryDirectory(self)
        let references = try PythonOracle.json("sitk_describe.py", [out.path] + files.map(\.path), as: [OracleImage].self)
        XCTAssertEqual(references.count, files.count)
        for reference in references {
            let url = URL(fileURLWithPath: reference.file)
            if let refusal = reference.error {
                XCTAssertThrowsError(try ImageFile.read(url), "SimpleITK refuses \(reference.name): \(refusal)") { error in
                    XCTAssertTrue(error is ImageFormatError)
                }
                continue
            }
            try assertMatchesOracle(try ImageFile.read(url), reference)
        }
    }

    func testSampleDataScansMatchSimpleITK() throws {
        let folder = TestEnvironment.repositoryRoot.appendingPathComponent("SampleData").resolvingSymlinksInPath()
        let files = ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "mhd" }.sorted { $0.path < $1.path }
        try XCTSkipIf(files.isEmpty, "no SampleData/*.mhd")
        let out = try TestEnvironment.temporaryDirectory(self)
        let references = try PythonOracle.json("sitk_describe.py", [out.path] + files.map(\.path), as: [OracleImage].self)
        for reference in references {
            XCTAssertNil(reference.error, reference.name)
            try assertMatchesOracle(try ImageFile.read(URL(fileURLWithPath: reference.file)), reference)
        }
    }

    func testRotatedITKExampleHasTheMinus30DegreeDirection() throws {
        let url = try TestEnvironment.sharedFile("metaimage/itk-examples/BrainProtonDensitySliceBorder20DirectionMinus30.mhd")
        let volume = try ImageFile.read(url)
        // TransformMatrix = 0.8660254 -0.5 0.5 0.8660254, listed column by column.
        let d = volume.geometry.direction
        XCTAssertEqual(d[0, 0], 0.8660254, accuracy: 1e-12)
        XCTAssertEqual(d[1, 0], -0.5, accuracy: 1e-12)
        XCTAssertEqual(d[0, 1], 0.5, accuracy: 1e-12)
        XCTAssertEqual(d[2, 2], 1)
        XCTAssertEqual(volume.geometry.size, GridSize(221, 257, 1))
        XCTAssertEqual(volume.voxelType, .uint8)
    }

    func testMultiChannelAndComplexFilesKeepTheirChannels() throws {
        let memberships = try ImageFile.read(TestEnvironment.sharedFile("metaimage/itk-examples/BayesianClassifierInitializerMemberships.mhd"))
        XCTAssertEqual(memberships.channelCount, 4)
        XCTAssertEqual(memberships.voxelType, .float32)
        let complex = try ImageFile.read(TestEnvironment.sharedFile("metaimage/itk-examples/itkBrainSliceComplex.mha"))
        XCTAssertEqual(complex.channelCount, 2)
        XCTAssertEqual(complex.geometry.size, GridSize(181, 217, 1))
    }
}
