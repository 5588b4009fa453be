import Foundation
import Testing

@testable import AWSShapes

/// The shapes `scripts/generate-shapes` writes from botocore's models: read with the model's constraints in AWS's
/// words, written back as compact JSON.
struct GeneratedShapesTests {
    func read<Shape: AWSShape>(_ type: Shape.Type, _ json: String) -> Result<Shape, AWSShapeReadError> {
        Result { () throws(AWSShapeReadError) in try Shape(body: Data(json.utf8)) }
    }

    func validationMessage<Shape: AWSShape>(_ type: Shape.Type, _ json: String) -> String? {
        guard case .failure(.invalid(let error)) = read(type, json) else { return nil }
        return error.message
    }

    @Test func aValidRequestIsReadWithItsNestedMembers() throws {
        let input = try read(
            Logs.PutLogEventsRequest.self,
            #"{"logGroupName":"/aws/lambda/F","logStreamName":"s","logEvents":[{"timestamp":1700000000000,"message":"hi"}]}"#
        ).get()
        #expect(input.logGroupName == "/aws/lambda/F")
        #expect(input.logEvents == [Logs.InputLogEvent(timestamp: 1_700_000_000_000, message: "hi")])
        #expect(input.sequenceToken == nil)
    }

    @Test func everyFailedConstraintIsReportedInAWSsWords() {
        #expect(
            validationMessage(Logs.CreateLogGroupRequest.self, #"{"logGroupName":"a b"}"#)
                == "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member "
                + "must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
        #expect(
            validationMessage(Logs.PutLogEventsRequest.self, #"{"logStreamName":"a:b","logEvents":[]}"#)
                == "3 validation errors detected: Value null at 'logGroupName' failed to satisfy constraint: Member "
                + "must not be null; Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy "
                + "regular expression pattern: [^:*]*; Value '[]' at 'logEvents' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1")
        #expect(
            validationMessage(
                Logs.PutLogEventsRequest.self,
                #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1}]}"#)
                == "1 validation error detected: Value null at 'logEvents.1.member.message' failed to satisfy "
                + "constraint: Member must not be null")
        #expect(
            validationMessage(Logs.DescribeLogStreamsRequest.self, #"{"orderBy":"Size","limit":51}"#)
                == "2 validation errors detected: Value 'Size' at 'orderBy' failed to satisfy constraint: Member must "
                + "satisfy enum value set: [LogStreamName, LastEventTime]; Value '51' at 'limit' failed to satisfy "
                + "constraint: Member must have value less than or equal to 50")
        // Lengths are counted in UTF-16 units, as AWS's services count them.
        let long = String(repeating: "é", count: 512)
        #expect(
            validationMessage(Logs.CreateLogStreamRequest.self, #"{"logGroupName":"g","logStreamName":"\#(long)"}"#)
                == nil)
    }

    @Test func aMemberOfTheWrongTypeIsMalformedNotInvalid() {
        guard case .failure(.malformed(let error)) = read(Logs.GetLogEventsRequest.self, #"{"logStreamName":5}"#)
        else {
            Issue.record("expected a type error")
            return
        }
        #expect(error.message == "Unexpected value at 'logStreamName': expected a string")
        guard case .failure(.malformed) = read(Logs.GetLogEventsRequest.self, #"{"limit":1.5}"#) else {
            Issue.record("a fraction is not an integer")
            return
        }
        guard case .failure(.malformed) = read(Logs.GetLogEventsRequest.self, "[1]") else {
            Issue.record("the body must be an object")
            return
        }
    }

    @Test func outputsAreWrittenAsCompactJSONWithSortedKeys() throws {
        let output = Logs.FilterLogEventsResponse(
            events: [
                Logs.FilteredLogEvent(
                    logStreamName: "s", timestamp: 1, message: "a \"quoted\"\nline/\u{1}", ingestionTime: 2,
                    eventId: "7")
            ],
            searchedLogStreams: [], nextToken: nil)
        let text = String(decoding: output.jsonBytes, as: UTF8.self)
        #expect(
            text
                == #"{"events":[{"eventId":"7","ingestionTime":2,"logStreamName":"s","message":"a \"quoted\"\nline/\u0001","timestamp":1}],"searchedLogStreams":[]}"#
        )
        // What is written reads back to the same value.
        let parsed = try JSONValue(parsing: Data(output.jsonBytes))
        var validation = AWSValidation()
        let again = try Logs.FilterLogEventsResponse(json: parsed, path: "", validation: &validation)
        #expect(again == output)
        #expect(validation.message == nil)
        #expect(String(decoding: AWSEmptyShape().jsonBytes, as: UTF8.self) == "{}")
    }

    // MARK: REST JSON (Lambda, Pipes)

    func bindings(
        labels: [String: String] = [:], query: [String: String] = [:], headers: [String: String] = [:]
    ) -> AWSRESTBindings {
        AWSRESTBindings(label: { labels[$0] }, query: { query[$0] }, header: { headers[$0] })
    }

    @Test func aRESTInputReadsItsPathQueryHeadersAndPayload() throws {
        let input = try AWSLambda.InvocationRequest(
            rest: bindings(
                labels: ["FunctionName": "Worker"], query: ["Qualifier": "$LATEST"],
                headers: ["X-Amz-Invocation-Type": "Event", "X-Amz-Log-Type": "Tail"]),
            body: Data(#"{"not":"members"}"#.utf8))
        #expect(input.functionName == "Worker")
        #expect(input.qualifier == "$LATEST")
        #expect(input.invocationType == .event)
        #expect(input.logType == .tail)
        #expect(input.payload == Data(#"{"not":"members"}"#.utf8), "Invoke's body is its payload, not members")

        let list = try AWSLambda.ListEventSourceMappingsRequest(
            rest: bindings(query: ["MaxItems": "7", "FunctionName": "Worker"]), body: Data())
        #expect(list.maxItems == 7)
        #expect(list.functionName == "Worker")

        let update = try Pipes.UpdatePipeRequest(
            rest: bindings(labels: ["Name": "p1"]), body: Data(#"{"RoleArn":"r","Description":"d"}"#.utf8))
        #expect(update.name == "p1")
        #expect(update.description == "d")
    }

    @Test func boundMembersAreCheckedAsBodyMembersAre() {
        func failure<Input: AWSRESTInput>(_ type: Input.Type, _ request: AWSRESTBindings, _ body: String = "")
            -> AWSShapeReadError?
        {
            do {
                _ = try Input(rest: request, body: Data(body.utf8))
                return nil
            } catch {
                return error
            }
        }
        guard
            case .invalid(let range) = failure(
                AWSLambda.ListEventSourceMappingsRequest.self, bindings(query: ["MaxItems": "0"]))
        else {
            Issue.record("MaxItems=0 is out of the model's range")
            return
        }
        #expect(
            range.message
                == "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must "
                + "have value greater than or equal to 1")
        guard
            case .invalid(let pattern) = failure(
                Pipes.DescribePipeRequest.self, bindings(labels: ["Name": "no spaces"]))
        else {
            Issue.record("a pipe name with a space breaks the model's pattern")
            return
        }
        #expect(pattern.message.contains("Value 'no spaces' at 'name' failed to satisfy constraint"))
        guard
            case .invalid(let invocation) = failure(
                AWSLambda.InvocationRequest.self,
                bindings(labels: ["FunctionName": "F"], headers: ["X-Amz-Invocation-Type": "Later"]))
        else {
            Issue.record("an invocation type outside the enum is refused")
            return
        }
        #expect(
            invocation.message.contains("at 'invocationType' failed to satisfy constraint: Member must satisfy enum"))
        guard case .malformed = failure(AWSLambda.ListFunctionsRequest.self, bindings(query: ["MaxItems": "ten"]))
        else {
            Issue.record("a number that is not one is malformed")
            return
        }
        guard case .invalid(let missing) = failure(AWSLambda.GetFunctionRequest.self, bindings()) else {
            Issue.record("a missing path label is a missing required member")
            return
        }
        #expect(missing.missingMembers == ["FunctionName"])
    }

    @Test func boundOutputMembersAreHeadersNotBody() {
        let answer = AWSLambda.InvocationResponse(
            statusCode: 200, functionError: "Unhandled", payload: Data("{}".utf8), executedVersion: "$LATEST")
        #expect(
            answer.restHeaders.map { "\($0.name): \($0.value)" } == [
                "X-Amz-Function-Error: Unhandled", "X-Amz-Executed-Version: $LATEST",
            ])
        #expect(answer.jsonText == "{}", "header, status and payload members are not written into a JSON body")
        #expect(AWSLambda.Invoke.method == "POST")
        #expect(AWSLambda.Invoke.requestURI == "/2015-03-31/functions/{FunctionName}/invocations")
        #expect(AWSLambda.CreateEventSourceMapping.successCode == 202)
    }
}
