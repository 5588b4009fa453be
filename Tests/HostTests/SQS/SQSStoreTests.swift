import AWSShapes
import Foundation
import Testing

@testable import Host

struct SQSStoreTests {
    let clock = SQSTestClock()

    @Test func visibilityTimeoutExpiryReturnsTheMessageAgain() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "orders", attributes: ["VisibilityTimeout": "10"])
        let sent = try store.send(queue: "orders", SQSOutgoingMessage(body: "hello"))
        #expect(sent.md5OfBody == "5d41402abc4b2a76b9719d911017c592")

        let first = try store.receive(queue: "orders", maxMessages: 10)
        #expect(first.messages.map(\.messageId) == [sent.messageId])
        #expect(first.messages[0].attributes["ApproximateReceiveCount"] == "1")
        #expect(try store.receive(queue: "orders").messages.isEmpty)
        #expect(try store.attributes(queue: "orders")["ApproximateNumberOfMessagesNotVisible"] == "1")

        clock.advance(by: 9.9)
        #expect(try store.receive(queue: "orders").messages.isEmpty)
        clock.advance(by: 0.1)
        let second = try store.receive(queue: "orders")
        #expect(second.messages.map(\.messageId) == [sent.messageId])
        #expect(second.messages[0].attributes["ApproximateReceiveCount"] == "2")
        #expect(second.messages[0].receiptHandle != first.messages[0].receiptHandle)
        #expect(
            second.messages[0].attributes["ApproximateFirstReceiveTimestamp"]
                == first.messages[0].attributes["ApproximateFirstReceiveTimestamp"])
    }

    @Test func aHeldBackMessageComesBackLaterWithoutCountingThatReceive() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q", attributes: ["VisibilityTimeout": "30"])
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "a"))
        let first = try store.receive(queue: "q").messages
        #expect(first.map(\.body) == ["a"])
        try store.holdBack(queue: "q", receiptHandles: first.map(\.receiptHandle), seconds: 2)
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "b"))
        // b overtakes a, which is back after 2 s (not after the 30 s visibility timeout), as if first received now.
        #expect(try store.receive(queue: "q").messages.map(\.body) == ["b"])
        clock.advance(by: 1.9)
        #expect(try store.receive(queue: "q").messages.isEmpty)
        clock.advance(by: 0.2)
        let again = try store.receive(queue: "q").messages
        #expect(again.map(\.body) == ["a"])
        #expect(again.first?.attributes["ApproximateReceiveCount"] == "1")
    }

    @Test func deleteWithAReceiptHandle() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q", attributes: ["VisibilityTimeout": "5"])
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "a"))
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "b"))
        let received = try store.receive(queue: "q", maxMessages: 10).messages
        #expect(received.map(\.body) == ["a", "b"])
        try store.delete(queue: "q", receiptHandle: received[0].receiptHandle)
        // Deleting again (the message is gone) succeeds.
        try store.delete(queue: "q", receiptHandle: received[0].receiptHandle)
        // An old receipt handle of a message received again still deletes it.
        clock.advance(by: 5)
        let again = try store.receive(queue: "q", maxMessages: 10).messages
        #expect(again.map(\.body) == ["b"])
        try store.delete(queue: "q", receiptHandle: received[1].receiptHandle)
        clock.advance(by: 60)
        #expect(try store.receive(queue: "q", maxMessages: 10).messages.isEmpty)
        #expect(throws: SQSError.receiptHandleIsInvalid("garbage")) {
            try store.delete(queue: "q", receiptHandle: "garbage")
        }
        #expect(throws: SQSError.queueDoesNotExist) {
            try store.delete(queue: "missing", receiptHandle: received[0].receiptHandle)
        }
    }

    @Test func queueAndMessageDelays() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q", attributes: ["DelaySeconds": "10"])
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "queue delay"))
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "no delay", delaySeconds: 0))
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "long delay", delaySeconds: 20))
        let now = try store.receive(queue: "q", maxMessages: 10)
        #expect(now.messages.map(\.body) == ["no delay"])
        #expect(now.nextVisibleAt == clock.now.addingTimeInterval(10))
        #expect(try store.attributes(queue: "q")["ApproximateNumberOfMessagesDelayed"] == "2")
        clock.advance(by: 10)
        #expect(try store.receive(queue: "q", maxMessages: 10).messages.map(\.body) == ["queue delay"])
        clock.advance(by: 10)
        #expect(try store.receive(queue: "q", maxMessages: 10).messages.map(\.body) == ["long delay"])
    }

    @Test func redriveToTheDeadLetterQueueKeepsTheMessageId() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "dlq")
        #expect(throws: SQSError.self) {
            try store.createQueue(
                name: "bad",
                attributes: [
                    "RedrivePolicy":
                        #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:none","maxReceiveCount":1}"#
                ])
        }
        try store.createQueue(
            name: "source",
            attributes: [
                "VisibilityTimeout": "1",
                "RedrivePolicy":
                    #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"2"}"#,
            ])
        let sent = try store.send(
            queue: "source",
            SQSOutgoingMessage(
                body: "poison", messageAttributes: ["MyAttribute": .string("foobar")], traceHeader: "Root=1-x"))
        for count in 1...2 {
            let received = try store.receive(queue: "source").messages
            #expect(received.first?.attributes["ApproximateReceiveCount"] == String(count))
            clock.advance(by: 1)
        }
        // The third receive moves it instead of returning it.
        #expect(try store.receive(queue: "source", maxMessages: 10).messages.isEmpty)
        #expect(try store.attributes(queue: "source")["ApproximateNumberOfMessages"] == "0")
        let dead = try store.receive(queue: "dlq").messages
        #expect(dead.count == 1)
        #expect(dead[0].messageId == sent.messageId)
        #expect(dead[0].body == "poison")
        #expect(dead[0].messageAttributes == ["MyAttribute": .string("foobar")])
        #expect(dead[0].attributes["DeadLetterQueueSourceArn"] == "arn:aws:sqs:us-east-1:000000000000:source")
        #expect(dead[0].attributes["AWSTraceHeader"] == "Root=1-x")
        // AWS keeps the count: the recorded DLQ receive after maxReceiveCount 1 shows ApproximateReceiveCount 2.
        #expect(dead[0].attributes["ApproximateReceiveCount"] == "3")
    }

    @Test func purgeAndItsSixtySecondRule() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q")
        for index in 0..<3 { _ = try store.send(queue: "q", SQSOutgoingMessage(body: "m\(index)")) }
        try store.purge("q")
        #expect(try store.receive(queue: "q", maxMessages: 10).messages.isEmpty)
        #expect(throws: SQSError.purgeQueueInProgress("q")) { try store.purge("q") }
        clock.advance(by: 60)
        try store.purge("q")
    }

    @Test func retentionAndVisibilityChange() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q", attributes: ["MessageRetentionPeriod": "60"])
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "old"))
        clock.advance(by: 30)
        _ = try store.send(queue: "q", SQSOutgoingMessage(body: "new"))
        let received = try store.receive(queue: "q", maxMessages: 10).messages
        #expect(received.map(\.body) == ["old", "new"])
        try store.changeVisibility(queue: "q", receiptHandle: received[0].receiptHandle, timeout: 0)
        #expect(try store.receive(queue: "q", maxMessages: 10).messages.map(\.body) == ["old"])
        clock.advance(by: 29)
        try store.changeVisibility(queue: "q", receiptHandle: received[1].receiptHandle, timeout: 0)
        clock.advance(by: 1)
        // "old" is 60 s old: gone; "new" is visible again.
        #expect(try store.receive(queue: "q", maxMessages: 10).messages.map(\.body) == ["new"])
    }

    @Test func queueLifecycleAndValidation() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q", attributes: ["DelaySeconds": "5"])
        try store.createQueue(name: "q", attributes: ["DelaySeconds": "5"])
        #expect(throws: SQSError.queueAlreadyExists(attribute: "DelaySeconds")) {
            try store.createQueue(name: "q", attributes: ["DelaySeconds": "6"])
        }
        #expect(throws: SQSError.invalidAttributeName("Unknown Attribute ContentBasedDeduplication.")) {
            try store.createQueue(name: "r", attributes: ["ContentBasedDeduplication": "true"])
        }
        try store.setAttributes(queue: "q", ["VisibilityTimeout": "69", "MaximumMessageSize": "1024"])
        let attributes = try store.attributes(queue: "q")
        #expect(attributes["VisibilityTimeout"] == "69")
        #expect(attributes["MessageRetentionPeriod"] == "345600")
        #expect(attributes["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:q")
        #expect(
            throws: SQSError.invalidParameterValue(
                "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
        ) { try store.send(queue: "q", SQSOutgoingMessage(body: String(repeating: "x", count: 1025))) }
        #expect(throws: SQSError.missingParameter("MessageBody")) {
            try store.send(queue: "q", SQSOutgoingMessage(body: ""))
        }
        #expect(try store.queueNames() == ["q"])
        try store.deleteQueue("q")
        #expect(throws: SQSError.queueDoesNotExist) { try store.receive(queue: "q") }
    }
}

