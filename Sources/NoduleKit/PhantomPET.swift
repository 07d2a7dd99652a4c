import Foundation
import ImagingCore
import ImageFormats
import Annotations
import DICOM
import Registration

/// How a phantom's PET is made.
public struct PETPhantomSettings: Sendable {
    /// Voxel spacing (mm) along every axis.
    public var spacingMM = 4.0
    /// At most this many voxels along each axis.
    public var maximumSize = 192
    /// The in-plane (x, y) field of view as a fraction of the CT's extent: the body plus a margin.
    public var transaxialCoverage = 1.2
    /// The axial (z) field of view as a fraction of the CT's extent: less than the CT, as
    /// a hospital PET's bed positions often cover less than its CT, so a lesion near the
    /// lung apices can fall outside the PET (`pet-compare` then says "outside-fov").
    public var axialCoverage = 0.95
    /// Where the PET starts: this fraction of the CT's z extent below (inferior to) the CT's
    /// lower end, so the liver and the lung bases stay inside and the apices are cut.
    public var axialMarginBelow = 0.1
    /// Full width at half maximum (mm) of the scanner's point spread (a Gaussian).
    public var fwhmMM = 6.0
    /// Poisson-like noise: standard deviation `noise · √SUV` per voxel.
    public var noise = 0.08
    /// The misalignment from the CT: up to this many degrees about each axis …
    public var maximumDegrees = 4.0
    /// … and up to this many mm along each (at most a tenth of the CT's smallest extent).
    public var maximumShiftMM = 20.0
    /// Tissue and lesion uptake.
    public var uptake = PhantomUptake()
    public init() {}
}

/// A PET of a phantom patient in SUV: its own axial grid covering the CT in plane and less
/// of it along z (`PETPhantomSettings.axialCoverage`), the anatomy seen
/// through a known rigid misalignment `truth` (ITK's direction: CT world → PET world, as
/// `register` estimates it), sampled at each voxel centre (2×2×2 per voxel near lesions),
/// blurred to the point spread, with noise.
public struct PETPhantom: Sendable {
    public let volume: Volume<Float>
    public let truth: RigidTransform
    public let groundTruth: PhantomPETTruth

