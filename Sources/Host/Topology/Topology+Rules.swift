import AWSShapes
import EventPatterns
import Foundation

extension Topology {
    /// Reads the buses and rules with their targets; every problem goes to `problems`.
    static func decodeRules(_ reader: TopologyReader, into topology: inout Topology, _ problems: TopologyProblems)
        throws
    {
        if let buses = try reader.objectIfPresent("buses") {
            for name in buses.keys.sorted() {
                problems.collect {
                    try buses.object(name).allowOnly(["description"])
                    guard name != "default" else {
                        throw TopologyError(path: buses.child(name), reason: "the default bus always exists")
                    }
                    topology.buses.append(name)
                }
            }
        }
        if let rules = try reader.objectIfPresent("rules") {
            let buses = reader.declaredNames("buses").union(["default"])
            let queues = reader.declaredNames("queues")
            let functions = reader.declaredNames("functions")
            for name in rules.keys.sorted() {
                problems.collect {
                    let rule = try rules.object(name)
                    try rule.allowOnly(["description", "bus", "pattern", "schedule", "enabled", "targets"])
                    let bus = try rule.string("bus", default: "default")
                    guard buses.contains(bus) else {
                        throw TopologyError(
                            path: rule.child("bus"),
                            reason: TopologyError.notIn("bus", bus, section: "buses", among: buses))
                    }
                    // A rule matches events by its pattern or fires on its schedule (default bus only).
                    let schedule = try rule.stringIfPresent("schedule")
                    var pattern = ""
                    if let schedule {
                        guard rule.fields["pattern"] == nil else {
                            throw TopologyError(
                                path: rule.child("schedule"), reason: "a rule has a pattern or a schedule, not both")
                        }
                        guard (try? ScheduleExpression(parsing: schedule)) != nil else {
                            throw TopologyError(
                                path: rule.child("schedule"),
                                reason:
                                    "is not a schedule EventBridge accepts: rate(N minutes|hours|days) or cron(6 fields)"
                            )
                        }
                        guard bus == "default" else {
                            throw TopologyError(
                                path: rule.child("schedule"), reason: "schedules run on the default bus only")
                        }
                    } else {
                        guard let patternValue = rule.fields["pattern"], case .object = patternValue else {
                            throw TopologyError(
                                path: rule.child("pattern"),
                                reason: "is required (or a schedule) and must be an object (an event pattern)")
                        }
                        pattern = patternValue.compactText
                        do {
                            _ = try EventPattern(parsing: pattern)
                        } catch {
                            throw TopologyError(
                                path: rule.child("pattern"),
                                reason: (error as? EventPatternError)?.message ?? "\(error)")
                        }
                    }
                    var targets: [RuleConfiguration.Target] = []
                    if case .array(let items)? = rule.fields["targets"] {
                        for (index, item) in items.enumerated() {
                            let target = try TopologyReader(item, path: "\(rule.child("targets"))[\(index)]")
                            try target.allowOnly([
                                "id", "queue", "function", "logGroup", "inputPath", "retryPolicy", "deadLetterQueue",
                                "messageGroupId",
                            ])
                            let queue = try target.stringIfPresent("queue")
                            let function = try target.stringIfPresent("function")
                            let logGroup = try target.stringIfPresent("logGroup")
                            guard [queue, function, logGroup].compactMap(\.self).count == 1 else {
                                throw TopologyError(
                                    path: target.path, reason: "a target names exactly one queue, function or logGroup")
                            }
                            if let logGroup {
                                do {
                                    try LogsStore.validateGroupName(logGroup)
                                } catch {
                                    throw TopologyError(
                                        path: target.child("logGroup"),
                                        reason:
                                            "a log group name is 1 to 512 letters, digits, '.', '-', '_', '/' or '#'")
                                }
                            }
                            if let queue, !queues.contains(queue) {
                                throw TopologyError(
                                    path: target.child("queue"),
                                    reason: TopologyError.notIn("queue", queue, section: "queues", among: queues))
                            }
                            if let function, !functions.contains(function) {
                                throw TopologyError(
                                    path: target.child("function"),
                                    reason: TopologyError.notIn(
                                        "function", function, section: "functions", among: functions))
                            }
                            // EventBridge delivers to a FIFO queue only with SqsParameters.MessageGroupId, and only if
                            // the queue deduplicates by content.
                            let messageGroupId = try target.stringIfPresent("messageGroupId")
                            if let queue, let fifo = topology.queues.first(where: { $0.name == queue }), fifo.isFIFO {
                                guard let messageGroupId, (1...128).contains(messageGroupId.count) else {
                                    throw TopologyError(
                                        path: target.child("messageGroupId"),
                                        reason: "is required (1 to 128 characters): '\(queue)' is a FIFO queue")
                                }
                                guard fifo.contentBasedDeduplication else {
                                    throw TopologyError(
                                        path: "queues.\(queue).contentBasedDeduplication",
                                        reason: "must be true: rule \(name) sends to this FIFO queue, and EventBridge "
                                            + "requires content-based deduplication of a FIFO target")
                                }
                            } else if messageGroupId != nil {
                                throw TopologyError(
                                    path: target.child("messageGroupId"), reason: "applies to a FIFO queue target only")
                            }
                            let deadLetterQueue = try target.stringIfPresent("deadLetterQueue")
                            if let deadLetterQueue, !queues.contains(deadLetterQueue) {
                                throw TopologyError(
                                    path: target.child("deadLetterQueue"),
                                    reason: TopologyError.notIn(
                                        "queue", deadLetterQueue, section: "queues", among: queues))
                            }
                            let retryPolicy = try target.objectIfPresent("retryPolicy")
                            try retryPolicy?.allowOnly(["maximumRetryAttempts", "maximumEventAgeInSeconds"])
                            targets.append(
                                .init(
                                    id: try target.string("id", default: queue ?? function ?? "log-group"),
                                    queue: queue,
                                    function: function, logGroup: logGroup,
                                    inputPath: try target.stringIfPresent("inputPath"),
                                    maximumRetryAttempts: try retryPolicy?.integerIfPresent(
                                        "maximumRetryAttempts", range: 0...185),
                                    maximumEventAgeInSeconds: try retryPolicy?.integerIfPresent(
                                        "maximumEventAgeInSeconds", range: 60...86400),
                                    deadLetterQueue: deadLetterQueue, messageGroupId: messageGroupId))
                        }
                    }
                    var configuration = RuleConfiguration(
                        name: name, bus: bus, pattern: pattern, enabled: try rule.bool("enabled", default: true),
                        targets: targets)
                    configuration.schedule = schedule
                    topology.rules.append(configuration)
                }
            }
        }
    }
}
