import DICOM
import Foundation
import ImagingCore
import TestSupport
import XCTest

/// De-identification (PS3.15 Annex E Basic Profile): checked with pydicom, against
/// dicom-anonymizer's table for the named edition and against dicognito, and the
/// de-identified SEG with dciodvfy (Tests/Oracles/deid_check.py).
final class DeidentifierTests: XCTestCase {
    private func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    func testSHA256AndHMACMatchFIPSAndRFC4231AndPython() {
        XCTAssertEqual(hex(HMACSHA256.sha256(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(HMACSHA256.sha256([UInt8](repeating: 0x61, count: 1000))), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        XCTAssertEqual(hex(HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Python: hmac.new(b'k'*100, b'm'*200, hashlib.sha256) (a key longer than a block).
        XCTAssertEqual(hex(HMACSHA256.mac(key: [UInt8](repeating: 0x6B, count: 100), message: [UInt8](repeating: 0x6D, count: 200))),
                       "a6bca6f4482167eeffadc0449a346c21ffe8f96177eceecaeb182b610f6128c8")
    }

    func testReplacementUIDsAreValidKeyedAndStable() {
        let a = Deidentifier(secret: "s1"), b = Deidentifier(secret: "s2")
        let uid = "1.2.840.113619.2.55.3.604688119.969.1268071029.320"
        XCTAssertEqual(a.replacementUID(for: uid), a.replacementUID(for: uid))
        XCTAssertNotEqual(a.replacementUID(for: uid), b.replacementUID(for: uid))
        XCTAssertNotEqual(a.replacementUID(for: uid), a.replacementUID(for: uid + "1"))
        XCTAssertTrue(DICOMUID.isValid(a.replacementUID(for: uid)))
        XCTAssertTrue(a.replacementUID(for: uid).hasPrefix("2.25."))
        // Python: '2.25.' + str(int.from_bytes(hmac.new(b'k', b'1.2.3', hashlib.sha256).digest()[:16], 'big'))
        XCTAssertEqual(Deidentifier(secret: "k").replacementUID(for: "1.2.3"), "2.25.111263612402845642126382191733580811337")
        XCTAssertEqual(KeyedPseudonyms(secret: "k").replacementUID(for: "1.2.3"), Deidentifier(secret: "k").replacementUID(for: "1.2.3"),
                       "the dataset builders' mapping is the de-identifier's")
    }

    func testTableAgreesWithDicomAnonymizerForTheNamedEdition() throws {
        struct Table: Decodable { let edition: String; let ours: Int; let theirs: Int; let only_ours, only_theirs, different_action: [String] }
        let path = TestEnvironment.repositoryRoot.appendingPathComponent("Sources/DICOM/Deidentify/BasicProfileTable.swift").path
        let t = try PythonOracle.json("deid_check.py", ["table", path, BasicProfile.edition], as: Table.self)
        XCTAssertEqual(t.edition, BasicProfile.edition)
        XCTAssertEqual(t.ours, t.theirs)
        XCTAssertGreaterThan(t.ours, 600)
        XCTAssertEqual(t.only_ours, []); XCTAssertEqual(t.only_theirs, []); XCTAssertEqual(t.different_action, [])
        XCTAssertEqual(BasicProfile.action(for: DICOMTag(0x0010, 0x0010)), .z)      // PatientName
        XCTAssertEqual(BasicProfile.action(for: DICOMTag(0x0020, 0x000D)), .u)      // StudyInstanceUID
        XCTAssertEqual(BasicProfile.action(for: DICOMTag(0x6002, 0x3000)), .x)      // OverlayData, repeating group
    }

    struct Report: Decodable {
        let files: Int, surviving: [String], private_left: Int, pixels_equal: Int, pixels_total: Int
        let uid_inconsistent: [String], uid_unchanged: [String], identity_removed: Int, method_codes: [String]
        let seg_references: Int, seg_references_resolved: Int, sr_references: Int, sr_references_resolved: Int
        let dicognito_only: [String], ours_only: [String], both: [String]
        let pixels_different: [String]?
        let ours_only_tags: [UInt32]
    }

    private func check(_ summary: Deidentifier.Summary, folder: URL) throws -> Report {
        let pairs = summary.written.map { [$0.input.path, $0.output.path] }
        let json = folder.appendingPathComponent("pairs.json")
        try JSONEncoder().encode(pairs).write(to: json)
        return try PythonOracle.json("deid_check.py", ["outputs", json.path], as: Report.self)
    }

    /// The CPTAC CT (99 slices, vendor private tags), a SEG over it and a TID 1500 SR over
    /// both, written by the toolkit: no profile attribute keeps its value, UIDs map one to
    /// one, the SEG and SR still reference the de-identified CT (and SEG), pixels are
    /// byte-equal, the SEG and the SR pass dciodvfy.
    func testCTSEGAndSRStayLinkedAndLoseTheirIdentity() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let fixture = try CPTACFindings(in: folder)
        let source = fixture.source, segFolder = fixture.findings

        let deid = Deidentifier(secret: "test-secret")
        let out = folder.appendingPathComponent("out")
        var summary = try deid.deidentify(from: source, to: out)
        let segSummary = try deid.deidentify(from: segFolder, to: out)
        XCTAssertEqual(summary.failed.map(\.error), []); XCTAssertEqual(segSummary.failed.map(\.error), [])
        XCTAssertEqual(summary.written.count, 99)
        XCTAssertEqual(segSummary.written.count, 2)
        summary.written += segSummary.written
        let r = try check(summary, folder: folder)
        XCTAssertEqual(r.files, 101)
        XCTAssertEqual(r.surviving, [])
        XCTAssertEqual(r.private_left, 0)
        XCTAssertEqual(r.pixels_total, 100); XCTAssertEqual(r.pixels_equal, 100)
        XCTAssertEqual(r.uid_inconsistent, []); XCTAssertEqual(r.uid_unchanged, [])
        XCTAssertEqual(r.identity_removed, 101)
        XCTAssertEqual(r.method_codes, ["113100"])
        XCTAssertGreaterThan(r.seg_references, 99)
        XCTAssertEqual(r.seg_references_resolved, r.seg_references)
        print("dicognito agreement on the CPTAC CT + SEG + SR: both \(r.both.count) \(r.both)\n  ours only \(r.ours_only)\n  dicognito only \(r.dicognito_only)")
        assertAgreesWithDicognito(r)
        for must in ["PatientName", "PatientID", "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "StudyDate", "AccessionNumber"] {
            XCTAssertTrue(r.both.contains(must) || r.ours_only.contains(must), "\(must) not changed")
        }
        XCTAssertGreaterThan(r.sr_references, 99)
        XCTAssertEqual(r.sr_references_resolved, r.sr_references)
        for (name, iod) in [("seg.dcm", "Segmentation"), ("sr.dcm", "Comprehensive3DSR")] {
            let deidentified = try XCTUnwrap(segSummary.written.first { $0.input.lastPathComponent == name }?.output)
            let report = try DICOMValidator.verify(deidentified)
            XCTAssertEqual(report.iod, iod)
            XCTAssertEqual(report.errors, [], "dciodvfy \(name):\n\(report)")
            print("dciodvfy \(name) de-identified: IOD \(report.iod), \(report.errors.count) errors, \(report.warnings.count) warnings")
        }
    }

    /// Retain UIDs (113110) on the same CT, SEG and SR: every UID keeps its value (pydicom
    /// finds each one unchanged and none mapped two ways), the copies are named by the
    /// original UIDs, the SEG and SR references resolve, and every other profile attribute
    /// is still removed or replaced.
    func testRetainUIDsOptionKeepsEveryUIDAndStillRemovesIdentity() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let fixture = try CPTACFindings(in: folder)
        let deid = Deidentifier(secret: "k", options: [.retainUIDs])
        let out = folder.appendingPathComponent("out")
        var summary = try deid.deidentify(from: fixture.source, to: out)
        let derived = try deid.deidentify(from: fixture.findings, to: out)
        XCTAssertEqual(summary.failed.map(\.error), []); XCTAssertEqual(derived.failed.map(\.error), [])
        summary.written += derived.written
        XCTAssertEqual(summary.written.count, 101)
        func uids(_ d: DICOMDataset) -> [String] {
            d.elements.flatMap { e in e.vr == "SQ" ? e.items.flatMap(uids) : (e.vr == "UI" ? e.strings : []) }
        }
        for o in summary.written {
            let a = try DICOMFile.readDataset(at: o.input), b = try DICOMFile.readDataset(at: o.output)
            let main: [DICOMTag] = [.studyInstanceUID, .seriesInstanceUID, .sopInstanceUID, DICOMTag(0x0020, 0x0052)]
            XCTAssertEqual(main.map { b.string($0) }, main.map { a.string($0) }, o.input.lastPathComponent)
            XCTAssertTrue(Set(uids(b)).isSubset(of: Set(uids(a))), "no new UID in \(o.input.lastPathComponent)")
            let expected = [DICOMTag.studyInstanceUID, .seriesInstanceUID].compactMap { a.string($0) } + [(a.string(.sopInstanceUID) ?? "") + ".dcm"]
            XCTAssertEqual(o.output.pathComponents.suffix(3), expected)
            XCTAssertEqual(b.string(DICOMTag(0x0010, 0x0010)) ?? "", "")
            XCTAssertEqual(b.string(DICOMTag(0x0010, 0x0020)) ?? "", "")
        }
        let r = try check(summary, folder: folder)
        XCTAssertEqual(r.surviving, [], "only the UIDs are retained")
        XCTAssertEqual(r.uid_inconsistent, [])
        XCTAssertGreaterThan(r.uid_unchanged.count, 4 * 99, "study, series, SOP instance and frame of reference of each slice at least")
        XCTAssertEqual(r.private_left, 0)
        XCTAssertEqual(r.seg_references_resolved, r.seg_references); XCTAssertEqual(r.sr_references_resolved, r.sr_references)
        XCTAssertEqual(r.method_codes, ["113100", "113110"])
        XCTAssertEqual(r.identity_removed, 101)
    }

    /// dicognito changes nothing we keep; what we change and it keeps is the profile's
    /// (descriptions, sex, age, device serial…), plus what rewriting the file changes by
    /// itself: SpecificCharacterSet (text written as UTF-8), group lengths (gggg,0000),
    /// DataSetTrailingPadding, and our LongitudinalTemporalInformationModified.
    private func assertAgreesWithDicognito(_ r: Report, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.dicognito_only, [], "dicognito changed attributes we keep", file: file, line: line)
        let rewriting: Set<UInt32> = [0x0008_0005, 0x0028_0303, 0xFFFC_FFFC]
        for (name, raw) in zip(r.ours_only, r.ours_only_tags) where !rewriting.contains(raw) && raw & 0xFFFF != 0 {
            XCTAssertNotNil(BasicProfile.action(for: DICOMTag(rawValue: raw)), "\(name) changed though the profile does not list it", file: file, line: line)
        }
    }

    /// pydicom's test files (native, big endian, deflate, RLE, JPEG, JPEG-LS, JPEG 2000,
    /// SR, RT, overlays, private sequences): each is de-identified or reported, pixel data
    /// byte-equal in its own transfer syntax.
    func testPydicomTestFilesKeepPixelsAndLoseProfileAttributes() throws {
        let source = try TestEnvironment.downloadedFile("pydicom/pydicom/data/test_files")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let summary = try Deidentifier(secret: "k").deidentify(from: source, to: folder.appendingPathComponent("out"))
        print("pydicom test files: \(summary.written.count) written, \(summary.failed.count) failed, \(summary.skipped.count) skipped, \(summary.burnedIn.count) burned-in?")
        for f in summary.failed { print("  failed: \(f.error)") }
        XCTAssertGreaterThan(summary.written.count, 60)
        // The failures are datasets without a SOPInstanceUID (fragments, not instances) and
        // one truncated file, each named with its reason.
        XCTAssertLessThanOrEqual(summary.failed.count, 8)
        for f in summary.failed { XCTAssertTrue(f.error.contains("(0008,0018) is missing") || f.error.contains("cannot read"), f.error) }
        let r = try check(summary, folder: folder)
        for s in r.surviving { print("  surviving: \(s)") }
        for s in r.pixels_different ?? [] { print("  pixels differ: \(s)") }
        print("dicognito on pydicom's files: both \(r.both.count); ours only \(r.ours_only); dicognito only \(r.dicognito_only)")
        assertAgreesWithDicognito(r)
        XCTAssertEqual(r.surviving, [])
        XCTAssertEqual(r.private_left, 0)
        XCTAssertEqual(r.pixels_equal, r.pixels_total)
        XCTAssertEqual(r.uid_inconsistent, [])
        XCTAssertGreaterThan(summary.burnedIn.count, 0, "secondary captures without BurnedInAnnotation are reported")
    }

    func testLongitudinalOptionShiftsEveryDateByOneOffsetPerPatient() throws {
        let source = try TestEnvironment.sharedFile("dicom/chest-ct-cptac-lscc-c3n-00247")
        let folder = try TestEnvironment.temporaryDirectory(self)
        let deid = Deidentifier(secret: "k", options: [.retainLongitudinalModifiedDates, .retainPatientCharacteristics])
        let summary = try deid.deidentify(from: source, to: folder)
        XCTAssertEqual(summary.failed.count, 0)
        let first = try XCTUnwrap(summary.written.first)
        let original = try DICOMFile.readDataset(at: first.input), out = try DICOMFile.readDataset(at: first.output)
        let days = deid.dateOffsetDays(patientID: original.string(DICOMTag(0x0010, 0x0020)) ?? "")
        XCTAssertTrue((-3650 ... -1).contains(days))
        let before = try XCTUnwrap(original.date(.studyDate)), after = try XCTUnwrap(out.date(.studyDate))
        let calendar = Calendar(identifier: .gregorian)
        func date(_ d: DICOMDate) -> Date { calendar.date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: d.year, month: d.month, day: d.day))! }
        XCTAssertEqual(date(after).timeIntervalSince(date(before)) / 86400, Double(days), accuracy: 0.01)
        XCTAssertEqual(out.string(DICOMTag(0x0010, 0x0040)), original.string(DICOMTag(0x0010, 0x0040)))  // sex kept
        XCTAssertEqual(out.string(DICOMTag(0x0028, 0x0303)), "MODIFIED")
        XCTAssertEqual(Set(out.sequence(DICOMTag(0x0012, 0x0064)).compactMap { $0.string(DICOMTag(0x0008, 0x0100)) }), ["113100", "113107", "113108"])
    }
}

