import Foundation
import XCTest
import Annotations
import ImageFormats
import ImagingCore
import TestSupport

/// Real LIDC-IDRI nodules as phantom lesions: the pool read from the readers' XML, dealt
/// once each, drawn with their consensus shape and their ratings' density, and their true
/// masks used as the segmenter's targets.
final class LidcLesionTests: XCTestCase {
    /// The 30 oracle scans of `make test-data` (the phantoms' pool is the larger lidc-lesions).
    static let pool = Result { try LidcLesionPool.load(from: try TestEnvironment.downloadedFile("lidc-xml")) }

    func testThePoolKeepsLabelledNodulesOfNoduleSizeAndPartsShareNoPatient() throws {
        let pool = try Self.pool.get()
        XCTAssertFalse(pool.lesions(.benign).isEmpty)
        XCTAssertFalse(pool.lesions(.malignant).isEmpty)
        for lesion in pool.lesions {
            XCTAssertTrue(lesion.label == .benign || lesion.label == .malignant, "\(lesion.patient) \(lesion.nodule)")
            XCTAssertTrue((3...30).contains(lesion.equivalentDiameterMM), "\(lesion.equivalentDiameterMM) mm")
            XCTAssertGreaterThanOrEqual(lesion.readerCount, 2)
            let m = try XCTUnwrap(lesion.medianRatings[8])
            XCTAssertTrue(m <= 2 || m >= 4, "median malignancy 3 is left out")
        }
        // The shape is the consensus mask: its volume is the nodule's.
        let grid = try LidcScanGrid.read(try TestEnvironment.downloadedFile("lidc-xml/\(pool.lesions[0].patient).grid.json"))
        let message = try LidcXMLReader.read(try TestEnvironment.downloadedFile("lidc-xml/\(pool.lesions[0].patient).xml"))
        let scan = try LidcNoduleBuilder(clusterTolerance: grid.sliceThickness).nodules(in: message, geometry: try grid.geometry())
        let nodule = try XCTUnwrap(scan.nodules.first { $0.label == pool.lesions[0].nodule })
        XCTAssertEqual(pool.lesions[0].shape.volumeMM3, nodule.volumeMM3, accuracy: 1e-6)
        XCTAssertEqual(pool.lesions[0].shape.voxelCount, nodule.consensus.count)

        let a = pool.part(try Shard(parsing: "0/2")), b = pool.part(try Shard(parsing: "1/2"))
        XCTAssertTrue(Set(a.lesions.map(\.patient)).isDisjoint(with: b.lesions.map(\.patient)))
        XCTAssertEqual(a.lesions.count + b.lesions.count, pool.lesions.count)
    }

    func testDealingGivesEachNoduleOnceAndOfThePatientsLabel() throws {
        let pool = try Self.pool.get()
        let kinds: [LesionKind?] = [.benign, .malignant, nil, .benign]
        let dealt = try pool.deal(to: kinds, perPatient: 1, seed: 3)
        let ids = dealt.flatMap { $0 }.map { "\($0.patient)#\($0.nodule)" }
        XCTAssertEqual(Set(ids).count, ids.count, "no nodule twice")
        XCTAssertEqual(dealt[0][0].label, .benign)
        XCTAssertEqual(dealt[1][0].label, .malignant)
        XCTAssertEqual(dealt[3][0].label, .benign)
        XCTAssertEqual(try pool.deal(to: kinds, perPatient: 1, seed: 3), dealt, "seeded")
        let tooMany = Array(repeating: LesionKind?.some(.malignant), count: pool.lesions(.malignant).count + 1)
        XCTAssertThrowsError(try pool.deal(to: tooMany, perPatient: 1, seed: 3)) { error in
            XCTAssertTrue("\(error)".contains("lidc-xml") && "\(error)".contains("malignant"), "\(error)")
        }
    }

