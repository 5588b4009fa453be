// LIMITATIONS (SQS API): no tags, permissions or ListDeadLetterSourceQueues (move tasks: see SQSMoveTasks.swift);
// ReceiveRequestAttemptId: a FIFO receive retried within 5 minutes gets the same messages and receipt handles while
// none of them was deleted or changed (remembered in memory: a restart forgets them).

import AWSShapes
import Foundation
import Synchronization

/// One SQS answer: the status, the JSON body and the headers to add (`x-amzn-query-error` on errors, which the
/// SDKs read for the Query-protocol error code).
typealias SQSAPIResponse = AWSJSONResponse

/// SQS on the host's AWS endpoint (JSON 1.0, `X-Amz-Target: AmazonSQS.*`), backed by ``SQSStore``. Queue URLs are
/// `<baseURL>/<account>/<name>`; a request's `QueueUrl` is resolved by its last path component.
final class SQSAPI: Sendable {
    let store: SQSStore
    /// The endpoint's base URL, e.g. `http://127.0.0.1:4566`: shared with the endpoint, which sets it once its port
    /// is bound.
    let base: SharedValue<String>
    /// The base URL without a trailing slash.
    var baseURL: String { base.value.hasSuffix("/") ? String(base.value.dropLast()) : base.value }
    let router: AWSJSONRouter

    convenience init(store: SQSStore, baseURL: String) {
        self.init(store: store, base: SharedValue(baseURL))
    }

    /// - Parameter faults: the fault list, whose `sqs` event-flow rules also act on the API's consumers (duplicate,
    ///   reorder and delay on ReceiveMessage; lostAck on DeleteMessage and DeleteMessageBatch).
    init(store: SQSStore, base: SharedValue<String>, faults: FaultInjector? = nil) {
        self.store = store
        self.base = base
        var router = AWSJSONRouter(
            service: "sqs", targetPrefixes: ["AmazonSQS."], jsonVersion: "1.0",
            // A message or a batch is at most 1 MiB; the JSON around it (attributes, escapes) gets room besides.
            maximumRequestSize: 3 * 1024 * 1024,
            tooLarge: SQSError(
                type: "RequestEntityTooLarge", queryCode: "RequestEntityTooLarge",
                message: "Request body is larger than the most this API accepts", status: 413),
            decodingFailure: Self.decodingError,
            // SQS answers a missing member with its own MissingParameter, and checks no other constraint of the model.
            validationFailure: { SQSError.missingParameter($1.missingMembers.first ?? "") },
            unknownOperation: {
                SQSError(
                    type: "UnknownOperationException", queryCode: "InvalidAction",
                    message: "An unknown operation was requested: \($0)")
            },
            internalFailure: {
                SQSError(type: "InternalError", queryCode: "InternalError", message: $0, status: 500, fault: "Receiver")
            })
        let operations = SQSOperations(store: store, base: base, faults: faults)
        router.on(SQS.CreateQueue.self, operations.createQueue)
        router.on(SQS.GetQueueUrl.self, operations.getQueueUrl)
        router.on(SQS.ListQueues.self, operations.listQueues)
        router.on(SQS.GetQueueAttributes.self, operations.getQueueAttributes)
        router.on(SQS.SetQueueAttributes.self, operations.setQueueAttributes)
        router.on(SQS.DeleteQueue.self, operations.deleteQueue)
        router.on(SQS.PurgeQueue.self, operations.purgeQueue)
        router.on(SQS.SendMessage.self, operations.sendMessage)
        router.on(SQS.SendMessageBatch.self, operations.sendMessageBatch)
        router.on(SQS.ReceiveMessage.self, operations.receiveMessage)
        router.on(SQS.DeleteMessage.self, operations.deleteMessage)
        router.on(SQS.DeleteMessageBatch.self, operations.deleteMessageBatch)
        router.on(SQS.ChangeMessageVisibility.self, operations.changeMessageVisibility)
        router.on(SQS.ChangeMessageVisibilityBatch.self, operations.changeMessageVisibilityBatch)
        router.on(SQS.StartMessageMoveTask.self, operations.startMessageMoveTask)
        router.on(SQS.ListMessageMoveTasks.self, operations.listMessageMoveTasks)
        router.on(SQS.CancelMessageMoveTask.self, operations.cancelMessageMoveTask)
        self.router = router
    }

    /// Runs one operation. ReceiveMessage with a wait time long-polls: it returns as soon as a message arrives.
    func handle(target: String, body: Data) async -> SQSAPIResponse {
        await router.respond(target: target, body: body)
    }

