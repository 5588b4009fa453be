import AWSShapes
import EventPatterns
import Foundation

extension Topology {
    /// Reads the event source mappings from queues and streams to functions; every problem goes to `problems`.
    static func decodeMappings(_ reader: TopologyReader, into topology: inout Topology, _ problems: TopologyProblems)
        throws
    {
        if case .array(let mappings)? = reader.fields["eventSourceMappings"] {
            let functions = reader.declaredNames("functions")
            let queues = reader.declaredNames("queues")
            let streams = Set(topology.tables.filter { $0.stream != nil }.map(\.name))
            for (index, value) in mappings.enumerated() {
                problems.collect {
                    let mapping = try TopologyReader(value, path: "eventSourceMappings[\(index)]")
                    try mapping.allowOnly([
                        "function", "queue", "table", "enabled", "batchSize", "maximumBatchingWindowInSeconds",
                        "reportBatchItemFailures", "maximumConcurrency", "filters", "startingPosition",
                        "maximumRetryAttempts", "maximumRecordAgeInSeconds", "bisectBatchOnFunctionError", "onFailure",
                    ])
                    let function = try mapping.string("function")
                    guard functions.contains(function) else {
                        throw TopologyError(
                            path: mapping.child("function"),
                            reason: TopologyError.notIn("function", function, section: "functions", among: functions))
                    }
                    let source: EventSourceMappingConfiguration.Source
                    switch (mapping.fields["queue"], mapping.fields["table"]) {
                    case (.some, nil):
                        let queue = try mapping.string("queue")
                        guard queues.contains(queue) else {
                            throw TopologyError(
                                path: mapping.child("queue"),
                                reason: TopologyError.notIn("queue", queue, section: "queues", among: queues))
                        }
                        source = .queue(queue)
                        for key in [
                            "startingPosition", "maximumRetryAttempts", "maximumRecordAgeInSeconds",
                            "bisectBatchOnFunctionError", "onFailure",
                        ] where mapping.fields[key] != nil {
                            throw TopologyError(
                                path: mapping.child(key), reason: "applies to table (stream) sources only")
                        }
                    case (nil, .some):
                        let table = try mapping.string("table")
                        guard streams.contains(table) else {
                            throw TopologyError(
                                path: mapping.child("table"),
                                reason: TopologyError.notIn(
                                    "table", table, section: "tables with a stream", among: streams))
                        }
                        source = .table(table)
                        if mapping.fields["maximumConcurrency"] != nil {
                            throw TopologyError(
                                path: mapping.child("maximumConcurrency"), reason: "applies to queue sources only")
                        }
                    default:
                        throw TopologyError(path: mapping.path, reason: "needs exactly one source: queue or table")
                    }
                    let filters = try mapping.arrayOfObjectsAsText("filters")
                    for (position, filter) in filters.enumerated() {
                        do {
                            _ = try EventPattern(parsing: filter)
                        } catch {
                            throw TopologyError(
                                path: "\(mapping.child("filters"))[\(position)]",
                                reason: (error as? EventPatternError)?.message ?? "\(error)")
                        }
                    }
                    let onFailure = try mapping.stringIfPresent("onFailure")
                    if let onFailure, !queues.contains(onFailure) {
                        throw TopologyError(
                            path: mapping.child("onFailure"),
                            reason: TopologyError.notIn("queue", onFailure, section: "queues", among: queues))
                    }
                    let window = try mapping.integer("maximumBatchingWindowInSeconds", default: 0, range: 0...300)
                    let batchSize = try mapping.integerIfPresent("batchSize", range: 1...10_000)
                    if case .queue = source, (batchSize ?? 10) > 10, window == 0 {
                        throw TopologyError(
                            path: mapping.child("batchSize"),
                            reason: "above 10 needs maximumBatchingWindowInSeconds of at least 1 (as in AWS)")
                    }
                    let age = try mapping.integer("maximumRecordAgeInSeconds", default: -1, range: -1...604_800)
                    if age != -1 && age < 60 {
                        throw TopologyError(
                            path: mapping.child("maximumRecordAgeInSeconds"), reason: "must be -1 or 60 to 604800")
                    }
                    topology.eventSourceMappings.append(
                        EventSourceMappingConfiguration(
                            function: function, source: source, enabled: try mapping.bool("enabled", default: true),
                            batchSize: batchSize, maximumBatchingWindowInSeconds: window,
                            reportBatchItemFailures: try mapping.bool("reportBatchItemFailures", default: false),
                            maximumConcurrency: try mapping.integer("maximumConcurrency", default: 2, range: 2...1000),
                            filters: filters,
                            startingPosition: try mapping.string(
                                "startingPosition", default: "TRIM_HORIZON", oneOf: ["TRIM_HORIZON", "LATEST"]),
                            maximumRetryAttempts: try mapping.integer(
                                "maximumRetryAttempts", default: -1, range: -1...10_000),
                            maximumRecordAgeInSeconds: age,
                            bisectBatchOnFunctionError: try mapping.bool("bisectBatchOnFunctionError", default: false),
                            onFailureQueue: onFailure))
                }
            }
        } else if let value = reader.fields["eventSourceMappings"] {
            throw TopologyError(path: "eventSourceMappings", reason: "must be an array, got \(value.kindName)")
        }
    }
}
