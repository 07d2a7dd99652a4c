import ImagingCore

/// Which part of a dataset an item belongs to.
public enum DatasetSplit: String, Sendable, CaseIterable, Codable {
    case train, validation, test
}

/// Fractions of patients in the train, validation and test splits.
public struct SplitFractions: Sendable, Equatable {
    public var train: Double
    public var validation: Double
    public var test: Double

    /// The paper's segmentation split: 80/5/15.
    public static let segmentation = SplitFractions(train: 0.80, validation: 0.05, test: 0.15)
    /// The paper's classification split: 60/15/25.
    public static let classification = SplitFractions(train: 0.60, validation: 0.15, test: 0.25)

    public init(train: Double, validation: Double, test: Double) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Parses `A/B/C` percentages (they must add up to 100).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/").compactMap { Double($0) }
        guard parts.count == 3, parts.allSatisfy({ $0 >= 0 }), abs(parts.reduce(0, +) - 100) < 1e-9 else {
            throw AnnotationError.badField(file: "--split", line: 0, column: "split", value: text,
                                           expected: "three percentages A/B/C adding up to 100")
        }
        self.init(train: parts[0] / 100, validation: parts[1] / 100, test: parts[2] / 100)
    }
}

/// Assigns whole patients (or scans) to splits, so no patient is in two sets. The same
/// ids, fractions and seed always give the same assignment, whatever order the ids come in.
public enum PatientSplitter {
    /// The split of each id. Validation and test get their rounded share (at least one
    /// each when there are three or more ids and the fraction is positive); train gets the rest.
    public static func split(_ ids: [String], fractions: SplitFractions, seed: UInt64) -> [String: DatasetSplit] {
        var order = Array(Set(ids)).sorted()
        var rng = SeededGenerator(seed: seed)
        for n in stride(from: order.count - 1, to: 0, by: -1) { // Fisher–Yates
            order.swapAt(n, Int(rng.next() % UInt64(n + 1)))
        }
        let total = order.count
        func share(_ f: Double) -> Int {
            guard f > 0 else { return 0 }
            let n = Int((Double(total) * f).rounded())
            return total >= 3 ? max(n, 1) : n
        }
        let test = min(share(fractions.test), total)
        let validation = min(share(fractions.validation), total - test)
        var result: [String: DatasetSplit] = [:]
        for (n, id) in order.enumerated() {
            result[id] = n < test ? .test : (n < test + validation ? .validation : .train)
        }
        return result
    }
}
