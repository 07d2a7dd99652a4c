import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit train …`: trains the paper's networks.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the paper's networks on a dataset folder.",
        subcommands: [TrainSegmenterCommand.self])
}

/// `nodulekit train segmenter`: the U-Net on a `dataset segmentation` folder.
struct TrainSegmenterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segmenter",
        abstract: "Train the U-Net segmenter (BCE, Adam 1e-4, batch 16) with validation every epoch.",
        discussion: """
            Writes OUTPUT/best.safetensors (lowest validation loss), OUTPUT/last.safetensors, \
            OUTPUT/history.csv (epoch, train_loss, val_loss, val_dice), OUTPUT/model.json (the \
            configuration) and OUTPUT/loss.png|svg and OUTPUT/dice.png|svg.
            """)

    @Option(help: "Dataset folder written by `nodulekit dataset segmentation`.") var dataset: String
    @Option(help: "Epochs to reach (a resumed run counts the earlier ones).") var epochs = 50
    @Option(help: "Seed of the weights, dropout and batch order.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var output: String
    @Option(help: "Width multiplier: 1 is the paper's 64…1024 channels, 0.25 gives 16…256.") var width = 1.0
    @Option(help: "Slices per batch.") var batchSize = 16
    @Option(help: "Adam learning rate.") var learningRate: Float = 1e-4
    @Option(help: "Stop after this many epochs without a lower validation loss.") var patience = 10
    @Option(help: "Compute threads.") var threads = 2
    @Flag(help: "Continue from OUTPUT/last.safetensors and OUTPUT/history.csv.") var resume = false
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard epochs > 0, batchSize > 0, patience > 0, threads > 0 else {
            throw ValidationError("--epochs, --batch-size, --patience and --threads must be positive")
        }
        guard width > 0, width <= 16 else { throw ValidationError("--width must be in (0, 16]") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
    }

    func run() throws {
        ComputeThreads.set(threads)
        let folder = URL(fileURLWithPath: dataset), out = URL(fileURLWithPath: output)
        let training = try SegmentationDatasetReader(folder: folder, split: .train)
        let validation = try SegmentationDatasetReader(folder: folder, split: .validation)
        let configuration = UNetSegmenter.Configuration(widthMultiplier: width, seed: seed)
        let segmenter = try UNetSegmenter(configuration)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(configuration), to: out.appendingPathComponent("model.json"))

        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.patience = patience
        options.seed = seed
        options.resume = resume
        print("U-Net \(configuration.channels.map(String.init).joined(separator: "-")), \(segmenter.parameterCount) parameters; "
              + "\(training.count) training and \(validation.count) validation slices of \(training.size)×\(training.size)")
        let live = !outputOptions.quiet && isatty(STDERR_FILENO) == 1
        let trainer = SegmentationTrainer(segmenter: segmenter, training: training, validation: validation,
                                          outputFolder: out, options: options)
        let result = try trainer.run { event in
            switch event {
            case let .resumed(after):
                print("resumed after epoch \(after)")
            case let .batch(epoch, batch, batches, loss):
                guard live else { return }
                let line = String(format: "\repoch %d/%d batch %d/%d loss %.4f", epoch, epochs, batch, batches, loss)
                FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
            case let .epoch(r, improved):
                if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                print(String(format: "epoch %d: train loss %.4f, val loss %.4f, val Dice %.3f%@",
                             r.epoch, r.trainLoss, r.validationLoss, r.validationScore, improved ? " (best)" : ""))
            }
        }
        if result.stoppedEarly { print("stopped early: no better validation loss in \(patience) epochs") }
        try writePlots(result.history, to: out)
        if let best = result.history.best {
            print(String(format: "best: epoch %d, val loss %.4f, val Dice %.3f -> %@",
                         best.epoch, best.validationLoss, best.validationScore, result.bestCheckpoint.path))
        }
    }

    /// Loss (train and validation) and validation Dice per epoch, as PNG and SVG.
    private func writePlots(_ history: TrainingHistory, to folder: URL) throws {
        let records = history.records
        let loss = LinePlot(title: "segmenter loss", xLabel: "epoch", yLabel: "binary cross-entropy", series: [
            .init(name: "train", points: records.map { (Double($0.epoch), $0.trainLoss) }, colour: LinePlot.palette[0]),
            .init(name: "validation", points: records.map { (Double($0.epoch), $0.validationLoss) }, colour: LinePlot.palette[1]),
        ])
        let dice = LinePlot(title: "validation Dice", xLabel: "epoch", yLabel: "Dice", series: [
            .init(name: "validation", points: records.map { (Double($0.epoch), $0.validationScore) }, colour: LinePlot.palette[2]),
        ], yRange: 0...1)
        for (name, plot) in [("loss", loss), ("dice", dice)] {
            try plot.writePNG(to: folder.appendingPathComponent("\(name).png"))
            try plot.writeSVG(to: folder.appendingPathComponent("\(name).svg"))
        }
    }
}