/// The options and the per-element rules on a small in-memory dataset.
final class DeidentifierOptionTests: XCTestCase {
    private let source = DICOMDataset(elements: [
        .text(DICOMTag(0x0008, 0x0016), "UI", "1.2.840.10008.5.1.4.1.1.7"),
        .text(DICOMTag(0x0008, 0x0018), "UI", "1.2.3.4.5"),
        .text(DICOMTag(0x0008, 0x0023), "DA", "20240229"),
        .text(DICOMTag(0x0008, 0x0060), "CS", "US"),
        .text(DICOMTag(0x0008, 0x1030), "LO", "CT chest for Doe^John 12345"),
        .text(DICOMTag(0x0010, 0x0010), "PN", "Doe^John"),
        .text(DICOMTag(0x0010, 0x0020), "LO", "12345"),
        .text(DICOMTag(0x0010, 0x0040), "CS", "M"),
        .text(DICOMTag(0x0018, 0x1000), "LO", "SN-998"),
        .text(DICOMTag(0x0009, 0x0010), "LO", "ACME"),
        .text(DICOMTag(0x0009, 0x1001), "LO", "secret"),
        .sequence(DICOMTag(0x0008, 0x1140), [DICOMDataset(elements: [.text(DICOMTag(0x0008, 0x1155), "UI", "1.2.3.4.5")])]),
        .binary(DICOMTag(0x7FE0, 0x0010), "OB", [1, 2, 3, 4]),
    ])

