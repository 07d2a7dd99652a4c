/// Stable pseudonyms from a secret, shared by DICOM de-identification and the dataset
/// builders so a de-identified DICOM export and a dataset built with the same secret stay
/// linked:
/// - a UID becomes "2.25." and the first 128 bits of HMAC-SHA256(secret, UID) as a decimal
///   integer (PS3.5 B.2's UUID root; at most 44 characters, a valid UID);
/// - a patient identifier becomes "P-" and the first 64 bits of
///   HMAC-SHA256(secret, "patient-id:" + identifier) as 16 lowercase hex digits.
/// Without the secret neither can be reversed or confirmed by guessing originals.
public struct KeyedPseudonyms: Sendable, Equatable {
    private let key: [UInt8]

    /// Pseudonyms keyed by `secret`: the same secret always gives the same pseudonyms.
    public init(secret: String) { key = Array(secret.utf8) }

    /// The replacement of `uid` ("2.25.…"); the same for every occurrence of `uid`.
    public func replacementUID(for uid: String) -> String {
        "2.25." + Self.decimal(Array(mac(uid).prefix(16)))
    }

    /// The pseudonym of a patient identifier ("P-" and 16 hex digits).
    public func patientPseudonym(for patientID: String) -> String {
        "P-" + mac("patient-id:" + patientID).prefix(8).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
    }

    /// HMAC-SHA256 of `message` under the secret.
    public func mac(_ message: String) -> [UInt8] { HMACSHA256.mac(key: key, message: Array(message.utf8)) }

    /// Big-endian bytes as a decimal integer (no leading zeros; "0" for zero).
    public static func decimal(_ bytes: [UInt8]) -> String {
        var bytes = bytes
        var digits: [UInt8] = []
        while bytes.contains(where: { $0 != 0 }) {
            var remainder = 0
            for i in bytes.indices {
                let value = remainder * 256 + Int(bytes[i])
                bytes[i] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(UInt8(remainder))
        }
        return digits.isEmpty ? "0" : String(digits.reversed().map { Character(String($0)) })
    }
}
