import AWSShapes
import Foundation

extension Topology {
    /// Reads the queues, and the dead-letter queues functions name; every problem goes to `problems`.
    static func decodeQueues(_ reader: TopologyReader, into topology: inout Topology, _ problems: TopologyProblems)
        throws
    {
        if let queues = try reader.objectIfPresent("queues") {
            for name in queues.keys.sorted() {
                problems.collect {
                    let queue = try queues.object(name)
                    try queue.allowOnly([
                        "visibilityTimeout", "messageRetentionPeriod", "receiveMessageWaitTime", "deadLetterQueue",
                        "maxReceiveCount", "contentBasedDeduplication",
                    ])
                    guard
                        name.range(of: #"^[A-Za-z0-9_-]{1,80}$"#, options: .regularExpression) != nil
                            || (name.hasSuffix(".fifo") && name.count <= 80
                                && name.dropLast(5).range(of: #"^[A-Za-z0-9_-]+$"#, options: .regularExpression) != nil)
                    else {
                        throw TopologyError(
                            path: queue.path,
                            reason:
                                "a queue name is 1 to 80 letters, digits, '-' or '_', ending in '.fifo' for a FIFO queue"
                        )
                    }
                    let contentBased = try queue.bool("contentBasedDeduplication", default: false)
                    if contentBased && !name.hasSuffix(".fifo") {
                        throw TopologyError(
                            path: queue.child("contentBasedDeduplication"),
                            reason: "applies to FIFO queues (.fifo) only")
                    }
                    topology.queues.append(
                        QueueConfiguration(
                            name: name,
                            visibilityTimeout: try queue.integer("visibilityTimeout", default: 30, range: 0...43_200),
                            messageRetentionPeriod: try queue.integerIfPresent(
                                "messageRetentionPeriod", range: 60...1_209_600),
                            receiveMessageWaitTime: try queue.integerIfPresent("receiveMessageWaitTime", range: 0...20),
                            deadLetterQueue: try queue.stringIfPresent("deadLetterQueue"),
                            maxReceiveCount: try queue.integer("maxReceiveCount", default: 3, range: 1...1000),
                            contentBasedDeduplication: contentBased))
                }
            }
            let names = reader.declaredNames("queues")
            for queue in topology.queues {
                problems.collect {
                    if let dlq = queue.deadLetterQueue, !names.contains(dlq) {
                        throw TopologyError(
                            path: "queues.\(queue.name).deadLetterQueue",
                            reason: TopologyError.notIn("queue", dlq, section: "queues", among: names))
                    }
                    if let dlq = queue.deadLetterQueue, dlq.hasSuffix(".fifo") != queue.name.hasSuffix(".fifo") {
                        throw TopologyError(
                            path: "queues.\(queue.name).deadLetterQueue",
                            reason: "the dead-letter queue of a FIFO queue is FIFO, and of a standard queue standard")
                    }
                }
            }
        }
        let queueNames = reader.declaredNames("queues")
        for function in topology.functions {
            problems.collect {
                if let dlq = function.deadLetterQueue, !queueNames.contains(dlq) {
                    throw TopologyError(
                        path: "functions.\(function.name).deadLetterQueue",
                        reason: TopologyError.notIn("queue", dlq, section: "queues", among: queueNames))
                }
            }
        }
    }
}
