import AWSShapes
import Foundation
import Testing

@testable import Host

/// A request body as the SDKs send it.
private func json(_ shape: some AWSShape) throws -> Data { Data(shape.jsonBytes) }

struct SQSAPITests {
    let base = "http://127.0.0.1:4566"

    func call<Operation: AWSGeneratedOperation>(_ api: SQSAPI, _ operation: Operation.Type, _ input: Operation.Input)
        async throws -> Operation.Output
    {
        let response = await api.handle(target: Operation.target, body: try json(input))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        return try Operation.Output(storedJSON: String(decoding: response.body, as: UTF8.self))
    }

    @Test func sendReceiveDeleteOverJSON() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base + "/")
        #expect(api.router.serves("AmazonSQS.SendMessage"))
        #expect(!api.router.serves("DynamoDB_20120810.PutItem"))
        let created = try await call(api, SQS.CreateQueue.self, SQS.CreateQueueRequest(queueName: "orders"))
        #expect(created.queueUrl == "http://127.0.0.1:4566/000000000000/orders")
        let url = try await call(api, SQS.GetQueueUrl.self, SQS.GetQueueUrlRequest(queueName: "orders")).queueUrl!
        #expect(url == created.queueUrl)

        // The wire names are AWS's.
        let raw = await api.handle(
            target: "AmazonSQS.SendMessage",
            body: Data(
                #"{"QueueUrl":"\#(url)","MessageBody":"msg","MessageAttributes":{"Foo":{"DataType":"String","StringValue":"Bar"}}}"#
                    .utf8))
        let sent = try #require(try JSONSerialization.jsonObject(with: raw.body) as? [String: Any])
        #expect(sent["MD5OfMessageBody"] as? String == "6e2baaf3b97dbeef01c0043275f9a0e7")
        #expect(sent["MD5OfMessageAttributes"] as? String == "ae7155c6026991b6d54b11589678bf9c")

        let received = try await call(
            api, SQS.ReceiveMessage.self,
            SQS.ReceiveMessageRequest(
                queueUrl: url, messageSystemAttributeNames: ["All"], messageAttributeNames: ["All"],
                maxNumberOfMessages: 10))
        let message = try #require(received.messages?.first)
        #expect(message.messageId == sent["MessageId"] as? String)
        #expect(message.body == "msg")
        #expect(message.md5OfMessageAttributes == "ae7155c6026991b6d54b11589678bf9c")
        #expect(message.attributes?["ApproximateReceiveCount"] == "1")
        #expect(message.attributes?["SenderId"] != nil)

        _ = try await call(
            api, SQS.DeleteMessage.self, SQS.DeleteMessageRequest(queueUrl: url, receiptHandle: message.receiptHandle!))
        let attributes = try await call(
            api, SQS.GetQueueAttributes.self, SQS.GetQueueAttributesRequest(queueUrl: url, attributeNames: ["All"]))
        #expect(attributes.attributes?["ApproximateNumberOfMessages"] == "0")
        #expect(attributes.attributes?["ApproximateNumberOfMessagesNotVisible"] == "0")

        // An empty receive answers {} (no Messages key).
        let empty = await api.handle(
            target: SQS.ReceiveMessage.target, body: try json(SQS.ReceiveMessageRequest(queueUrl: url)))
        #expect(String(decoding: empty.body, as: UTF8.self) == "{}")
    }

    @Test func attributeFilters() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, SQS.CreateQueue.self, SQS.CreateQueueRequest(queueName: "q")).queueUrl!
        _ = try await call(
            api, SQS.SendMessage.self,
            SQS.SendMessageRequest(
                queueUrl: url, messageBody: "msg",
                messageAttributes: [
                    "General": .string("Kenobi"), "Hello": .string("There"), "Help.Me": .string("Me"),
                ]))
        let received = try await call(
            api, SQS.ReceiveMessage.self,
            SQS.ReceiveMessageRequest(
                queueUrl: url, attributeNames: ["SenderId"], messageAttributeNames: ["He.*"], visibilityTimeout: 0))
        let message = try #require(received.messages?.first)
        #expect(message.attributes.map { Array($0.keys) } == ["SenderId"])
        #expect(message.messageAttributes.map { Set($0.keys) } == ["Hello", "Help.Me"])
        #expect(message.md5OfMessageAttributes == "83fee93c1bcd8b9a5a923ffacdc636c7")
        let plain = try await call(api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url))
        #expect(plain.messages?.first?.attributes == nil)
        #expect(plain.messages?.first?.messageAttributes == nil)
        #expect(plain.messages?.first?.md5OfMessageAttributes == nil)
    }

    @Test func batches() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, SQS.CreateQueue.self, SQS.CreateQueueRequest(queueName: "q")).queueUrl!
        let sent = try await call(
            api, SQS.SendMessageBatch.self,
            SQS.SendMessageBatchRequest(
                queueUrl: url,
                entries: [
                    SQS.SendMessageBatchRequestEntry(id: "a", messageBody: "one"),
                    SQS.SendMessageBatchRequestEntry(id: "b", messageBody: ""),
                    SQS.SendMessageBatchRequestEntry(id: "c", messageBody: "three"),
                ]))
        #expect(sent.successful.map { $0.id } == ["a", "c"])
        #expect(
            sent.failed == [
                SQS.BatchResultErrorEntry(
                    id: "b", senderFault: true, code: "MissingParameter",
                    message: "The request must contain the parameter MessageBody.")
            ])
        let received = try await call(
            api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 10))
        let messages = try #require(received.messages)
        #expect(messages.map { $0.body } == ["one", "three"])
        let deleted = try await call(
            api, SQS.DeleteMessageBatch.self,
            SQS.DeleteMessageBatchRequest(
                queueUrl: url,
                entries: messages.enumerated().map {
                    SQS.DeleteMessageBatchRequestEntry(id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle!)
                } + [SQS.DeleteMessageBatchRequestEntry(id: "bad", receiptHandle: "nonsense")]))
        #expect(deleted.successful.map { $0.id } == ["m0", "m1"])
        #expect(deleted.failed.map { $0.code } == ["ReceiptHandleIsInvalid"])

        let tooMany = await api.handle(
            target: SQS.SendMessageBatch.target,
            body: try json(
                SQS.SendMessageBatchRequest(
                    queueUrl: url,
                    entries: (0..<11).map { SQS.SendMessageBatchRequestEntry(id: "e\($0)", messageBody: "x") })))
        #expect(tooMany.status == 400)
        #expect(tooMany.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender")
    }

    @Test func changeMessageVisibilityBatch() async throws {
        let clock = SQSTestClock()
        let api = SQSAPI(store: try makeSQSStore(clock: clock), baseURL: base)
        let url = try await call(
            api, SQS.CreateQueue.self, SQS.CreateQueueRequest(queueName: "q", attributes: ["VisibilityTimeout": "30"])
        ).queueUrl!
        _ = try await call(
            api, SQS.SendMessageBatch.self,
            SQS.SendMessageBatchRequest(
                queueUrl: url,
                entries: ["a", "b", "c"].map { SQS.SendMessageBatchRequestEntry(id: $0, messageBody: $0) }))
        let received = try #require(
            try await call(
                api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 2)
            )
            .messages)
        #expect(received.map { $0.body } == ["a", "b"])
        let visible = try await call(
            api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 10))
        #expect(visible.messages?.map { $0.body } == ["c"])
        let stale = try #require(visible.messages?.first?.receiptHandle)
        clock.advance(by: 31)
        // "c" is visible again, and its latest handle still changes its visibility (AWS answers 200: recorded in
        // test_change_message_visibility_after_visibility_timeout_expiration); "a" and "b" got new handles.
        let again = try #require(
            try await call(
                api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 2)
            )
            .messages)
        #expect(again.map { $0.body } == ["a", "b"])

        let changed = try await call(
            api, SQS.ChangeMessageVisibilityBatch.self,
            SQS.ChangeMessageVisibilityBatchRequest(
                queueUrl: url,
                entries: [
                    SQS.ChangeMessageVisibilityBatchRequestEntry(
                        id: "a", receiptHandle: again[0].receiptHandle!, visibilityTimeout: 0),
                    SQS.ChangeMessageVisibilityBatchRequestEntry(
                        id: "b", receiptHandle: again[1].receiptHandle!, visibilityTimeout: 100),
                    SQS.ChangeMessageVisibilityBatchRequestEntry(
                        id: "old", receiptHandle: received[0].receiptHandle!, visibilityTimeout: 0),
                    SQS.ChangeMessageVisibilityBatchRequestEntry(id: "c", receiptHandle: stale, visibilityTimeout: 0),
                    SQS.ChangeMessageVisibilityBatchRequestEntry(id: "bad", receiptHandle: "garbage"),
                    SQS.ChangeMessageVisibilityBatchRequestEntry(
                        id: "long", receiptHandle: again[1].receiptHandle!, visibilityTimeout: 43_201),
                ]))
        #expect(changed.successful.map { $0.id } == ["a", "b", "c"])
        #expect(
            changed.failed == [
                SQS.BatchResultErrorEntry(
                    id: "old", senderFault: true, code: "InvalidParameterValue",
                    message:
                        "Value \(received[0].receiptHandle!) for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
                ),
                SQS.BatchResultErrorEntry(
                    id: "bad", senderFault: true, code: "ReceiptHandleIsInvalid",
                    message: "The input receipt handle \"garbage\" is not a valid receipt handle."),
                SQS.BatchResultErrorEntry(
                    id: "long", senderFault: true, code: "InvalidParameterValue",
                    message:
                        "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."
                ),
            ])
        // "a" is visible now (with "c"); "b" stays hidden 100 s from now.
        let now = try await call(
            api, SQS.ReceiveMessage.self,
            SQS.ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 10, visibilityTimeout: 1000))
        #expect(now.messages?.map { $0.body } == ["a", "c"])
        clock.advance(by: 99)
        #expect(
            try await call(
                api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 10)
            )
            .messages == nil)
        clock.advance(by: 1)
        #expect(
            try await call(
                api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 10)
            )
            .messages?.map { $0.body } == ["b"])

        // Request-level errors are those of every batch operation (AWS's recorded messages).
        func batch(_ entries: [SQS.ChangeMessageVisibilityBatchRequestEntry]) async throws -> SQSAPIResponse {
            await api.handle(
                target: SQS.ChangeMessageVisibilityBatch.target,
                body: try json(SQS.ChangeMessageVisibilityBatchRequest(queueUrl: url, entries: entries)))
        }
        let tooMany = try await batch(
            (0..<20).map { SQS.ChangeMessageVisibilityBatchRequestEntry(id: "e\($0)", receiptHandle: stale) })
        #expect(tooMany.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender")
        #expect(String(decoding: tooMany.body, as: UTF8.self).contains("You have sent 20."))
        let empty = try await batch([])
        #expect(
            String(decoding: empty.body, as: UTF8.self).contains(
                "There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request."))
        let invalidId = try await batch([SQS.ChangeMessageVisibilityBatchRequestEntry(id: "a:b", receiptHandle: stale)])
        #expect(invalidId.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.InvalidBatchEntryId;Sender")
        let repeated = try await batch([
            SQS.ChangeMessageVisibilityBatchRequestEntry(id: "x", receiptHandle: stale),
            SQS.ChangeMessageVisibilityBatchRequestEntry(id: "x", receiptHandle: stale),
        ])
        #expect(repeated.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct;Sender")
    }

    @Test func errorsAsAWSRendersThem() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let missing = await api.handle(
            target: SQS.SendMessage.target,
            body: Data(#"{"QueueUrl":"http://127.0.0.1:4566/000000000000/nope","MessageBody":"x"}"#.utf8))
        #expect(missing.status == 400)
        #expect(missing.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender")
        let body = try #require(try JSONSerialization.jsonObject(with: missing.body) as? [String: String])
        #expect(
            body == ["__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."])

        let getUrl = await api.handle(target: SQS.GetQueueUrl.target, body: Data(#"{"QueueName":"nope"}"#.utf8))
        #expect(getUrl.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender")

        let url = try await call(api, SQS.CreateQueue.self, SQS.CreateQueueRequest(queueName: "q")).queueUrl!
        let noBody = await api.handle(target: SQS.SendMessage.target, body: Data(#"{"QueueUrl":"\#(url)"}"#.utf8))
        #expect(noBody.headers["x-amzn-query-error"] == "MissingParameter;Sender")
        let noBodyJSON = try #require(try JSONSerialization.jsonObject(with: noBody.body) as? [String: String])
        #expect(noBodyJSON["__type"] == "com.amazonaws.sqs#MissingRequiredParameterException")
        #expect(noBodyJSON["message"] == "The request must contain the parameter MessageBody.")

        let wait = await api.handle(
            target: SQS.ReceiveMessage.target, body: Data(#"{"QueueUrl":"\#(url)","WaitTimeSeconds":21}"#.utf8))
        #expect(wait.headers["x-amzn-query-error"] == "InvalidParameterValue;Sender")
        let waitJSON = try #require(try JSONSerialization.jsonObject(with: wait.body) as? [String: String])
        #expect(waitJSON["__type"] == "com.amazonaws.sqs#InvalidParameterValueException")
        #expect(
            waitJSON["message"]
                == "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")

        _ = try await call(api, SQS.PurgeQueue.self, SQS.PurgeQueueRequest(queueUrl: url))
        let purge = await api.handle(target: SQS.PurgeQueue.target, body: Data(#"{"QueueUrl":"\#(url)"}"#.utf8))
        #expect(purge.status == 403)
        #expect(purge.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.PurgeQueueInProgress;Sender")

        let unknown = await api.handle(target: "AmazonSQS.Frobnicate", body: Data())
        #expect(unknown.status == 400)
    }
}

/// Timing: run alone, after the other suites (`scripts/test`), so that a loaded machine does not delay the wake-ups.
struct SQSLongPollTimingTests {
    let base = "http://127.0.0.1:4566"

    func call<Operation: AWSGeneratedOperation>(_ api: SQSAPI, _ operation: Operation.Type, _ input: Operation.Input)
        async throws -> Operation.Output
    {
        try await SQSAPITests().call(api, operation, input)
    }

    @Test func longPollReturnsAsSoonAsAMessageIsSent() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, SQS.CreateQueue.self, SQS.CreateQueueRequest(queueName: "q")).queueUrl!
        let started = ContinuousClock.now
        async let polled = call(
            api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, waitTimeSeconds: 20))
        try await Task.sleep(for: .milliseconds(200))
        _ = try await call(api, SQS.SendMessage.self, SQS.SendMessageRequest(queueUrl: url, messageBody: "wake up"))
        let received = try await polled
        #expect(received.messages?.map { $0.body } == ["wake up"])
        // Answered by the send, not by the end of the 20 s wait (generous for a loaded machine).
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test func longPollWakesWhenADelayedMessageBecomesVisible() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, SQS.CreateQueue.self, SQS.CreateQueueRequest(queueName: "q")).queueUrl!
        _ = try await call(
            api, SQS.SendMessage.self, SQS.SendMessageRequest(queueUrl: url, messageBody: "later", delaySeconds: 1))
        let started = ContinuousClock.now
        let received = try await call(
            api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url, waitTimeSeconds: 10))
        #expect(received.messages?.map { $0.body } == ["later"])
        let elapsed = ContinuousClock.now - started
        // Woken when the message became visible, well before the 10 s wait (generous for a loaded machine).
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(9))
    }

    @Test func longPollWithNothingToReceiveEndsAtTheWaitTime() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(
            api, SQS.CreateQueue.self,
            SQS.CreateQueueRequest(queueName: "q", attributes: ["ReceiveMessageWaitTimeSeconds": "1"])
        ).queueUrl!
        let started = ContinuousClock.now
        let received = try await call(api, SQS.ReceiveMessage.self, SQS.ReceiveMessageRequest(queueUrl: url))
        #expect(received.messages == nil)
        #expect(ContinuousClock.now - started >= .milliseconds(900))
    }
}

