import AWSShapes
import Foundation
import Testing

@testable import Host

/// Input transformers against AWS's own answers: every `test_input_transformer_nested_keys_replacement` case
/// recorded in `aws-recorded/test_events_inputs.snapshot.json` (the template is in the case's name, the message the
/// queue got, or none, in its content).
@Suite struct InputTransformerRecordedTests {
    static let detail =
        #"{"payload":{"acc_id":"0a787ecb-4015","sf_id":"baz"},"listsingle":["HIGH"],"listmulti":["ACTIVE","INACTIVE"],"valid":true}"#
    static let paths = [
        "userId": "$.detail.payload.acc_id", "payload": "$.detail.payload", "listsingle": "$.detail.listsingle",
        "listmulti": "$.detail.listmulti", "systemstring": "$.detail.systemstring", "valid": "$.detail.valid",
    ]

    /// (template, the body AWS delivered or nil when it delivered nothing).
    static func recordedCases() throws -> [(String, JSONValue?)] {
        let snapshot = try JSONValue(
            parsing: Data(contentsOf: testData("aws-recorded/test_events_inputs.snapshot.json")))
        guard case .object(let tests) = snapshot else { return [] }
        let prefix =
            "tests/aws/services/events/test_events_inputs.py::TestInputTransformer::"
            + "test_input_transformer_nested_keys_replacement["
        return tests.keys.sorted().filter { $0.hasPrefix(prefix) }.map { name in
            let template = String(name.dropFirst(prefix.count).dropLast()).replacingOccurrences(of: "\\n", with: "\n")
            let body = tests[name]?["recorded-content"]?["input-transformed-messages"]?.arrayValue?.first?["Body"]
            return (template, body)
        }
    }

    @Test func everyRecordedTemplateRendersAsAWSRenderedIt() throws {
        let cases = try Self.recordedCases()
        #expect(cases.count == 18)
        let event = EventBridgeInput.eventJSON(
            id: "id", detailType: "t", source: "s", account: "000000000000", time: Date(), region: "us-east-1",
            resources: [], detail: Self.detail)
        let parsed = try JSONValue(parsing: Data(event.utf8))
        for (template, expected) in cases {
            let target = EventBridge.Target(
                id: "t", arn: "arn:aws:sqs:us-east-1:000000000000:q",
                inputTransformer: EventBridge.InputTransformer(inputPathsMap: Self.paths, inputTemplate: template))
            let body = try EventBridgeInput.body(
                for: target, event: event, parsed: parsed, ruleName: "r", ruleARN: "arn:r")
            switch expected {
            case nil:
                #expect(body == nil, "\(template) is not delivered on AWS")
            case .string(let text)?:
                #expect(body == text, "\(template)")
            case let object?:
                #expect(body.flatMap { try? JSONValue(parsing: Data($0.utf8)) } == object, "\(template)")
            }
        }
    }
}
