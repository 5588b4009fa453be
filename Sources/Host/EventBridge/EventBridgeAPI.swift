import AWSShapes
import EventPatterns
import Foundation
import GRDB

/// EventBridge on the host's AWS endpoint (JSON 1.1, `X-Amz-Target: AWSEvents.*`).
final class EventBridgeAPI: Sendable {
    let store: EventBridgeStore
    let delivery: EventBridgeDelivery
    let router: AWSJSONRouter
    /// The host's clock, from which a new schedule counts its periods.
    let clock: HostClock?

    init(store: EventBridgeStore, delivery: EventBridgeDelivery, clock: HostClock? = nil) {
        self.store = store
        self.delivery = delivery
        self.clock = clock
        var router = AWSJSONRouter(
            service: "events", targetPrefixes: ["AWSEvents."], jsonVersion: "1.1",
            // PutEvents entries total at most 256 KB; the JSON around them gets room besides.
            maximumRequestSize: 1024 * 1024,
            tooLarge: EventBridgeError(
                "RequestEntityTooLargeException", "Request body is larger than the most this API accepts", status: 413),
            decodingFailure: { error in
                EventBridgeError(
                    "ValidationException", (error as? AWSShapeError)?.message ?? AWSJSONCoding.describe(error))
            },
            validationFailure: { EventBridgeError("ValidationException", $1.message) },
            unknownOperation: { EventBridgeError("UnknownOperationException", "Unknown operation \($0)") },
            translate: { error in
                switch error {
                case let error as SQSError: return EventBridgeError("ValidationException", error.message)
                case let error as EventPatternError: return EventBridgeError(error.code, error.message)
                default: return nil
                }
            },
            internalFailure: { EventBridgeError("InternalException", $0, status: 500) })
        func on<Operation: AWSGeneratedOperation>(
            _ operation: Operation.Type, _ handle: @escaping @Sendable (Operation.Input) throws -> Operation.Output
        ) {
            router.on(operation, handle)
        }
        on(EventBridge.CreateEventBus.self) { input in
            try store.createBus(input.name, description: input.description)
            return .init(eventBusArn: store.busARN(input.name))
        }
        on(EventBridge.DescribeEventBus.self) { input in
            let name = EventBridgeStore.busName(input.name)
            guard let bus = try store.bus(name) else { throw EventBridgeError.busNotFound(name) }
            return .init(name: bus.name, arn: bus.arn, description: bus.description)
        }
        on(EventBridge.DeleteEventBus.self) { input in
            try store.deleteBus(EventBridgeStore.busName(input.name))
            return AWSEmptyShape()
        }
        on(EventBridge.ListEventBuses.self) { input in
            .init(
                eventBuses: try store.buses().filter {
                    input.namePrefix == nil || ($0.name ?? "").hasPrefix(input.namePrefix!)
                })
        }
        on(EventBridge.PutRule.self) { input in
            let bus = EventBridgeStore.busName(input.eventBusName)
            guard input.eventPattern != nil || input.scheduleExpression != nil else {
                throw EventBridgeError(
                    "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
            }
            if let pattern = input.eventPattern { _ = try EventPattern(parsing: pattern) }
            if let schedule = input.scheduleExpression {
                guard (try? ScheduleExpression(parsing: schedule)) != nil else {
                    throw EventBridgeError("ValidationException", "Parameter ScheduleExpression is not valid.")
                }
                guard bus == "default" else {
                    throw EventBridgeError(
                        "ValidationException", "ScheduleExpression is supported only on the default event bus.")
                }
            }
            // The model checks the state's enum value set (ENABLED, DISABLED, and the CloudTrail variant).
            let state = input.state?.rawValue ?? "ENABLED"
            guard ["ENABLED", "DISABLED"].contains(state) else {
                throw EventBridgeError(
                    "ValidationException",
                    "1 validation error detected: Value '\(state)' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"
                )
            }
            try store.putRule(
                bus: bus, name: input.name, pattern: input.eventPattern, state: state, description: input.description,
                schedule: input.scheduleExpression, now: clock?.now() ?? Date())
            return .init(ruleArn: store.ruleARN(bus: bus, name: input.name))
        }
        on(EventBridge.DescribeRule.self) { input in
            let bus = EventBridgeStore.busName(input.eventBusName)
            guard let rule = try store.rule(bus: bus, name: input.name) else {
                throw EventBridgeError.ruleNotFound(input.name, bus: bus)
            }
            return .init(
                name: rule.name, arn: rule.arn, eventPattern: rule.eventPattern,
                scheduleExpression: rule.scheduleExpression, state: rule.state,
                description: rule.description, eventBusName: rule.eventBusName)
        }
        on(EventBridge.ListRules.self) { input in
            .init(rules: try store.rules(bus: EventBridgeStore.busName(input.eventBusName), prefix: input.namePrefix))
        }
        on(EventBridge.DeleteRule.self) { input in
            try store.deleteRule(bus: EventBridgeStore.busName(input.eventBusName), name: input.name)
            return AWSEmptyShape()
        }
        on(EventBridge.EnableRule.self) { input in
            try store.setState(bus: EventBridgeStore.busName(input.eventBusName), name: input.name, "ENABLED")
            return AWSEmptyShape()
        }
        on(EventBridge.DisableRule.self) { input in
            try store.setState(bus: EventBridgeStore.busName(input.eventBusName), name: input.name, "DISABLED")
            return AWSEmptyShape()
        }
        on(EventBridge.PutTargets.self) { input in
            for (index, target) in input.targets.enumerated() {
                if [target.input != nil, target.inputPath != nil, target.inputTransformer != nil].filter({ $0 }).count
                    > 1
                {
                    throw EventBridgeError(
                        "ValidationException",
                        "Only one of Input, InputPath, or InputTransformer must be provided for target \(target.id).")
                }
                if let transformer = target.inputTransformer {
                    // AWS's model: a template of at most 8,192 characters, at most 100 paths.
                    if transformer.inputTemplate.count > 8192 {
                        throw EventBridgeError(
                            "ValidationException",
                            "1 validation error detected: Value at 'targets.\(index + 1).member.inputTransformer.inputTemplate' "
                                + "failed to satisfy constraint: Member must have length less than or equal to 8192")
                    }
                    if (transformer.inputPathsMap?.count ?? 0) > 100 {
                        throw EventBridgeError(
                            "ValidationException",
                            "1 validation error detected: Value at 'targets.\(index + 1).member.inputTransformer.inputPathsMap' "
                                + "failed to satisfy constraint: Member must have length less than or equal to 100")
                    }
                    try EventBridgeInput.validate(transformer, targetID: target.id)
                }
                try Self.validate(target, index: index + 1)
            }
            try store.putTargets(bus: EventBridgeStore.busName(input.eventBusName), rule: input.rule, input.targets)
            return .init(failedEntryCount: 0, failedEntries: [])
        }
        on(EventBridge.ListTargetsByRule.self) { input in
            let bus = EventBridgeStore.busName(input.eventBusName)
            guard try store.rule(bus: bus, name: input.rule) != nil else {
                throw EventBridgeError.ruleNotFound(input.rule, bus: bus)
            }
            return .init(targets: try store.targets(bus: bus, rule: input.rule))
        }
        on(EventBridge.RemoveTargets.self) { input in
            try store.removeTargets(bus: EventBridgeStore.busName(input.eventBusName), rule: input.rule, ids: input.ids)
            return .init(failedEntryCount: 0, failedEntries: [])
        }
        on(EventBridge.TestEventPattern.self) { input in
            let pattern = try EventPattern(parsing: input.eventPattern)
            // AWS wants an event object with these fields (and says only this), recorded in
            // test_events_patterns.snapshot.json (plain string, array and incomplete events).
            guard let event = try? JSONValue(parsing: Data(input.event.utf8)), case .object(let fields) = event,
                ["id", "account", "source", "time", "region", "detail-type"].allSatisfy({ fields[$0] != nil })
            else {
                throw EventBridgeError("ValidationException", "Parameter Event is not valid.")
            }
            return .init(result: pattern.matches(event))
        }
        on(EventBridge.PutEvents.self) { input in try delivery.putEvents(input) }
        self.router = router
    }

    /// RetryPolicy's ranges and DeadLetterConfig's queue, with AWS's wording (`targets.<n>.member…`).
    static func validate(_ target: EventBridge.Target, index: Int) throws {
        func range(_ value: Int?, _ name: String, _ bounds: ClosedRange<Int>) throws {
            guard let value, !bounds.contains(value) else { return }
            let constraint =
                value < bounds.lowerBound
                ? "greater than or equal to \(bounds.lowerBound)" : "less than or equal to \(bounds.upperBound)"
            throw EventBridgeError(
                "ValidationException",
                "1 validation error detected: Value '\(value)' at 'targets.\(index).member.retryPolicy.\(name)' failed to satisfy constraint: Member must have value \(constraint)"
            )
        }
        try range(target.retryPolicy?.maximumRetryAttempts, "maximumRetryAttempts", 0...185)
        try range(target.retryPolicy?.maximumEventAgeInSeconds, "maximumEventAgeInSeconds", 60...86400)
        if let config = target.deadLetterConfig {
            let parts = (config.arn ?? "").split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "arn", parts[2] == "sqs", !parts[5].isEmpty else {
                throw EventBridgeError(
                    "ValidationException",
                    "Parameter DeadLetterConfig.Arn is not valid. Reason: Provided Arn is not an SQS queue ARN.")
            }
            guard !parts[5].hasSuffix(".fifo") else {
                throw EventBridgeError(
                    "ValidationException",
                    "Parameter DeadLetterConfig.Arn is not valid. Reason: a dead-letter queue must be a standard queue."
                )
            }
        }
    }

    func handle(target: String, body: Data) async -> (status: Int, body: Data) {
        let response = await router.respond(target: target, body: body)
        return (response.status, response.body)
    }
}

/// PutEvents: each entry becomes an event; every enabled rule whose pattern matches sends it to its targets, inside
/// the transaction that accepts the events: SQS messages are written, Lambda targets become rows of the durable
/// asynchronous-invocation queue, CloudWatch Logs targets get a log event, and a target that cannot be delivered to
/// gets a retry row (or its dead-letter queue gets the event).
struct EventBridgeDelivery: Sendable {
    let store: EventBridgeStore
    /// Writes to the targets, and records the deliveries that fail for a retry (EventBridgeTargets.swift).
    let targets: EventBridgeTargets

