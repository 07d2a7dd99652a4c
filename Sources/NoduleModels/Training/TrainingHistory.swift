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
    /// Dice of the validation split's thresholded predictions, all pixels pooled.
    public var validationDice: Double

    /// A record of the given values.
    public init(epoch: Int, trainLoss: Double, validationLoss: Double, validationDice: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.validationDice = validationDice
    }
}

/// The epochs of a training run, stored as `history.csv`
/// (`epoch,train_loss,val_loss,val_dice`), which a resumed run reads back.
public struct TrainingHistory: Sendable, Equatable {
    /// The columns of `history.csv`.
    public static let header = ["epoch", "train_loss", "val_loss", "val_dice"]
    /// Epochs in order.
    public var records: [EpochRecord] = []

    /// An empty history.
    public init() {}

    /// Reads a `history.csv` written by `write(to:)`.
    public init(contentsOf url: URL) throws {
        let table = try CSVTable(contentsOf: url)
        let c = try Self.header.map(table.column)
        records = try table.rows.map {
            EpochRecord(epoch: try table.int($0, c[0]), trainLoss: try table.double($0, c[1]),
                        validationLoss: try table.double($0, c[2]), validationDice: try table.double($0, c[3]))
        }
    }

    /// The CSV text.
    public var csvText: String {
        var writer = CSVWriter(header: Self.header)
        for r in records {
            writer.append([String(r.epoch), String(r.trainLoss), String(r.validationLoss), String(r.validationDice)])
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
