import AWSShapes
import Foundation
import Logging
import Testing

@testable import Host

/// Message move tasks (DLQ redrive) and the mover that runs them.
struct SQSMoveTaskTests {
    let clock = SQSTestClock()

    func arn(_ name: String) -> String { "arn:aws:sqs:us-east-1:000000000000:\(name)" }

    /// Queues `sources`, each with `dlq` as dead-letter queue after one receive.
    func makeQueues(_ store: SQSStore, sources: [String], dlq: String = "dlq", fifo: Bool = false) throws {
        var base = ["VisibilityTimeout": "1"]
        if fifo { base["FifoQueue"] = "true" }
        try store.createQueue(name: dlq, attributes: base)
        for source in sources {
            var attributes = base
            attributes["RedrivePolicy"] = #"{"deadLetterTargetArn":"\#(arn(dlq))","maxReceiveCount":1}"#
            try store.createQueue(name: source, attributes: attributes)
        }
    }

    /// Receives every message of `queue` once and lets the visibility pass, so the next receive moves them to the
    /// dead-letter queue; then does that receive.
    func exhaust(_ store: SQSStore, _ queue: String) throws {
        _ = try store.receive(queue: queue, maxMessages: 10)
        clock.advance(by: 1)
        #expect(try store.receive(queue: queue, maxMessages: 10).messages.isEmpty)
    }

    func mover(_ store: SQSStore, chunkSize: Int = 100) -> SQSMessageMover {
        SQSMessageMover(store: store, chunkSize: chunkSize, logger: Logger(label: "test"))
    }

    @Test func redriveSendsEachMessageBackToItsSourceAsANewMessage() throws {
        let store = try makeSQSStore(clock: clock)
        try makeQueues(store, sources: ["a", "b"])
        let sentA = try store.send(
            queue: "a",
            SQSOutgoingMessage(body: "from a", messageAttributes: ["k": .string("v")], traceHeader: "Root=1-x"))
        _ = try store.send(queue: "b", SQSOutgoingMessage(body: "from b"))
        _ = try store.send(queue: "b", SQSOutgoingMessage(body: "from b 2"))
        try exhaust(store, "a")
        try exhaust(store, "b")
        #expect(try store.attributes(queue: "dlq")["ApproximateNumberOfMessages"] == "3")

        let task = try store.startMoveTask(sourceArn: arn("dlq"))
        #expect(task.status == .running)
        #expect(task.toMove == 3)
        #expect(SQSMoveTask.parse(handle: task.handle)?.id == task.id)
        // A message dead-lettered after the start is not part of the task.
        _ = try store.send(queue: "a", SQSOutgoingMessage(body: "late"))
        try exhaust(store, "a")

        mover(store, chunkSize: 2).drain()
        let done = try #require(try store.moveTasks(sourceArn: arn("dlq")).first)
        #expect(done.status == .completed)
        #expect(done.moved == 3)
        #expect(done.toMove == 3)
        let a = try store.receive(queue: "a", maxMessages: 10).messages
        #expect(a.map(\.body) == ["from a"])
        #expect(a[0].messageId != sentA.messageId)
        #expect(a[0].messageAttributes == ["k": .string("v")])
        #expect(a[0].attributes["AWSTraceHeader"] == "Root=1-x")
        #expect(a[0].attributes["ApproximateReceiveCount"] == "1")
        #expect(a[0].attributes["DeadLetterQueueSourceArn"] == nil)
        #expect(try store.receive(queue: "b", maxMessages: 10).messages.map(\.body) == ["from b", "from b 2"])
        #expect(try store.receive(queue: "dlq", maxMessages: 10).messages.map(\.body) == ["late"])
    }