    static func decodingError(_ error: any Error) -> SQSError {
        switch error {
        case let error as AWSShapeError: return .serialization(error.message)
        case DecodingError.keyNotFound(let key, _): return .missingParameter(key.stringValue)
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return .serialization("Unexpected value at '\(path)': \(context.debugDescription)")
        case DecodingError.dataCorrupted(let context): return .serialization(context.debugDescription)
        default: return .serialization("\(error)")
        }
    }
}

/// The typed handlers behind ``SQSAPI``.
struct SQSOperations: Sendable {
    let store: SQSStore
    let base: SharedValue<String>
    var faults: FaultInjector? = nil
    /// FIFO receives by `ReceiveRequestAttemptId` (queue and id → when, and what it returned): a retry within 5
    /// minutes gets the same messages and receipt handles while none of them changed.
    let attempts = SharedValue<[String: (at: Date, messages: [SQSReceivedMessage])]>([:])

    func url(of name: String) -> String {
        let baseURL = base.value.hasSuffix("/") ? String(base.value.dropLast()) : base.value
        return "\(baseURL)/\(store.account)/\(name)"
    }

    /// The queue name of a QueueUrl (its last path component); an unknown queue fails later with QueueDoesNotExist.
    func name(of queueUrl: String) throws -> String {
        guard let name = Self.queueName(ofURL: queueUrl) else { throw SQSError.queueDoesNotExist }
        return name
    }

    /// A QueueUrl's last path component (a trailing `/` ignored); nil when there is none.
    static func queueName(ofURL queueUrl: String) -> String? {
        let trimmed = queueUrl.hasSuffix("/") ? queueUrl.dropLast() : Substring(queueUrl)
        return trimmed.split(separator: "/").last.map(String.init)
    }

    func createQueue(_ input: SQS.CreateQueueRequest) throws -> SQS.CreateQueueResult {
        try store.createQueue(name: input.queueName, attributes: input.attributes ?? [:])
        return SQS.CreateQueueResult(queueUrl: url(of: input.queueName))
    }

    func getQueueUrl(_ input: SQS.GetQueueUrlRequest) throws -> SQS.GetQueueUrlResult {
        guard try store.queue(named: input.queueName) != nil else { throw SQSError.queueDoesNotExist }
        return SQS.GetQueueUrlResult(queueUrl: url(of: input.queueName))
    }

    /// Pages through queue names in order; `NextToken` is the base64 of the last URL returned, as AWS's.
    func listQueues(_ input: SQS.ListQueuesRequest) throws -> SQS.ListQueuesResult {
        if let max = input.maxResults, !(1...1000).contains(max) {
            throw SQSError.invalidParameter("MaxResults", String(max), reason: "Must be between 1 and 1000.")
        }
        var urls = try store.queueNames(prefix: input.queueNamePrefix).map(url(of:))
        if let token = input.nextToken {
            guard let data = Data(base64Encoded: token), let last = String(data: data, encoding: .utf8) else {
                throw SQSError.invalidParameterValue("Invalid NextToken value.")
            }
            urls = urls.filter { $0 > last }
        }
        guard let max = input.maxResults, urls.count > max else {
            return SQS.ListQueuesResult(queueUrls: urls.isEmpty ? nil : urls)
        }
        let page = Array(urls.prefix(max))
        return SQS.ListQueuesResult(queueUrls: page, nextToken: Data(page.last!.utf8).base64EncodedString())
    }

    func getQueueAttributes(_ input: SQS.GetQueueAttributesRequest) throws -> SQS.GetQueueAttributesResult {
        let all = try store.attributes(queue: try name(of: input.queueUrl))
        let names = (input.attributeNames ?? []).map(\.rawValue)
        if names.contains("All") { return SQS.GetQueueAttributesResult(attributes: all) }
        var selected: [String: String] = [:]
        for name in names {
            guard let value = all[name] else {
                if SQSQueue.settable.contains(name) || name == "RedrivePolicy" { continue }
                throw SQSError.invalidAttributeName("Unknown Attribute \(name).")
            }
            selected[name] = value
        }
        return SQS.GetQueueAttributesResult(attributes: selected.isEmpty ? nil : selected)
    }

    func setQueueAttributes(_ input: SQS.SetQueueAttributesRequest) throws -> AWSEmptyShape {
        try store.setAttributes(queue: try name(of: input.queueUrl), input.attributes)
        return AWSEmptyShape()
    }

