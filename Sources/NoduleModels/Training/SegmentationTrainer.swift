import Foundation
import ImagingCore
import NeuralNet

/// Settings of a segmenter training run; the defaults are the paper's (Sect. 4.1).
public struct SegmentationTrainingOptions: Sendable, Equatable {
    /// Epochs to reach (counting those of a resumed run).
    public var epochs = 50
    /// Slices per batch (the paper's 16).
    public var batchSize = 16
    /// Adam's learning rate (the paper's 1e-4).
    public var learningRate: Float = 1e-4
    /// Stop after this many epochs without a lower validation loss.
    public var patience = 10
    /// Seed of the batch order (the weights' seed is the model's).
    public var seed: UInt64 = 0
    /// Continue from `last.safetensors` and `history.csv` in the output folder if they exist.
    public var resume = false
    /// Probability above which a pixel counts as nodule for the validation Dice.
    public var diceThreshold: Float = 0.5

    /// The paper's settings.
    public init() {}
}

/// Something a training run reports while it works.
public enum TrainingEvent: Sendable {
    /// A resumed run loaded the weights and history of its first `afterEpoch` epochs.
    case resumed(afterEpoch: Int)
    /// A batch finished; `runningLoss` is the epoch's mean training loss so far.
    case batch(epoch: Int, batch: Int, batches: Int, runningLoss: Double)
    /// An epoch finished and was validated; `improved` when it saved a new best checkpoint.
    case epoch(EpochRecord, improved: Bool)
}

/// What a training run left behind.
public struct SegmentationTrainingResult: Sendable {
    /// Every epoch, including those of a resumed run.
    public var history: TrainingHistory
    /// The weights with the lowest validation loss.
    public var bestCheckpoint: URL
    /// True when early stopping ended the run before `epochs`.
    public var stoppedEarly: Bool
    /// The epoch a resumed run started from (0 for a fresh run).
    public var resumedAfterEpoch: Int
}

/// Trains a `Segmenter` with BCE on logits and Adam, validating every epoch. Writes to its
/// output folder `best.safetensors` (lowest validation loss), `last.safetensors` (the latest
/// epoch, for `resume`) and `history.csv`, each atomically after every epoch. Adam's moments
/// are not checkpointed: a resumed run restarts them.
public struct SegmentationTrainer {
    public var segmenter: Segmenter
    public var training: SegmentationDatasetReader
    public var validation: SegmentationDatasetReader
    public var outputFolder: URL
    public var options: SegmentationTrainingOptions

    /// A run of `segmenter` on the two splits, writing into `outputFolder`.
    public init(segmenter: Segmenter, training: SegmentationDatasetReader, validation: SegmentationDatasetReader,
                outputFolder: URL, options: SegmentationTrainingOptions = .init()) {
        self.segmenter = segmenter
        self.training = training
        self.validation = validation
        self.outputFolder = outputFolder
        self.options = options
    }

    /// `best.safetensors`, `last.safetensors` and `history.csv` in the output folder.
    public var files: (best: URL, last: URL, history: URL) {
        (outputFolder.appendingPathComponent("best.safetensors"), outputFolder.appendingPathComponent("last.safetensors"),
         outputFolder.appendingPathComponent("history.csv"))
    }

    /// Runs until `epochs` or early stopping; `onEvent` sees every batch and epoch.
    public func run(onEvent: (TrainingEvent) -> Void = { _ in }) throws -> SegmentationTrainingResult {
        guard options.epochs > 0, options.batchSize > 0, options.patience > 0, options.learningRate > 0,
              options.diceThreshold > 0, options.diceThreshold < 1 else {
            throw NoduleModelsError.invalidTraining(
                path: outputFolder.path,
                reason: "epochs, batch size, patience and learning rate must be positive and the Dice threshold in (0, 1)")
        }
        let shape = [1, segmenter.inputChannels, training.size, training.size]
        try segmenter.validateInput(shape: shape)
        try segmenter.validateInput(shape: [1, segmenter.inputChannels, validation.size, validation.size])
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        let net = segmenter.network
        var history = TrainingHistory()
        let fm = FileManager.default
        if options.resume, fm.fileExists(atPath: files.last.path), fm.fileExists(atPath: files.history.path) {
            try net.loadCheckpoint(from: files.last)
            history = try TrainingHistory(contentsOf: files.history)
        }
        let resumedAfter = history.records.last?.epoch ?? 0
        if resumedAfter > 0 { onEvent(.resumed(afterEpoch: resumedAfter)) }
        let adam = Adam(learningRate: options.learningRate)
        var epoch = resumedAfter
        while epoch < options.epochs, history.epochsSinceBest < options.patience {
            epoch += 1
            let batches = training.batchIndices(batchSize: options.batchSize, shuffleSeed: options.seed &+ UInt64(epoch))
            var total = 0.0, seen = 0
            for (b, indices) in batches.enumerated() {
                let (x, y) = try training.batch(indices)
                let logits = try net.forward(x, training: true)
                let (loss, gradient) = try Loss.binaryCrossEntropyWithLogits(logits: logits, targets: y)
                _ = try net.backward(gradient)
                adam.update(net)
                total += Double(loss) * Double(indices.count)
                seen += indices.count
                onEvent(.batch(epoch: epoch, batch: b + 1, batches: batches.count, runningLoss: total / Double(seen)))
            }
            let (valLoss, dice) = try validate()
            let record = EpochRecord(epoch: epoch, trainLoss: total / Double(max(1, seen)), validationLoss: valLoss, validationDice: dice)
            let improved = history.best.map { valLoss < $0.validationLoss } ?? true
            history.records.append(record)
            if improved { try net.saveCheckpoint(to: files.best) }
            try net.saveCheckpoint(to: files.last)
            try history.write(to: files.history)
            onEvent(.epoch(record, improved: improved))
        }
        return SegmentationTrainingResult(
            history: history, bestCheckpoint: files.best,
            stoppedEarly: (history.records.last?.epoch ?? 0) < options.epochs, resumedAfterEpoch: resumedAfter)
    }

    /// Mean BCE and pooled Dice over the validation split (dropout off).
    func validate() throws -> (loss: Double, dice: Double) {
        var total = 0.0
        var predicted: [UInt8] = [], actual: [UInt8] = []
        let logitThreshold = log(options.diceThreshold / (1 - options.diceThreshold))  // σ(x) > t ⇔ x > logit(t)
        for indices in validation.batchIndices(batchSize: options.batchSize, shuffleSeed: nil) {
            let (x, y) = try validation.batch(indices)
            let logits = try segmenter.network.forward(x, training: false)
            total += Double(try Loss.binaryCrossEntropyWithLogits(logits: logits, targets: y).loss) * Double(indices.count)
            predicted += logits.scalars.map { $0 > logitThreshold ? 1 : 0 }
            actual += y.scalars.map { $0 > 0.5 ? 1 : 0 }
        }
        return (total / Double(max(1, validation.count)), OverlapMetrics.dice(predicted, actual))
    }
}
