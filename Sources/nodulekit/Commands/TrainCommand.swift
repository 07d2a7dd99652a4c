import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit train …`: trains the paper's networks.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the paper's networks on a dataset folder.",
        subcommands: [TrainSegmenterCommand.self, TrainClassifierCommand.self])
}

/// `nodulekit train segmenter`: the U-Net on a `dataset segmentation` folder.
struct TrainSegmenterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segmenter",
        abstract: "Train the U-Net segmenter (BCE, Adam, batch 16) with validation every epoch.",
        discussion: """
            Writes OUTPUT/best.safetensors (lowest validation loss), OUTPUT/last.safetensors, \
            OUTPUT/history.csv (epoch, train_loss, val_loss, val_dice), OUTPUT/model.json (the \
            configuration), OUTPUT/dataset.json (the slice window and size, for screening) and \
            OUTPUT/loss.png|svg and OUTPUT/dice.png|svg.
            """)

    @OptionGroup var training: TrainingArguments
    @Option(help: "Width multiplier: 1 is the paper's 64…1024 channels, 0.25 gives 16…256.") var width = 1.0
    @Option(help: "Encoder levels (the paper's 5).") var levels = 5
    @Option(help: "BCE weight of nodule pixels (1: the paper's plain BCE).") var positiveWeight: Float = 1
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard width > 0, width <= 16 else { throw ValidationError("--width must be in (0, 16]") }
        guard (2...8).contains(levels) else { throw ValidationError("--levels must be 2…8") }
        guard positiveWeight > 0, positiveWeight <= 1000 else { throw ValidationError("--positive-weight must be in (0, 1000]") }
    }

    func run() throws {
        NeuralNetProcess.configure(threads: training.threads)
        try DistributedLaunch.run(training.distributed) { group in try train(group) }
    }

    private func train(_ group: Collectives?) throws {
        let root = (group?.rank ?? 0) == 0
        let folder = URL(fileURLWithPath: training.dataset), out = URL(fileURLWithPath: training.output)
        let train = try SegmentationDatasetReader(folder: folder, split: .train)
        let validation = try SegmentationDatasetReader(folder: folder, split: .validation)
        let configuration = UNetSegmenter.Configuration(widthMultiplier: width, levels: levels, seed: training.seed)
        let segmenter = try UNetSegmenter(configuration)
        if root {
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try ModelDescription.unet(configuration).write(toRun: out)
            if let sampler = try SliceSampler.ofDataset(folder) { try sampler.write(toDataset: out) }
            print("U-Net \(configuration.channels.map(String.init).joined(separator: "-")), \(segmenter.parameterCount) parameters; "
                  + "\(train.count) training and \(validation.count) validation slices of \(train.size)×\(train.size)")
            DistributedLaunch.describe(group, batchSize: training.batchSize)
        }
        let console = TrainingConsole(epochs: training.epochs, scoreLabel: "dice", quiet: outputOptions.quiet || !root)
        var options = training.options
        options.positiveWeight = positiveWeight
        var trainer = SegmentationTrainer(segmenter: segmenter, training: train, validation: validation,
                                          outputFolder: out, options: options)
        trainer.collectives = group
        let result = try trainer.run(onEvent: console.handle)
        if root { try console.finish(result, patience: training.patience, in: out) }
    }
}

/// `nodulekit train classifier`: a benign/malignant classifier on a `dataset classification` folder.
struct TrainClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train a classifier (the paper's encoder or a Table 1 baseline) on slice pairs.",
        discussion: """
            --model encoder is the paper's network (convs 8-16-32, dropout 0.5, dense 128, dense 2); \
            fully-connected and encoder-decoder are the baselines of its Table 1. Writes \
            OUTPUT/best.safetensors, OUTPUT/last.safetensors, OUTPUT/history.csv (epoch, \
            train_loss, val_loss, val_accuracy), OUTPUT/model.json, OUTPUT/loss.png|svg, \
            OUTPUT/accuracy.png|svg and OUTPUT/roc.png|svg (the best checkpoint on the validation split).
            """)

    @OptionGroup var training: TrainingArguments
    @Option(help: "encoder, fully-connected or encoder-decoder.") var model = "encoder"
    @Option(help: "encoder-decoder only: the U-Net width multiplier.") var width = 0.125
    @Flag(help: "Flip and transpose each training pair at random (the paper does not).") var augment = false
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard ModelDescription.classifierNames.contains(model) else {
            throw ValidationError("--model must be one of \(ModelDescription.classifierNames.joined(separator: ", "))")
        }
        guard width > 0, width <= 16 else { throw ValidationError("--width must be in (0, 16]") }
    }

    func description(size: Int, channels: Int) -> ModelDescription {
        switch model {
        case "fully-connected":
            return .fullyConnected(.init(inputChannels: channels, imageSize: size, seed: training.seed))
        case "encoder-decoder":
            return .encoderDecoder(.init(inputChannels: channels, imageSize: size, widthMultiplier: width, seed: training.seed))
        default:
            return .encoder(.init(inputChannels: channels, imageSize: size, seed: training.seed))
        }
    }

    func run() throws {
        NeuralNetProcess.configure(threads: training.threads)
        try DistributedLaunch.run(training.distributed) { group in try train(group) }
    }

    private func train(_ group: Collectives?) throws {
        let root = (group?.rank ?? 0) == 0
        let folder = URL(fileURLWithPath: training.dataset), out = URL(fileURLWithPath: training.output)
        let train = try ClassificationDatasetReader(folder: folder, split: .train)
        let validation = try ClassificationDatasetReader(folder: folder, split: .validation)
        let description = description(size: train.size, channels: train.channels)
        let classifier = try description.makeClassifier()
        if root {
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try description.write(toRun: out)
            let malignant = train.samples.filter { $0.label == .malignant }.count
            print("\(description.name) classifier, \(classifier.parameterCount) parameters; \(train.count) training pairs "
                  + "(\(malignant) malignant, \(train.count - malignant) benign, oversampling included) and \(validation.count) validation pairs")
            DistributedLaunch.describe(group, batchSize: training.batchSize)
        }
        let console = TrainingConsole(epochs: training.epochs, scoreLabel: "accuracy", quiet: outputOptions.quiet || !root)
        var options = training.options
        options.augmentsBySymmetry = augment
        var trainer = ClassifierTrainer(classifier: classifier, training: train, validation: validation,
                                        outputFolder: out, options: options)
        trainer.collectives = group
        let result = try trainer.run(onEvent: console.handle)
        guard root else { return }
        try console.finish(result, patience: training.patience, in: out)
        try classifier.loadWeights(from: result.bestCheckpoint)
        let evaluation = try ClassifierEvaluation(classifier: classifier, reader: validation, model: description.name)
        try ROCPicture.write([("validation", evaluation.sliceROC)], title: "ROC, validation slices",
                             to: out.appendingPathComponent("roc"))
        print(String(format: "validation AUC %.3f", evaluation.sliceROC.area))
    }
}
