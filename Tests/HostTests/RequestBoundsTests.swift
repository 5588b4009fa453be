import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

/// Whatever a client sends is bounded before the host works on it: sizes, depths, numbers and tokens are checked
/// and answered with AWS's errors, and the work done is linear in the request.
@Suite struct RequestBoundsTests {
    // MARK: DynamoDB expressions

    @Test func anExpressionOverFourKilobytesIsRefusedAsDynamoDBDoes() throws {
        let long = "a" + String(repeating: "z", count: 4096)
        expectDynamoDBValidationError(
            "Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size;"
        ) {
            _ = try ExpressionRequest(projectionExpression: long)
        }
        let filter = "\(long) = :v"
        expectDynamoDBValidationError(
            "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: "
                + "\(filter.utf8.count)"
        ) {
            _ = try ExpressionRequest(filterExpression: filter, expressionAttributeValues: [":v": .s("x")])
        }
        // Exactly 4 KB is accepted.
        _ = try ExpressionRequest(projectionExpression: String(long.dropLast()))
    }

    @Test func redundantAndDeepParenthesesAreErrorsNotStackOverflows() throws {
        let values: [String: AttributeValue] = [":v": .n("1")]
        expectDynamoDBValidationError("Invalid ConditionExpression: The expression has redundant parentheses;") {
            _ = try ExpressionRequest(conditionExpression: "((a = :v))", expressionAttributeValues: values)
        }
        _ = try ExpressionRequest(
            conditionExpression: "(a = :v) AND ((a = :v) OR a = :v)", expressionAttributeValues: values)
        // 1,000 NOTs fit in 4 KB; DynamoDB counts operators and stops at 300, which bounds the nesting too.
        let deep = String(repeating: "NOT ", count: 1000) + "a = :v"
        expectDynamoDBValidationError(
            "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"
        ) {
            _ = try ExpressionRequest(conditionExpression: deep, expressionAttributeValues: values)
        }
        let chain = Array(repeating: "a = :v", count: 151).joined(separator: " AND ")  // 151 + 150 = 301
        expectDynamoDBValidationError(
            "Invalid FilterExpression: The expression contains too many operators; operator count: 301"
        ) {
            _ = try ExpressionRequest(filterExpression: chain, expressionAttributeValues: values)
        }
        let nested = String(repeating: "(a = :v AND ", count: 149) + "a = :v" + String(repeating: ")", count: 149)
        _ = try ExpressionRequest(conditionExpression: nested, expressionAttributeValues: values)  // 299 operators
    }

