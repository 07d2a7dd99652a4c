import ArgumentParser
import Foundation
import NoduleKit

/// Options every `nodulekit train` command shares (defaults: the paper's settings).
struct TrainingArguments: ParsableArguments {
    @Option(help: "Dataset folder written by `nodulekit dataset`.") var dataset: String
    @Option(help: "Output folder (the run: checkpoints, history, plots).") var output: String
    @Option(help: "Epochs to reach (a resumed run counts the earlier ones).") var epochs = 50
    @Option(help: "Seed of the weights, dropout and batch order.") var seed: UInt64 = 0
    @Option(help: "Samples per batch.") var batchSize = 16
    @Option(help: "Adam learning rate (the paper's 1e-4; 1e-3 suits small data sets).") var learningRate: Float = 1e-4
    @Option(help: "Stop after this many epochs without a lower validation loss.") var patience = 10
    @Option(help: "Compute threads.") var threads = 2
    @Flag(help: "Continue from OUTPUT/last.safetensors and OUTPUT/history.csv.") var resume = false
    @Flag(help: "Data-parallel over MPI (under mpirun -np N or srun): --batch-size is per rank; rank 0 writes OUTPUT.") var distributed = false

    func validate() throws {
        guard epochs > 0, batchSize > 0, patience > 0, threads > 0 else {
            throw ValidationError("--epochs, --batch-size, --patience and --threads must be positive")
        }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
    }

    var options: TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = batchSize
        o.learningRate = learningRate
        o.patience = patience
        o.seed = seed
        o.resume = resume
        return o
    }
}

/// Prints a training run: a live line per batch on a terminal, a line per epoch, the best
/// epoch at the end; and writes the loss and score curves as PNG and SVG.
struct TrainingConsole {
    var epochs: Int
    var scoreLabel: String
    var quiet: Bool

    func handle(_ event: TrainingEvent) {
        let live = !quiet && isatty(STDERR_FILENO) == 1
        switch event {
        case let .resumed(after):
            print("resumed after epoch \(after)")
        case let .batch(epoch, batch, batches, loss):
            guard live else { return }
            let line = String(format: "\repoch %d/%d batch %d/%d loss %.4f", epoch, epochs, batch, batches, loss)
            FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        case let .epoch(r, improved):
            if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print(String(format: "epoch %d: train loss %.4f, val loss %.4f, val %@ %.3f%@",
                         r.epoch, r.trainLoss, r.validationLoss, scoreLabel, r.validationScore, improved ? " (best)" : ""))
        }
        fflush(nil)
    }

    func finish(_ result: TrainingResult, patience: Int, in folder: URL) throws {
        if result.stoppedEarly { print("stopped early: no better validation loss in \(patience) epochs") }
        let records = result.history.records
        let loss = LinePlot(title: "loss", xLabel: "epoch", yLabel: "cross-entropy", series: [
            .init(name: "train", points: records.map { (Double($0.epoch), $0.trainLoss) }, colour: LinePlot.palette[0]),
            .init(name: "validation", points: records.map { (Double($0.epoch), $0.validationLoss) }, colour: LinePlot.palette[1]),
        ])
        let score = LinePlot(title: "validation \(scoreLabel)", xLabel: "epoch", yLabel: scoreLabel, series: [
            .init(name: "validation", points: records.map { (Double($0.epoch), $0.validationScore) }, colour: LinePlot.palette[2]),
        ], yRange: 0...1)
        for (name, plot) in [("loss", loss), (result.history.scoreName, score)] {
            try plot.writePNG(to: folder.appendingPathComponent("\(name).png"))
            try plot.writeSVG(to: folder.appendingPathComponent("\(name).svg"))
        }
        if let epoch = result.trainingSecondsPerEpoch, let step = result.secondsPerStep {
            print(String(format: "training: %.3f s an epoch, %.4f s a step (validation and checkpoints not counted)", epoch, step))
        }
        if let seconds = result.allreduceSecondsPerStep, let wait = result.waitSecondsPerStep {
            print(String(format: "allreduce: %.4f s a step, after waiting %.4f s for the slowest rank (rank 0)", seconds, wait))
        }
        if let best = result.history.best {
            print(String(format: "best: epoch %d, val loss %.4f, val %@ %.3f -> %@",
                         best.epoch, best.validationLoss, scoreLabel, best.validationScore, result.bestCheckpoint.path))
        }
    }
}

/// ROC curves as a picture (PNG and SVG), the diagonal for reference.
enum ROCPicture {
    static func write(_ curves: [(name: String, curve: ROCCurve)], title: String, to base: URL) throws {
        let plot = LinePlot.roc(title: title, curves: curves.map { c in
            (String(format: "%@ (AUC %.3f)", c.name, c.curve.area), c.curve.points.map { ($0.falsePositiveRate, $0.truePositiveRate) })
        })
        try plot.writePNG(to: base.appendingPathExtension("png"))
        try plot.writeSVG(to: base.appendingPathExtension("svg"))
    }
}
