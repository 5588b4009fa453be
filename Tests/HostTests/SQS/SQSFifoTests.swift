import AWSShapes
import Foundation
import Testing

@testable import Host

/// FIFO queues; the scenarios and error messages are AWS's (test_sqs.snapshot.json and the LocalStack tests that
/// recorded it).
struct SQSFifoTests {
    let clock = SQSTestClock()

    func fifo(_ message: String, group: String? = "g1", deduplicationId: String? = nil) -> SQSOutgoingMessage {
        SQSOutgoingMessage(body: message, groupId: group, deduplicationId: deduplicationId ?? message)
    }

    @Test func creatingAndChangingFifoQueues() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "orders.fifo", attributes: ["FifoQueue": "true"])
        let attributes = try store.attributes(queue: "orders.fifo")
        #expect(attributes["FifoQueue"] == "true")
        #expect(attributes["ContentBasedDeduplication"] == "false")
        #expect(attributes["DeduplicationScope"] == "queue")
        #expect(attributes["FifoThroughputLimit"] == "perQueue")
        // Creating it again with the same attributes returns it; a different value fails.
        try store.createQueue(name: "orders.fifo", attributes: ["FifoQueue": "true"])
        #expect(throws: SQSError.queueAlreadyExists(attribute: "ContentBasedDeduplication")) {
            try store.createQueue(
                name: "orders.fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
        }
        let fifoName = SQSError.invalidParameterValue(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
        )
        #expect(throws: fifoName) { try store.createQueue(name: "orders", attributes: ["FifoQueue": "true"]) }
        #expect(throws: fifoName) {
            try store.createQueue(name: String(repeating: "a", count: 76) + ".fifo", attributes: ["FifoQueue": "true"])
        }
        try store.createQueue(name: String(repeating: "a", count: 75) + ".fifo", attributes: ["FifoQueue": "TRUE"])
        #expect(
            throws: SQSError.invalidParameterValue(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        ) { try store.createQueue(name: "plain.fifo") }
        // A standard queue knows none of the FIFO attributes (AWS's recorded messages).
        #expect(throws: SQSError.invalidAttributeName("Unknown Attribute FifoQueue.")) {
            try store.createQueue(name: "plain", attributes: ["FifoQueue": "false"])
        }
        #expect(throws: SQSError.invalidAttributeName("Unknown Attribute ContentBasedDeduplication.")) {
            try store.createQueue(name: "plain", attributes: ["ContentBasedDeduplication": "false"])
        }
        #expect(
            throws: SQSError.invalidAttributeName(
                "You can specify the FifoThroughputLimit only when FifoQueue is set to true.")
        ) { try store.createQueue(name: "plain", attributes: ["FifoThroughputLimit": "perQueue"]) }
        #expect(throws: SQSError.invalidAttributeValue("Invalid value for the parameter DeduplicationScope.")) {
            try store.createQueue(name: "x.fifo", attributes: ["FifoQueue": "true", "DeduplicationScope": "group"])
        }

        // SetQueueAttributes: FifoQueue may be repeated but not changed; the FIFO settings change.
        try store.setAttributes(queue: "orders.fifo", ["FifoQueue": "true"])
        #expect(
            throws: SQSError.invalidAttributeValue(
                "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
        ) { try store.setAttributes(queue: "orders.fifo", ["FifoQueue": "false"]) }
        try store.setAttributes(
            queue: "orders.fifo",
            [
                "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
                "FifoThroughputLimit": "perMessageGroupId",
            ])
        let changed = try store.attributes(queue: "orders.fifo")
        #expect(changed["ContentBasedDeduplication"] == "true")
        #expect(changed["DeduplicationScope"] == "messageGroup")
        #expect(changed["FifoThroughputLimit"] == "perMessageGroupId")
        try store.createQueue(name: "plain")
        #expect(throws: SQSError.invalidAttributeName("Unknown Attribute FifoQueue.")) {
            try store.setAttributes(queue: "plain", ["FifoQueue": "true"])
        }
    }

    @Test func aDeadLetterQueueIsOfTheSourcesType() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "dlq")
        try store.createQueue(name: "dlq.fifo", attributes: ["FifoQueue": "true"])
        func policy(_ target: String) -> String {
            #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:\#(target)","maxReceiveCount":2}"#
        }
        let mismatch = { (json: String) in
            SQSError.invalidParameter(
                "RedrivePolicy", json, reason: "Dead-letter queue must be same type of queue as the source.")
        }
        #expect(throws: mismatch(policy("dlq"))) {
            try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true", "RedrivePolicy": policy("dlq")])
        }
        #expect(throws: mismatch(policy("dlq.fifo"))) {
            try store.createQueue(name: "q", attributes: ["RedrivePolicy": policy("dlq.fifo")])
        }
        try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true", "RedrivePolicy": policy("dlq.fifo")])
        try store.createQueue(name: "q")
        #expect(throws: mismatch(policy("dlq.fifo"))) {
            try store.setAttributes(queue: "q", ["RedrivePolicy": policy("dlq.fifo")])
        }
    }

    @Test func sendingNeedsAGroupAndADeduplicationId() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true", "DelaySeconds": "5"])
        #expect(throws: SQSError.missingParameter("MessageGroupId")) {
            try store.send(queue: "q.fifo", SQSOutgoingMessage(body: "x", deduplicationId: "1"))
        }
        #expect(
            throws: SQSError.invalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
            )
        ) { try store.send(queue: "q.fifo", SQSOutgoingMessage(body: "x", groupId: "g")) }
        #expect(
            throws: SQSError.invalidParameterValue(
                "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."
            )
        ) {
            try store.send(
                queue: "q.fifo", SQSOutgoingMessage(body: "x", delaySeconds: 2, groupId: "g", deduplicationId: "1"))
        }
        for (value, parameter) in [
            ("", "MessageGroupId"), (String(repeating: "a", count: 129), "MessageGroupId"),
            ("group 123", "MessageDeduplicationId"),
        ] {
            let message =
                parameter == "MessageGroupId"
                ? SQSOutgoingMessage(body: "x", groupId: value, deduplicationId: "1")
                : SQSOutgoingMessage(body: "x", groupId: "g", deduplicationId: value)
            #expect(
                throws: SQSError.invalidParameterValue(
                    "Value \(value) for parameter \(parameter) is invalid. Reason: \(parameter) can only include alphanumeric and punctuation characters. 1 to 128 in length."
                )
            ) { try store.send(queue: "q.fifo", message) }
        }
        // DelaySeconds 0 is allowed and means the queue's delay (AWS's recording).
        let sent = try store.send(
            queue: "q.fifo",
            SQSOutgoingMessage(
                body: "x", delaySeconds: 0, groupId: "g", deduplicationId: String(repeating: "a", count: 128)))
        #expect(sent.sequenceNumber?.count == 20)
        #expect(try store.receive(queue: "q.fifo").messages.isEmpty)
        clock.advance(by: 5)
        #expect(try store.receive(queue: "q.fifo").messages.map(\.body) == ["x"])

        // A standard queue refuses a deduplication id but keeps a group id (fair queues), without FIFO order.
        try store.createQueue(name: "fair")
        #expect(
            throws: SQSError.invalidParameter(
                "MessageDeduplicationId", "1",
                reason: "The request include parameter that is not valid for this queue type")
        ) { try store.send(queue: "fair", SQSOutgoingMessage(body: "x", deduplicationId: "1")) }
        let fair = try store.send(queue: "fair", SQSOutgoingMessage(body: "message", groupId: "test"))
        #expect(fair.sequenceNumber == nil)
        let received = try #require(try store.receive(queue: "fair").messages.first)
        #expect(received.attributes["MessageGroupId"] == "test")
        #expect(received.attributes["SequenceNumber"] == nil)
        #expect(received.attributes["MessageDeduplicationId"] == nil)
    }

    @Test func duplicatesWithinFiveMinutesAreAcceptedButNotEnqueued() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true"])
        let first = try store.send(queue: "q.fifo", fifo("one", deduplicationId: "d"))
        let duplicate = try store.send(queue: "q.fifo", fifo("two", group: "g2", deduplicationId: "d"))
        #expect(duplicate.messageId == first.messageId)
        #expect(duplicate.sequenceNumber == first.sequenceNumber)
        #expect(duplicate.md5OfBody == SQSDigest.md5Hex("two"))
        let received = try store.receive(queue: "q.fifo", maxMessages: 10).messages
        #expect(received.map(\.body) == ["one"])
        // Deleting the message does not forget its deduplication id.
        try store.delete(queue: "q.fifo", receiptHandle: received[0].receiptHandle)
        clock.advance(by: 299)
        #expect(try store.send(queue: "q.fifo", fifo("three", deduplicationId: "d")).messageId == first.messageId)
        #expect(try store.receive(queue: "q.fifo", maxMessages: 10).messages.isEmpty)
        clock.advance(by: 1)
        let later = try store.send(queue: "q.fifo", fifo("four", deduplicationId: "d"))
        #expect(later.messageId != first.messageId)
        #expect(later.sequenceNumber! > first.sequenceNumber!)
        #expect(try store.receive(queue: "q.fifo", maxMessages: 10).messages.map(\.body) == ["four"])
    }

    @Test func contentBasedDeduplicationAndItsScope() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(
            name: "q.fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
        let body = #"{"foo": "bar"}"#
        let first = try store.send(queue: "q.fifo", SQSOutgoingMessage(body: body, groupId: "group-1"))
        // The same body in another group is a duplicate: deduplication is per queue by default.
        #expect(
            try store.send(queue: "q.fifo", SQSOutgoingMessage(body: body, groupId: "group-2")).messageId
                == first.messageId)
        // An explicit id wins over the body's hash.
        _ = try store.send(queue: "q.fifo", SQSOutgoingMessage(body: body, groupId: "group-1", deduplicationId: "x"))
        let received = try store.receive(queue: "q.fifo", maxMessages: 10).messages
        #expect(received.count == 2)
        #expect(
            received[0].attributes["MessageDeduplicationId"]
                == "426fc04f04bf8fdb5831dc37bbb6dcf70f63a37e05a68c6ea5f63e85ae579376")
        #expect(received[1].attributes["MessageDeduplicationId"] == "x")

        // With DeduplicationScope messageGroup, the same id in two groups is two messages.
        try store.createQueue(
            name: "high.fifo",
            attributes: [
                "FifoQueue": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId",
            ])
        let a = try store.send(queue: "high.fifo", fifo("Test", group: "1", deduplicationId: "same"))
        let b = try store.send(queue: "high.fifo", fifo("Test", group: "2", deduplicationId: "same"))
        let c = try store.send(queue: "high.fifo", fifo("Test again", group: "2", deduplicationId: "same"))
        #expect(a.messageId != b.messageId)
        #expect(c.messageId == b.messageId)
        #expect(try store.receive(queue: "high.fifo", maxMessages: 10).messages.count == 2)
    }

    @Test func groupsAreServedInOrderAndWholeAsFarAsTheyAreVisible() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true"])
        var sent: [String: SQSSendResult] = [:]
        for (body, group) in [
            ("g1-m1", "g1"), ("g2-m1", "g2"), ("g1-m2", "g1"), ("g2-m2", "g2"), ("g3-m1", "g3"), ("g1-m3", "g1"),
        ] {
            sent[body] = try store.send(queue: "q.fifo", fifo(body, group: group))
        }
        // One receive takes as much of the first group as it can, in order (AWS's recorded order).
        let first = try store.receive(queue: "q.fifo", maxMessages: 2).messages
        #expect(first.map(\.body) == ["g1-m1", "g1-m2"])
        let message = first[0]
        #expect(message.attributes["MessageGroupId"] == "g1")
        #expect(message.attributes["MessageDeduplicationId"] == "g1-m1")
        #expect(message.attributes["SequenceNumber"] == sent["g1-m1"]?.sequenceNumber)
        #expect(message.attributes["ApproximateReceiveCount"] == "1")
        let numbers = ["g1-m1", "g2-m1", "g1-m2"].compactMap { sent[$0]?.sequenceNumber }
        #expect(numbers == numbers.sorted() && Set(numbers).count == 3 && numbers.allSatisfy { $0.count == 20 })
        // g1 is in flight: g1-m3 waits behind it; the other groups are served.
        #expect(
            try store.receive(queue: "q.fifo", maxMessages: 10).messages.map(\.body) == ["g2-m1", "g2-m2", "g3-m1"])
        #expect(try store.receive(queue: "q.fifo", maxMessages: 10).messages.isEmpty)
        // Deleting g1-m1 is not enough: g1-m2 is still in flight. Deleting it too frees g1-m3.
        try store.delete(queue: "q.fifo", receiptHandle: first[0].receiptHandle)
        #expect(try store.receive(queue: "q.fifo", maxMessages: 10).messages.isEmpty)
        try store.delete(queue: "q.fifo", receiptHandle: first[1].receiptHandle)
        #expect(try store.receive(queue: "q.fifo", maxMessages: 10).messages.map(\.body) == ["g1-m3"])
    }

    /// test_fifo_group_visibility_extends_with_change_message_visibility: three messages of one group are
    /// received, one of them gets a longer visibility timeout; once the others are visible again, a receive returns
    /// the group up to that message.
    @Test(arguments: [(0, [String]()), (1, ["foo"]), (2, ["foo", "bar"])])
    func anInFlightMessageHoldsBackTheRestOfItsGroup(position: Int, expected: [String]) throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true", "VisibilityTimeout": "1"])
        for body in ["foo", "bar", "baz"] { _ = try store.send(queue: "q.fifo", fifo(body, group: "1")) }
        let all = try store.receive(queue: "q.fifo", maxMessages: 5).messages
        #expect(all.map(\.body) == ["foo", "bar", "baz"])
        try store.changeVisibility(queue: "q.fifo", receiptHandle: all[position].receiptHandle, timeout: 4)
        clock.advance(by: 2.5)
        #expect(try store.receive(queue: "q.fifo", maxMessages: 5).messages.map(\.body) == expected)
    }

    @Test func onlyTheLatestHandleOfAnInFlightMessageDeletes() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true", "VisibilityTimeout": "1"])
        _ = try store.send(queue: "q.fifo", fifo("g1-m1"))
        let handle = try #require(try store.receive(queue: "q.fifo").messages.first?.receiptHandle)
        clock.advance(by: 2)
        let expired = SQSError.invalidParameter("ReceiptHandle", handle, reason: "The receipt handle has expired.")
        #expect(throws: expired) { try store.delete(queue: "q.fifo", receiptHandle: handle) }
        let again = try #require(try store.receive(queue: "q.fifo").messages.first?.receiptHandle)
        #expect(throws: expired) { try store.delete(queue: "q.fifo", receiptHandle: handle) }
        // A visibility extension keeps the handle valid past the queue's timeout.
        try store.changeVisibility(queue: "q.fifo", receiptHandle: again, timeout: 10)
        clock.advance(by: 5)
        try store.delete(queue: "q.fifo", receiptHandle: again)
        // Deleting a message already gone succeeds, as on standard queues.
        try store.delete(queue: "q.fifo", receiptHandle: again)
    }

    @Test func aMessageOutOfReceivesMovesToTheFifoDeadLetterQueueAndFreesItsGroup() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(
            name: "dlq.fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
        try store.createQueue(
            name: "q.fifo",
            attributes: [
                "FifoQueue": "true", "ContentBasedDeduplication": "true",
                "RedrivePolicy":
                    #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq.fifo","maxReceiveCount":2}"#,
            ])
        let poison = try store.send(queue: "q.fifo", SQSOutgoingMessage(body: "foobar", groupId: "1"))
        _ = try store.send(queue: "q.fifo", SQSOutgoingMessage(body: "foobar2", groupId: "1"))
        for _ in 0..<2 {
            #expect(try store.receive(queue: "q.fifo", visibilityTimeout: 0).messages.map(\.body) == ["foobar"])
        }
        // The third receive moves the head to the DLQ and hands out the next message of the group.
        #expect(try store.receive(queue: "q.fifo", visibilityTimeout: 0).messages.map(\.body) == ["foobar2"])
        let dead = try #require(try store.receive(queue: "dlq.fifo").messages.first)
        #expect(dead.messageId == poison.messageId)
        #expect(dead.attributes["MessageGroupId"] == "1")
        #expect(dead.attributes["SequenceNumber"] == poison.sequenceNumber)
        #expect(dead.attributes["DeadLetterQueueSourceArn"] == "arn:aws:sqs:us-east-1:000000000000:q.fifo")
    }

    /// A group whose head is in flight costs a receive no query per message: with a long backlog behind it, the
    /// other groups are still found at once.
    @Test func aLongBlockedGroupDoesNotHideTheOthers() throws {
        let store = try makeSQSStore(clock: clock)
        try store.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true"])
        _ = try store.sendBatch(queue: "q.fifo", (0..<2000).map { fifo("a\($0)", group: "a") })
        _ = try store.send(queue: "q.fifo", fifo("b0", group: "b"))
        #expect(try store.receive(queue: "q.fifo").messages.map(\.body) == ["a0"])
        let started = ContinuousClock.now
        for _ in 0..<20 { _ = try store.receive(queue: "q.fifo", maxMessages: 10, visibilityTimeout: 0) }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(try store.receive(queue: "q.fifo", maxMessages: 10).messages.map(\.body) == ["b0"])
    }
}
