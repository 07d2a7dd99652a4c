/// A DIMSE status code (PS3.7 Annex C) with its meaning.
public struct DIMSEStatus: Sendable, Hashable, CustomStringConvertible {
    /// The 16-bit code.
    public let code: UInt16

    /// Wraps a code.
    public init(_ code: UInt16) { self.code = code }

    /// Success (0000).
    public var isSuccess: Bool { code == 0x0000 }
    /// Pending (FF00, FF01).
    public var isPending: Bool { code == 0xFF00 || code == 0xFF01 }
    /// Warning (0001, Bxxx): done, with something to report.
    public var isWarning: Bool { code == 0x0001 || (code & 0xF000) == 0xB000 }
    /// Anything that is neither success, pending, warning nor cancel.
    public var isFailure: Bool { !isSuccess && !isPending && !isWarning && code != 0xFE00 }

    /// What the code means (the general table of PS3.7 C.1–C.5 and the storage and
    /// query/retrieve services' own codes).
    public var meaning: String {
        switch code {
        case 0x0000: return "success"
        case 0xFF00: return "pending"
        case 0xFF01: return "pending (optional keys not supported)"
        case 0xFE00: return "cancelled"
        case 0x0001: return "warning: attribute list error"
        case 0x0107: return "warning: attribute list error"
        case 0x0116: return "warning: attribute value out of range"
        case 0xB000: return "warning: sub-operations complete, one or more failures"
        case 0xB006: return "warning: elements discarded"
        case 0xB007: return "warning: data set does not match SOP class"
        case 0x0110: return "processing failure"
        case 0x0111: return "duplicate SOP instance"
        case 0x0112: return "no such SOP instance"
        case 0x0117: return "invalid object instance"
        case 0x0118: return "no such SOP class"
        case 0x0119: return "class-instance conflict"
        case 0x0122: return "refused: SOP class not supported"
        case 0x0124: return "refused: not authorized"
        case 0x0210: return "duplicate invocation"
        case 0x0211: return "unrecognized operation"
        case 0x0212: return "mistyped argument"
        case 0x0213: return "resource limitation"
        case 0xA700...0xA7FF: return code == 0xA701 ? "refused: out of resources (unable to calculate number of matches)"
            : code == 0xA702 ? "refused: out of resources (unable to perform sub-operations)" : "refused: out of resources"
        case 0xA801: return "refused: move destination unknown"
        case 0xA900...0xA9FF: return "error: data set does not match SOP class (or identifier does not match)"
        case 0xC000...0xCFFF: return "error: cannot understand / unable to process"
        default: return "unknown status"
        }
    }

    public var description: String { "0x" + String(code, radix: 16, uppercase: true).leftPadded(to: 4) + " (\(meaning))" }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
