// DECISIONS (schedules): `rate(value unit)` with minute(s), hour(s), day(s) (singular for 1, plural otherwise, as AWS
// demands) fires every period from the moment the rule was enabled; `cron(minutes hours day-of-month month
// day-of-week year)` in UTC with AWS's fields and wildcards (`,` `-` `*` `/`, `?` in exactly one of the day fields,
// `L` and `W` in day-of-month, `L` and `#` in day-of-week, month and weekday names, weekdays 1–7 from Sunday, years
// 1970–2199). Anything else is AWS's `ValidationException: Parameter ScheduleExpression is not valid.`.

import Foundation

/// A rule's schedule, and when it next fires.
enum ScheduleExpression: Equatable, Sendable {
    case rate(seconds: Int)
    case cron(Cron)

    struct Cron: Equatable, Sendable {
        var minutes: Set<Int>
        var hours: Set<Int>
        var daysOfMonth: DayOfMonth
        var months: Set<Int>
        var daysOfWeek: DayOfWeek
        var years: Set<Int>?

        enum DayOfMonth: Equatable, Sendable {
            case any
            case days(Set<Int>)
            case last
            case lastWeekday
            case nearestWeekday(Int)
        }

        enum DayOfWeek: Equatable, Sendable {
            case any
            case days(Set<Int>)
            /// `nL`: the last such weekday of the month.
            case last(Int)
            /// `n#k`: the k-th such weekday of the month.
            case nth(Int, Int)
        }
    }

    struct Invalid: Error, Equatable {}

