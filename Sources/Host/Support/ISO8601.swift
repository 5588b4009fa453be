import Foundation

/// The host's one ISO-8601 writer: UTC with `Z`, as AWS writes event times, stream labels and log stream names.
/// (Foundation's field-by-field ISO-8601 style leaves the zone out unless `timeZone(separator:)` is named: without
/// it every event time lacked its `Z`.)
enum ISO8601 {
    /// `2026-12-06T03:02:52Z`: EventBridge event times, stream records' approximate creation times.
    static func seconds(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }

    /// `2026-12-06T03:02:52.123Z`: ingestion times, failure records' timestamps.
    static func milliseconds(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// `2026-12-06`.
    static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash))
    }
}