    func testBasicProfileRulesOnOneDataset() {
        let d = Deidentifier(secret: "k")
        let r = d.deidentify(source)
        let out = r.dataset
        XCTAssertEqual(out[DICOMTag(0x0010, 0x0010)]?.bytes, [], "PatientName Z")
        XCTAssertEqual(out[DICOMTag(0x0010, 0x0020)]?.bytes, [], "PatientID Z/D, Type 2 → Z")
        XCTAssertEqual(out.string(DICOMTag(0x0008, 0x0023)), "19000101", "ContentDate Z/D, Type 1 → D")
        XCTAssertNil(out[DICOMTag(0x0008, 0x1030)], "StudyDescription X")
        XCTAssertEqual(out.string(DICOMTag(0x0018, 0x1000)), "ANONYMIZED", "DeviceSerialNumber X/Z/D, Type 1 (SEG) → D")
        XCTAssertFalse(out.elements.contains { $0.tag.isPrivate }, "private tags removed")
        let newUID = d.replacementUID(for: "1.2.3.4.5")
        XCTAssertEqual(out.string(.sopInstanceUID), newUID)
        XCTAssertEqual(out.sequence(DICOMTag(0x0008, 0x1140)).first?.string(DICOMTag(0x0008, 0x1155)), newUID, "a reference maps like its target")
        XCTAssertEqual(out.string(DICOMTag(0x0012, 0x0062)), "YES")
        XCTAssertEqual(out[DICOMTag(0x7FE0, 0x0010)]?.bytes, [1, 2, 3, 4], "pixels untouched")
        XCTAssertTrue(r.mayHaveBurnedInAnnotation)
        XCTAssertEqual(r.burnedInReason, "BurnedInAnnotation missing on US")
    }