    func putEvents(_ input: EventBridge.PutEventsRequest) throws -> EventBridge.PutEventsResponse {
        guard (1...10).contains(input.entries.count) else {
            throw EventBridgeError(
                "ValidationException",
                "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10"
            )
        }
        // AWS's entry size: 14 bytes for a Time, and the UTF-8 bytes of Source, DetailType, Detail and Resources;
        // the entries together stay under 256 KB (calculate-putevents-entry-size).
        let size = input.entries.reduce(0) { total, entry in
            total + (entry.time == nil ? 0 : 14) + (entry.source?.utf8.count ?? 0)
                + (entry.detailType?.utf8.count ?? 0) + (entry.detail?.utf8.count ?? 0)
                + (entry.resources ?? []).reduce(0) { $0 + $1.utf8.count }
        }
        guard size < 262_144 else {
            throw EventBridgeError("ValidationException", "Total size of the entries in the request is over the limit.")
        }
        let results = try store.database.write { db in try deliver(db, input.entries) }
        return .init(failedEntryCount: results.filter { $0.errorCode != nil }.count, entries: results)
    }

    /// Matches each entry against the enabled rules of its bus and delivers it to their targets inside the caller's
    /// transaction; returns the per-entry results.
    func deliver(_ db: Database, _ entries: [EventBridge.PutEventsRequestEntry]) throws
        -> [EventBridge.PutEventsResultEntry]
    {
        var results: [EventBridge.PutEventsResultEntry] = []
        for entry in entries {
            guard let source = entry.source, !source.isEmpty else {
                results.append(
                    .init(
                        errorCode: "InvalidArgument",
                        errorMessage: "Parameter Source is not valid. Reason: Source is a required argument."))
                continue
            }
            guard let detailType = entry.detailType, !detailType.isEmpty else {
                results.append(
                    .init(
                        errorCode: "InvalidArgument",
                        errorMessage:
                            "Parameter DetailType is not valid. Reason: DetailType is a required argument."))
                continue
            }
            guard let detail = entry.detail else {
                results.append(
                    .init(
                        errorCode: "InvalidArgument",
                        errorMessage: "Parameter Detail is not valid. Reason: Detail is a required argument."))
                continue
            }
            // DECISIONS: a Time outside years 1 to 9999 (or not a number) is the entry's InvalidArgument; AWS's
            // text for it is not recorded.
            if let time = entry.time, !(time.isFinite && (-62_135_596_800...253_402_300_799).contains(time)) {
                results.append(
                    .init(
                        errorCode: "InvalidArgument",
                        errorMessage: "Parameter Time is not valid. Reason: Time must be between year 1 and 9999."))
                continue
            }
            guard let detailValue = try? JSONValue(parsing: Data(detail.utf8)), case .object = detailValue else {
                results.append(.init(errorCode: "MalformedDetail", errorMessage: "Detail is malformed."))
                continue
            }
            let id = Identifiers.uuid()
            let time = entry.time.map { Date(timeIntervalSince1970: $0) } ?? targets.now()
            let event = EventBridgeInput.eventJSON(
                id: id, detailType: detailType, source: source, account: store.account, time: time,
                region: store.region,
                resources: entry.resources ?? [], detail: detail)
            let parsed = EventBridgeInput.eventValue(
                id: id, detailType: detailType, source: source, account: store.account, time: time,
                region: store.region, resources: entry.resources ?? [], detail: detailValue)
            let bus = EventBridgeStore.busName(entry.eventBusName)
            let flattened = EventPattern.Event(parsed)
            for rule in try store.enabledRules(db, bus: bus) where rule.pattern.matches(flattened) {
                let ruleARN = store.ruleARN(bus: bus, name: rule.name)
                for target in rule.targets {
                    // A transformer whose JSON template comes out invalid drops the event, silently, as AWS does.
                    guard
                        let body = try EventBridgeInput.body(
                            for: target, event: event, parsed: parsed, ruleName: rule.name, ruleARN: ruleARN)
                    else { continue }
                    try targets.deliver(
                        db,
                        TargetDelivery(
                            ruleARN: ruleARN, target: target, body: body,
                            // An entry without a TraceHeader of its own carries its request's (HostDatabase.write
                            // binds it for the transaction; a pipe's delivery has none).
                            traceHeader: entry.traceHeader ?? AWSRequestTrace.header, eventID: id, time: time))
                }
            }
            results.append(.init(eventId: id))
        }
        return results
    }
}

/// Events as EventBridge writes them, and what a target receives (Input, InputPath, InputTransformer).
enum EventBridgeInput {
    /// The event envelope with AWS's key order.
    static func eventJSON(
        id: String, detailType: String, source: String, account: String, time: Date, region: String,
        resources: [String],
        detail: String
    ) -> String {
        let timestamp = ISO8601.seconds(time)
        return
            #"{"version":"0","id":\#(quote(id)),"detail-type":\#(quote(detailType)),"source":\#(quote(source)),"account":\#(quote(account)),"time":\#(quote(timestamp)),"region":\#(quote(region)),"resources":[\#(resources.map(quote).joined(separator: ","))],"detail":\#(detail.trimmingJSONWhitespace)}"#
    }