    @Test func startErrorsAndOneActiveTaskPerSource() throws {
        let store = try makeSQSStore(clock: clock)
        try makeQueues(store, sources: ["a"])
        try store.createQueue(name: "plain")
        try store.createQueue(name: "fifo.fifo", attributes: ["FifoQueue": "true"])
        #expect(
            throws: SQSError.resourceNotFound(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        ) { try store.startMoveTask(sourceArn: arn("missing")) }
        #expect(throws: SQSError.invalidParameterValue("Source queue must be configured as a Dead Letter Queue.")) {
            try store.startMoveTask(sourceArn: arn("plain"))
        }
        #expect(
            throws: SQSError.resourceNotFound(
                "The resource that you specified for the DestinationArn parameter doesn't exist.")
        ) { try store.startMoveTask(sourceArn: arn("dlq"), destinationArn: arn("missing")) }
        #expect(throws: SQSError.self) {
            try store.startMoveTask(sourceArn: arn("dlq"), destinationArn: arn("fifo.fifo"))
        }
        #expect(throws: SQSError.self) {
            try store.startMoveTask(sourceArn: arn("dlq"), maxNumberOfMessagesPerSecond: 501)
        }
        _ = try store.startMoveTask(sourceArn: arn("dlq"), destinationArn: arn("plain"))
        #expect(
            throws: SQSError.invalidParameterValue(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
            )
        ) { try store.startMoveTask(sourceArn: arn("dlq")) }
        // An empty source completes at the first chunk; then a new task may start.
        mover(store).drain()
        #expect(try store.moveTasks(sourceArn: arn("dlq")).first?.status == .completed)
        let second = try store.startMoveTask(sourceArn: arn("dlq"))
        #expect(try store.moveTasks(sourceArn: arn("dlq"), limit: 10).map(\.id).first == second.id)
        #expect(try store.moveTasks(sourceArn: arn("dlq"), limit: 10).count == 2)
    }

    @Test func aRateLimitedTaskCanBeCancelledHalfway() throws {
        let store = try makeSQSStore(clock: clock)
        try makeQueues(store, sources: ["a"])
        try store.createQueue(name: "other")
        for index in 0..<5 { _ = try store.send(queue: "a", SQSOutgoingMessage(body: "m\(index)")) }
        try exhaust(store, "a")
        let task = try store.startMoveTask(
            sourceArn: arn("dlq"), destinationArn: arn("other"), maxNumberOfMessagesPerSecond: 2)
        let mover = mover(store)
        let wait = mover.runOnce()
        #expect(wait > .milliseconds(500) && wait <= .seconds(1))
        // Within the second, the task moves nothing more.
        #expect(mover.runOnce() > .zero)
        let cancelled = try store.cancelMoveTask(handle: task.handle)
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.moved == 2)
        #expect(throws: SQSError.self) { try store.cancelMoveTask(handle: task.handle) }
        #expect(throws: SQSError.invalidParameterValue("Value for parameter TaskHandle is invalid.")) {
            try store.cancelMoveTask(handle: "nonsense")
        }
        mover.drain()
        #expect(try store.receive(queue: "other", maxMessages: 10).messages.map(\.body) == ["m0", "m1"])
        #expect(try store.receive(queue: "dlq", maxMessages: 10).messages.map(\.body) == ["m2", "m3", "m4"])
        let listed = try #require(try store.moveTasks(sourceArn: arn("dlq")).first)
        #expect(listed.status == .cancelled)
        #expect(listed.destinationArn == arn("other"))
        #expect(listed.maxNumberOfMessagesPerSecond == 2)
    }

    @Test func messagesInFlightInTheSourceWaitUntilTheyAreVisible() throws {
        let store = try makeSQSStore(clock: clock)
        try makeQueues(store, sources: ["a"])
        for index in 0..<3 { _ = try store.send(queue: "a", SQSOutgoingMessage(body: "m\(index)")) }
        try exhaust(store, "a")
        let held = try store.receive(queue: "dlq", visibilityTimeout: 10).messages
        #expect(held.map(\.body) == ["m0"])
        _ = try store.startMoveTask(sourceArn: arn("dlq"))
        let mover = mover(store)
        mover.drain()
        #expect(try store.moveTasks(sourceArn: arn("dlq")).first?.moved == 2)
        #expect(
            try store.moveChunk(task: try store.runningMoveTasks()[0].id, limit: 10)
                == .waiting(until: clock.now.addingTimeInterval(10)))
        clock.advance(by: 10)
        mover.drain()
        let task = try #require(try store.moveTasks(sourceArn: arn("dlq")).first)
        #expect(task.status == .completed)
        #expect(task.moved == 3)
        #expect(Set(try store.receive(queue: "a", maxMessages: 10).messages.map(\.body)) == ["m0", "m1", "m2"])
    }

    @Test func aMessageWithoutASourceFailsTheTask() throws {
        let store = try makeSQSStore(clock: clock)
        try makeQueues(store, sources: ["a"])
        _ = try store.send(queue: "a", SQSOutgoingMessage(body: "dead"))
        try exhaust(store, "a")
        _ = try store.send(queue: "dlq", SQSOutgoingMessage(body: "sent to the DLQ directly"))
        _ = try store.startMoveTask(sourceArn: arn("dlq"))
        mover(store).drain()
        let task = try #require(try store.moveTasks(sourceArn: arn("dlq")).first)
        #expect(task.status == .failed)
        #expect(task.failureReason == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(task.moved == 1)
        #expect(try store.receive(queue: "dlq", maxMessages: 10).messages.map(\.body) == ["sent to the DLQ directly"])
    }

    /// Each chunk is one transaction, and the task lives in the database: a host that stops in the middle (here:
    /// a store that is dropped) carries on where it was when it opens the database again.
    @Test func aRestartedHostResumesRunningTasks() throws {
        let path = temporarySQSDatabasePath()
        let taskID: String
        do {
            let store = try makeSQSStore(clock: clock, path: path)
            try makeQueues(store, sources: ["a"])
            for index in 0..<5 { _ = try store.send(queue: "a", SQSOutgoingMessage(body: "m\(index)")) }
            try exhaust(store, "a")
            taskID = try store.startMoveTask(sourceArn: arn("dlq")).id
            #expect(try store.moveChunk(task: taskID, limit: 2) == .moved(2))
        }
        let store = try makeSQSStore(clock: clock, path: path)
        #expect(try store.runningMoveTasks().map(\.id) == [taskID])
        mover(store).drain()
        let task = try #require(try store.moveTasks(sourceArn: arn("dlq")).first)
        #expect(task.status == .completed)
        #expect(task.moved == 5)
        #expect(try store.receive(queue: "a", maxMessages: 10).messages.map(\.body) == ["m0", "m1", "m2", "m3", "m4"])
        #expect(try store.attributes(queue: "dlq")["ApproximateNumberOfMessages"] == "0")
    }

    @Test func fifoRedriveKeepsGroupsAndOrder() throws {
        let store = try makeSQSStore(clock: clock)
        try makeQueues(store, sources: ["a.fifo"], dlq: "dlq.fifo", fifo: true)
        for index in 0..<3 {
            _ = try store.send(
                queue: "a.fifo", SQSOutgoingMessage(body: "m\(index)", groupId: "g", deduplicationId: "d\(index)"))
        }
        try exhaust(store, "a.fifo")
        _ = try store.startMoveTask(sourceArn: arn("dlq.fifo"))
        mover(store).drain()
        let back = try store.receive(queue: "a.fifo", maxMessages: 10).messages
        #expect(back.map(\.body) == ["m0", "m1", "m2"])
        #expect(back.allSatisfy { $0.attributes["MessageGroupId"] == "g" })
        #expect(back.map { $0.attributes["MessageDeduplicationId"] } == ["d0", "d1", "d2"])
    }

    @Test func overTheJSONProtocol() async throws {
        let store = try makeSQSStore(clock: clock)
        let api = SQSAPI(store: store, baseURL: "http://127.0.0.1:4566")
        try makeQueues(store, sources: ["a"])
        _ = try store.send(queue: "a", SQSOutgoingMessage(body: "x"))
        try exhaust(store, "a")
        func call(_ target: String, _ body: String) async -> (SQSAPIResponse, [String: Any]) {
            let response = await api.handle(target: target, body: Data(body.utf8))
            return (response, (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:])
        }
        let (started, startedJSON) = await call(SQS.StartMessageMoveTask.target, #"{"SourceArn":"\#(arn("dlq"))"}"#)
        #expect(started.status == 200)
        let handle = try #require(startedJSON["TaskHandle"] as? String)
        let (_, running) = await call(SQS.ListMessageMoveTasks.target, #"{"SourceArn":"\#(arn("dlq"))"}"#)
        let entry = try #require((running["Results"] as? [[String: Any]])?.first)
        #expect(entry["Status"] as? String == "RUNNING")
        #expect(entry["TaskHandle"] as? String == handle)
        #expect(entry["ApproximateNumberOfMessagesToMove"] as? Int == 1)
        #expect(entry["ApproximateNumberOfMessagesMoved"] as? Int == 0)
        #expect(entry["StartedTimestamp"] as? Int == 1_700_000_001_000)
        #expect(entry["SourceArn"] as? String == arn("dlq"))
        let (cancelled, cancelledJSON) = await call(SQS.CancelMessageMoveTask.target, #"{"TaskHandle":"\#(handle)"}"#)
        #expect(cancelled.status == 200)
        #expect(cancelledJSON["ApproximateNumberOfMessagesMoved"] as? Int == 0)
        let (_, listed) = await call(
            SQS.ListMessageMoveTasks.target, #"{"SourceArn":"\#(arn("dlq"))","MaxResults":10}"#)
        let after = try #require((listed["Results"] as? [[String: Any]])?.first)
        #expect(after["Status"] as? String == "CANCELLED")
        #expect(after["TaskHandle"] == nil)

        let (missing, missingJSON) = await call(SQS.StartMessageMoveTask.target, #"{"SourceArn":"\#(arn("nope"))"}"#)
        #expect(missing.status == 404)
        #expect(missing.headers["x-amzn-query-error"] == "ResourceNotFoundException;Sender")
        #expect(missingJSON["__type"] as? String == "com.amazonaws.sqs#ResourceNotFoundException")
        let (notDLQ, _) = await call(SQS.StartMessageMoveTask.target, #"{"SourceArn":"\#(arn("a"))"}"#)
        #expect(notDLQ.headers["x-amzn-query-error"] == "InvalidParameterValue;Sender")
        let (tooMany, _) = await call(
            SQS.ListMessageMoveTasks.target, #"{"SourceArn":"\#(arn("dlq"))","MaxResults":11}"#)
        #expect(tooMany.status == 400)
    }
}
