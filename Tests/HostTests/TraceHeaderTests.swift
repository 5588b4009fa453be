import Foundation
import Testing

@testable import Host

/// The caller's `X-Amzn-Trace-Id` travels as AWS carries it: SQS keeps it as the message's `AWSTraceHeader`, and
/// EventBridge as an entry's `TraceHeader`, through a rule to its SQS target.
@Suite struct TraceHeaderTests {
    func call(_ port: Int, _ target: String, _ body: String, trace: String? = nil) async throws -> [String: Any] {
        let version = target.hasPrefix("AWSEvents") ? "1.1" : "1.0"
        var headers = [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-\(version)")]
        if let trace { headers.append(("X-Amzn-Trace-Id", trace)) }
        let response = try await http(
            "POST", "http://127.0.0.1:\(port)/", headers: headers, body: Array(body.utf8))
        guard response.status == 200 else { throw TestFailure("\(target): \(response.status) \(response.text)") }
        return try response.json()
    }

    func traceHeaders(_ port: Int, _ queueURL: String) async throws -> [String?] {
        let received = try await call(
            port, "AmazonSQS.ReceiveMessage",
            #"{"QueueUrl":"\#(queueURL)","MaxNumberOfMessages":10,"MessageSystemAttributeNames":["AWSTraceHeader"]}"#)
        return (received["Messages"] as? [[String: Any]] ?? []).map {
            ($0["Attributes"] as? [String: String])?["AWSTraceHeader"]
        }
    }

    @Test func theRequestsTraceHeaderReachesMessagesDirectlyAndThroughARule() async throws {
        try await withHost(Topology()) { _, ports in
            let trace = "Root=1-6752f0a1-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1"
            let queue = try await call(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"traced"}"#)["QueueUrl"]
            let url = try #require(queue as? String)
            _ = try await call(
                ports.aws, "AmazonSQS.SendMessage", #"{"QueueUrl":"\#(url)","MessageBody":"a"}"#, trace: trace)
            // A system attribute the sender sets wins over the header.
            _ = try await call(
                ports.aws, "AmazonSQS.SendMessage",
                #"{"QueueUrl":"\#(url)","MessageBody":"b","MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1-own"}}}"#,
                trace: trace)
            _ = try await call(ports.aws, "AmazonSQS.SendMessage", #"{"QueueUrl":"\#(url)","MessageBody":"c"}"#)
            #expect(Set(try await traceHeaders(ports.aws, url).map { $0 ?? "none" }) == [trace, "Root=1-own", "none"])

            _ = try await call(
                ports.aws, "AWSEvents.PutRule", #"{"Name":"all","EventPattern":"{\"source\":[\"test\"]}"}"#)
            _ = try await call(
                ports.aws, "AWSEvents.PutTargets",
                #"{"Rule":"all","Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:traced"}]}"#)
            let put = try await call(
                ports.aws, "AWSEvents.PutEvents",
                #"{"Entries":[{"Source":"test","DetailType":"t","Detail":"{}"}]}"#, trace: trace)
            #expect(put["FailedEntryCount"] as? Int == 0)
            #expect(try await traceHeaders(ports.aws, url) == [trace])
        }
    }
}
