import Foundation
import Testing

@testable import Host

/// The host's times as AWS writes them: UTC with `Z` (EventBridge's `time`, failure records, JSON log records),
/// and stream labels without it.
@Suite struct ISO8601Tests {
    @Test func timesEndWithTheirZoneAsAWSWritesThem() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(ISO8601.seconds(date) == "2023-11-14T22:13:20Z")
        #expect(ISO8601.milliseconds(date) == "2023-11-14T22:13:20.250Z")
        #expect(ISO8601.milliseconds(Date(timeIntervalSince1970: 1_700_000_000)) == "2023-11-14T22:13:20.000Z")
        #expect(ISO8601.day(date) == "2023-11-14")
        #expect(DynamoDBTableOperations.streamLabel(1_700_000_000.25) == "2023-11-14T22:13:20.250")
    }
}
