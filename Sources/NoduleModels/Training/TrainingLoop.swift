import Foundation
import ImagingCore
import NeuralNet

/// Settings of a training run; the defaults are the paper's (Sect. 4.1).
public struct TrainingOptions: Sendable, Equatable {
    /// Epochs to reach (counting those of a resumed run).
    public var epochs = 50
    /// Samples per batch (the paper's 16).
    public var batchSize = 16
    /// Adam's learning rate (the paper's 1e-4).
    public var learningRate: Float = 1e-4
    /// Stop after this many epochs without a lower validation loss.
    public var patience = 10
    /// Seed of the batch order (the weights' seed is the model's).
    public var seed: UInt64 = 0
    /// Continue from `last.safetensors` and `history.csv` in the output folder if they exist.
    public var resume = false
    /// Segmenters: probability above which a pixel counts as nodule for the validation Dice.
    public var diceThreshold: Float = 0.5
    /// Classifiers: each training sample is flipped and/or transposed at random (one of the
    /// eight symmetries of the square, seeded), which a nodule's class does not depend on.
    /// Off by default (the paper does not augment).
    public var augmentsBySymmetry = false
    /// Segmenters: weight of nodule pixels in the BCE (1: the paper's plain BCE). Nodules
    /// are a small fraction of a slice; a larger weight trades specificity for sensitivity.
    public var positiveWeight: Float = 1

    /// The paper's settings.
    public init() {}

    func validate(outputFolder: URL) throws {
        guard epochs > 0, batchSize > 0, patience > 0, learningRate > 0, learningRate.isFinite,
              diceThreshold > 0, diceThreshold < 1, positiveWeight > 0, positiveWeight.isFinite else {
            throw NoduleModelsError.invalidTraining(
                path: outputFolder.path,
                reason: "epochs, batch size, patience, learning rate and positive weight must be positive and the Dice threshold in (0, 1)")
        }
    }
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
public struct TrainingResult: Sendable {
    /// Every epoch, including those of a resumed run.
    public var history: TrainingHistory
    /// The weights with the lowest validation loss.
    public var bestCheckpoint: URL
    /// True when early stopping ended the run before `epochs`.
    public var stoppedEarly: Bool
    /// The epoch a resumed run started from (0 for a fresh run).
    public var resumedAfterEpoch: Int
    /// Data-parallel runs: mean seconds a step spent in the gradient allreduce (copies included).
    public var allreduceSecondsPerStep: Double?
    /// Data-parallel runs: mean seconds a step waited for the slowest rank before the allreduce.
    public var waitSecondsPerStep: Double?
    /// Mean wall seconds of one epoch's training steps (forward, backward, allreduce, Adam;
    /// not validation or checkpoints), over the epochs this run trained; nil when it trained none.
    public var trainingSecondsPerEpoch: Double? = nil
    /// Mean wall seconds of one training step.
    public var secondsPerStep: Double? = nil
}

/// The files a training run keeps in its output folder.
public struct TrainingFiles: Sendable {
    /// The folder.
    public let folder: URL
    public init(folder: URL) { self.folder = folder }
    /// Weights with the lowest validation loss.
    public var best: URL { folder.appendingPathComponent("best.safetensors") }
    /// Weights of the latest epoch (for `resume`).
    public var last: URL { folder.appendingPathComponent("last.safetensors") }
    /// One row per epoch.
    public var history: URL { folder.appendingPathComponent("history.csv") }
}

/// The epoch loop shared by every trainer: shuffled batches, one Adam step per batch,
/// validation after every epoch, the best checkpoint by validation loss, early stopping and
/// resume. `best.safetensors`, `last.safetensors` and `history.csv` are written atomically
/// after every epoch; `run.json` holds the data's fingerprints, and a resume on changed data
/// is refused. Adam's moments are not checkpointed: a resumed run restarts them.
struct TrainingLoop {
    var network: Layer
    var files: TrainingFiles
    var options: TrainingOptions
    var scoreName: String
    /// Fingerprints of the splits (`training`, `validation`), kept in run.json for resume.
    var datasets: [String: String]
    /// Data-parallel training over a group of ranks (nil: one process, the classic loop).
    /// `options.batchSize` is then the per-rank batch; validation is sharded; rank 0 alone writes files.
    var parallel: DataParallel? = nil

