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

    /// Mean BCE and pooled Dice over the validation split (dropout off). With `collectives`,
    /// rank r takes every size-th batch from the r-th and the sums are reduced over the ranks.
    func validate() throws -> (loss: Double, score: Double) {
        var sums = [0.0, 0, 0, 0]  // loss × samples, |predicted ∩ actual|, |predicted|, |actual|
        let logitThreshold = log(options.diceThreshold / (1 - options.diceThreshold))  // σ(x) > t ⇔ x > logit(t)
        let (rank, size) = (collectives?.rank ?? 0, collectives?.size ?? 1)
        let batches = TrainingLoop.batchIndices(count: validation.count, batchSize: options.batchSize, shuffleSeed: nil)
        for (b, indices) in batches.enumerated() where b % size == rank {
            let (x, y) = try validation.batch(indices)
            let logits = try segmenter.network.forward(x, training: false)
            sums[0] += Double(try Loss.binaryCrossEntropyWithLogits(logits: logits, targets: y, weights: pixelWeights(y)).loss) * Double(indices.count)
            var both = 0, predicted = 0, actual = 0
            for (p, t) in zip(logits.scalars, y.scalars) {
                let isPredicted = p > logitThreshold, isActual = t > 0.5
                if isPredicted { predicted += 1 }
                if isActual { actual += 1 }
                if isPredicted && isActual { both += 1 }
            }
            sums[1] += Double(both); sums[2] += Double(predicted); sums[3] += Double(actual)
        }
        try collectives?.allreduceSum(&sums)
        let dice = sums[2] + sums[3] == 0 ? 1 : 2 * sums[1] / (sums[2] + sums[3])  // OverlapMetrics.dice, pooled
        return (sums[0] / Double(max(1, validation.count)), dice)
    }
}
