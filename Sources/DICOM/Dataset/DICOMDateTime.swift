/// A DICOM date (DA), YYYYMMDD (the old YYYY.MM.DD form is accepted).
public struct DICOMDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Calendar year, month (1–12) and day (1–31).
    public let year: Int, month: Int, day: Int

    /// Parses a DA value; nil when malformed.
    public init?(_ text: String) {
        let digits = text.filter { $0 != "." }
        guard digits.count == 8, digits.allSatisfy(\.isASCII), let v = Int(digits) else { return nil }
        year = v / 10000; month = (v / 100) % 100; day = v % 100
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for differences between dates.
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func < (a: Self, b: Self) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
    public var description: String { String(format4(year)) + two(month) + two(day) }
}

/// A DICOM time (TM), HHMMSS.FFFFFF with optional trailing parts (old HH:MM:SS accepted).
public struct DICOMTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since midnight.
    public let secondsSinceMidnight: Double

    /// Parses a TM value; nil when malformed.
    public init?(_ text: String) {
        let t = text.filter { $0 != ":" }.trimmingSpaces
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, [2, 4, 6].contains(whole.count), whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let chars = Array(whole)
        let num = { (r: Range<Int>) -> Int in Int(String(chars[r])) ?? 0 }
        let h = num(0..<2), m = whole.count >= 4 ? num(2..<4) : 0, s = whole.count >= 6 ? num(4..<6) : 0
        guard h < 24, m < 60, s < 61 else { return nil }
        var fraction = 0.0
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            fraction = parts[1].isEmpty ? 0 : (Double("0." + parts[1]) ?? 0)
        }
        secondsSinceMidnight = Double(h * 3600 + m * 60 + s) + fraction
    }

    public static func < (a: Self, b: Self) -> Bool { a.secondsSinceMidnight < b.secondsSinceMidnight }
    public var description: String { "\(secondsSinceMidnight) s after midnight" }
}

/// A DICOM date-time (DT), YYYYMMDDHHMMSS.FFFFFF (a UTC offset suffix is ignored).
public struct DICOMDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The date part.
    public let date: DICOMDate
    /// The time part.
    public let time: DICOMTime

    /// Combines a date and a time.
    public init(date: DICOMDate, time: DICOMTime) { self.date = date; self.time = time }

    /// Parses a DT value (at least the date; the time defaults to midnight).
    public init?(_ text: String) {
        var t = text.trimmingSpaces
        if let sign = t.firstIndex(where: { $0 == "+" || $0 == "-" }) { t = String(t[..<sign]) }
        guard t.count >= 8, let d = DICOMDate(String(t.prefix(8))) else { return nil }
        let rest = String(t.dropFirst(8))
        guard let tm = rest.isEmpty ? DICOMTime("00") : DICOMTime(rest) else { return nil }
        date = d; time = tm
    }

    /// Seconds since 1970-01-01 00:00 (no time zone), for differences between times.
    public var secondsSinceEpoch: Double { Double(date.daysSinceEpoch) * 86400 + time.secondsSinceMidnight }

    public static func < (a: Self, b: Self) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }
    public var description: String { "\(date) + \(time.secondsSinceMidnight) s" }
}

private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
private func format4(_ v: Int) -> String { String(repeating: "0", count: max(0, 4 - String(v).count)) + String(v) }

extension String {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " || $0 == "\0" }.reversed())
    }
}