    func testRetainUIDsKeepsUIDsAndReferencesOnly() {
        let plain = Deidentifier(secret: "k").deidentify(source).dataset
        let out = Deidentifier(secret: "k", options: [.retainUIDs]).deidentify(source).dataset
        XCTAssertEqual(out.string(.sopInstanceUID), "1.2.3.4.5")
        XCTAssertEqual(out.sequence(DICOMTag(0x0008, 0x1140)).first?.string(DICOMTag(0x0008, 0x1155)), "1.2.3.4.5", "a reference keeps its UID")
        XCTAssertNotEqual(plain.string(.sopInstanceUID), "1.2.3.4.5")
        XCTAssertEqual(out[DICOMTag(0x0010, 0x0010)]?.bytes, [], "PatientName still Z")
        XCTAssertNil(out[DICOMTag(0x0008, 0x1030)], "StudyDescription still X")
        XCTAssertNil(out[DICOMTag(0x0009, 0x1001)], "private tags still removed")
        XCTAssertEqual(out.string(DICOMTag(0x0008, 0x0023)), "19000101")
        XCTAssertEqual(Set(out.sequence(DICOMTag(0x0012, 0x0064)).compactMap { $0.string(DICOMTag(0x0008, 0x0100)) }), ["113100", "113110"])
        XCTAssertEqual(out.string(DICOMTag(0x0012, 0x0063)), "PS3.15 \(BasicProfile.edition) Basic Profile, retain-uids")
    }

