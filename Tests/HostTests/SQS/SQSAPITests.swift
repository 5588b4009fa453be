import AWSShapes
import Foundation
import Testing

@testable import Host

struct SQSAPITests {
    let base = "http://127.0.0.1:4566"

    func call<Operation: SQSOperation>(_ api: SQSAPI, _ operation: Operation.Type, _ input: Operation.Input)
        async throws -> Operation.Output
    {
        let response = await api.handle(target: Operation.target, body: try JSONEncoder().encode(input))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        return try JSONDecoder().decode(Operation.Output.self, from: response.body)
    }

    @Test func sendReceiveDeleteOverJSON() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base + "/")
        #expect(api.serves("AmazonSQS.SendMessage"))
        #expect(!api.serves("DynamoDB_20120810.PutItem"))
        let created = try await call(api, CreateQueue.self, CreateQueueInput(queueName: "orders"))
        #expect(created.queueUrl == "http://127.0.0.1:4566/000000000000/orders")
        let url = try await call(api, GetQueueUrl.self, GetQueueUrlInput(queueName: "orders")).queueUrl
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
            api, ReceiveMessage.self,
            ReceiveMessageInput(
                queueUrl: url, maxNumberOfMessages: 10, messageSystemAttributeNames: ["All"],
                messageAttributeNames: ["All"]))
        let message = try #require(received.messages?.first)
        #expect(message.messageId == sent["MessageId"] as? String)
        #expect(message.body == "msg")
        #expect(message.md5OfMessageAttributes == "ae7155c6026991b6d54b11589678bf9c")
        #expect(message.attributes?["ApproximateReceiveCount"] == "1")
        #expect(message.attributes?["SenderId"] != nil)

        _ = try await call(
            api, DeleteMessage.self, DeleteMessageInput(queueUrl: url, receiptHandle: message.receiptHandle))
        let attributes = try await call(
            api, GetQueueAttributes.self, GetQueueAttributesInput(queueUrl: url, attributeNames: ["All"]))
        #expect(attributes.attributes?["ApproximateNumberOfMessages"] == "0")
        #expect(attributes.attributes?["ApproximateNumberOfMessagesNotVisible"] == "0")

        // An empty receive answers {} (no Messages key).
        let empty = await api.handle(
            target: ReceiveMessage.target, body: try JSONEncoder().encode(ReceiveMessageInput(queueUrl: url)))
        #expect(String(decoding: empty.body, as: UTF8.self) == "{}")
    }

    @Test func attributeFilters() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, CreateQueue.self, CreateQueueInput(queueName: "q")).queueUrl
        _ = try await call(
            api, SendMessage.self,
            SendMessageInput(
                queueUrl: url, messageBody: "msg",
                messageAttributes: [
                    "General": .string("Kenobi"), "Hello": .string("There"), "Help.Me": .string("Me"),
                ]))
        let received = try await call(
            api, ReceiveMessage.self,
            ReceiveMessageInput(
                queueUrl: url, visibilityTimeout: 0, attributeNames: ["SenderId"], messageAttributeNames: ["He.*"]))
        let message = try #require(received.messages?.first)
        #expect(message.attributes.map { Array($0.keys) } == ["SenderId"])
        #expect(message.messageAttributes.map { Set($0.keys) } == ["Hello", "Help.Me"])
        #expect(message.md5OfMessageAttributes == "83fee93c1bcd8b9a5a923ffacdc636c7")
        let plain = try await call(api, ReceiveMessage.self, ReceiveMessageInput(queueUrl: url))
        #expect(plain.messages?.first?.attributes == nil)
        #expect(plain.messages?.first?.messageAttributes == nil)
        #expect(plain.messages?.first?.md5OfMessageAttributes == nil)
    }

    @Test func batches() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, CreateQueue.self, CreateQueueInput(queueName: "q")).queueUrl
        let sent = try await call(
            api, SendMessageBatch.self,
            SendMessageBatchInput(
                queueUrl: url,
                entries: [
                    SendMessageBatchRequestEntry(id: "a", messageBody: "one"),
                    SendMessageBatchRequestEntry(id: "b", messageBody: ""),
                    SendMessageBatchRequestEntry(id: "c", messageBody: "three"),
                ]))
        #expect(sent.successful.map(\.id) == ["a", "c"])
        #expect(
            sent.failed == [
                BatchResultErrorEntry(
                    id: "b", senderFault: true, code: "MissingParameter",
                    message: "The request must contain the parameter MessageBody.")
            ])
        let received = try await call(
            api, ReceiveMessage.self, ReceiveMessageInput(queueUrl: url, maxNumberOfMessages: 10))
        let messages = try #require(received.messages)
        #expect(messages.map(\.body) == ["one", "three"])
        let deleted = try await call(
            api, DeleteMessageBatch.self,
            DeleteMessageBatchInput(
                queueUrl: url,
                entries: messages.enumerated().map {
                    DeleteMessageBatchRequestEntry(id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle)
                } + [DeleteMessageBatchRequestEntry(id: "bad", receiptHandle: "nonsense")]))
        #expect(deleted.successful.map(\.id) == ["m0", "m1"])
        #expect(deleted.failed.map(\.code) == ["ReceiptHandleIsInvalid"])

        let tooMany = await api.handle(
            target: SendMessageBatch.target,
            body: try JSONEncoder().encode(
                SendMessageBatchInput(
                    queueUrl: url,
                    entries: (0..<11).map { SendMessageBatchRequestEntry(id: "e\($0)", messageBody: "x") })))
        #expect(tooMany.status == 400)
        #expect(tooMany.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender")
    }

    @Test func errorsAsAWSRendersThem() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let missing = await api.handle(
            target: SendMessage.target,
            body: Data(#"{"QueueUrl":"http://127.0.0.1:4566/000000000000/nope","MessageBody":"x"}"#.utf8))
        #expect(missing.status == 400)
        #expect(missing.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender")
        let body = try #require(try JSONSerialization.jsonObject(with: missing.body) as? [String: String])
        #expect(
            body == ["__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."])

        let getUrl = await api.handle(target: GetQueueUrl.target, body: Data(#"{"QueueName":"nope"}"#.utf8))
        #expect(getUrl.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender")

        let url = try await call(api, CreateQueue.self, CreateQueueInput(queueName: "q")).queueUrl
        let noBody = await api.handle(target: SendMessage.target, body: Data(#"{"QueueUrl":"\#(url)"}"#.utf8))
        #expect(noBody.headers["x-amzn-query-error"] == "MissingParameter;Sender")
        let noBodyJSON = try #require(try JSONSerialization.jsonObject(with: noBody.body) as? [String: String])
        #expect(noBodyJSON["__type"] == "com.amazonaws.sqs#MissingRequiredParameterException")
        #expect(noBodyJSON["message"] == "The request must contain the parameter MessageBody.")

        let wait = await api.handle(
            target: ReceiveMessage.target, body: Data(#"{"QueueUrl":"\#(url)","WaitTimeSeconds":21}"#.utf8))
        #expect(wait.headers["x-amzn-query-error"] == "InvalidParameterValue;Sender")
        let waitJSON = try #require(try JSONSerialization.jsonObject(with: wait.body) as? [String: String])
        #expect(waitJSON["__type"] == "com.amazonaws.sqs#InvalidParameterValueException")
        #expect(
            waitJSON["message"]
                == "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")

        _ = try await call(api, PurgeQueue.self, PurgeQueueInput(queueUrl: url))
        let purge = await api.handle(target: PurgeQueue.target, body: Data(#"{"QueueUrl":"\#(url)"}"#.utf8))
        #expect(purge.status == 403)
        #expect(purge.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.PurgeQueueInProgress;Sender")

        let unknown = await api.handle(target: "AmazonSQS.Frobnicate", body: Data())
        #expect(unknown.status == 400)
    }

    @Test func longPollReturnsAsSoonAsAMessageIsSent() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, CreateQueue.self, CreateQueueInput(queueName: "q")).queueUrl
        let started = ContinuousClock.now
        async let polled = call(
            api, ReceiveMessage.self, ReceiveMessageInput(queueUrl: url, waitTimeSeconds: 20))
        try await Task.sleep(for: .milliseconds(200))
        _ = try await call(api, SendMessage.self, SendMessageInput(queueUrl: url, messageBody: "wake up"))
        let received = try await polled
        #expect(received.messages?.map(\.body) == ["wake up"])
        // Answered by the send, not by the end of the 20 s wait (generous for a loaded machine).
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test func longPollWakesWhenADelayedMessageBecomesVisible() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(api, CreateQueue.self, CreateQueueInput(queueName: "q")).queueUrl
        _ = try await call(
            api, SendMessage.self, SendMessageInput(queueUrl: url, messageBody: "later", delaySeconds: 1))
        let started = ContinuousClock.now
        let received = try await call(
            api, ReceiveMessage.self, ReceiveMessageInput(queueUrl: url, waitTimeSeconds: 10))
        #expect(received.messages?.map(\.body) == ["later"])
        let elapsed = ContinuousClock.now - started
        // Woken when the message became visible, well before the 10 s wait (generous for a loaded machine).
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(9))
    }

    @Test func longPollWithNothingToReceiveEndsAtTheWaitTime() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: base)
        let url = try await call(
            api, CreateQueue.self,
            CreateQueueInput(queueName: "q", attributes: ["ReceiveMessageWaitTimeSeconds": "1"])
        ).queueUrl
        let started = ContinuousClock.now
        let received = try await call(api, ReceiveMessage.self, ReceiveMessageInput(queueUrl: url))
        #expect(received.messages == nil)
        #expect(ContinuousClock.now - started >= .milliseconds(900))
    }
}

struct SQSListQueuesTests {
    @Test func pagesThroughQueuesInOrder() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: "http://localhost:4566")
        for index in 0..<5 {
            let response = await api.handle(
                target: CreateQueue.target,
                body: try JSONEncoder().encode(CreateQueueInput(queueName: "queue-\(index)")))
            #expect(response.status == 200)
        }
        func list(_ input: ListQueuesInput) async throws -> ListQueuesOutput {
            let response = await api.handle(target: ListQueues.target, body: try JSONEncoder().encode(input))
            return try JSONDecoder().decode(ListQueuesOutput.self, from: response.body)
        }
        let first = try await list(ListQueuesInput(maxResults: 2))
        #expect(
            first.queueUrls == [
                "http://localhost:4566/000000000000/queue-0", "http://localhost:4566/000000000000/queue-1",
            ])
        let token = try #require(first.nextToken)
        #expect(Data(base64Encoded: token).map { String(decoding: $0, as: UTF8.self) } == first.queueUrls?.last)
        let rest = try await list(ListQueuesInput(maxResults: 10, nextToken: token))
        #expect(rest.queueUrls?.count == 3)
        #expect(rest.nextToken == nil)
        #expect(try await list(ListQueuesInput(queueNamePrefix: "queue-4")).queueUrls?.count == 1)
        #expect(try await list(ListQueuesInput(queueNamePrefix: "none")).queueUrls == nil)
    }
}