    func deleteQueue(_ input: SQS.DeleteQueueRequest) throws -> AWSEmptyShape {
        try store.deleteQueue(try name(of: input.queueUrl))
        return AWSEmptyShape()
    }

    func purgeQueue(_ input: SQS.PurgeQueueRequest) throws -> AWSEmptyShape {
        try store.purge(try name(of: input.queueUrl))
        return AWSEmptyShape()
    }

    static func outgoing(
        body: String?, delaySeconds: Int?, attributes: [String: SQS.MessageAttributeValue]?,
        system: [String: SQS.MessageSystemAttributeValue]?, groupId: String?, deduplicationId: String?
    ) throws -> SQSOutgoingMessage {
        for name in (system ?? [:]).keys where name != "AWSTraceHeader" {
            throw SQSError.invalidParameterValue("Message system attribute name '\(name)' is invalid.")
        }
        return SQSOutgoingMessage(
            body: body, delaySeconds: delaySeconds, messageAttributes: attributes,
            traceHeader: system?["AWSTraceHeader"]?.stringValue ?? AWSRequestTrace.header, groupId: groupId,
            deduplicationId: deduplicationId)
    }

    func sendMessage(_ input: SQS.SendMessageRequest) throws -> SQS.SendMessageResult {
        let message = try Self.outgoing(
            body: input.messageBody, delaySeconds: input.delaySeconds, attributes: input.messageAttributes,
            system: input.messageSystemAttributes, groupId: input.messageGroupId,
            deduplicationId: input.messageDeduplicationId)
        let result = try store.send(queue: try name(of: input.queueUrl), message)
        return SQS.SendMessageResult(
            md5OfMessageBody: result.md5OfBody, md5OfMessageAttributes: result.md5OfMessageAttributes,
            md5OfMessageSystemAttributes: SQSDigest.md5OfSystemAttributes(input.messageSystemAttributes),
            messageId: result.messageId, sequenceNumber: result.sequenceNumber)
    }

