import Foundation

/// Dates and times as DICOM writes them.
enum DICOMClock {
    /// `date` as DA (YYYYMMDD) and TM (HHMMSS), in UTC.
    static func dateAndTime(_ date: Date) -> (date: String, time: String) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd"
        let day = f.string(from: date)
        f.dateFormat = "HHmmss"
        return (day, f.string(from: date))
    }
}
