import Foundation
import Host
import Testing

/// The host's SQS driven with the real `aws` CLI (JSON protocol), through the AWS endpoint.
@Suite struct SQSEndToEndTests {
    @Test func awsCLISendsReceivesRedrivesAndDeletes() async throws {
        try await withHost(Topology()) { _, ports in
            let endpoint = ["--endpoint-url", "http://127.0.0.1:\(ports.aws)", "--output", "json"]
            func sqs(_ arguments: [String]) async throws -> [String: Any] {
                let result = try await aws(["sqs"] + arguments + endpoint)
                guard result.status == 0 else {
                    throw TestFailure("aws sqs \(arguments.first ?? "") failed: \(result.error)")
                }
                if result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [:] }
                return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
            }
            let dlq = try await sqs(["create-queue", "--queue-name", "orders-dlq"])["QueueUrl"] as? String ?? ""
            #expect(dlq == "http://127.0.0.1:\(ports.aws)/000000000000/orders-dlq", "the queue URL names the endpoint")
            let dlqARN = "arn:aws:sqs:us-east-1:000000000000:orders-dlq"
            let queue =
                try await sqs([
                    "create-queue", "--queue-name", "orders", "--attributes",
                    #"{"VisibilityTimeout":"0","RedrivePolicy":"{\"deadLetterTargetArn\":\"\#(dlqARN)\",\"maxReceiveCount\":\"2\"}"}"#,
                ])["QueueUrl"] as? String ?? ""
            let sent = try await sqs(["send-message", "--queue-url", queue, "--message-body", #"{"orderId":"o1"}"#])
            // md5sum of the body (botocore also checks it on every response).
            #expect(sent["MD5OfMessageBody"] as? String == "dc43556fe68aea4855ce748036cf48a2")
            let messageID = try #require(sent["MessageId"] as? String)

            // Received twice (visibility 0), the third receive moves it to the DLQ with its MessageId.
            for _ in 0..<2 {
                let received = try await sqs(["receive-message", "--queue-url", queue, "--attribute-names", "All"])
                #expect((received["Messages"] as? [[String: Any]])?.first?["MessageId"] as? String == messageID)
            }
            let third = try await sqs(["receive-message", "--queue-url", queue])
            #expect(third["Messages"] == nil)
            let dead = try await sqs(["receive-message", "--queue-url", dlq, "--wait-time-seconds", "1"])
            let message = try #require((dead["Messages"] as? [[String: Any]])?.first)
            #expect(message["MessageId"] as? String == messageID)
            _ = try await sqs([
                "delete-message", "--queue-url", dlq, "--receipt-handle", message["ReceiptHandle"] as? String ?? "",
            ])
            let attributes = try await sqs([
                "get-queue-attributes", "--queue-url", dlq, "--attribute-names", "ApproximateNumberOfMessages",
            ])
            #expect((attributes["Attributes"] as? [String: String])?["ApproximateNumberOfMessages"] == "0")

            let missing = try await aws(["sqs", "get-queue-url", "--queue-name", "nope"] + endpoint)
            #expect(missing.status != 0)
            #expect(missing.error.contains("NonExistentQueue") || missing.error.contains("QueueDoesNotExist"))
        }
    }
}
