import Foundation

/// What `Tests/Oracles/highdicom_read_sr.py` prints: highdicom's reading of a TID 1500
/// measurement report (see the script for each key).
public struct HighdicomSR: Decodable, Sendable {
    /// One TID 1411 volumetric measurement group.
    public struct Group: Decodable, Sendable {
        public let tracking_identifier: String
        public let tracking_uid: String
        public let finding: String
        public let finding_category: String?
        /// [site code, laterality code or nil] per finding site.
        public let finding_sites: [[String?]]
        public let segmentation: String?
        public let segment_numbers: [Int]
        public let source_series: String?
        /// Measurement code value → [value, unit code, unit scheme].
        public let measurements: [String: [Value]]
        /// [graphic type, [x, y, z], frame of reference UID] per "Center of Mass" item.
        public let center: [[Value]]
    }

    /// A member of the oracle's mixed JSON arrays.
    public enum Value: Decodable, Equatable, Sendable {
        case number(Double), text(String), numbers([Double])

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let d = try? c.decode(Double.self) {
                self = .number(d)
            } else if let a = try? c.decode([Double].self) {
                self = .numbers(a)
            } else {
                self = .text(try c.decode(String.self))
            }
        }

        public var number: Double? { if case .number(let d) = self { return d }; return nil }
        public var numbers: [Double]? { if case .numbers(let a) = self { return a }; return nil }
    }

    public let sop_class: String
    public let template: String
    public let title: String
    /// [name, UID] per device observer.
    public let device_observer: [[String]]
    public let image_library: [String]
    public let evidence: [String]
    public let groups: [Group]
}
