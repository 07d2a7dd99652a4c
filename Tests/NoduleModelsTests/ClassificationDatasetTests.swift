import Annotations
import Foundation
import ImagingCore
import NeuralNet
import ImageFormats
@testable import NoduleModels
import TestSupport
import XCTest

/// The classification dataset: screened slices become labelled pairs, whole patients go
/// to one split, and only the training split is oversampled.
final class ClassificationDatasetTests: XCTestCase {
    /// 12 patients, 14 series (patients P0 and P1 have two series each); odd patients malignant.
    private func build(oversampling: Int = 3, annotated: Bool = false, clearPatient: Int? = nil) throws -> (ClassificationDatasetBuilder.Summary, URL, PatientLabels) {
        var entries: [PatientLabels.Entry] = [], sources: [ScanSource] = []
        for p in 0..<12 {
            for s in 0..<(p < 2 ? 2 : 1) {
                let uid = "1.2.\(p).\(s)"
                // Malignant patients get two spheres (more suspicious slices), benign one.
                var spheres = [(center: Vector3(10, 12, 5), radiusMM: 4.0)]
                if p % 2 == 1 { spheres.append((Vector3(22, 20, 8), 3.0)) }
                if p == clearPatient { spheres = [] }  // nothing for the discriminator to keep
                sources.append(CascadeFixtures.source(uid, try CascadeFixtures.scan(spheres: spheres)))
                entries.append(.init(seriesUID: uid, patient: "P\(p)", label: p % 2 == 1 ? .malignant : .benign))
            }
        }
        entries.append(.init(seriesUID: "9.9.9", patient: "P99", label: .benign))  // labelled, no scan
        let labels = PatientLabels(entries)
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 16, lower: -1000, upper: 400))
        let folder = try TestEnvironment.temporaryDirectory(self)
        var options = ClassificationDatasetOptions()
        options.oversampling = oversampling
        options.seed = 5
        if annotated {  // the spheres as LUNA16 annotations, in world mm on the fixture's grid
            let g = try CascadeFixtures.scan(spheres: []).geometry
            options.annotations = sources.map(\.seriesUID).flatMap { uid -> [NoduleAnnotation] in
                let malignant = (Int(uid.split(separator: ".")[2]) ?? 0) % 2 == 1
                let spheres = [(Vector3(10, 12, 5), 4.0)] + (malignant ? [(Vector3(22, 20, 8), 3.0)] : [])
                return spheres.map { NoduleAnnotation(seriesUID: uid, center: g.continuousIndexToWorld($0.0), diameterMM: 2 * $0.1, line: 0) }
            }
        }
        let summary = try ClassificationDatasetBuilder(labels: labels, scans: sources, screener: screener, outputFolder: folder,
                                                       options: options).run()
        return (summary, folder, labels)
    }

    func testPairsAreTheSuspiciousSlicesWithTheirPatientsLabel() throws {
        let (summary, folder, labels) = try build()
        XCTAssertEqual(summary.failures.count, 0)
        XCTAssertEqual(summary.missing, ["9.9.9"])
        XCTAssertEqual(summary.processed.count, 14)
        // The 4 mm sphere at k = 5 (2 mm slices) touches k = 3 and 7 in one voxel only, which the
        // 2x downsampling averages to 0.25 (σ(40·0.25 − 20) ≈ 0): it is seen on k 4…6. The 3 mm
        // sphere at k = 8 is seen on k 7…9.
        let benignSlices = Set(summary.samples.filter { $0.seriesUID == "1.2.0.0" }.map(\.slice))
        let malignantSlices = Set(summary.samples.filter { $0.seriesUID == "1.2.1.0" }.map(\.slice))
        XCTAssertEqual(benignSlices, Set(4...6))
        XCTAssertEqual(malignantSlices, Set(4...9))
        XCTAssertEqual(summary.screenedSlices.count, 14 * 12)
        XCTAssertEqual(summary.screenedSlices.filter(\.suspicious).count, summary.samples.count)
        for s in summary.samples {
            XCTAssertEqual(s.label, labels.bySeries[s.seriesUID]?.label)
            XCTAssertGreaterThan(s.maximumProbability, NoduleDiscriminator.paperThreshold)
        }
        // The pairs file holds the windowed slice and its probabilities, 2 × 16 × 16 per pair.
        let reader = try ClassificationDatasetReader(folder: folder, split: .train)
        XCTAssertEqual([reader.channels, reader.size], [2, 16])
        let (x, y) = try reader.batch([0])
        XCTAssertEqual(x.shape, [1, 2, 16, 16])
        XCTAssertEqual(y.scalars, reader.samples[0].label == .malignant ? [0, 1] : [1, 0])
        let image = Array(x.scalars[0..<256]), probability = Array(x.scalars[256..<512])
        for (v, p) in zip(image, probability) { XCTAssertEqual(p, 1 / (1 + exp(-(40 * v - 20))), accuracy: 1e-5) }
    }

    func testNoPatientIsInTwoSplitsAndOnlyTrainingIsOversampled() throws {
        let (summary, folder, _) = try build(oversampling: 3)
        let splitsOfPatient = Dictionary(grouping: summary.samples, by: \.patient).mapValues { Set($0.map(\.split)) }
        XCTAssertTrue(splitsOfPatient.values.allSatisfy { $0.count == 1 }, "\(splitsOfPatient)")
        XCTAssertEqual(splitsOfPatient["P0"]?.count, 1)  // both of P0's series in one split
        XCTAssertEqual(Set(summary.samples.map(\.split)), Set(DatasetSplit.allCases))
        // The training split's minority class is tripled there and nowhere else.
        let trainBenign = summary.samples.filter { $0.split == .train && $0.label == .benign }.count
        let trainMalignant = summary.samples.filter { $0.split == .train && $0.label == .malignant }.count
        XCTAssertNotEqual(trainBenign, trainMalignant)
        let minority: NoduleClass = trainBenign < trainMalignant ? .benign : .malignant
        for s in summary.samples {
            XCTAssertEqual(s.copies, s.split == .train && s.label == minority ? 3 : 1, "\(s)")
        }
        XCTAssertTrue(summary.samples.contains { $0.split != .train && $0.label == minority })
        let train = try ClassificationDatasetReader(folder: folder, split: .train)
        let test = try ClassificationDatasetReader(folder: folder, split: .test)
        let trainRows = summary.samples.filter { $0.split == .train }
        XCTAssertEqual(train.count, trainRows.reduce(0) { $0 + $1.copies })
        XCTAssertEqual(test.count, summary.samples.filter { $0.split == .test }.count)
        // The same split and no oversampling when asked for 1.
        let (plain, _, _) = try build(oversampling: 1)
        XCTAssertTrue(plain.samples.allSatisfy { $0.copies == 1 })
        XCTAssertEqual(plain.samples.map(\.split), summary.samples.map(\.split))
    }

    func testCoverageNamesThePatientsTheDiscriminatorLetThrough() throws {
        let (summary, folder, _) = try build(clearPatient: 4)
        XCTAssertFalse(summary.samples.contains { $0.patient == "P4" })
        var everyone: [String] = []
        for split in DatasetSplit.allCases {
            let coverage = try ClassificationCoverage(folder: folder, split: split)
            let withPairs = Set(summary.samples.filter { $0.split == split }.map(\.patient))
            XCTAssertEqual(Set(coverage.patients).subtracting(coverage.unscreened), withPairs, "\(split)")
            XCTAssertEqual(coverage.unscreened, coverage.patients.contains("P4") ? ["P4"] : [], "\(split)")
            if coverage.patients.contains("P4") {
                XCTAssertTrue(coverage.summary.hasPrefix("1 of \(coverage.patients.count) \(split.rawValue) patients"))
                XCTAssertTrue(coverage.summary.hasSuffix(": P4"))
            }
            everyone += coverage.patients
        }
        XCTAssertEqual(everyone.sorted(), (0..<12).map { "P\($0)" }.sorted(), "each scanned patient in exactly one split")
    }

    func testRerunSkipsFinishedScans() throws {
        let (first, folder, labels) = try build()
        let screener = try SliceScreener(segmenter: BrightPixelSegmenter(), sampler: SliceSampler(size: 16, lower: -1000, upper: 400))
        let sources = try (0..<12).flatMap { p in
            try (0..<(p < 2 ? 2 : 1)).map { s -> ScanSource in
                var spheres = [(center: Vector3(10, 12, 5), radiusMM: 4.0)]
                if p % 2 == 1 { spheres.append((Vector3(22, 20, 8), 3.0)) }
                return CascadeFixtures.source("1.2.\(p).\(s)", try CascadeFixtures.scan(spheres: spheres))
            }
        }
        var options = ClassificationDatasetOptions()
        options.seed = 5
        let again = try ClassificationDatasetBuilder(labels: labels, scans: sources, screener: screener, outputFolder: folder,
                                                     options: options).run()
        XCTAssertEqual(again.skipped.count, 14)
        XCTAssertEqual(again.samples, first.samples)
    }

    func testAnnotationsMarkWhichNoduleEachPairCrosses() throws {
        let (plain, _, _) = try build()
        XCTAssertTrue(plain.samples.allSatisfy { $0.nodule == nil })
        let (summary, folder, _) = try build(annotated: true)
        // The 4 mm sphere covers k 3…7 (nodule 1), the malignant scans' 3 mm sphere k 7…9
        // (nodule 2, which holds more voxels than nodule 1's tip on k 7).
        let benign = summary.samples.filter { $0.seriesUID == "1.2.0.0" }
        XCTAssertEqual(benign.map { $0.nodule ?? -1 }, [1, 1, 1])
        let malignant = summary.samples.filter { $0.seriesUID == "1.2.1.0" }
        XCTAssertEqual(malignant.map(\.slice), [4, 5, 6, 7, 8, 9])
        XCTAssertEqual(malignant.map { $0.nodule ?? -1 }, [1, 1, 1, 2, 2, 2])
        XCTAssertEqual(try ClassificationDatasetReader(folder: folder, split: .test).samples.map(\.nodule),
                       summary.samples.filter { $0.split == .test }.map(\.nodule))
    }

    func testEvaluationJudgesSlicesNodulesAndPatients() {
        func sample(_ uid: String, _ k: Int, _ label: NoduleClass, nodule: Int?) -> ClassificationSample {
            ClassificationSample(patient: "P" + uid, seriesUID: uid, split: .test, label: label, row: k, slice: k,
                                 maximumProbability: 0.9, copies: 1, pairsFile: "scans/\(uid).pairs.npy", nodule: nodule)
        }
        // A malignant nodule with a benign-looking edge slice, a false-positive slice of the
        // malignant patient, and a benign nodule.
        let samples = [sample("1", 0, .malignant, nodule: 1), sample("1", 1, .malignant, nodule: 1), sample("1", 2, .malignant, nodule: 1),
                       sample("1", 9, .malignant, nodule: 0), sample("2", 0, .benign, nodule: 1), sample("2", 1, .benign, nodule: 1)]
        let e = ClassifierEvaluation(model: "m", scores: [0.9, 0.8, 0.3, 0.2, 0.1, 0.4], samples: samples)
        XCTAssertEqual(e.slices.accuracy, 4.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(e.noduleSlices?.accuracy ?? 0, 4.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(e.nodules?.accuracy, 1)                  // means 0.667 and 0.25
        XCTAssertEqual(e.patients.map(\.malignancy), [0.55, 0.25])
        XCTAssertEqual(e.patientReport.accuracy, 1)
        XCTAssertNil(ClassifierEvaluation(model: "m", scores: [0.9], samples: [sample("3", 0, .malignant, nodule: nil)]).nodules)
    }

    func testNodulesAreJudgedByTheirOwnLabelsWhereAPatientHoldsBothKinds() throws {
        // Malignant patient 1 holds a malignant nodule (1) and a benign one (2); the
        // classifier calls nodule 1 malignant and nodule 2 benign, both right by their own
        // labels, though nodule 2's patient label says malignant.
        let samples = [(0, 1), (1, 1), (5, 2), (6, 2), (9, 0)].map { k, nodule in
            ClassificationSample(patient: "P1", seriesUID: "1.2.3", split: .test, label: .malignant, row: k, slice: k,
                                 maximumProbability: 0.9, copies: 1, pairsFile: "scans/1.2.3.pairs.npy", nodule: nodule)
        }
        let scores = [0.9, 0.8, 0.2, 0.1, 0.6]
        let byPatient = ClassifierEvaluation(model: "m", scores: scores, samples: samples)
        XCTAssertEqual(byPatient.nodules?.accuracy, 0.5, "by patient label, the benign nodule counts as a miss")

        let folder = try TestEnvironment.temporaryDirectory(self)
        let csv = folder.appendingPathComponent("lesions.csv")
        try "seriesuid,nodule,lidc_patient,label\n1.2.3,1,LIDC-IDRI-0001,malignant\n1.2.3,2,LIDC-IDRI-0002,benign\n".write(to: csv, atomically: true, encoding: .utf8)
        let labels = try NoduleLabels(contentsOf: csv)
        XCTAssertEqual(labels.label(seriesUID: "1.2.3", nodule: 2), .benign)
        XCTAssertEqual(labels.nodulesUnlikeTheirPatient { $0 == "1.2.3" ? .malignant : nil }, 1)
        let relabelled = samples.map { s -> ClassificationSample in
            var s = s
            s.noduleLabel = s.nodule.flatMap { $0 > 0 ? labels.label(seriesUID: s.seriesUID, nodule: $0) : nil }
            return s
        }
        let byNodule = ClassifierEvaluation(model: "m", scores: scores, samples: relabelled)
        XCTAssertEqual(byNodule.nodules?.accuracy, 1)
        XCTAssertEqual(byNodule.noduleROC?.area, 1)
        XCTAssertEqual(byNodule.noduleSlices?.accuracy, 1)
        // Slices and patients keep the patient's label (the paper's, and training's).
        XCTAssertEqual(byNodule.slices.accuracy, byPatient.slices.accuracy)
        XCTAssertEqual(byNodule.patientReport.accuracy, byPatient.patientReport.accuracy)

        for (text, column) in [("1.2.3,0,x,benign", "nodule"), ("1.2.3,1,x,maybe", "label"), (",1,x,benign", "seriesuid"),
                               ("1.2.3,1,x,benign\n1.2.3,1,x,malignant", "label")] {
            try ("seriesuid,nodule,lidc_patient,label\n" + text + "\n").write(to: csv, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try NoduleLabels(contentsOf: csv)) { error in
                XCTAssertTrue("\(error)".contains("lesions.csv") && "\(error)".contains(column), "\(error)")
            }
        }
    }

    func testLabelsCSVErrorsNameTheLine() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let url = folder.appendingPathComponent("labels.csv")
        try "seriesuid,label,patient\n1.1,benign,A\n1.2,MALIGNANT,B\n1.3,1,\n1.4,0,A\n".write(to: url, atomically: true, encoding: .utf8)
        let labels = try PatientLabels(contentsOf: url)
        XCTAssertEqual(labels.entries.map(\.label), [.benign, .malignant, .malignant, .benign])
        XCTAssertEqual(labels.entries.map(\.patient), ["A", "B", "1.3", "A"])
        try "seriesuid,label\n1.1,benign\n1.2,maybe\n".write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PatientLabels(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("line 3") && "\(error)".contains("maybe"), "\(error)")
        }
        try "seriesuid,label,patient\n1.1,benign,A\n1.2,malignant,A\n".write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PatientLabels(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("line 3") && "\(error)".contains("patient A"), "\(error)")
        }
    }

    /// The reader maps the pairs files: its batches (copies included) and fingerprint equal
    /// those of the arrays read whole.
    func testMappedPairsEqualTheArraysReadWhole() throws {
        let (summary, folder, _) = try build(oversampling: 3)
        let reader = try ClassificationDatasetReader(folder: folder, split: .train)
        let train = summary.samples.filter { $0.split == .train }
        XCTAssertEqual(reader.count, train.map(\.copies).reduce(0, +))
        XCTAssertGreaterThan(reader.count, Set(train.map { "\($0.seriesUID)#\($0.row)" }).count, "no oversampled copies")
        let per = 2 * reader.size * reader.size
        var whole: [String: [Float]] = [:], served: [Float] = []
        for (i, sample) in reader.samples.enumerated() {
            if whole[sample.pairsFile] == nil {
                whole[sample.pairsFile] = try NumPyArray<Float>(contentsOf: folder.appendingPathComponent(sample.pairsFile)).values
            }
            let expected = Array(whole[sample.pairsFile]![(sample.row * per)..<((sample.row + 1) * per)])
            let (x, y) = try reader.batch([i])
            XCTAssertEqual(x.scalars, expected, "sample \(i)")
            XCTAssertEqual(y.scalars, sample.label == .malignant ? [0, 1] : [1, 0])
            served += expected
        }
        XCTAssertEqual(reader.fingerprint, datasetFingerprint([served], extra: reader.samples.map(\.label.rawValue)))
        XCTAssertThrowsError(try reader.batch([reader.count]))
    }

    func testReaderRefusesPairsFilesOutsideTheFolder() throws {
        let (_, folder, _) = try build()
        let manifest = folder.appendingPathComponent("manifest.csv")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: ",scans/", with: ",../scans/")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ClassificationDatasetReader(folder: folder, split: .train)) { error in
            XCTAssertTrue("\(error)".contains("outside the dataset folder"), "\(error)")
        }
    }
}