    /// Each option's code and meaning are CID 7050's, as pydicom's code dictionary (from PS3.16) has them.
    func testOptionCodesAreCID7050s() throws {
        let dictionary = try PythonOracle.json("dicom_cid7050.py", [], as: [String: String].self)
        XCTAssertEqual(dictionary["113100"], "Basic Application Confidentiality Profile")
        for option in DeidentificationOption.allCases {
            XCTAssertEqual(dictionary[option.code.value], option.code.meaning, option.rawValue)
        }
    }

    func testOptionsKeepCleanAndMark() {
        let d = Deidentifier(secret: "k", options: [.cleanDescriptors, .retainDeviceIdentity, .retainPatientCharacteristics], keepingPrivateTags: true)
        let out = d.deidentify(source).dataset
        XCTAssertEqual(out.string(DICOMTag(0x0008, 0x1030)), "CT chest for X X", "name parts and ID cut out of the description")
        XCTAssertEqual(out.string(DICOMTag(0x0018, 0x1000)), "SN-998")
        XCTAssertEqual(out.string(DICOMTag(0x0010, 0x0040)), "M")
        XCTAssertEqual(out.string(DICOMTag(0x0009, 0x1001)), "secret")
        XCTAssertEqual(Set(out.sequence(DICOMTag(0x0012, 0x0064)).compactMap { $0.string(DICOMTag(0x0008, 0x0100)) }),
                       ["113100", "113105", "113108", "113109"])
        var flagged = source.elements.filter { $0.tag != DICOMTag(0x0008, 0x0060) }
        flagged.append(.text(DICOMTag(0x0028, 0x0301), "CS", "NO"))
        flagged.append(.text(DICOMTag(0x0008, 0x0060), "CS", "CT"))
        XCTAssertFalse(d.deidentify(DICOMDataset(elements: flagged)).mayHaveBurnedInAnnotation)
    }
}