    /// Runs the loop. `trainingCount` samples are shuffled per epoch (seed + epoch);
    /// `step` takes a batch's indices and the epoch and returns its loss and gradient of the
    /// logits (after the forward pass it ran); `validate` returns the validation loss and score.
    func run(
        trainingCount: Int,
        step: ([Int], Int) throws -> (loss: Float, gradient: Tensor),
        validate: () throws -> (loss: Double, score: Double),
        onEvent: (TrainingEvent) -> Void
    ) throws -> TrainingResult {
        try options.validate(outputFolder: files.folder)
        let writes = (parallel?.rank ?? 0) == 0
        if writes { try FileManager.default.createDirectory(at: files.folder, withIntermediateDirectories: true) }
        try parallel?.checkFingerprints(datasets, path: files.folder.path)
        var history = TrainingHistory(scoreName: scoreName)
        let fm = FileManager.default
        let record = TrainingRunRecord(datasets: datasets)
        if writes, options.resume, fm.fileExists(atPath: files.last.path), fm.fileExists(atPath: files.history.path) {
            try TrainingRunRecord.read(in: files.folder)?.check(resumingWith: record, in: files.folder)
            let (state, metadata) = try Safetensors.readWithMetadata(from: files.last)
            try network.loadStateDictionary(state)
            history = try TrainingHistory(contentsOf: files.history)
            history.scoreName = scoreName
            try Self.align(&history, toCheckpointMetadata: metadata, files: files)
        }
        if writes { try record.write(in: files.folder) }
        var resumedAfter = history.records.last?.epoch ?? 0
        if let parallel {
            try parallel.broadcastParameters(network)
            resumedAfter = try broadcastCount(resumedAfter, parallel)
        }
        if resumedAfter > 0, writes { onEvent(.resumed(afterEpoch: resumedAfter)) }
        let adam = Adam(learningRate: options.learningRate)
        let dropouts = parallel == nil ? [] : DataParallel.dropoutLayers(network)
        let globalBatch = options.batchSize * (parallel?.size ?? 1)
        var epoch = resumedAfter
        var trainingSeconds = 0.0, trainedEpochs = 0, steps = 0
        while try broadcastFlag(epoch < options.epochs && history.epochsSinceBest < options.patience) {
            epoch += 1
            let batches = Self.batchIndices(count: trainingCount, batchSize: globalBatch,
                                            shuffleSeed: options.seed &+ UInt64(epoch))
            var total = 0.0, seen = 0
            let started = DispatchTime.now().uptimeNanoseconds
            for (b, global) in batches.enumerated() {
                let indices = parallel?.shard(global, perRank: options.batchSize) ?? global
                var lossSum = 0.0
                if !indices.isEmpty {
                    for d in dropouts { d.sampleKeys = indices.map { DataParallel.sampleKey(epoch: epoch, index: $0) } }
                    var (loss, gradient) = try step(indices, epoch)
                    if parallel != nil {  // this rank's share of the global batch's mean
                        let share = Float(indices.count) / Float(global.count)
                        for i in gradient.scalars.indices { gradient.scalars[i] *= share }
                    }
                    try network.backwardParameters(gradient)
                    lossSum = Double(loss) * Double(indices.count)
                }
                if let parallel {
                    var extra = [lossSum]
                    try parallel.allreduceGradients(network, extra: &extra)
                    lossSum = extra[0]
                }
                adam.update(network)
                total += lossSum
                seen += global.count
                if writes { onEvent(.batch(epoch: epoch, batch: b + 1, batches: batches.count, runningLoss: total / Double(seen))) }
            }
            trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            trainedEpochs += 1
            steps += batches.count
            let (valLoss, score) = try validate()  // sharded over the ranks by the trainer
            guard writes else { continue }
            let record = EpochRecord(epoch: epoch, trainLoss: total / Double(max(1, seen)), validationLoss: valLoss,
                                     validationScore: score)
            let improved = history.best.map { valLoss < $0.validationLoss } ?? true
            history.records.append(record)
            // History first, `last` (stamped with its epoch) last: a run interrupted between
            // the writes resumes from the weights, dropping the history rows after them, so
            // no epoch is repeated on weights that already learned it (`align`).
            try history.write(to: files.history)
            if improved { try network.saveCheckpoint(to: files.best, metadata: [Self.epochKey: String(epoch)]) }
            try network.saveCheckpoint(to: files.last, metadata: [Self.epochKey: String(epoch)])
            onEvent(.epoch(record, improved: improved))
        }
        for d in dropouts { d.sampleKeys = nil }  // the network goes back to the single mask stream
        try parallel?.collectives.barrier()
        return TrainingResult(
            history: history, bestCheckpoint: files.best,
            stoppedEarly: (history.records.last?.epoch ?? 0) < options.epochs, resumedAfterEpoch: resumedAfter,
            allreduceSecondsPerStep: parallel.map { $0.timing.seconds / Double(max(1, $0.timing.steps)) },
            waitSecondsPerStep: parallel.map { $0.timing.waitSeconds / Double(max(1, $0.timing.steps)) },
            trainingSecondsPerEpoch: trainedEpochs > 0 ? trainingSeconds / Double(trainedEpochs) : nil,
            secondsPerStep: steps > 0 ? trainingSeconds / Double(steps) : nil)
    }

