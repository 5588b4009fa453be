import AWSShapes
import Foundation

/// Records every AWS operation as a hop: its resource (table, queue, bus, log group), the ids it carries (item key
/// values, message and event ids) and its request body; traced when the request carried an X-Ray header (the
/// functions' clients always send one), untraced otherwise (it still shows on the console's timeline).
struct TraceOperationHook: AWSOperationHook {
    let recorder: TraceRecorder
    /// A table's key attribute names (for the keys of a PutItem's item).
    let keyNames: @Sendable (String) -> [String]
    let next: (any AWSOperationHook)?

    func willRun(_ call: AWSOperationCall) -> (any AWSServiceError)? { next?.willRun(call) }

    func didRun(_ call: AWSOperationCall, outcome: AWSOperationOutcome) {
        next?.didRun(call, outcome: outcome)
        let context = AWSRequestTrace.header.flatMap(TraceSegment.parse)
        var keys: [String] = []
        var resource: String?
        if let input = call.input as? any TraceDescribedInput {
            resource = input.traceResource(keyNames: keyNames, keys: &keys)
        }
        if let output = call.output as? any TraceDescribedOutput { output.traceKeys(&keys) }
        let duration = outcome.duration.seconds
        let status: TraceHop.Status =
            switch outcome.status {
            case 200..<300: .ok
            case 429: .throttle
            case 400..<500: outcome.errorCode?.contains("Throttl") == true ? .throttle : .error
            default: .fault
            }
        var hop = TraceHop(
            traceID: context?.root, parentID: context?.parent, service: call.service,
            operation: call.operation, resource: resource ?? call.service,
            source: context?.parent.flatMap(recorder.resource(ofSegment:)),
            start: Date().timeIntervalSince1970 - duration, duration: duration, status: status,
            error: outcome.errorCode, keys: keys,
            payload: Self.keepsPayload(call.operation) ? call.body.map { TraceHop.text($0) } : nil)
        hop.isRequest = true
        recorder.record(hop)
    }

    /// Whether a call's request is kept with its hop: what changes something (to look at and to send again), not
    /// reads, receives and deletes of messages (a fifth of the payloads an order makes, and nothing to re-send).
    static func keepsPayload(_ operation: String) -> Bool {
        !(operation.hasPrefix("Get") || operation.hasPrefix("Query") || operation.hasPrefix("Scan")
            || operation.hasPrefix("Receive") || operation.hasPrefix("Describe") || operation.hasPrefix("List")
            || operation.hasPrefix("DeleteMessage") || operation.hasPrefix("ChangeMessageVisibility"))
    }
}

/// An operation's input that names the resource it reaches and the ids it carries.
protocol TraceDescribedInput: Sendable {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String?
}

/// An operation's output that carries ids (message ids, event ids).
protocol TraceDescribedOutput: Sendable {
    func traceKeys(_ keys: inout [String])
}

extension AttributeValue {
    /// A key attribute's value as a searchable text.
    var traceKey: String? {
        switch self {
        case .s(let text): text
        case .n(let number): number
        default: nil
        }
    }
}

private func keyValues(_ key: [String: AttributeValue], into keys: inout [String]) {
    for value in key.values { if let text = value.traceKey { keys.append(text) } }
}

private func itemKeys(
    _ item: [String: AttributeValue], table: String, keyNames: (String) -> [String], into keys: inout [String]
) {
    for name in keyNames(table) { if let text = item[name]?.traceKey { keys.append(text) } }
}

/// The queue name of a queue URL (the URL itself when it has none).
private func queueName(ofURL url: String) -> String { SQSOperations.queueName(ofURL: url) ?? url }

extension DynamoDB.PutItemInput: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? {
        itemKeys(item, table: tableName, keyNames: keyNames, into: &keys)
        return tableName
    }
}

extension DynamoDB.GetItemInput: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? {
        keyValues(key, into: &keys)
        return tableName
    }
}

extension DynamoDB.UpdateItemInput: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? {
        keyValues(key, into: &keys)
        return tableName
    }
}

extension DynamoDB.DeleteItemInput: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? {
        keyValues(key, into: &keys)
        return tableName
    }
}

extension DynamoDB.QueryInput: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? {
        for value in (expressionAttributeValues ?? [:]).values { if let text = value.traceKey { keys.append(text) } }
        return tableName
    }
}

extension DynamoDB.ScanInput: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? { tableName }
}

extension DynamoDB.TransactWriteItemsInput: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? {
        var tables: [String] = []
        for item in transactItems {
            let table: String
            if let put = item.put {
                itemKeys(put.item, table: put.tableName, keyNames: keyNames, into: &keys)
                table = put.tableName
            } else if let update = item.update {
                keyValues(update.key, into: &keys)
                table = update.tableName
            } else if let delete = item.delete {
                keyValues(delete.key, into: &keys)
                table = delete.tableName
            } else if let check = item.conditionCheck {
                keyValues(check.key, into: &keys)
                table = check.tableName
            } else {
                continue
            }
            if !tables.contains(table) { tables.append(table) }
        }
        return tables.joined(separator: ",")
    }
}

extension SQS.SendMessageRequest: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? { queueName(ofURL: queueUrl) }
}

extension SQS.SendMessageBatchRequest: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? { queueName(ofURL: queueUrl) }
}

extension SQS.ReceiveMessageRequest: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? { queueName(ofURL: queueUrl) }
}

extension SQS.DeleteMessageRequest: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? { queueName(ofURL: queueUrl) }
}

extension SQS.DeleteMessageBatchRequest: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? { queueName(ofURL: queueUrl) }
}

extension SQS.SendMessageResult: TraceDescribedOutput {
    func traceKeys(_ keys: inout [String]) { if let messageId { keys.append(messageId) } }
}

extension SQS.SendMessageBatchResult: TraceDescribedOutput {
    func traceKeys(_ keys: inout [String]) { keys.append(contentsOf: successful.map(\.messageId)) }
}

extension SQS.ReceiveMessageResult: TraceDescribedOutput {
    func traceKeys(_ keys: inout [String]) { keys.append(contentsOf: (messages ?? []).compactMap(\.messageId)) }
}

extension EventBridge.PutEventsRequest: TraceDescribedInput {
    func traceResource(keyNames: (String) -> [String], keys: inout [String]) -> String? {
        let buses = Set(
            entries.map { entry in
                (entry.eventBusName ?? "default").split(separator: "/").last.map(String.init) ?? "default"
            })
        return buses.sorted().joined(separator: ",")
    }
}

extension EventBridge.PutEventsResponse: TraceDescribedOutput {
    func traceKeys(_ keys: inout [String]) { keys.append(contentsOf: (entries ?? []).compactMap(\.eventId)) }
}
