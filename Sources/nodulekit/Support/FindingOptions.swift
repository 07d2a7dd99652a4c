import ArgumentParser
import NoduleModels

/// How probabilities become 3-D findings, shared by `screen` and `evaluate screening` so
/// both count the same findings.
struct FindingOptions: ParsableArguments {
    @Option(help: "Probability above which a voxel belongs to a finding.") var pixelThreshold: Float = 0.5
    @Option(help: "Smallest finding kept, in voxels.") var minimumVoxels = 3
    @Option(help: "Smallest finding kept, in mm of equivalent diameter (LUNA16 counts nodules from 3 mm; 0 keeps all).")
    var minimumDiameterMm = 3.0

    func validate() throws {
        guard pixelThreshold > 0, pixelThreshold < 1 else { throw ValidationError("--pixel-threshold must be in (0, 1)") }
        guard minimumVoxels >= 1 else { throw ValidationError("--minimum-voxels must be 1 or more") }
        guard minimumDiameterMm >= 0, minimumDiameterMm.isFinite else { throw ValidationError("--minimum-diameter-mm must be 0 or more") }
    }
}