    @Test func overlappingProjectionPathsAreFoundAmongManyQuickly() throws {
        // 1,000 names (about the most 4 KB holds): the check sorts instead of comparing every pair.
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var names = (0..<1000).map { "#" + String([digits[$0 / 36], digits[$0 % 36]]) }
        let attributeNames = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, "a\($0.offset)") })
        let started = ContinuousClock.now
        _ = try ExpressionRequest(
            projectionExpression: names.joined(separator: ","), expressionAttributeNames: attributeNames)
        #expect(ContinuousClock.now - started < .seconds(2))
        names[900] = names[7] + ".x"
        expectDynamoDBValidationError(
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
                + "these paths; path one: [a7], path two: [a7, x]"
        ) {
            _ = try ExpressionRequest(
                projectionExpression: names.joined(separator: ","), expressionAttributeNames: attributeNames)
        }
        expectDynamoDBValidationError(
            "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one "
                + "of these paths; path one: [l, m], path two: [l, [0]]"
        ) {
            _ = try ExpressionRequest(projectionExpression: "l.m, x, l[0]")
        }
    }

    // MARK: templates

    @Test func templatesAreFilledInOnePassWhateverTheValuesHold() {
        let record: JSONValue = .object([
            "a": .string("<b> \"quoted\""), "b": .number(2), "o": .object(["k": .bool(true)]),
        ])
        let filled = PipeInputTemplate.render(
            #"{"a": <$.a>, "in": "x <$.b> y", "o": <$.o>, "missing": <$.zz>, "esc": "\" <$.b>"}"#, record: record,
            recordText: "", reserved: [:])
        #expect(filled == #"{"a": "<b> \"quoted\"", "in": "x 2 y", "o": {"k":true}, "missing": null, "esc": "\" 2"}"#)
        // 10,000 placeholders: linear, not quadratic.
        let many = "[" + Array(repeating: "<$.b>", count: 10_000).joined(separator: ",") + "]"
        let started = ContinuousClock.now
        let rendered = PipeInputTemplate.render(many, record: record, recordText: "", reserved: [:])
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(rendered.count == 1 + 10_000 * 2 - 1 + 1)
        #expect(EventBridgeInput.placeholders(in: "<a> <b c> <d\"> <> <e<f>") == ["a", "f"])
    }

    // MARK: through the AWS endpoint

    @Test func pagingNumbersAndTokensFromTheWireAreCheckedNotTrapped() async throws {
        try await withHost(Topology(functions: [])) { _, ports in
            for (target, body) in [
                ("DynamoDB_20120810.ListTables", #"{"Limit":-1}"#),
                ("DynamoDB_20120810.ListTables", #"{"Limit":0}"#),
                ("DynamoDBStreams_20120810.ListStreams", #"{"Limit":-5}"#),
            ] {
                let answer = try await awsJSONResponse(ports.aws, target, body)
                #expect(answer.status == 400, "\(target) \(body)")
                #expect(
                    try answer.json()["__type"] as? String == "com.amazonaws.dynamodb.v20120810#ValidationException")
            }
            let listed = try await awsJSONResponse(ports.aws, "DynamoDB_20120810.ListTables", #"{"Limit":0}"#)
            #expect(
                try listed.json()["message"] as? String
                    == "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must "
                    + "have value greater than or equal to 1")
            _ = try await awsJSON(ports.aws, "Logs_20140328.CreateLogGroup", #"{"logGroupName":"g"}"#)
            for token in [
                "LTE=", Data("-5".utf8).base64EncodedString(), Data("9223372036854775807".utf8).base64EncodedString(),
                "%%%",
            ] {
                let answer = try await awsJSONResponse(
                    ports.aws, "Logs_20140328.DescribeLogStreams", #"{"logGroupName":"g","nextToken":"\#(token)"}"#)
                #expect(answer.status == 400, "\(token)")
                #expect(try answer.json()["__type"] as? String == "InvalidParameterException")
            }
            // Lambda: the model's range is a ValidationException, text that is no number InvalidRequestContent, a
            // marker Lambda did not hand out its own InvalidParameterValue.
            for (query, type) in [
                ("MaxItems=-1", "ValidationException"), ("MaxItems=0", "ValidationException"),
                ("MaxItems=99999999999999999999", "InvalidRequestContentException"),
                ("Marker=-3", "InvalidParameterValueException"),
                ("Marker=9223372036854775807", "InvalidParameterValueException"),
            ] {
                let answer = try await http(
                    "GET", "http://127.0.0.1:\(ports.aws)/2015-03-31/event-source-mappings/?\(query)")
                #expect(answer.status == 400, "\(query)")
                #expect(try answer.json()["__type"] as? String == type, "\(query)")
            }
            for query in ["Limit=-1", "Limit=101", "NextToken=-1", "NextToken=9223372036854775807"] {
                let answer = try await http("GET", "http://127.0.0.1:\(ports.aws)/v1/pipes?\(query)")
                #expect(answer.status == 400, "\(query)")
                #expect(try answer.json()["__type"] as? String == "ValidationException")
            }
            // Still up.
            #expect(try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/health").status == 200)
        }
    }

    @Test func oversizedBodiesAreRefusedBeforeTheyAreRead() async throws {
        try await withHost(Topology(functions: [])) { _, ports in
            let answer = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/",
                headers: [("X-Amz-Target", "AWSEvents.PutEvents"), ("Content-Type", "application/x-amz-json-1.1")],
                body: [UInt8](repeating: 0x20, count: 2 * 1024 * 1024))
            #expect(answer.status == 413)
            #expect(try answer.json()["__type"] as? String == "RequestEntityTooLargeException")
        }
    }

    @Test func aServiceTheHostDoesNotServeGetsAnErrorInItsOwnProtocol() async throws {
        try await withHost(Topology(functions: [])) { _, ports in
            let scope = "Credential=test/20261204/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"
            let iam = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/",
                headers: [
                    ("Authorization", "AWS4-HMAC-SHA256 \(scope)"),
                    ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ],
                body: Array("Action=ListUsers&Version=2010-05-08".utf8))
            #expect(iam.status == 400)
            #expect(iam.text.hasPrefix("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"))
            #expect(iam.text.contains("The host does not serve iam;"), "\(iam.text)")
            let kinesis = try await awsJSONResponse(ports.aws, "Kinesis_20131202.PutRecord", "{}")
            #expect(kinesis.status == 400)
            #expect(try kinesis.json()["__type"] as? String == "UnknownOperationException")
            #expect((try kinesis.json()["message"] as? String)?.contains("Kinesis_20131202.PutRecord") == true)
        }
    }
}
