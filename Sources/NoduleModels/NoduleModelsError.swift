/// The one error type of `NoduleModels`: each case says what was wrong, where, and what was expected.
public enum NoduleModelsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A model was configured with a value outside its domain.
    case invalidConfiguration(model: String, reason: String)
    /// A tensor given to a model has a shape the model cannot take.
    case unsupportedInput(model: String, expected: String, found: [Int])
    /// A dataset folder is missing something or holds inconsistent files.
    case invalidDataset(path: String, reason: String)
    /// A training run cannot start or resume as asked.
    case invalidTraining(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(model, reason):
            return "\(model): \(reason)"
        case let .unsupportedInput(model, expected, found):
            return "\(model): expected input of shape \(expected), found \(found)"
        case let .invalidDataset(path, reason):
            return "\(path): \(reason)"
        case let .invalidTraining(path, reason):
            return "\(path): \(reason)"
        }
    }
}