    /// The same envelope as a value (what parsing `eventJSON` gives), for patterns and transformers, built from the
    /// detail already parsed instead of parsing the event text again.
    static func eventValue(
        id: String, detailType: String, source: String, account: String, time: Date, region: String,
        resources: [String], detail: JSONValue
    ) -> JSONValue {
        .object([
            "version": .string("0"), "id": .string(id), "detail-type": .string(detailType), "source": .string(source),
            "account": .string(account), "time": .string(ISO8601.seconds(time)), "region": .string(region),
            "resources": .array(resources.map(JSONValue.string)), "detail": detail,
        ])
    }

    static func quote(_ text: String) -> String { AWSJSONWriter.quoted(text) }

    /// The value at a JSONPath of the form `$`, `$.a.b` (nil when absent).
    static func value(at path: String, in event: JSONValue) -> JSONValue? {
        guard path.hasPrefix("$") else { return nil }
        var current: JSONValue? = event
        for key in path.dropFirst().split(separator: ".") { current = current?[String(key)] }
        return current
    }

    static func text(_ value: JSONValue) -> String {
        (try? value.encoded(sortedKeys: true)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func validate(_ transformer: EventBridge.InputTransformer, targetID: String) throws {
        let names = Set((transformer.inputPathsMap ?? [:]).keys)
        let reserved: Set<String> = [
            "aws.events.rule-arn", "aws.events.rule-name", "aws.events.event.ingestion-time", "aws.events.event",
            "aws.events.event.json",
        ]
        for placeholder in placeholders(in: transformer.inputTemplate)
        where !names.contains(placeholder) && !reserved.contains(placeholder) {
            throw EventBridgeError(
                "ValidationException",
                "InputTemplate for target \(targetID) contains invalid placeholder \(placeholder).")
        }
    }

    static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        _ = fill(template) { name in
            names.append(name)
            return nil
        }
        return names
    }

    /// Fills the `<name>` placeholders of an input template in one pass over it (linear in its size, however many
    /// placeholders it has): inside a JSON string a value goes in as its text, elsewhere as JSON; a placeholder
    /// `resolve` has no value for becomes `""` inside a string and `null` elsewhere. A name is one or more
    /// characters other than `<`, `>`, space and `"`.
    static func fill(_ template: String, stringTemplate: Bool = false, _ resolve: (String) -> JSONValue?) -> String {
        let bytes = Array(template.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var insideString = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                var end = index + 1
                while end < bytes.count,
                    ![UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: " "), UInt8(ascii: "\"")]
                        .contains(bytes[end])
                {
                    end += 1
                }
                if end < bytes.count, bytes[end] == UInt8(ascii: ">"), end > index + 1 {
                    let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                    let replacement: String
                    switch resolve(name) {
                    case .string(let text)?: replacement = insideString ? text : quote(text)
                    case let value? where insideString && stringTemplate: replacement = unquoted(value)
                    case let value?: replacement = text(value)
                    case nil: replacement = insideString ? "" : "null"
                    }
                    output.append(contentsOf: replacement.utf8)
                    index = end + 1
                    continue
                }
            }
            if byte == UInt8(ascii: "\""), !insideString || !isEscaped(bytes, at: index) { insideString.toggle() }
            output.append(byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// How a string template writes an object or a list: `{key:value,…}` and `[A,B]`, no quotes (as AWS).
    static func unquoted(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .object(let members):
            "{" + members.keys.sorted().map { "\($0):\(unquoted(members[$0]!))" }.joined(separator: ",") + "}"
        case .array(let items): "[" + items.map(unquoted).joined(separator: ",") + "]"
        default: text(value)
        }
    }

    /// Whether the quote at `index` is escaped (an odd number of backslashes before it).
    private static func isEscaped(_ bytes: [UInt8], at index: Int) -> Bool {
        var backslashes = 0
        var position = index - 1
        while position >= 0, bytes[position] == UInt8(ascii: "\\") {
            backslashes += 1
            position -= 1
        }
        return backslashes % 2 == 1
    }

    /// What the target receives; nil when an input transformer's JSON template comes out invalid (AWS then does
    /// not deliver the event, and says nothing).
    static func body(
        for target: EventBridge.Target, event: String, parsed: JSONValue, ruleName: String, ruleARN: String
    ) throws
        -> String?
    {
        if let input = target.input { return input }
        if let path = target.inputPath { return value(at: path, in: parsed).map(text) ?? "" }
        guard let transformer = target.inputTransformer else { return event }
        var values: [String: JSONValue] = [:]
        for (name, path) in transformer.inputPathsMap ?? [:] { values[name] = value(at: path, in: parsed) }
        values["aws.events.rule-name"] = .string(ruleName)
        values["aws.events.rule-arn"] = .string(ruleARN)
        values["aws.events.event.json"] = parsed
        var envelope = parsed.objectValue ?? [:]
        envelope.removeValue(forKey: "detail")
        if let detailType = envelope.removeValue(forKey: "detail-type") { envelope["detailType"] = detailType }
        values["aws.events.event"] = .object(envelope)
        let template = transformer.inputTemplate.trimmingJSONWhitespace
        let isStringTemplate = template.hasPrefix("\"")
        let output = fill(transformer.inputTemplate, stringTemplate: isStringTemplate) { values[$0] }
        let trimmed = output.trimmingJSONWhitespace
        // What is not JSON is not delivered (an object or list placeholder inside a JSON template's quotes, plain
        // text), except a string template's lines, sent as they came out (AWS's recordings show both).
        if (try? JSONValue(parsing: Data(trimmed.utf8))) == nil, !isStringTemplate { return nil }
        return trimmed
    }
}
