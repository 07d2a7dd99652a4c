import DICOM
import Foundation
import TestSupport
import XCTest

/// SUV body-weight factors for the 8 real vendor header sets of
/// ../shared/testdata/pet-suv-metadata, written as PET files by pydicom
/// (Tests/Oracles/dicom_make_pet.py). Expected values are the vendor-neutral rules
/// worked by hand: factor = weight[g] / (dose[Bq] × 2^(−decay[s] / halfLife[s])).
final class SUVTests: XCTestCase {
    private func factor(_ name: String, implicit: Bool = false) throws -> SUVBodyWeight {
        let json = try TestEnvironment.sharedFile("pet-suv-metadata/\(name)-instances.json")
        let folder = try TestEnvironment.temporaryDirectory(self)
        try PythonOracle.run("dicom_make_pet.py", [json.path, folder.path] + (implicit ? ["--implicit"] : []))
        return try SUVCalculator.bodyWeight(at: folder)
    }

    private func bqml(weightKg: Double, dose: Double, decaySeconds: Double, halfLife: Double) -> Double {
        weightKg * 1000 / (dose * pow(2, -decaySeconds / halfLife))
    }

    func testGEBQMLDecaysToSeriesTime() throws {
        // Series 09:56:21 = acquisition 09:56:21: series time. Injection 08:45:00 (StartDateTime).
        // decay = 1 h 11 min 21 s = 4281 s.
        let suv = try factor("GE_MEDICAL_AND_BQML")
        XCTAssertEqual(suv.decayTimeSeconds ?? 0, 4281, accuracy: 1e-6)
        XCTAssertEqual(suv.factor, bqml(weightKg: 52, dose: 152_022_720, decaySeconds: 4281, halfLife: 6586.2001953125), accuracy: 1e-12)
        XCTAssertEqual(suv.injectionTimeSource, "RadiopharmaceuticalStartDateTime")
    }

    func testPhilipsBQMLUsesTheFormulaAndAgreesWithPhilipsPrivateFactor() throws {
        // Series 11:01:55 ≤ acquisition 11:01:56. Injection 10:00:58: decay 3657 s.
        let suv = try factor("PHILIPS_BQML")
        let expected = bqml(weightKg: 64, dose: 126_000_000, decaySeconds: 3657, halfLife: 6586.199707)
        XCTAssertEqual(suv.factor, expected, accuracy: 1e-12)
        XCTAssertEqual(suv.rule, "BQML")
        // Philips' own (7053,1000) 0.003515736 scales counts, and (7053,1009) 4.709921 turns
        // counts into Bq/ml: the two agree with our factor within 1 %.
        XCTAssertEqual(suv.factor * 4.709921 / 0.003515736, 1, accuracy: 0.01)
    }

    func testPhilipsCNTSUsesPrivateSUVScaleFactor() throws {
        XCTAssertEqual(try factor("PHILIPS_CNTS_AND_SUV").factor, 0.000728)
        // Both private factors present: (7053,1000) wins.
        let both = try factor("PHILIPS_CNTS_AND_BQML_SUV")
        XCTAssertEqual(both.factor, 0.000551)
        XCTAssertEqual(both.philipsActivityConcentrationScaleFactor, 1.602563)
        // Implicit VR: the private values arrive as UN and still parse.
        XCTAssertEqual(try factor("PHILIPS_CNTS_AND_SUV", implicit: true).factor, 0.000728)
    }

    func testSiemensBQML() throws {
        // Series 10:48:29 ≤ acquisition 10:48:30.35. Injection 08:30:45: decay 2 h 17 min 44 s = 8264 s.
        let suv = try factor("SIEMENS")
        XCTAssertEqual(suv.factor, bqml(weightKg: 67, dose: 374_000_000, decaySeconds: 8264, halfLife: 6586.2), accuracy: 1e-12)
    }