@Suite struct SQSTopologyQueueTests {
    @Test func topologyQueuesAreCreatedFIFOAndTheirDeclaredAttributesApplyAgainAtEveryStart() throws {
        let store = try makeSQSStore()
        try store.ensureQueues([
            QueueConfiguration(name: "orders-dlq.fifo"),
            QueueConfiguration(
                name: "orders.fifo", visibilityTimeout: 10, deadLetterQueue: "orders-dlq.fifo", maxReceiveCount: 5,
                contentBasedDeduplication: true),
        ])
        var attributes = try store.attributes(queue: "orders.fifo")
        #expect(attributes["FifoQueue"] == "true")
        #expect(attributes["ContentBasedDeduplication"] == "true")
        #expect(attributes["RedrivePolicy"]?.contains(#""maxReceiveCount":5"#) == true)
        try store.ensureQueues([
            QueueConfiguration(name: "orders-dlq.fifo"),
            QueueConfiguration(
                name: "orders.fifo", visibilityTimeout: 20, deadLetterQueue: "orders-dlq.fifo", maxReceiveCount: 7,
                contentBasedDeduplication: true),
        ])
        attributes = try store.attributes(queue: "orders.fifo")
        #expect(attributes["VisibilityTimeout"] == "20")
        #expect(attributes["RedrivePolicy"]?.contains(#""maxReceiveCount":7"#) == true)
    }
}
