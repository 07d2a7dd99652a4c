import Annotations
import Foundation
import ImagingCore
@testable import NoduleModels
import TestSupport
import XCTest

/// A classification set built with `pseudonyms` is the plain set under new names: series
/// by `replacementUID(for:)` (what `Deidentifier` gives them), patients by
/// `patientPseudonym(for:)`, the pairs byte-equal, and no original UID or patient ID in
/// any file name or file of the tree.
final class ClassificationDatasetDeidentifyTests: XCTestCase {
    private let patients = (0..<6).map { String(format: "HOSP-%06d", 4711 + $0) }
    private func uid(_ p: Int, _ s: Int) -> String { "1.2.826.0.1.3680043.9.7.\(p).\(s)" }

    private func build(into folder: URL, pseudonyms: KeyedPseudonyms?) throws -> ClassificationDatasetBuilder.Summary {
        var entries: [PatientLabels.Entry] = [], sources: [ScanSource] = []
        for p in 0..<6 {
            for s in 0..<(p == 0 ? 2 : 1) {
                var spheres = [(center: Vector3(10, 12, 5), radiusMM: 4.0)]
                if p % 2 == 1 { spheres.append((Vector3(22, 20, 8), 3.0)) }
                sources.append(CascadeFixtures.source(uid(p, s), try CascadeFixtures.scan(spheres: spheres)))
                entries.append(.init(seriesUID: uid(p, s), patient: patients[p], label: p % 2 == 1 ? .malignant : .benign))
            }
        }
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 16, lower: -1000, upper: 400))
        var options = ClassificationDatasetOptions()
        options.seed = 2
        options.pseudonyms = pseudonyms
        return try ClassificationDatasetBuilder(labels: PatientLabels(entries), scans: sources, screener: screener, outputFolder: folder,
                                                options: options).run()
    }

    func testPseudonymousSetIsThePlainSetUnderKeyedNames() throws {
        let root = try TestEnvironment.temporaryDirectory(self)
        let plainFolder = root.appendingPathComponent("plain"), anonymousFolder = root.appendingPathComponent("anonymous")
        let pseudonyms = KeyedPseudonyms(secret: "cls")
        let plain = try build(into: plainFolder, pseudonyms: nil)
        let anonymous = try build(into: anonymousFolder, pseudonyms: pseudonyms)
        XCTAssertEqual(anonymous.failures.count, 0)
        XCTAssertEqual(anonymous.processed.count, 7)
        XCTAssertGreaterThan(plain.samples.count, 10)

        // Sample for sample: the same pairs, splits and labels under the keyed names.
        XCTAssertEqual(anonymous.samples.count, plain.samples.count)
        for (a, p) in zip(anonymous.samples, plain.samples) {
            XCTAssertEqual(a.seriesUID, pseudonyms.replacementUID(for: p.seriesUID))
            XCTAssertEqual(a.patient, pseudonyms.patientPseudonym(for: p.patient))
            XCTAssertEqual([a.split.rawValue, a.label.name, "\(a.row)", "\(a.slice)", "\(a.copies)"],
                           [p.split.rawValue, p.label.name, "\(p.row)", "\(p.slice)", "\(p.copies)"])
            XCTAssertEqual(a.pairsFile, "scans/\(a.seriesUID).pairs.npy")
            XCTAssertEqual(try Data(contentsOf: anonymousFolder.appendingPathComponent(a.pairsFile)),
                           try Data(contentsOf: plainFolder.appendingPathComponent(p.pairsFile)), a.pairsFile)
        }
        XCTAssertTrue(anonymous.samples.allSatisfy { $0.patient.range(of: "^P-[0-9a-f]{16}$", options: .regularExpression) != nil })
        XCTAssertEqual(Set(anonymous.samples.map(\.patient)).count, Set(plain.samples.map(\.patient)).count, "one pseudonym per patient")
        // The readers and the coverage work on the pseudonymous set as on the plain one.
        for split in DatasetSplit.allCases {
            let a = try ClassificationCoverage(folder: anonymousFolder, split: split), p = try ClassificationCoverage(folder: plainFolder, split: split)
            XCTAssertEqual(a.patients.sorted(), p.patients.map(pseudonyms.patientPseudonym).sorted())
        }

        let originals = patients + (0..<6).flatMap { p in (0..<(p == 0 ? 2 : 1)).map { uid(p, $0) } }
        XCTAssertGreaterThan(try FileTree.assertNone(of: originals, under: anonymousFolder), 10,
                             "pairs, manifest, slices, splits, dataset.json and resume records")
        let again = try build(into: anonymousFolder, pseudonyms: pseudonyms)
        XCTAssertEqual(again.skipped.count, 7, "a rerun finds its pseudonymous resume records")
    }

    func testPatientPseudonymsAreKeyedAndStable() {
        let a = KeyedPseudonyms(secret: "a"), b = KeyedPseudonyms(secret: "b")
        XCTAssertEqual(a.patientPseudonym(for: "HOSP-004711"), a.patientPseudonym(for: "HOSP-004711"))
        XCTAssertNotEqual(a.patientPseudonym(for: "HOSP-004711"), b.patientPseudonym(for: "HOSP-004711"))
        XCTAssertNotEqual(a.patientPseudonym(for: "HOSP-004711"), a.patientPseudonym(for: "HOSP-004712"))
        // Python: 'P-' + hmac.new(b'a', b'patient-id:HOSP-004711', hashlib.sha256).hexdigest()[:16]
        XCTAssertEqual(a.patientPseudonym(for: "HOSP-004711"), "P-cbfa3df5b2e59dc3")
    }
}