struct SQSListQueuesTests {
    @Test func pagesThroughQueuesInOrder() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: "http://localhost:4566")
        for index in 0..<5 {
            let response = await api.handle(
                target: SQS.CreateQueue.target,
                body: try json(SQS.CreateQueueRequest(queueName: "queue-\(index)")))
            #expect(response.status == 200)
        }
        func list(_ input: SQS.ListQueuesRequest) async throws -> SQS.ListQueuesResult {
            let response = await api.handle(target: SQS.ListQueues.target, body: try json(input))
            return try SQS.ListQueuesResult(storedJSON: String(decoding: response.body, as: UTF8.self))
        }
        let first = try await list(SQS.ListQueuesRequest(maxResults: 2))
        #expect(
            first.queueUrls == [
                "http://localhost:4566/000000000000/queue-0", "http://localhost:4566/000000000000/queue-1",
            ])
        let token = try #require(first.nextToken)
        #expect(Data(base64Encoded: token).map { String(decoding: $0, as: UTF8.self) } == first.queueUrls?.last)
        let rest = try await list(SQS.ListQueuesRequest(nextToken: token, maxResults: 10))
        #expect(rest.queueUrls?.count == 3)
        #expect(rest.nextToken == nil)
        #expect(try await list(SQS.ListQueuesRequest(queueNamePrefix: "queue-4")).queueUrls?.count == 1)
        #expect(try await list(SQS.ListQueuesRequest(queueNamePrefix: "none")).queueUrls == nil)
    }
}