    func testAcquisitionBeforeSeriesTimeBackComputesFromFrameReferenceTime() throws {
        // Acquisition 12:35:14.999995 < series 12:35:15: the scan start is back-computed:
        // λ = ln2 / 6586.2, x = λ·120 s, t̄ = ln(x / (1 − e^−x)) / λ (average count-rate time
        // in the 120 s frame), scan = 12:35:14.999995 − 59.936854672596 s + t̄.
        // Injection 11:41:00 on the series date (no StartDateTime).
        let lambda = log(2.0) / 6586.2
        let x = lambda * 120
        let averageCountRate = log(x / (1 - exp(-x))) / lambda
        let decay = (12 * 3600 + 35 * 60 + 14.999995) - 59.936854672596 + averageCountRate - (11 * 3600 + 41 * 60)
        let suv = try factor("BQML_AC_DT_lessThan_S_DT_SIEMENS")
        XCTAssertEqual(suv.decayTimeSeconds ?? 0, decay, accuracy: 1e-4)
        XCTAssertEqual(suv.factor, bqml(weightKg: 65, dose: 225_000_000, decaySeconds: decay, halfLife: 6586.2), accuracy: 1e-12)
        XCTAssertEqual(suv.injectionTimeSource, "SeriesDate + RadiopharmaceuticalStartTime")
    }

    func testAcquisitionBeforeSeriesTimeWithoutFrameReferenceUsesEarliestAcquisition() throws {
        // Acquisition 13:03:48.234 < series 13:49:18 and FrameReferenceTime 0: the earliest
        // acquisition time. Injection 12:00:37: decay 3791.234 s.
        let suv = try factor("CPS_AND_BQML_AC_DT_-_S_DT")
        XCTAssertEqual(suv.decayTimeSeconds ?? 0, 3791.234, accuracy: 1e-4)
        XCTAssertEqual(suv.factor, bqml(weightKg: 69, dose: 388_000_000, decaySeconds: 3791.234, halfLife: 6586.2), accuracy: 1e-12)
    }

    func testMissingStartDateTimeFallsBackToStartTimeOnSeriesDate() throws {
        // Series 13:54:31.843 ≤ acquisition 14:15:55.687. Injection 12:50:00 on 20201217: 3871.843 s.
        let suv = try factor("RADIOPHARM_DATETIME_UNDEFINED")
        XCTAssertEqual(suv.factor, bqml(weightKg: 102, dose: 412_000_000, decaySeconds: 3871.843, halfLife: 6586.2), accuracy: 1e-12)
        XCTAssertEqual(suv.injectionTimeSource, "SeriesDate + RadiopharmaceuticalStartTime")
    }

    func testPETSeriesBecomesAFloatVolumeInSUV() throws {
        let json = try TestEnvironment.sharedFile("pet-suv-metadata/SIEMENS-instances.json")
        let folder = try TestEnvironment.temporaryDirectory(self)
        try PythonOracle.run("dicom_make_pet.py", [json.path, folder.path])
        let series = try SeriesScanner.scan(folder).onlySeries(in: folder.path)
        let volume = try series.loadSUVVolume()
        let factor = bqml(weightKg: 67, dose: 374_000_000, decaySeconds: 8264, halfLife: 6586.2)
        // Slice k stores 100 + k with RescaleSlope 2.
        for k in 0..<3 { XCTAssertEqual(Double(volume[0, 0, k]), Double(100 + k) * 2 * factor, accuracy: 1e-5) }
    }

    func testMissingWeightIsAClearError() throws {
        let json = try TestEnvironment.sharedFile("pet-suv-metadata/SIEMENS-instances.json")
        let folder = try TestEnvironment.temporaryDirectory(self)
        // Strip PatientWeight from the metadata: the factor must refuse, not guess.
        let data = try Data(contentsOf: json)
        var instances = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        for i in instances.indices { instances[i].removeValue(forKey: "PatientWeight") }
        let stripped = folder.appendingPathComponent("meta.json")
        try JSONSerialization.data(withJSONObject: instances).write(to: stripped)
        try PythonOracle.run("dicom_make_pet.py", [stripped.path, folder.appendingPathComponent("pet").path])
        XCTAssertThrowsError(try SUVCalculator.bodyWeight(at: folder.appendingPathComponent("pet"))) {
            XCTAssertTrue("\($0)".contains("(0010,1030)"), "\($0)")
        }
    }
}
