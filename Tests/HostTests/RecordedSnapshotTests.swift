import AWSShapes
import Foundation
import Testing

/// The comparator the recorded-payload tests rely on must catch what differs.
@Suite struct RecordedSnapshotTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: Data(text.utf8)) }

    @Test func masksMatchAnyValueOfTheirShapeAndTheRestMustBeEqual() throws {
        let recorded = try parse(
            #"{"UUID":"<uuid:1>","Arn":"arn:<partition>:sqs:<region>:111111111111:<resource:1>","Size":70,"When":"<datetime>"}"#
        )
        let matching = try parse(
            #"{"UUID":"0a9e","Arn":"arn:aws:sqs:us-east-1:000000000000:work","Size":70,"When":1741000000.5}"#)
        #expect(RecordedSnapshot.differences(matching, recorded).isEmpty)

        let wrongSize = try parse(
            #"{"UUID":"0a9e","Arn":"arn:aws:sqs:us-east-1:000000000000:work","Size":71,"When":1}"#)
        #expect(RecordedSnapshot.differences(wrongSize, recorded) == ["$.Size: 71.0, recorded 70.0"])
        let wrongService = try parse(
            #"{"UUID":"0a9e","Arn":"arn:aws:sns:us-east-1:000000000000:work","Size":70,"When":1}"#)
        #expect(RecordedSnapshot.differences(wrongService, recorded).count == 1)
        let extraKey = try parse(
            #"{"UUID":"0a9e","Arn":"arn:aws:sqs:us-east-1:000000000000:work","Size":70,"When":1,"More":true}"#)
        #expect(RecordedSnapshot.differences(extraKey, recorded) == ["$.More: not in the recording (true)"])
        let objectForMask = try parse(
            #"{"UUID":{"a":1},"Arn":"arn:aws:sqs:us-east-1:000000000000:work","Size":70,"When":1}"#)
        #expect(RecordedSnapshot.differences(objectForMask, recorded).count == 1)
    }
}
