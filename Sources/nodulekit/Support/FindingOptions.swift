import ArgumentParser
import NoduleModels

/// How probabilities become 3-D findings, shared by `screen` and `evaluate screening` so
/// both count the same findings.
struct FindingOptions: ParsableArguments {
    @Option(help: "Probability above which a voxel belongs to a finding.") var pixelThreshold: Float = 0.5
    @Option(help: "Smallest finding kept, in voxels.") var minimumVoxels = 3
    @Option(help: "Smallest finding kept, in mm of equivalent diameter (LUNA16 counts nodules from 3 mm; 0 keeps all).")
    var minimumDiameterMm = 3.0
    @Option(help: ArgumentHelp("Nodules whose tissue continues beyond them more than this are dropped as vessels or airway walls (the continuation: tissue crossing a sphere of twice the finding's radius over the finding's own cross-section; about 0 for a nodule, 2 or more for a vessel). Masses are kept.", valueName: "ratio"))
    var maximumContinuation = StructureContinuation.defaultMaximum
    @Option(help: ArgumentHelp("Voxels at or above this are tissue for the vessel test.", valueName: "HU")) var vesselTissueHu = StructureContinuation().tissueHU
    @Flag(help: "Do not measure or test the continuation: keep every finding the network marks.") var noVesselTest = false

    func validate() throws {
        guard pixelThreshold > 0, pixelThreshold < 1 else { throw ValidationError("--pixel-threshold must be in (0, 1)") }
        guard minimumVoxels >= 1 else { throw ValidationError("--minimum-voxels must be 1 or more") }
        guard minimumDiameterMm >= 0, minimumDiameterMm.isFinite else { throw ValidationError("--minimum-diameter-mm must be 0 or more") }
        guard maximumContinuation >= 0 else { throw ValidationError("--maximum-continuation must be 0 or more") }
    }

    /// The vessel test these options describe.
    var continuation: StructureContinuation {
        var measure = StructureContinuation()
        measure.tissueHU = vesselTissueHu
        return measure
    }

    /// The cascade these options describe.
    func cascade(_ screener: SliceScreener, classifier: Classifier?, massDiameterMM: Double = 30) throws -> CascadeScreener {
        try CascadeScreener(screener: screener, classifier: classifier, pixelThreshold: pixelThreshold,
                            minimumNoduleVoxels: minimumVoxels, minimumDiameterMM: minimumDiameterMm, massDiameterMM: massDiameterMM,
                            continuation: noVesselTest ? nil : continuation, maximumContinuation: maximumContinuation)
    }
}
