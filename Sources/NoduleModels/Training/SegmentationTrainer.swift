import Foundation
import ImagingCore
import NeuralNet

/// Trains a `Segmenter` with BCE on logits and Adam, validating (BCE and pooled Dice) every
/// epoch; see `TrainingLoop` for the files it keeps and how it stops and resumes.
public struct SegmentationTrainer {
    public var segmenter: Segmenter
    public var training: SegmentationDatasetReader
    public var validation: SegmentationDatasetReader
    public var outputFolder: URL
    public var options: TrainingOptions
    /// Data-parallel training over these ranks (see Docs/Distributed.md); nil: one process.
    /// With a group, `options.batchSize` is the per-rank batch and dropout masks are keyed by
    /// epoch and sample index, so any number of ranks trains the same weights.
    public var collectives: Collectives?

    /// A run of `segmenter` on the two splits, writing into `outputFolder`.
    public init(segmenter: Segmenter, training: SegmentationDatasetReader, validation: SegmentationDatasetReader,
                outputFolder: URL, options: TrainingOptions = .init()) {
        self.segmenter = segmenter
        self.training = training
        self.validation = validation
        self.outputFolder = outputFolder
        self.options = options
    }

    /// `best.safetensors`, `last.safetensors` and `history.csv` in the output folder.
    public var files: TrainingFiles { TrainingFiles(folder: outputFolder) }

    /// Runs until `epochs` or early stopping; `onEvent` sees every batch and epoch.
    public func run(onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingResult {
        try segmenter.validateInput(shape: [1, segmenter.inputChannels, training.size, training.size])
        try segmenter.validateInput(shape: [1, segmenter.inputChannels, validation.size, validation.size])
        let net = segmenter.network
        let loop = TrainingLoop(network: net, files: files, options: options, scoreName: "dice",
                                datasets: ["training": training.fingerprint, "validation": validation.fingerprint],
                                parallel: collectives.map(DataParallel.init))
        return try loop.run(
            trainingCount: training.count,
            step: { indices, _ in
                let (x, y) = try training.batch(indices)
                return try Loss.binaryCrossEntropyWithLogits(logits: net.forward(x, training: true), targets: y,
                                                             weights: pixelWeights(y))
            },
            validate: validate, onEvent: onEvent)
    }

    /// Per-pixel BCE weights: `positiveWeight` on nodule pixels, 1 elsewhere (nil when 1).
    func pixelWeights(_ masks: Tensor) throws -> Tensor? {
        guard options.positiveWeight != 1 else { return nil }
        let w = options.positiveWeight - 1
        return try Tensor(shape: masks.shape, scalars: masks.scalars.map { 1 + w * $0 })
    }

    /// Mean BCE and pooled Dice over the validation split (dropout off).
    func validate() throws -> (loss: Double, score: Double) {
        var total = 0.0
        var predicted: [UInt8] = [], actual: [UInt8] = []
        let logitThreshold = log(options.diceThreshold / (1 - options.diceThreshold))  // σ(x) > t ⇔ x > logit(t)
        for indices in TrainingLoop.batchIndices(count: validation.count, batchSize: options.batchSize, shuffleSeed: nil) {
            let (x, y) = try validation.batch(indices)
            let logits = try segmenter.network.forward(x, training: false)
            total += Double(try Loss.binaryCrossEntropyWithLogits(logits: logits, targets: y, weights: pixelWeights(y)).loss) * Double(indices.count)
            predicted += logits.scalars.map { $0 > logitThreshold ? 1 : 0 }
            actual += y.scalars.map { $0 > 0.5 ? 1 : 0 }
        }
        return (total / Double(max(1, validation.count)), OverlapMetrics.dice(predicted, actual))
    }
}
