import Foundation
import XCTest
import Annotations
import ImagingCore
import TestSupport

final class LUNA16CSVTests: XCTestCase {
    func testOfficialAnnotationsParseCompletely() throws {
        let url = try TestEnvironment.sharedFile("luna16/annotations.csv")
        let nodules = try LUNA16CSV.readAnnotations(url)
        XCTAssertEqual(nodules.count, 1186)
        XCTAssertEqual(Set(nodules.map(\.seriesUID)).count, 601)
        XCTAssertTrue(nodules.allSatisfy { ($0.diameterMM ?? 0) > 0 })
        // The first data row as printed in the file, at line 2.
        let first = try XCTUnwrap(nodules.first)
        XCTAssertEqual(first.line, 2)
        XCTAssertEqual(first.seriesUID, "1.3.6.1.4.1.14519.5.2.1.6279.6001.100225287222365663678666836860")
        XCTAssertEqual(first.center.x, -128.6994211, accuracy: 1e-9)
        XCTAssertEqual(first.diameterMM ?? 0, 5.651470635, accuracy: 1e-9)
    }

    func testExcludedAnnotationsParseWithUnknownDiameters() throws {
        let url = try TestEnvironment.sharedFile("luna16/annotations_excluded.csv")
        let findings = try LUNA16CSV.readAnnotations(url)
        XCTAssertEqual(findings.count, 35192)
        XCTAssertGreaterThan(findings.filter { $0.diameterMM == nil }.count, 0)
    }

    func testExtraColumnsAreIgnored() throws {
        let url = try TestEnvironment.sharedFile("luna16/annotations_with_malignancy.csv")
        XCTAssertEqual(try LUNA16CSV.readAnnotations(url).count, 1182)
    }

    func testCRLFBlankLinesAndQuotesAreTolerated() throws {
        let text = "seriesuid,coordX,coordY,coordZ,diameter_mm\r\n\r\n\"1.2.3\", -1.5 ,2,3,4\r\n\r\n1.2.4,5,6,7,8"
        let rows = try LUNA16CSV.readAnnotations(text: text, source: "t.csv")
        XCTAssertEqual(rows.map(\.seriesUID), ["1.2.3", "1.2.4"])
        XCTAssertEqual(rows.map(\.line), [3, 5])
        XCTAssertEqual(rows[0].center, Vector3(-1.5, 2, 3))
    }

    func testNonNumericCoordinateNamesLineAndColumn() {
        let text = "seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2.3,1,2,3,4\n1.2.3,1,abc,3,4\n"
        XCTAssertThrowsError(try LUNA16CSV.readAnnotations(text: text, source: "a.csv")) { error in
            XCTAssertEqual(error as? AnnotationError,
                           .badField(file: "a.csv", line: 3, column: "coordY", value: "abc", expected: "a finite number"))
            XCTAssertTrue("\(error)".contains("a.csv: line 3, column 'coordY'"))
        }
    }

    func testShortRowIsAnError() {
        let text = "seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2.3,1,2,3\n"
        XCTAssertThrowsError(try LUNA16CSV.readAnnotations(text: text, source: "a.csv")) { error in
            XCTAssertEqual(error as? AnnotationError, .wrongFieldCount(file: "a.csv", line: 2, expected: 5, found: 4))
        }
    }

    func testMissingColumnIsAnError() {
        XCTAssertThrowsError(try LUNA16CSV.readAnnotations(text: "seriesuid,coordX,coordY,coordZ\n", source: "a.csv")) { error in
            guard case .missingColumn(_, "diameter_mm", _)? = error as? AnnotationError else { return XCTFail("\(error)") }
        }
    }

    func testNegativeDiameterOtherThanUnknownIsAnError() {
        let text = "seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2.3,1,2,3,-4\n"
        XCTAssertThrowsError(try LUNA16CSV.readAnnotations(text: text, source: "a.csv")) { error in
            guard case .badField(_, 2, "diameter_mm", "-4", _)? = error as? AnnotationError else { return XCTFail("\(error)") }
        }
    }

    func testUnterminatedQuoteIsAnError() {
        let text = "seriesuid,coordX,coordY,coordZ,diameter_mm\n\"1.2.3,1,2,3,4\n"
        XCTAssertThrowsError(try LUNA16CSV.readAnnotations(text: text, source: "a.csv")) { error in
            XCTAssertEqual(error as? AnnotationError, .unterminatedQuote(file: "a.csv", line: 2))
        }
    }

    func testPathLikeSeriesUIDIsRejected() {
        let text = "seriesuid,coordX,coordY,coordZ,diameter_mm\n../../etc/x,1,2,3,4\n"
        XCTAssertThrowsError(try LUNA16CSV.readAnnotations(text: text, source: "a.csv")) { error in
            guard case .badField(_, 2, "seriesuid", _, _)? = error as? AnnotationError else { return XCTFail("\(error)") }
        }
    }

    func testAnnotationsAndCandidatesRoundTrip() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let nodules = [NoduleAnnotation(seriesUID: "1.2", center: Vector3(-128.6994211, 0.1, 1e-7), diameterMM: 5.651470635),
                       NoduleAnnotation(seriesUID: "1.3", center: Vector3(1, 2, 3), diameterMM: nil)]
        let url = folder.appendingPathComponent("a.csv")
        try LUNA16CSV.writeAnnotations(nodules, to: url)
        let back = try LUNA16CSV.readAnnotations(url)
        XCTAssertEqual(back.map(\.center), nodules.map(\.center))
        XCTAssertEqual(back.map(\.diameterMM), nodules.map(\.diameterMM))
        let candidates = [NoduleCandidate(seriesUID: "1.2", center: Vector3(1, 2, 3), label: 1),
                          NoduleCandidate(seriesUID: "1.2", center: Vector3(4, 5, 6), label: 0)]
        let curl = folder.appendingPathComponent("c.csv")
        try LUNA16CSV.writeCandidates(candidates, to: curl)
        XCTAssertEqual(try LUNA16CSV.readCandidates(curl).map(\.label), [1, 0])
    }

    func testCandidateClassMustBeZeroOrOne() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let url = folder.appendingPathComponent("c.csv")
        try Data("seriesuid,coordX,coordY,coordZ,class\n1.2,1,2,3,2\n".utf8).write(to: url)
        XCTAssertThrowsError(try LUNA16CSV.readCandidates(url)) { error in
            guard case .badField(_, 2, "class", "2", _)? = error as? AnnotationError else { return XCTFail("\(error)") }
        }
    }

    func testShardParsing() throws {
        XCTAssertEqual(try Shard(parsing: "2/5").select(Array(0..<12)), [2, 7])
        for bad in ["5/5", "-1/3", "1", "a/b", "1/0"] {
            XCTAssertThrowsError(try Shard(parsing: bad), bad)
        }
    }
}