    /// The request-level checks of every batch operation; `entry` names the entry shape in the empty-batch error.
    static func checkBatchIds(_ ids: [String], entry: String = "SendMessageBatchRequestEntry") throws {
        if ids.isEmpty { throw SQSError.emptyBatch(entry) }
        if ids.count > 10 { throw SQSError.tooManyEntries(ids.count) }
        for id in ids {
            let valid =
                (1...80).contains(id.utf8.count)
                && id.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                        || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
                }
            guard valid else { throw SQSError.invalidBatchEntryId() }
        }
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted { throw SQSError.batchEntryIdsNotDistinct(id) }
    }

    func sendMessageBatch(_ input: SQS.SendMessageBatchRequest) throws -> SQS.SendMessageBatchResult {
        try Self.checkBatchIds(input.entries.map(\.id))
        // The whole batch (bodies and attributes) is at most 1 MiB, as one message is.
        let total = input.entries.reduce(0) { (total: Int, entry: SQS.SendMessageBatchRequestEntry) -> Int in
            let attributes = (entry.messageAttributes ?? [:]).reduce(0) { (sum: Int, attribute) -> Int in
                let value = attribute.value
                return sum + attribute.key.utf8.count + value.dataType.utf8.count
                    + (value.stringValue?.utf8.count ?? 0) + (value.binaryValue?.count ?? 0)
            }
            return total + entry.messageBody.utf8.count + attributes
        }
        if total > 1_048_576 { throw SQSError.batchRequestTooLong(total) }
        let queue = try name(of: input.queueUrl)
        // A FIFO batch with an entry missing its group or deduplication id fails as a whole (AWS's recording).
        if let fifo = try store.queue(named: queue), fifo.isFifo {
            for entry in input.entries {
                if entry.messageDeduplicationId == nil && !fifo.contentBasedDeduplication {
                    throw SQSError.invalidParameterValue(
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
                    )
                }
                if entry.messageGroupId == nil {
                    throw SQSError.invalidParameterValue("The request must contain the parameter MessageGroupId.")
                }
            }
        }
        var output = SQS.SendMessageBatchResult(successful: [], failed: [])
        var valid: [(id: String, message: SQSOutgoingMessage, system: String?)] = []
        for entry in input.entries {
            do {
                let message = try Self.outgoing(
                    body: entry.messageBody, delaySeconds: entry.delaySeconds, attributes: entry.messageAttributes,
                    system: entry.messageSystemAttributes, groupId: entry.messageGroupId,
                    deduplicationId: entry.messageDeduplicationId)
                valid.append((entry.id, message, SQSDigest.md5OfSystemAttributes(entry.messageSystemAttributes)))
            } catch let error as SQSError {
                output.failed.append(
                    SQS.BatchResultErrorEntry(
                        id: entry.id, senderFault: true, code: error.queryCode, message: error.message))
            }
        }
        let results = try store.sendBatch(queue: queue, valid.map(\.message))
        for (entry, result) in zip(valid, results) {
            switch result {
            case .success(let sent):
                output.successful.append(
                    SQS.SendMessageBatchResultEntry(
                        id: entry.id, messageId: sent.messageId, md5OfMessageBody: sent.md5OfBody,
                        md5OfMessageAttributes: sent.md5OfMessageAttributes, md5OfMessageSystemAttributes: entry.system,
                        sequenceNumber: sent.sequenceNumber))
            case .failure(let error):
                output.failed.append(
                    SQS.BatchResultErrorEntry(
                        id: entry.id, senderFault: true, code: error.queryCode, message: error.message))
            }
        }
        return output
    }

    /// ReceiveMessage; with a wait time (the request's, else the queue's ReceiveMessageWaitTimeSeconds) it waits
    /// for a commit (a send, a visibility change) or for the next hidden message to become visible.
    func receiveMessage(_ input: SQS.ReceiveMessageRequest) async throws -> SQS.ReceiveMessageResult {
        let name = try name(of: input.queueUrl)
        let max = input.maxNumberOfMessages ?? 1
        guard (1...10).contains(max) else {
            throw SQSError.invalidParameter(
                "MaxNumberOfMessages", String(max), reason: "Must be between 1 and 10, if provided.")
        }
        if let wait = input.waitTimeSeconds, !(0...20).contains(wait) {
            throw SQSError.invalidParameter(
                "WaitTimeSeconds", String(wait), reason: "Must be >= 0 and <= 20, if provided.")
        }
        if let timeout = input.visibilityTimeout, !(0...43_200).contains(timeout) {
            throw SQSError.invalidParameter(
                "VisibilityTimeout", String(timeout), reason: "Must be >= 0 and <= 43200, if provided.")
        }
        guard let queue = try store.queue(named: name) else { throw SQSError.queueDoesNotExist }
        let attempt = queue.isFifo ? input.receiveRequestAttemptId.map { "\(name)|\($0)" } : nil
        if let id = input.receiveRequestAttemptId, queue.isFifo {
            guard (1...128).contains(id.count), id.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
            else {
                throw SQSError.invalidParameter(
                    "ReceiveRequestAttemptId", id, reason: "Must be 1 to 128 printable ASCII characters.")
            }
        }
        if let attempt, let retried = try retry(attempt, queue: queue, visibilityTimeout: input.visibilityTimeout) {
            return render(retried, input)
        }
        let wait = input.waitTimeSeconds ?? queue.receiveMessageWaitTimeSeconds
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(wait))
        let commits = store.database.topics.signal(for: .queue(name))
        while true {
            // The version is read before the attempt, so a send committed during it wakes the wait at once.
            let version = commits.version
            let result = try store.receive(
                queue: name, maxMessages: max, visibilityTimeout: input.visibilityTimeout)
            let remaining = clock.now.duration(to: deadline)
            if !result.messages.isEmpty || remaining <= .zero || Task.isCancelled {
                let messages = try await injectFaults(result.messages, queue: queue)
                if let attempt, !messages.isEmpty { remember(attempt, messages) }
                return render(messages, input)
            }
            var timeout = remaining
            if let next = result.nextVisibleAt {
                let untilVisible = next.timeIntervalSince(store.now())
                timeout = min(timeout, .milliseconds(Int64(Swift.max(0, untilVisible) * 1000) + 1))
            }
            await commits.wait(after: version, timeout: timeout)
        }
    }

    // MARK: faults

    /// The fault list's `sqs` rules on a ReceiveMessage's messages: `reorder` shuffles them (a FIFO group keeps its
    /// order), `delay` holds the answer back, `duplicate` makes them visible again at once, so that the next receive
    /// (this consumer's or another's) gets them a second time (standard queues: a FIFO queue receives once, as AWS
    /// guarantees).
    private func injectFaults(_ messages: [SQSReceivedMessage], queue: SQSQueue) async throws -> [SQSReceivedMessage] {
        guard let faults, !messages.isEmpty else { return messages }
        // A single message has no order to change: reorder is not drawn (nor counted) for it.
        let drawn = faults.batchFaults(
            queue: queue.name, trace: messages.lazy.compactMap { $0.attributes["AWSTraceHeader"] }.first,
            kinds: messages.count > 1 ? [.duplicate, .reorder, .delay] : [.duplicate, .delay])
        guard !drawn.isEmpty else { return messages }
        var messages = messages
        if drawn.reorder { messages = faults.shuffled(messages) { $0.attributes["MessageGroupId"] } }
        if drawn.duplicate, !queue.isFifo {
            _ = try store.changeVisibilityBatch(queue: queue.name, messages.map { ($0.receiptHandle, 0) })
        }
        if drawn.delayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(drawn.delayMilliseconds)) }
        return messages
    }

    /// Whether a `lostAck` rule loses this delete of well-formed receipt handles on a queue that exists: it answers
    /// success and the messages stay, to come back after their visibility timeout. (A delete that would fail
    /// fails as it would.)
    private func losesDelete(queue: String, receiptHandles: [String]) throws -> Bool {
        // Without a lostAck rule a delete reads nothing more than it did.
        guard let faults, faults.has(.lostAck) else { return false }
        guard try store.queue(named: queue) != nil else { throw SQSError.queueDoesNotExist }
        guard receiptHandles.allSatisfy({ SQSStore.messageId(ofReceiptHandle: $0) != nil }) else { return false }
        return faults.losesAcknowledgement(queue: queue, trace: AWSRequestTrace.header)
    }

    /// The messages an earlier receive with this attempt id returned, if it was within 5 minutes and every one of
    /// them is still in flight under the receipt handle it got; their visibility timeout starts again (as AWS does).
    private func retry(_ attempt: String, queue: SQSQueue, visibilityTimeout: Int?) throws -> [SQSReceivedMessage]? {
        let now = store.now()
        guard let earlier = attempts.withLock({ $0[attempt] }), now.timeIntervalSince(earlier.at) < 300 else {
            return nil
        }
        let timeout = visibilityTimeout ?? queue.visibilityTimeout
        let results = try store.changeVisibilityBatch(
            queue: queue.name, earlier.messages.map { ($0.receiptHandle, timeout) })
        guard results.allSatisfy({ (try? $0.get()) != nil }) else {
            attempts.withLock { $0.removeValue(forKey: attempt) }
            return nil
        }
        return earlier.messages
    }

    private func remember(_ attempt: String, _ messages: [SQSReceivedMessage]) {
        let now = store.now()
        attempts.withLock { attempts in
            // Bounded: entries older than the 5 minutes go first, and there are never more than 10,000.
            if attempts.count >= 10_000 {
                attempts = attempts.filter { now.timeIntervalSince($0.value.at) < 300 }
                if attempts.count >= 10_000 { attempts.removeAll() }
            }
            attempts[attempt] = (now, messages)
        }
    }

    private func render(_ messages: [SQSReceivedMessage], _ input: SQS.ReceiveMessageRequest)
        -> SQS.ReceiveMessageResult
    {
        guard !messages.isEmpty else { return SQS.ReceiveMessageResult() }
        let systemNames = Set(
            (input.attributeNames ?? []).map(\.rawValue) + (input.messageSystemAttributeNames ?? []).map(\.rawValue))
        let attributeNames = input.messageAttributeNames ?? []
        return SQS.ReceiveMessageResult(
            messages: messages.map { message in
                let system =
                    systemNames.contains("All")
                    ? message.attributes : message.attributes.filter { systemNames.contains($0.key) }
                let user = message.messageAttributes.filter { Self.matches($0.key, attributeNames) }
                return SQS.Message(
                    messageId: message.messageId, receiptHandle: message.receiptHandle, md5OfBody: message.md5OfBody,
                    body: message.body, attributes: system.isEmpty ? nil : system,
                    md5OfMessageAttributes: SQSDigest.md5OfAttributes(user),
                    messageAttributes: user.isEmpty ? nil : user)
            })
    }

    /// MessageAttributeNames: `All`, `.*`, a `prefix.*`, or exact names.
    static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { pattern in
            if pattern == "All" || pattern == ".*" { return true }
            if pattern.hasSuffix(".*") { return name.hasPrefix(pattern.dropLast(2)) }
            return pattern == name
        }
    }

    func deleteMessage(_ input: SQS.DeleteMessageRequest) throws -> AWSEmptyShape {
        let name = try name(of: input.queueUrl)
        if try losesDelete(queue: name, receiptHandles: [input.receiptHandle]) { return AWSEmptyShape() }
        try store.delete(queue: name, receiptHandle: input.receiptHandle)
        return AWSEmptyShape()
    }

    func deleteMessageBatch(_ input: SQS.DeleteMessageBatchRequest) throws -> SQS.DeleteMessageBatchResult {
        try Self.checkBatchIds(input.entries.map(\.id), entry: "DeleteMessageBatchRequestEntry")
        let name = try name(of: input.queueUrl)
        let results =
            try losesDelete(queue: name, receiptHandles: input.entries.map(\.receiptHandle))
            ? input.entries.map { _ in Result<Void, SQSError>.success(()) }
            : try store.deleteBatch(queue: name, receiptHandles: input.entries.map(\.receiptHandle))
        var output = SQS.DeleteMessageBatchResult(successful: [], failed: [])
        for (entry, result) in zip(input.entries, results) {
            switch result {
            case .success: output.successful.append(SQS.DeleteMessageBatchResultEntry(id: entry.id))
            case .failure(let error):
                output.failed.append(
                    SQS.BatchResultErrorEntry(
                        id: entry.id, senderFault: true, code: error.queryCode, message: error.message))
            }
        }
        return output
    }

    func changeMessageVisibility(_ input: SQS.ChangeMessageVisibilityRequest) throws -> AWSEmptyShape {
        try store.changeVisibility(
            queue: try name(of: input.queueUrl), receiptHandle: input.receiptHandle, timeout: input.visibilityTimeout)
        return AWSEmptyShape()
    }

    func changeMessageVisibilityBatch(_ input: SQS.ChangeMessageVisibilityBatchRequest) throws
        -> SQS.ChangeMessageVisibilityBatchResult
    {
        try Self.checkBatchIds(input.entries.map(\.id), entry: "ChangeMessageVisibilityBatchRequestEntry")
        let results = try store.changeVisibilityBatch(
            queue: try name(of: input.queueUrl),
            input.entries.map { ($0.receiptHandle, $0.visibilityTimeout ?? 0) })
        var output = SQS.ChangeMessageVisibilityBatchResult(successful: [], failed: [])
        for (entry, result) in zip(input.entries, results) {
            switch result {
            case .success: output.successful.append(SQS.ChangeMessageVisibilityBatchResultEntry(id: entry.id))
            case .failure(let error):
                output.failed.append(
                    SQS.BatchResultErrorEntry(
                        id: entry.id, senderFault: true, code: error.queryCode, message: error.message))
            }
        }
        return output
    }

    func startMessageMoveTask(_ input: SQS.StartMessageMoveTaskRequest) throws -> SQS.StartMessageMoveTaskResult {
        let task = try store.startMoveTask(
            sourceArn: input.sourceArn, destinationArn: input.destinationArn,
            maxNumberOfMessagesPerSecond: input.maxNumberOfMessagesPerSecond)
        return SQS.StartMessageMoveTaskResult(taskHandle: task.handle)
    }

    /// The source's tasks, most recent first; `TaskHandle` only while a task runs, `FailureReason` once failed.
    func listMessageMoveTasks(_ input: SQS.ListMessageMoveTasksRequest) throws -> SQS.ListMessageMoveTasksResult {
        let max = input.maxResults ?? 1
        guard (1...10).contains(max) else {
            throw SQSError.invalidParameter("MaxResults", String(max), reason: "Must be between 1 and 10, if provided.")
        }
        let tasks = try store.moveTasks(sourceArn: input.sourceArn, limit: max)
        return SQS.ListMessageMoveTasksResult(
            results: tasks.map { task in
                SQS.ListMessageMoveTasksResultEntry(
                    taskHandle: task.status == .running ? task.handle : nil, status: task.status.rawValue,
                    sourceArn: task.sourceArn, destinationArn: task.destinationArn,
                    maxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond,
                    approximateNumberOfMessagesMoved: Int(task.moved),
                    approximateNumberOfMessagesToMove: Int(task.toMove),
                    failureReason: task.failureReason,
                    startedTimestamp: Int((task.startedAt.timeIntervalSince1970 * 1000).rounded(.down)))
            })
    }

    func cancelMessageMoveTask(_ input: SQS.CancelMessageMoveTaskRequest) throws -> SQS.CancelMessageMoveTaskResult {
        let task = try store.cancelMoveTask(handle: input.taskHandle)
        return SQS.CancelMessageMoveTaskResult(approximateNumberOfMessagesMoved: Int(task.moved))
    }
}