    /// The `__metadata__` key of a checkpoint holding the epoch its weights are from.
    static let epochKey = "nodulekit.epoch"

    /// Makes a resumed history end at the epoch of `last.safetensors`: rows after it come
    /// from an epoch whose checkpoint was never written (the run stopped between the two
    /// writes) and are dropped, so that epoch runs again. A checkpoint newer than the
    /// history (an older NoduleKit wrote it first) is refused. Without the stamp (older
    /// runs) the history is trusted.
    static func align(_ history: inout TrainingHistory, toCheckpointMetadata metadata: [String: String], files: TrainingFiles) throws {
        guard let text = metadata[epochKey] else { return }
        guard let epoch = Int(text), epoch >= 0 else {
            throw NoduleModelsError.invalidTraining(path: files.last.path, reason: "its \(epochKey) metadata '\(text.prefix(40))' is not an epoch number")
        }
        let historyEpoch = history.records.last?.epoch ?? 0
        if historyEpoch > epoch {
            history.records.removeAll { $0.epoch > epoch }
        } else if historyEpoch < epoch {
            throw NoduleModelsError.invalidTraining(
                path: files.history.path,
                reason: "ends at epoch \(historyEpoch) but \(files.last.lastPathComponent) holds epoch \(epoch); resume cannot rebuild the missing rows (start without --resume)")
        }
    }

    /// Rank 0's decision, on every rank (the loop's condition depends on rank 0's history).
    private func broadcastFlag(_ flag: Bool) throws -> Bool {
        guard let parallel else { return flag }
        return try broadcastCount(flag ? 1 : 0, parallel) != 0
    }

    /// Rank 0's count, on every rank (exact in a Float below 2^24).
    private func broadcastCount(_ count: Int, _ parallel: DataParallel) throws -> Int {
        var buffer = [Float(count)]
        try parallel.collectives.broadcast(&buffer, root: 0)
        return Int(buffer[0])
    }

    /// Indices 0..<count cut into batches of `batchSize` (the last may be smaller), shuffled
    /// by `shuffleSeed` (Fisher–Yates on a seeded stream) or in order when it is nil.
    static func batchIndices(count: Int, batchSize: Int, shuffleSeed: UInt64?) -> [[Int]] {
        var order = Array(0..<count)
        if let shuffleSeed {
            var g = NeuralNet.SeededGenerator(seed: shuffleSeed)
            order.shuffle(using: &g)
        }
        let step = max(1, batchSize)
        return stride(from: 0, to: order.count, by: step).map { Array(order[$0..<min($0 + step, order.count)]) }
    }
}
