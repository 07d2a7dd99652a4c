import DICOM
import DICOMNetwork
import Foundation
import TestSupport
import XCTest

/// The real CPTAC CT series through a real Orthanc: C-STORE it, C-FIND it at every level
/// in both models, C-MOVE it to our listener and C-GET it back, and compare every
/// returned file element for element with its original (pixel data byte-equal).
final class OrthancRoundTripTests: XCTestCase {
    let studyUID = "1.3.6.1.4.1.14519.5.2.1.7085.2626.258626612405225511766549337110"
    let seriesUID = "1.3.6.1.4.1.14519.5.2.1.7085.2626.242193282649561899185427104083"

    func testSendFindMoveAndGetTheCPTACSeries() throws {
        let source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let orthanc = try OrthancServer(self)
        let peer = DICOMPeer(host: "127.0.0.1", port: orthanc.dicomPort, calledAETitle: orthanc.aeTitle)

        // C-STORE over 2 associations.
        let plan = try StorePlan(paths: [source])
        XCTAssertEqual(plan.items.count, 99)
        XCTAssertEqual(plan.presentationContexts.map(\.abstractSyntax), [SOPClass.ctImage])
        let summary = try StoreSender.send(plan, to: peer, associations: 2)
        XCTAssertEqual(summary.sent.count, 99, summary.failed.map { "\($0.error)" }.joined(separator: "\n"))
        XCTAssertTrue(summary.failed.isEmpty)
        XCTAssertEqual(Set(try orthanc.instanceUIDs(series: seriesUID)), Set(plan.items.map(\.sopInstanceUID)))

        // C-FIND: patient, study and series levels, Patient Root and Study Root.
        var patients = try DICOMQuery(level: .patient, model: .patientRoot)
        try patients.set("PatientID", "C3N-00247")
        let patient = try QueryClient.find(patients, on: peer)
        XCTAssertEqual(patient.map { $0.string(.patientName) }, ["C3N-00247"])

        var studies = try DICOMQuery(level: .study)
        try studies.set("PatientID", "C3N-002*")              // wildcard
        try studies.set("StudyDate", "20100101-20101231")     // date range
        let study = try QueryClient.find(studies, on: peer)
        XCTAssertEqual(study.map { $0.string(.studyInstanceUID) }, [studyUID])
        XCTAssertEqual(study.first?.string(DICOMTag(0x0008, 0x1030)), "CT CHEST W IV CONTRAST")
        XCTAssertEqual(study.first?.string(DICOMTag(0x0020, 0x1208)), "99")  // NumberOfStudyRelatedInstances
        try studies.set("StudyDate", "-20091231")             // a range that excludes it
        XCTAssertEqual(try QueryClient.find(studies, on: peer).count, 0)

        for model in QueryModel.allCases {
            var series = try DICOMQuery(level: .series, model: model)
            try series.set("StudyInstanceUID", studyUID)
            if model == .patientRoot { try series.set("PatientID", "C3N-00247") }
            try series.set("Modality", "CT")
            let found = try QueryClient.find(series, on: peer)
            XCTAssertEqual(found.map { $0.string(.seriesInstanceUID) }, [seriesUID], "\(model)")
            XCTAssertEqual(found.first?.string(DICOMTag(0x0020, 0x1209)), "99", "\(model)")  // NumberOfSeriesRelatedInstances
        }

        // C-MOVE of the series to our listener, which Orthanc knows as NKLISTEN.
        let moved = try TestEnvironment.temporaryDirectory(self)
        let listener = try StorageListener(StorageListener.Configuration(port: orthanc.movePort, aeTitle: "NKLISTEN", output: moved))
        var seriesKey = try DICOMQuery(level: .series)
        try seriesKey.set("StudyInstanceUID", studyUID)
        try seriesKey.set("SeriesInstanceUID", seriesUID)
        let move = try Retriever.move(seriesKey, from: peer, to: "NKLISTEN")
        XCTAssertEqual(move.completed, 99)
        XCTAssertEqual(move.failed, 0)
        listener.stop()
        XCTAssertEqual(listener.receivedFiles.count, 99)
        try assertSameInstances(plan, under: moved)

        // C-GET of the study.
        let got = try TestEnvironment.temporaryDirectory(self)
        var studyKey = try DICOMQuery(level: .study)
        try studyKey.set("StudyInstanceUID", studyUID)
        let get = try Retriever.get(studyKey, from: peer, into: got)
        XCTAssertEqual(get.received, 99)
        XCTAssertEqual(get.completed, 99)
        try assertSameInstances(plan, under: got)
    }

    /// Every planned file has a twin at `<root>/<study>/<series>/<sop>.dcm` with the same
    /// transfer syntax, the same elements and byte-equal pixel data.
    private func assertSameInstances(_ plan: StorePlan, under root: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for item in plan.items {
            let back = root.appendingPathComponent(studyUID).appendingPathComponent(seriesUID).appendingPathComponent(item.sopInstanceUID + ".dcm")
            let a = try DICOMFile(contentsOf: item.file), b = try DICOMFile(contentsOf: back)
            XCTAssertEqual(b.transferSyntaxUID, a.transferSyntaxUID, file: file, line: line)
            XCTAssertEqual(b.dataset.elements.count, a.dataset.elements.count, back.path, file: file, line: line)
            for (x, y) in zip(a.dataset.elements, b.dataset.elements) where x != y {
                XCTFail("\(back.lastPathComponent): \(x.tag) differs", file: file, line: line)
            }
            XCTAssertEqual(try b.value(of: .pixelData), try a.value(of: .pixelData), back.path, file: file, line: line)
        }
        let hidden = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { $0.contains("/.") || $0.hasPrefix(".") }
        XCTAssertEqual(hidden, [], "no temporary files are left", file: file, line: line)
    }
}