    func testMixedPatientsCarryABenignNoduleBesideTheirMalignantOne() throws {
        let pool = try Self.pool.get()
        let kinds: [LesionKind?] = [.malignant, .benign, .malignant, .malignant]
        let mixed = try pool.deal(to: kinds, perPatient: 3, seed: 5, mixedFraction: 1)
        for n in [0, 2, 3] {
            // The first nodule keeps the patient's label; every later one is benign at fraction 1.
            XCTAssertEqual(mixed[n].map(\.label), [.malignant, .benign, .benign], "patient \(n)")
        }
        XCTAssertEqual(mixed[1].map(\.label), [.benign, .benign, .benign], "a benign patient stays benign")
        let ids = mixed.flatMap { $0 }.map { "\($0.patient)#\($0.nodule)" }
        XCTAssertEqual(Set(ids).count, ids.count, "no nodule twice")
        let pure = try pool.deal(to: kinds, perPatient: 3, seed: 5)
        XCTAssertEqual(pure, try pool.deal(to: kinds, perPatient: 3, seed: 5, mixedFraction: 0), "fraction 0 is the old dealing")
        for n in [0, 2, 3] { XCTAssertEqual(Set(pure[n].map(\.label)), [.malignant]) }
        // A fraction between: seeded, and some malignant patients mixed, some not.
        let many = Array(repeating: LesionKind?.some(.malignant), count: 6)
        let half = try pool.deal(to: many, perPatient: 2, seed: 9, mixedFraction: 0.5)
        XCTAssertEqual(half, try pool.deal(to: many, perPatient: 2, seed: 9, mixedFraction: 0.5))
        let mixedCount = half.filter { $0.contains { $0.label == .benign } }.count
        XCTAssertGreaterThan(mixedCount, 0)
        XCTAssertLessThan(mixedCount, 6)
    }

    func testDensityFollowsCalcificationThenTexture() {
        XCTAssertEqual(LesionDensity(texture: 5, calcification: 6), .solid)
        XCTAssertEqual(LesionDensity(texture: 1, calcification: 6), .groundGlass)
        XCTAssertEqual(LesionDensity(texture: 2, calcification: nil), .groundGlass)
        XCTAssertEqual(LesionDensity(texture: 3, calcification: 6), .partSolid)
        XCTAssertEqual(LesionDensity(texture: 3.5, calcification: 6), .partSolid)
        XCTAssertEqual(LesionDensity(texture: 4, calcification: 6), .solid)
        XCTAssertEqual(LesionDensity(texture: 5, calcification: 3), .calcified)
        XCTAssertEqual(LesionDensity(texture: 1, calcification: 5), .calcifiedCore)
        XCTAssertEqual(LesionDensity(texture: nil, calcification: nil), .solid)
    }

    func testARealNoduleIsDrawnInTheLungWithItsVolumeDensityAndTrueMask() throws {
        let pool = try Self.pool.get()
        // The largest solid and the largest ground-glass nodule, when the pool has them.
        var chosen: [LidcLesion] = []
        for density in [LesionDensity.solid, .groundGlass, .partSolid, .calcified, .calcifiedCore] {
            if let l = pool.lesions.filter({ $0.density == density }).max(by: { $0.equivalentDiameterMM < $1.equivalentDiameterMM }) {
                chosen.append(l)
            }
        }
        XCTAssertGreaterThanOrEqual(chosen.count, 2)
        var spec = PhantomSpec(size: GridSize(160, 160, 48), spacing: Vector3(1.25, 1.25, 2.5), seed: 5, anatomy: .chest)
        spec.lidcLesions = Array(chosen.prefix(3))
        let phantom = try ChestPhantom(spec)
        let volume = phantom.render(), mask = phantom.lesionMask()
        XCTAssertEqual(phantom.nodules.count, spec.lidcLesions.count)
        let voxelMM3 = 1.25 * 1.25 * 2.5
        for (n, lesion) in spec.lidcLesions.enumerated() {
            XCTAssertEqual(try XCTUnwrap(phantom.nodules[n].diameterMM), lesion.equivalentDiameterMM, accuracy: 1e-9)
            let values = zip(volume.voxels, mask.voxels).filter { Int($0.1) == n + 1 }.map { Double($0.0) }.sorted()
            let drawn = Double(values.count) * voxelMM3
            XCTAssertEqual(drawn, lesion.shape.volumeMM3, accuracy: lesion.shape.volumeMM3 * 0.3 + 2 * voxelMM3,
                           "\(lesion.patient) nodule \(lesion.nodule): drawn \(drawn) mm³ of \(lesion.shape.volumeMM3)")
            let median = values[values.count / 2], top = values.last ?? 0
            switch lesion.density {
            case .solid: XCTAssertGreaterThan(median, -250, "solid")
            case .groundGlass: XCTAssertTrue((-750 ... -200).contains(median), "ground glass median \(median)")
            case .partSolid: XCTAssertGreaterThan(top, -150, "a solid core")
            case .calcified, .calcifiedCore: XCTAssertGreaterThan(top, 200, "calcified")
            }
            // The annotation's centre lies in its own lesion.
            let c = phantom.geometry.worldToContinuousIndex(phantom.nodules[n].center)
            let v = VoxelIndex(Int(c.x.rounded()), Int(c.y.rounded()), Int(c.z.rounded()))
            XCTAssertEqual(Int(mask[v]), n + 1)
        }
    }

