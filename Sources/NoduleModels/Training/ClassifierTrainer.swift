import Foundation
import NeuralNet

/// Trains a `Classifier` with categorical cross-entropy on logits and Adam, validating
/// (loss and accuracy) every epoch; see `TrainingLoop` for the files it keeps and how it
/// stops and resumes.
public struct ClassifierTrainer {
    public var classifier: Classifier
    public var training: ClassificationDatasetReader
    public var validation: ClassificationDatasetReader
    public var outputFolder: URL
    public var options: TrainingOptions
    /// Data-parallel training over these ranks (see Docs/Distributed.md); nil: one process.
    /// With a group, `options.batchSize` is the per-rank batch, and dropout masks and
    /// augmentation draws are keyed by epoch and sample index.
    public var collectives: Collectives?

    /// A run of `classifier` on the two splits, writing into `outputFolder`.
    public init(classifier: Classifier, training: ClassificationDatasetReader, validation: ClassificationDatasetReader,
                outputFolder: URL, options: TrainingOptions = .init()) {
        self.classifier = classifier
        self.training = training
        self.validation = validation
        self.outputFolder = outputFolder
        self.options = options
    }

    /// `best.safetensors`, `last.safetensors` and `history.csv` in the output folder.
    public var files: TrainingFiles { TrainingFiles(folder: outputFolder) }

    /// Runs until `epochs` or early stopping; `onEvent` sees every batch and epoch.
    public func run(onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingResult {
        for reader in [training, validation] {
            try classifier.validateInput(shape: [1, reader.channels, reader.size, reader.size])
        }
        let net = classifier.network
        let loop = TrainingLoop(network: net, files: files, options: options, scoreName: "accuracy",
                                datasets: ["training": training.fingerprint, "validation": validation.fingerprint],
                                parallel: collectives.map(DataParallel.init))
        let augmentSeed = options.seed ^ 0x5EED_A06
        var generator = SeededGenerator(seed: augmentSeed)
        return try loop.run(
            trainingCount: training.count,
            step: { indices, epoch in
                var (x, y) = try training.batch(indices)
                if options.augmentsBySymmetry, collectives != nil {  // one draw per sample, keyed as its dropout mask
                    x = try Self.applyRandomSymmetries(x) { b in
                        var g = SeededGenerator(seed: augmentSeed ^ DataParallel.sampleKey(epoch: epoch, index: indices[b]) &* 0x9E37_79B9_7F4A_7C15)
                        return g.next()
                    }
                } else if options.augmentsBySymmetry {
                    x = try Self.applyRandomSymmetries(x) { _ in generator.next() }
                }
                return try Loss.categoricalCrossEntropyWithLogits(logits: net.forward(x, training: true), targets: y)
            },
            validate: validate, onEvent: onEvent)
    }

    /// Each sample of [N, C, S, S] mapped by one of the square's eight symmetries (flip
    /// across i, across j, transpose), the same for all of its channels.
    static func applyRandomSymmetries(_ x: Tensor, using generator: inout SeededGenerator) throws -> Tensor {
        try applyRandomSymmetries(x) { _ in generator.next() }
    }

    /// The same, with sample b's 64 random bits from `draw(b)`.
    static func applyRandomSymmetries(_ x: Tensor, draw: (Int) -> UInt64) throws -> Tensor {
        let (n, c, h, w) = try x.nchw("applyRandomSymmetries")
        guard h == w else { return x }
        var out = x
        for b in 0..<n {
            let symmetry = draw(b) % 8
            let flipI = symmetry & 1 != 0, flipJ = symmetry & 2 != 0, transpose = symmetry & 4 != 0
            for ch in 0..<c {
                let base = (b * c + ch) * h * w
                for j in 0..<h {
                    for i in 0..<w {
                        var si = flipI ? w - 1 - i : i, sj = flipJ ? h - 1 - j : j
                        if transpose { swap(&si, &sj) }
                        out.scalars[base + j * w + i] = x.scalars[base + sj * w + si]
                    }
                }
            }
        }
        return out
    }

    /// Mean cross-entropy and accuracy over the validation split (dropout off). With
    /// `collectives`, rank r takes every size-th batch from the r-th and the sums are reduced.
    func validate() throws -> (loss: Double, score: Double) {
        var sums = [0.0, 0]  // loss × samples, correct
        let (rank, size) = (collectives?.rank ?? 0, collectives?.size ?? 1)
        let batches = TrainingLoop.batchIndices(count: validation.count, batchSize: options.batchSize, shuffleSeed: nil)
        for (b, indices) in batches.enumerated() where b % size == rank {
            let (x, y) = try validation.batch(indices)
            let logits = try classifier.network.forward(x, training: false)
            sums[0] += Double(try Loss.categoricalCrossEntropyWithLogits(logits: logits, targets: y).loss) * Double(indices.count)
            for (b, i) in indices.enumerated() where (logits.scalars[2 * b + 1] > logits.scalars[2 * b]) == (validation.samples[i].label == .malignant) {
                sums[1] += 1
            }
        }
        try collectives?.allreduceSum(&sums)
        return (sums[0] / Double(max(1, validation.count)), sums[1] / Double(max(1, validation.count)))
    }
}

extension Classifier {
    /// The malignant-class probability of every sample of a reader, in its order.
    public func malignancyProbabilities(_ reader: ClassificationDatasetReader, batchSize: Int = 16) throws -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(reader.count)
        for indices in TrainingLoop.batchIndices(count: reader.count, batchSize: batchSize, shuffleSeed: nil) {
            let p = try probabilities(try reader.batch(indices).inputs)
            out += (0..<indices.count).map { Double(p.scalars[$0 * classCount + 1]) }
        }
        return out
    }
}
