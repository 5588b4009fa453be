import AWSShapes
import EventPatterns
import Foundation

extension Topology {
    /// Reads the pipes: each a DynamoDB stream source and an event bus target; every problem goes to `problems`.
    static func decodePipes(_ reader: TopologyReader, into topology: inout Topology, _ problems: TopologyProblems)
        throws
    {
        if let pipes = try reader.objectIfPresent("pipes") {
            let tables = Set(topology.tables.map(\.name))
            let queues = reader.declaredNames("queues")
            for name in pipes.keys.sorted() {
                problems.collect {
                    let pipe = try pipes.object(name)
                    try pipe.allowOnly(["description", "source", "target"])
                    let source = try pipe.object("source")
                    try source.allowOnly([
                        "table", "startingPosition", "batchSize", "maximumBatchingWindowInSeconds", "filters",
                        "maximumRetryAttempts", "maximumRecordAgeInSeconds", "deadLetterQueue",
                    ])
                    let table = try source.string("table")
                    guard let declared = topology.tables.first(where: { $0.name == table }), declared.stream != nil,
                        tables.contains(table)
                    else {
                        throw TopologyError(
                            path: "\(source.path).table",
                            reason: TopologyError.notIn("table", table, section: "tables with a stream", among: tables))
                    }
                    let filters = try source.arrayOfObjectsAsText("filters")
                    for (index, filter) in filters.enumerated() {
                        do {
                            _ = try EventPattern(parsing: filter)
                        } catch {
                            throw TopologyError(
                                path: "\(source.path).filters[\(index)]",
                                reason: (error as? EventPatternError)?.message ?? "\(error)")
                        }
                    }
                    let target = try pipe.object("target")
                    try target.allowOnly(["eventBus", "source", "detailType", "inputTemplate"])
                    var template: String?
                    switch target.fields["inputTemplate"] {
                    case nil: template = nil
                    case .string(let text)?: template = text
                    case let value?:
                        template = String(decoding: try value.encoded(sortedKeys: true), as: UTF8.self)
                    }
                    if let template {
                        guard PipeInputTemplate.makesObject(template) else {
                            throw TopologyError(
                                path: target.child("inputTemplate"),
                                reason: "must produce a JSON object (an event's detail), as text or as an object")
                        }
                    }
                    let eventSource = try target.stringIfPresent("source")
                    if let eventSource, eventSource.hasPrefix("aws.") {
                        throw TopologyError(path: target.child("source"), reason: "may not start with 'aws.'")
                    }
                    // An event bus target takes at most 10 events a call (PutEvents' limit): AWS refuses a larger batch.
                    if let size = try source.integerIfPresent("batchSize", range: 1...10_000), size > 10 {
                        throw TopologyError(
                            path: source.child("batchSize"),
                            reason: "is \(size), but a pipe whose target is an event bus takes batches of at most 10")
                    }
                    // What happens to a batch the bus keeps refusing (DynamoDBStreamParameters' ranges).
                    let deadLetterQueue = try source.stringIfPresent("deadLetterQueue")
                    if let deadLetterQueue, !queues.contains(deadLetterQueue) {
                        throw TopologyError(
                            path: source.child("deadLetterQueue"),
                            reason: TopologyError.notIn(
                                "queue", deadLetterQueue, section: "queues", among: queues))
                    }
                    topology.pipes.append(
                        PipeConfiguration(
                            name: name, description: try pipe.stringIfPresent("description"), sourceTable: table,
                            startingPosition: try source.string(
                                "startingPosition", default: "TRIM_HORIZON", oneOf: ["TRIM_HORIZON", "LATEST"]),
                            batchSize: try source.integer("batchSize", default: 10, range: 1...10_000),
                            maximumBatchingWindowInSeconds: try source.integer(
                                "maximumBatchingWindowInSeconds", default: 0, range: 0...300),
                            filters: filters,
                            targetBus: try target.string("eventBus", default: "default"),
                            source: eventSource, detailType: try target.stringIfPresent("detailType"),
                            inputTemplate: template,
                            maximumRetryAttempts: try source.integerIfPresent(
                                "maximumRetryAttempts", range: -1...10_000),
                            maximumRecordAgeInSeconds: try source.integerIfPresent(
                                "maximumRecordAgeInSeconds", range: -1...604_800),
                            deadLetterQueue: deadLetterQueue))
                }
            }
        }
    }
}