    func testASegmentationSetTakesItsMasksFromGivenMasksOnTheScansGrid() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let scans = root.appendingPathComponent("scans")
        let spec = PhantomSpec(size: GridSize(64, 64, 24), spacing: Vector3(1.4, 1.4, 2.5), noduleCount: 2, seed: 52,
                               lesionKind: .malignant)
        let nodules = try PhantomSet.write([spec], to: scans, truthMasks: true)
        let uid = try ChestPhantom(spec).seriesUID
        var options = SegmentationDatasetOptions()
        options.size = 32
        func build(_ name: String, masks: URL?) throws -> (SegmentationDatasetBuilder, SegmentationDatasetBuilder.Summary) {
            var o = options
            o.maskFolder = masks
            let b = SegmentationDatasetBuilder(annotations: nodules, imagesFolder: scans,
                                               outputFolder: root.appendingPathComponent(name), options: o)
            return (b, try b.run())
        }
        let (spheres, s1) = try build("spheres", masks: nil)
        let (truth, s2) = try build("truth", masks: scans)
        XCTAssertEqual(s1.processed, [uid])
        XCTAssertEqual(s2.processed, [uid], "\(s2.failures)")
        // The same slices; the masks are the lesions' true shapes (spicules, lobules), not spheres.
        XCTAssertEqual(s1.slices.map(\.slice), s2.slices.map(\.slice))
        let a = try NumPyArray<UInt8>(contentsOf: spheres.files(seriesUID: uid).masks).values
        let b = try NumPyArray<UInt8>(contentsOf: truth.files(seriesUID: uid).masks).values
        XCTAssertNotEqual(a, b)
        XCTAssertGreaterThan(b.filter { $0 != 0 }.count, 0)
        // A mask on another grid is refused, naming the file.
        let other = root.appendingPathComponent("other")
        var small = spec
        small.size = GridSize(60, 64, 24)
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try ImageFile.write(try ChestPhantom(small).lesionMask(), to: other.appendingPathComponent("\(uid)_mask.mhd"))
        let (_, s3) = try build("wrong", masks: other)
        XCTAssertEqual(s3.processed, [])
        XCTAssertTrue(s3.failures.first?.message.contains("\(uid)_mask.mhd") ?? false, "\(s3.failures)")
    }

    func testABrokenGridFileIsAnErrorNamingIt() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let url = root.appendingPathComponent("LIDC-X.grid.json")
        try Data(#"{"patient":"P","series":"1.2","columns":512,"rows":512,"pixel_spacing":0.7,"slice_thickness":2.5,"slice_zvals":[-10,-12]}"#.utf8).write(to: url)
        XCTAssertThrowsError(try LidcScanGrid.read(url)) { XCTAssertTrue("\($0)".contains("LIDC-X.grid.json") && "\($0)".contains("increasing"), "\($0)") }
        try Data("{".utf8).write(to: url)
        XCTAssertThrowsError(try LidcScanGrid.read(url)) { XCTAssertTrue("\($0)".contains("LIDC-X.grid.json"), "\($0)") }
    }
}
