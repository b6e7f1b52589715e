/// UTCTime and GeneralizedTime (RFC 5280 §4.1.2.5) to seconds since 1970, without Foundation's calendar.
enum DERTime {
    /// Seconds since 1970-01-01T00:00:00Z; nil when the text is not a valid Zulu time.
    static func seconds(_ reader: DERReader, _ element: DERElement) -> Int64? {
        let bytes = reader.bytes
        var index = element.contentStart
        let end = element.end
        func digits(_ count: Int) -> Int? {
            guard end - index >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            return value
        }
        let year: Int
        switch element.tag {
        case DERTag.utcTime:
            guard let yy = digits(2) else { return nil }
            year = yy >= 50 ? 1900 + yy : 2000 + yy  // RFC 5280 §4.1.2.5.1
        case DERTag.generalizedTime:
            guard let yyyy = digits(4) else { return nil }
            year = yyyy
        default:
            return nil
        }
        guard let month = digits(2), let day = digits(2), let hour = digits(2), let minute = digits(2) else {
            return nil
        }
        // Seconds are mandatory in RFC 5280, optional in X.680 UTCTime: accept both.
        var second = 0
        if index < end, bytes[index] != UInt8(ascii: "Z") {
            guard let s = digits(2) else { return nil }
            second = s
        }
        if index < end, bytes[index] == UInt8(ascii: "."), element.tag == DERTag.generalizedTime {
            index += 1
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        }
        guard index == end - 1, bytes[index] == UInt8(ascii: "Z") else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