    /// Renders the PET of `phantom`, seeded by `seed`; `kind` is the patient's lesion kind.
    public init(of phantom: ChestPhantom, kind: LesionKind?, seed: UInt64, settings: PETPhantomSettings = .init()) throws {
        var rng = ImagingCore.SeededGenerator(seed: seed ^ 0x9E7_9E7)
        let corners = phantom.geometry.cornerWorldPoints
        let lo = corners.reduce(corners[0]) { Vector3(min($0.x, $1.x), min($0.y, $1.y), min($0.z, $1.z)) }
        let hi = corners.reduce(corners[0]) { Vector3(max($0.x, $1.x), max($0.y, $1.y), max($0.z, $1.z)) }
        let extent = hi - lo, centre = (lo + hi) / 2, s = settings.spacingMM
        func voxels(_ e: Double, _ coverage: Double, margin: Int) -> Int { min(settings.maximumSize, max(1, Int((e * coverage / s).rounded(.up)) + margin)) }
        let inPlane = settings.transaxialCoverage
        let size = GridSize(voxels(extent.x, inPlane, margin: 2), voxels(extent.y, inPlane, margin: 2), voxels(extent.z, settings.axialCoverage, margin: 0))
        // The PET's own origin: centred on the CT in plane, from below the CT's lower end along z,
        // shifted by up to half a voxel (another bed position).
        let shift = Vector3(rng.nextUnit() - 0.5, rng.nextUnit() - 0.5, rng.nextUnit() - 0.5) * s
        let half = Vector3(Double(size.i - 1), Double(size.j - 1), Double(size.k - 1)) * (s / 2)
        let axialCentre = lo.z - settings.axialMarginBelow * extent.z + Double(size.k) * s / 2
        let petCentre = Vector3(centre.x, centre.y, axialCentre)
        let geometry = try ImageGeometry(size: size, origin: petCentre - half + shift, spacing: Vector3(s, s, s))

        let degrees = settings.maximumDegrees * .pi / 180
        let mm = min(settings.maximumShiftMM, 0.1 * min(extent.x, extent.y, extent.z))
        let u = { (scale: Double) in (rng.nextUnit() * 2 - 1) * scale }
        let angles = Vector3(u(degrees), u(degrees), u(degrees))
        truth = RigidTransform(eulerAngles: angles, translation: Vector3(u(mm), u(mm), u(mm)), centre: centre)

        let lesions = phantom.lesionUptake(kind: kind, seed: seed, uptake: settings.uptake)
        groundTruth = phantom.petTruth(lesions: lesions, uptake: settings.uptake)
        let suv = lesions.map { $0.suv }
        let toCT = truth.inverse
        var ideal = Volume<Float>(geometry: geometry, repeating: 0)
        let offsets = [-0.25, 0.25]
        let uptake = settings.uptake
        // Voxels near a lesion average 2×2×2 samples (the partial volume of small lesions);
        // elsewhere the organs are large against a voxel and the centre is sampled.
        let near = phantom.nodules.map { (centre: $0.center, reach: ($0.diameterMM ?? 0) / 2 + s) }
        ideal.withUnsafeMutableVoxels { out in
            nonisolated(unsafe) let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: size.k) { k in
                for j in 0..<size.j { for i in 0..<size.i {
                    let centre = toCT.transformPoint(geometry.continuousIndexToWorld(Vector3(Double(i), Double(j), Double(k))))
                    var value = 0.0
                    if near.contains(where: { length(centre - $0.centre) <= $0.reach }) {
                        for dk in offsets { for dj in offsets { for di in offsets {
                            let y = geometry.continuousIndexToWorld(Vector3(Double(i) + di, Double(j) + dj, Double(k) + dk))
                            value += phantom.suv(at: toCT.transformPoint(y), lesionSUV: suv, uptake: uptake) / 8
                        } } }
                    } else {
                        value = phantom.suv(at: centre, lesionSUV: suv, uptake: uptake)
                    }
                    base[(k * size.j + j) * size.i + i] = Float(value)
                } }
            }
        }
        var pet = ideal.smoothed(sigma: settings.fwhmMM / (8 * log(2)).squareRoot())
        var noise = ImagingCore.SeededGenerator(seed: seed ^ 0x0015_E0F5)
        pet.withUnsafeMutableVoxels { v in
            for n in v.indices { v[n] = max(0, v[n] + Float(settings.noise * Double(v[n]).squareRoot() * noise.nextGaussian())) }
        }
        volume = pet
    }

    /// Writes `pet.nii.gz` (SUV, float), `truth.tfm` (CT world → PET world), `truth.json`
    /// (each lesion's true uptake, the liver and blood-pool reference spheres) and
    /// `reference.csv` (those spheres: name, CT-world centre, radius, true SUV) into `folder`;
    /// given a DICOM identity, also the PET as a DICOM series in Bq/mL (`dicom/`, its own
    /// study and frame of reference; see `PETSeriesWriter`).
    public func write(to folder: URL, dicomIdentity: DICOMIdentity? = nil) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try ImageFile.write(volume, to: folder.appendingPathComponent("pet.nii.gz"))
        if let dicomIdentity {
            try PETSeriesWriter.write(volume, to: folder.appendingPathComponent("dicom"), identity: dicomIdentity, seriesDescription: "NoduleKit phantom PET")
        }
        try TransformFile.write(truth, to: folder.appendingPathComponent("truth.tfm"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(groundTruth), to: folder.appendingPathComponent("truth.json"))
        var spheres = "name,x,y,z,radius_mm,true_suv\n"
        for (name, sphere) in [("liver", groundTruth.liver), ("blood-pool", groundTruth.bloodPool)] {
            guard let sphere else { continue }
            spheres += "\(name),\(sphere.centre.map { String($0) }.joined(separator: ",")),\(sphere.radiusMM),\(sphere.trueSUV)\n"
        }
        try AtomicFile.write(Data(spheres.utf8), to: folder.appendingPathComponent("reference.csv"))
    }
}

extension PhantomSet {
    /// Writes a PET for each spec's phantom into `<folder>/pet/<seriesuid>/` (see
    /// `PETPhantom.write`; with `dicom`, also as a DICOM PET series), seeded by the spec's
    /// seed; returns the folders.
    @discardableResult
    public static func writePET(_ specs: [PhantomSpec], to folder: URL, settings: PETPhantomSettings = .init(), dicom: Bool = false,
                                progress: ProgressReporter = SilentProgress()) throws -> [URL] {
        var folders: [URL] = []
        for (n, spec) in specs.enumerated() {
            let phantom = try ChestPhantom(spec)
            let pet = try PETPhantom(of: phantom, kind: spec.lesionKind, seed: spec.seed, settings: settings)
            let target = folder.appendingPathComponent("pet").appendingPathComponent(phantom.seriesUID)
            let identity = DICOMIdentity(patientName: "Phantom^\(spec.seed)", patientID: "PHANTOM-\(spec.seed)")
            try pet.write(to: target, dicomIdentity: dicom ? identity : nil)
            folders.append(target)
            progress.update(completed: n + 1, total: specs.count, item: phantom.seriesUID)
        }
        return folders
    }
}
