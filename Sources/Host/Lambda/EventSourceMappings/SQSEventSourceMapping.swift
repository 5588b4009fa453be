// DECISIONS (SQS mappings): FIFO sources: records carry SequenceNumber, MessageGroupId and MessageDeduplicationId,
// and a batch holds a group's messages in order; with ReportBatchItemFailures, keeping a group in order after a
// failure is the function's duty (report the failed message and every later one of its group), as in AWS: the
// mapping deletes whatever is not reported.

import AWSShapes
import EventPatterns
import Foundation
import Logging

/// An SQS event source mapping: pollers (up to `ScalingConfig.MaximumConcurrency`, default 2) receive batches,
/// invoke the function with an SQS event, and delete what succeeded. A function error or timeout deletes nothing: the
/// batch reappears after the queue's visibility timeout, and a message past `maxReceiveCount` moves to the DLQ on its
/// next receive. With `ReportBatchItemFailures`, only the reported messages stay (AWS's rules for malformed answers
/// apply: an unparsable answer, an empty or unknown item identifier fails the whole batch). With a batching window, a
/// poller keeps receiving until the batch is full or the window since its first message has passed.
struct SQSEventSourceMapping: Sendable {
    let mapping: EventSourceMapping
    let queue: String
    let sqs: SQSStore
    let lambda: LambdaService
    let logger: Logger
    private let filters: [EventPattern]
    /// Messages an injected `reorder` held back once (never twice, so every message gets through); bounded.
    private let heldBack = SharedValue<Set<String>>([])

    init(mapping: EventSourceMapping, queue: String, sqs: SQSStore, lambda: LambdaService, logger: Logger) throws {
        self.mapping = mapping
        self.queue = queue
        self.sqs = sqs
        self.lambda = lambda
        self.logger = logger
        self.filters = try mapping.filters.map { try EventPattern(parsing: $0) }
    }

