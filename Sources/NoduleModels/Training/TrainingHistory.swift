import Annotations
import Foundation
import ImagingCore

/// What one training epoch measured.
public struct EpochRecord: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's batches.
    public var trainLoss: Double
    /// Mean loss over the validation split.
    public var validationLoss: Double
    /// The run's quality score on the validation split: Dice (all pixels pooled) for a
    /// segmenter, accuracy for a classifier.
    public var validationScore: Double

    /// A record of the given values.
    public init(epoch: Int, trainLoss: Double, validationLoss: Double, validationScore: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.validationScore = validationScore
    }
}

/// The epochs of a training run, stored as `history.csv`
/// (`epoch,train_loss,val_loss,val_<score>`), which a resumed run reads back.
public struct TrainingHistory: Sendable, Equatable {
    /// Name of the validation score ("dice", "accuracy"); the CSV column is `val_<name>`.
    public var scoreName: String
    /// Epochs in order.
    public var records: [EpochRecord] = []

    /// An empty history whose score is called `scoreName`.
    public init(scoreName: String = "dice") { self.scoreName = scoreName }

    /// The columns of `history.csv`.
    public var header: [String] { ["epoch", "train_loss", "val_loss", "val_\(scoreName)"] }

    /// Reads a `history.csv` written by `write(to:)`; its fourth column names the score.
    public init(contentsOf url: URL) throws {
        let table = try CSVTable(contentsOf: url)
        let scoreColumn = table.header.count == 4 && table.header[3].hasPrefix("val_") ? table.header[3] : "val_dice"
        scoreName = String(scoreColumn.dropFirst(4))
        let c = try ["epoch", "train_loss", "val_loss", scoreColumn].map(table.column)
        records = try table.rows.map {
            EpochRecord(epoch: try table.int($0, c[0]), trainLoss: try table.double($0, c[1]),
                        validationLoss: try table.double($0, c[2]), validationScore: try table.double($0, c[3]))
        }
    }

    /// The CSV text.
    public var csvText: String {
        var writer = CSVWriter(header: header)
        for r in records {
            writer.append([String(r.epoch), String(r.trainLoss), String(r.validationLoss), String(r.validationScore)])
        }
        return writer.text
    }

    /// Writes `history.csv` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(csvText.utf8), to: url)
    }

    /// The record with the lowest validation loss (the best checkpoint's epoch).
    public var best: EpochRecord? { records.min { $0.validationLoss < $1.validationLoss } }

    /// Epochs since the best one (0 when the last epoch is the best).
    public var epochsSinceBest: Int {
        guard let best, let last = records.last else { return 0 }
        return last.epoch - best.epoch
    }
}