    init(parsing text: String) throws(Invalid) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 256, trimmed.hasSuffix(")") else { throw Invalid() }
        if trimmed.hasPrefix("rate(") {
            let parts = trimmed.dropFirst(5).dropLast().split(separator: " ")
            guard parts.count == 2, let value = Int(parts[0]), value > 0, value <= 1_000_000 else { throw Invalid() }
            let unit = String(parts[1])
            let seconds: [String: Int] = ["minute": 60, "hour": 3600, "day": 86_400]
            let singular = value == 1 ? unit : unit.hasSuffix("s") ? String(unit.dropLast()) : ""
            guard let period = seconds[singular], (value == 1) == !unit.hasSuffix("s") else { throw Invalid() }
            self = .rate(seconds: value * period)
        } else if trimmed.hasPrefix("cron(") {
            let fields = trimmed.dropFirst(5).dropLast().split(separator: " ").map(String.init)
            guard fields.count == 6 else { throw Invalid() }
            self = .cron(try Self.cron(fields))
        } else {
            throw Invalid()
        }
    }

    private static let monthNames = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// A field of numbers, names, ranges, steps and `*`, within `range`.
    private static func values(_ text: String, _ range: ClosedRange<Int>, names: [String] = []) throws(Invalid)
        -> Set<Int>
    {
        func number(_ token: Substring) throws(Invalid) -> Int {
            if let value = Int(token), range.contains(value) { return value }
            if let index = names.firstIndex(of: token.uppercased()) { return range.lowerBound + index }
            throw Invalid()
        }
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(stepParts.count) else { throw Invalid() }
            var step = 1
            if stepParts.count == 2 {
                guard let value = Int(stepParts[1]), value > 0, value <= range.upperBound else { throw Invalid() }
                step = value
            }
            let base = stepParts[0]
            var low: Int
            var high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try number(base[..<dash])
                high = try number(base[base.index(after: dash)...])
                guard low <= high else { throw Invalid() }
            } else {
                low = try number(base)
                high = stepParts.count == 2 ? range.upperBound : low
            }
            result.formUnion(stride(from: low, through: high, by: step))
        }
        guard !result.isEmpty else { throw Invalid() }
        return result
    }

    private static func cron(_ fields: [String]) throws(Invalid) -> Cron {
        let minutes = try values(fields[0], 0...59)
        let hours = try values(fields[1], 0...23)
        let months = try values(fields[3], 1...12, names: monthNames)
        let years: Set<Int>? = fields[5] == "*" ? nil : try values(fields[5], 1970...2199)
        // Exactly one of the day fields is `?`.
        guard (fields[2] == "?") != (fields[4] == "?") else { throw Invalid() }
        var daysOfMonth = Cron.DayOfMonth.any
        switch fields[2] {
        case "?": daysOfMonth = .any
        case "L": daysOfMonth = .last
        case "LW": daysOfMonth = .lastWeekday
        case let text where text.hasSuffix("W"):
            guard let day = Int(text.dropLast()), (1...31).contains(day) else { throw Invalid() }
            daysOfMonth = .nearestWeekday(day)
        case let text: daysOfMonth = .days(try values(text, 1...31))
        }
        var daysOfWeek = Cron.DayOfWeek.any
        switch fields[4] {
        case "?": daysOfWeek = .any
        case let text where text.hasSuffix("L") && text.count > 1:
            daysOfWeek = .last(try values(String(text.dropLast()), 1...7, names: dayNames).first!)
            guard try values(String(text.dropLast()), 1...7, names: dayNames).count == 1 else { throw Invalid() }
        case let text where text.contains("#"):
            let parts = text.split(separator: "#")
            guard parts.count == 2, let nth = Int(parts[1]), (1...5).contains(nth) else { throw Invalid() }
            let day = try values(String(parts[0]), 1...7, names: dayNames)
            guard day.count == 1 else { throw Invalid() }
            daysOfWeek = .nth(day.first!, nth)
        case let text: daysOfWeek = .days(try values(text, 1...7, names: dayNames))
        }
        return Cron(
            minutes: minutes, hours: hours, daysOfMonth: daysOfMonth, months: months, daysOfWeek: daysOfWeek,
            years: years)
    }

    private static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// The first time after `date` the schedule fires; a rate counts its periods from `start`.
    func next(after date: Date, start: Date) -> Date? {
        switch self {
        case .rate(let seconds):
            let elapsed = date.timeIntervalSince(start)
            let periods = max(0, (elapsed / Double(seconds)).rounded(.down) + 1)
            return start.addingTimeInterval(periods * Double(seconds))
        case .cron(let cron):
            let calendar = Self.utc
            let from = date.addingTimeInterval(60 - date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60))
            var day = calendar.startOfDay(for: from)
            let sortedHours = cron.hours.sorted()
            let sortedMinutes = cron.minutes.sorted()
            for _ in 0..<(366 * 8) {
                let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
                let year = parts.year!
                if year > 2199 { return nil }
                if cron.matches(year: year, month: parts.month!, day: parts.day!, weekday: parts.weekday!, calendar) {
                    for hour in sortedHours {
                        for minute in sortedMinutes {
                            let time = day.addingTimeInterval(Double(hour * 3600 + minute * 60))
                            if time >= from { return time }
                        }
                    }
                }
                day = calendar.date(byAdding: .day, value: 1, to: day)!
            }
            return nil
        }
    }
}

extension ScheduleExpression.Cron {
    func matches(year: Int, month: Int, day: Int, weekday: Int, _ calendar: Calendar) -> Bool {
        if let years, !years.contains(year) { return false }
        guard months.contains(month) else { return false }
        let length = calendar.range(
            of: .day, in: .month, for: calendar.date(from: DateComponents(year: year, month: month))!)!.count
        func weekdayOf(_ d: Int) -> Int { (weekday - 1 + (d - day) % 7 + 7) % 7 + 1 }
        switch daysOfMonth {
        case .any: break
        case .days(let days): if !days.contains(day) { return false }
        case .last: if day != length { return false }
        case .lastWeekday:
            var last = length
            while [1, 7].contains(weekdayOf(last)) { last -= 1 }
            if day != last { return false }
        case .nearestWeekday(let target):
            let wanted = min(target, length)
            var nearest = wanted
            switch weekdayOf(wanted) {
            case 7: nearest = wanted == 1 ? 3 : wanted - 1  // Saturday: Friday, or Monday when the 1st
            case 1: nearest = wanted == length ? wanted - 2 : wanted + 1  // Sunday: Monday, or Friday at the end
            default: break
            }
            if day != nearest { return false }
        }
        switch daysOfWeek {
        case .any: return true
        case .days(let days): return days.contains(weekday)
        case .last(let target): return weekday == target && day + 7 > length
        case .nth(let target, let nth): return weekday == target && (day - 1) / 7 + 1 == nth
        }
    }
}