    /// Polls with every poller until cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            for _ in 0..<(mapping.maximumConcurrency ?? 2) {
                group.addTask { await self.poll() }
            }
        }
    }

    private func poll() async {
        while !Task.isCancelled {
            let version = sqs.database.topics.signal(for: .queue(queue)).version
            var wait: Duration = .seconds(20)
            do {
                let result = try sqs.receive(queue: queue, maxMessages: min(10, mapping.batchSize))
                if !result.messages.isEmpty {
                    await process(try await fill(result.messages))
                    continue
                }
                if let next = result.nextVisibleAt {
                    let seconds = max(0.001, next.timeIntervalSince(sqs.now()))
                    wait = min(wait, .milliseconds(Int64(seconds * 1000) + 1))
                }
            } catch {
                logger.warning("mapping \(mapping.uuid) \(queue) → \(mapping.functionName): \(error)")
            }
            await sqs.database.topics.signal(for: .queue(queue)).wait(after: version, timeout: wait)
        }
    }

    /// Receives more until the batch holds `BatchSize` messages or the batching window has passed.
    private func fill(_ first: [SQSReceivedMessage]) async throws -> [SQSReceivedMessage] {
        var batch = first
        guard mapping.maximumBatchingWindowInSeconds > 0 else { return batch }
        // The window counts on the host's clock: an advance closes it at once.
        let deadline = sqs.now().addingTimeInterval(Double(mapping.maximumBatchingWindowInSeconds))
        while batch.count < mapping.batchSize, !Task.isCancelled {
            let version = sqs.database.topics.signal(for: .queue(queue)).version
            let more = try sqs.receive(queue: queue, maxMessages: min(10, mapping.batchSize - batch.count))
            batch += more.messages
            if !more.messages.isEmpty { continue }
            let left = deadline.timeIntervalSince(sqs.now())
            if left <= 0 { break }
            await sqs.database.topics.signal(for: .queue(queue)).wait(
                after: version, timeout: .milliseconds(Int64(left * 1000) + 1))
        }
        return batch
    }

    /// The event of a batch, as Lambda's SQS poller sends it.
    static func event(_ batch: [SQSReceivedMessage], eventSourceARN: String, region: String) -> SQSEvent {
        SQSEvent(
            records: batch.map { message in
                SQSEvent.Message(
                    messageId: message.messageId, receiptHandle: message.receiptHandle, body: message.body,
                    attributes: message.attributes,
                    messageAttributes: message.messageAttributes.mapValues {
                        SQSEvent.MessageAttribute(
                            stringValue: $0.stringValue, binaryValue: $0.binaryValue?.base64EncodedString(),
                            stringListValues: [],
                            binaryListValues: [], dataType: $0.dataType)
                    },
                    md5OfMessageAttributes: SQSDigest.md5OfAttributes(
                        message.messageAttributes.isEmpty ? nil : message.messageAttributes),
                    md5OfBody: message.md5OfBody, eventSourceARN: eventSourceARN, awsRegion: region)
            })
    }

    /// Whether any filter accepts the message (its view flattened once for all of them).
    static func accepts(_ message: SQSReceivedMessage, _ filters: [EventPattern]) -> Bool {
        let event = EventPattern.Event(filterView(of: message))
        return filters.contains { $0.matches(event) }
    }

    /// Invokes the function with one batch and deletes what succeeded.
    func process(_ messages: [SQSReceivedMessage]) async {
        // Messages no filter accepts are deleted without an invocation, as AWS does.
        var batch: [SQSReceivedMessage] = []
        var dropped: [String] = []
        for message in messages {
            if filters.isEmpty || Self.accepts(message, filters) {
                batch.append(message)
            } else {
                dropped.append(message.receiptHandle)
            }
        }
        if !dropped.isEmpty { _ = try? sqs.deleteBatch(queue: queue, receiptHandles: dropped) }
        guard !batch.isEmpty else { return }
        // Faults of the event flow drawn for this batch (the fault list's `sqs` rules): reordered, delayed, sent to
        // two invocations, or processed without its delete.
        let trace = batch.lazy.compactMap { $0.attributes["AWSTraceHeader"] }.first
        let faults = lambda.faults?.batchFaults(queue: queue, trace: trace) ?? .init()
        if faults.reorder, let injector = lambda.faults {
            batch = injector.shuffled(batch) { $0.attributes["MessageGroupId"] }
            // Across batches too: on a standard queue part of the batch is held back, so later messages overtake it
            // (a FIFO queue's groups stay in order, as AWS guarantees).
            if !queue.hasSuffix(".fifo") {
                let kept = injector.draw(below: batch.count)
                let held = heldBack.withLock { seen in
                    if seen.count > 10_000 { seen.removeAll() }
                    return batch[kept...].filter { seen.insert($0.messageId).inserted }
                }
                try? sqs.holdBack(
                    queue: queue, receiptHandles: held.map(\.receiptHandle),
                    seconds: Double(faults.holdBackMilliseconds) / 1000)
                let ids = Set(held.map(\.messageId))
                batch.removeAll { ids.contains($0.messageId) }
                guard !batch.isEmpty else { return }
            }
        }
        if faults.delayMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(faults.delayMilliseconds)) }
        let event = Self.event(batch, eventSourceARN: mapping.eventSourceArn, region: sqs.region)
        // As Lambda does, the invocation continues the trace of the batch's first traced message.
        let options = InvokeOptions(traceID: trace, traceSource: queue, traceKeys: batch.map(\.messageId))
        guard let payload = try? JSONEncoder().encode(event),
            let result = try? await lambda.invoke(mapping.functionName, payload: Array(payload), options: options)
        else { return }
        if faults.duplicate {
            _ = try? await lambda.invoke(mapping.functionName, payload: Array(payload), options: options)
        }
        if faults.lostAck { return }  // the messages come back after their visibility timeout
        guard result.functionError == nil else { return }  // the whole batch reappears after the visibility timeout
        let failed = mapping.reportsBatchItemFailures ? Self.failedIDs(result.payload, batch: batch) : []
        let succeeded = batch.filter { !failed.contains($0.messageId) }.map(\.receiptHandle)
        if !succeeded.isEmpty { _ = try? sqs.deleteBatch(queue: queue, receiptHandles: succeeded) }
    }

    /// The message ids a `batchItemFailures` answer keeps, by AWS's rules: nothing, null or an empty list is a
    /// complete success; an unreadable answer, an empty or null identifier, or one not in the batch fails all.
    static func failedIDs(_ payload: [UInt8], batch: [SQSReceivedMessage]) -> Set<String> {
        failedIdentifiers(payload, identifiers: batch.map(\.messageId))
    }

    /// The item identifiers a `batchItemFailures` answer names (message ids for SQS, sequence numbers for streams).
    static func failedIdentifiers(_ payload: [UInt8], identifiers: [String]) -> Set<String> {
        let all = Set(identifiers)
        let text = String(decoding: payload, as: UTF8.self).trimmingJSONWhitespace
        if text.isEmpty || text == "null" { return [] }
        guard let value = try? JSONValue(parsing: Data(text.utf8)) else { return all }
        guard case .object(let object) = value else { return all }
        guard let failures = object["batchItemFailures"], failures != .null else { return [] }
        guard case .array(let entries) = failures else { return all }
        var ids = Set<String>()
        for entry in entries {
            guard case .string(let id)? = entry["itemIdentifier"], !id.isEmpty, all.contains(id) else { return all }
            ids.insert(id)
        }
        return ids
    }

    /// What a filter sees of a message: `body` as JSON when it parses, else as a string.
    static func filterView(of message: SQSReceivedMessage) -> JSONValue {
        let body = (try? JSONValue(parsing: Data(message.body.utf8))) ?? .string(message.body)
        return .object(["body": body, "messageId": .string(message.messageId)])
    }
}
