import AWSShapes
import Foundation

/// A topology mistake, named by its key path: `functions.Hello.timeout: must be an integer from 1 to 900 (got 0)`.
public struct TopologyError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    /// The other mistakes found in the same document (each item is checked, whatever the others hold).
    public var more: [TopologyError] = []

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// One line per mistake.
    public var description: String {
        ([self] + more).map { $0.path.isEmpty ? $0.reason : "\($0.path): \($0.reason)" }.joined(separator: "\n")
    }

    /// "names queue 'wrok', which is not in queues (did you mean 'work'?)".
    static func notIn(_ kind: String, _ name: String, section: String, among names: some Collection<String>)
        -> String
    {
        "names \(kind) '\(name)', which is not in \(section)\(suggestion(for: name, among: names))"
    }

    /// ` (did you mean 'x'?)` for the closest of `names` to a misspelt `name`, or nothing when none is close.
    static func suggestion(for name: String, among names: some Collection<String>) -> String {
        let candidates = names.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
            .filter { $0.1 <= max(2, name.count / 3) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return candidates.first.map { " (did you mean '\($0.0)'?)" } ?? ""
    }

    /// Levenshtein distance (names are short).
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.prefix(200))
        let b = Array(rhs.prefix(200))
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension Topology {
    /// Reads and validates a topology file; relative executable paths are resolved against its folder.
    public static func load(path: String) throws -> Topology {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TopologyError(path: "", reason: "cannot read \(path): \(error.localizedDescription)")
        }
        return try decode(data, baseDirectory: url.deletingLastPathComponent().path)
    }

    /// Validates a topology document.
    public static func decode(_ data: Data, baseDirectory: String) throws -> Topology {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: data)
        } catch {
            throw TopologyError(path: "", reason: "not valid JSON: \(error)")
        }
        let reader = try TopologyReader(root, path: "")
        try reader.allowOnly([
            "$schema", "description", "region", "accountId", "functions", "httpApis", "tables", "pipes", "queues",
            "eventSourceMappings", "buses", "rules",
        ])
        var topology = Topology(baseDirectory: baseDirectory)
        // Every item is checked; the problems of all of them are reported together.
        var problems: [TopologyError] = []
        func collect(_ body: () throws -> Void) {
            do {
                try body()
            } catch let error as TopologyError {
                problems.append(contentsOf: [error] + error.more)
            } catch {
                problems.append(TopologyError(path: "", reason: "\(error)"))
            }
        }
        // Cross-references are checked against what the document declares, so an item that has a mistake of its
        // own is not reported again by everything that names it.
        func declared(_ section: String) -> Set<String> {
            guard case .object(let members)? = reader.fields[section] else { return [] }
            return Set(members.keys)
        }
        topology.region = try reader.string("region", default: "us-east-1", pattern: #"^[a-z]{2}(-[a-z]+)+-\d$"#)
        topology.accountID = try reader.string("accountId", default: "000000000000", pattern: #"^\d{12}$"#)
        if let functions = try reader.objectIfPresent("functions") {
            for name in functions.keys.sorted() {
                collect {
                    topology.functions.append(
                        try FunctionConfiguration(try functions.object(name), name: name, base: baseDirectory))
                }
            }
        }
        if let tables = try reader.objectIfPresent("tables") {
            for name in tables.keys.sorted() {
                collect {
                    topology.tables.append(try TableConfiguration(try tables.object(name), name: name))
                }
            }
        }
        if let pipes = try reader.objectIfPresent("pipes") {
            let tables = Set(topology.tables.map(\.name))
            let queues = declared("queues")
            for name in pipes.keys.sorted() {
                collect {
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
        if let queues = try reader.objectIfPresent("queues") {
            for name in queues.keys.sorted() {
                collect {
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
            let names = declared("queues")
            for queue in topology.queues {
                collect {
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
        let queueNames = declared("queues")
        for function in topology.functions {
            collect {
                if let dlq = function.deadLetterQueue, !queueNames.contains(dlq) {
                    throw TopologyError(
                        path: "functions.\(function.name).deadLetterQueue",
                        reason: TopologyError.notIn("queue", dlq, section: "queues", among: queueNames))
                }
            }
        }
        if let buses = try reader.objectIfPresent("buses") {
            for name in buses.keys.sorted() {
                collect {
                    try buses.object(name).allowOnly(["description"])
                    guard name != "default" else {
                        throw TopologyError(path: buses.child(name), reason: "the default bus always exists")
                    }
                    topology.buses.append(name)
                }
            }
        }
        if let rules = try reader.objectIfPresent("rules") {
            let buses = declared("buses").union(["default"])
            let queues = declared("queues")
            let functions = declared("functions")
            for name in rules.keys.sorted() {
                collect {
                    let rule = try rules.object(name)
                    try rule.allowOnly(["description", "bus", "pattern", "enabled", "targets"])
                    let bus = try rule.string("bus", default: "default")
                    guard buses.contains(bus) else {
                        throw TopologyError(
                            path: rule.child("bus"),
                            reason: TopologyError.notIn("bus", bus, section: "buses", among: buses))
                    }
                    guard let patternValue = rule.fields["pattern"], case .object = patternValue else {
                        throw TopologyError(
                            path: rule.child("pattern"), reason: "is required and must be an object (an event pattern)")
                    }
                    let pattern = patternValue.compactText
                    do {
                        _ = try EventPattern(parsing: pattern)
                    } catch {
                        throw TopologyError(
                            path: rule.child("pattern"), reason: (error as? EventPatternError)?.message ?? "\(error)")
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
                    topology.rules.append(
                        RuleConfiguration(
                            name: name, bus: bus, pattern: pattern, enabled: try rule.bool("enabled", default: true),
                            targets: targets))
                }
            }
        }
        if case .array(let mappings)? = reader.fields["eventSourceMappings"] {
            let functions = declared("functions")
            let queues = declared("queues")
            let streams = Set(topology.tables.filter { $0.stream != nil }.map(\.name))
            for (index, value) in mappings.enumerated() {
                collect {
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
        if let apis = try reader.objectIfPresent("httpApis") {
            var owners: [String: String] = [:]
            for name in apis.keys.sorted() {
                collect {
                    let api = try HTTPAPIConfiguration(
                        try apis.object(name), name: name, functions: declared("functions"))
                    for route in api.routes {
                        // One port serves every API: a route key may belong to one API only.
                        if let owner = owners[route.key] {
                            throw TopologyError(
                                path: "httpApis.\(name).routes.\(route.key)",
                                reason: "is also a route of httpApis.\(owner); the host serves every API on one port")
                        }
                        owners[route.key] = name
                    }
                    topology.httpAPIs.append(api)
                }
            }
        }
        if let first = problems.first {
            var error = first
            error.more = Array(problems.dropFirst())
            throw error
        }
        return topology
    }
}

extension FunctionConfiguration {
    /// Reserved by Lambda: a function's environment may not set these (nor any name starting with `_`).
    static let reservedVariables: Set<String> = [
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    ]

    init(_ reader: TopologyReader, name: String, base: String) throws {
        guard name.range(of: #"^[A-Za-z0-9_-]{1,64}$"#, options: .regularExpression) != nil else {
            throw TopologyError(path: reader.path, reason: "a function name is 1 to 64 letters, digits, '-' or '_'")
        }
        try reader.allowOnly([
            "description", "executable", "arguments", "handler", "memorySize", "timeout", "maxConcurrency",
            "environment", "logFormat", "logLevel", "architecture", "maximumRetryAttempts", "maximumEventAgeInSeconds",
            "deadLetterQueue",
        ])
        self.init(name: name)
        if let path = try reader.stringIfPresent("executable") {
            executable =
                path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardized.path
        }
        arguments = try reader.stringArray("arguments")
        handler = try reader.string("handler", default: "bootstrap")
        memorySize = try reader.integer("memorySize", default: 128, range: 128...10240)
        timeout = try reader.integer("timeout", default: 3, range: 1...900)
        maxConcurrency = try reader.integer("maxConcurrency", default: 10, range: 1...1000)
        logFormat = try reader.stringIfPresent("logFormat", oneOf: ["Text", "JSON"])
        logLevel = try reader.stringIfPresent("logLevel", oneOf: ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"])
        architecture = try reader.string("architecture", default: "arm64", oneOf: ["arm64", "x86_64"])
        maximumRetryAttempts = try reader.integer("maximumRetryAttempts", default: 2, range: 0...2)
        maximumEventAgeInSeconds = try reader.integer("maximumEventAgeInSeconds", default: 21600, range: 60...21600)
        deadLetterQueue = try reader.stringIfPresent("deadLetterQueue")  // checked against queues once they are read
        if let variables = try reader.objectIfPresent("environment") {
            var size = 0
            for key in variables.keys.sorted() {
                let path = "\(variables.path).\(key)"
                guard key.range(of: #"^[a-zA-Z][a-zA-Z0-9_]*$"#, options: .regularExpression) != nil else {
                    throw TopologyError(
                        path: path, reason: "a variable name starts with a letter and has only letters, digits and '_'")
                }
                guard !Self.reservedVariables.contains(key) else {
                    throw TopologyError(path: path, reason: "\(key) is reserved by Lambda")
                }
                environment[key] = try variables.string(key)
                size += key.utf8.count + (environment[key]?.utf8.count ?? 0)
            }
            guard size <= 4096 else {
                throw TopologyError(path: variables.path, reason: "variables take \(size) bytes; Lambda allows 4 KB")
            }
        }
    }
}

extension HTTPAPIConfiguration {
    static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]

    init(_ reader: TopologyReader, name: String, functions: Set<String>) throws {
        try reader.allowOnly(["description", "routes", "cors"])
        self.init(name: name, routes: [])
        let routes = try reader.object("routes")
        for key in routes.keys.sorted() {
            let path = "\(routes.path).\(key)"
            try RouteKey.validate(key, path: path)
            let function = try routes.string(key)
            guard functions.contains(function) else {
                throw TopologyError(
                    path: path,
                    reason: TopologyError.notIn("function", function, section: "functions", among: functions))
            }
            self.routes.append(RouteConfiguration(key: key, function: function, api: name))
        }
        if let cors = try reader.objectIfPresent("cors") {
            try cors.allowOnly([
                "allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials",
            ])
            self.cors = CORSConfiguration(
                allowOrigins: try cors.stringArray("allowOrigins"),
                allowMethods: try cors.stringArray("allowMethods").map { $0.uppercased() },
                allowHeaders: try cors.stringArray("allowHeaders").map { $0.lowercased() },
                exposeHeaders: try cors.stringArray("exposeHeaders").map { $0.lowercased() },
                maxAge: try cors.integerIfPresent("maxAge", range: -1...86400),
                allowCredentials: try cors.bool("allowCredentials", default: false)
            )
        }
    }
}

extension TableConfiguration {
    init(_ reader: TopologyReader, name: String) throws {
        guard name.range(of: #"^[a-zA-Z0-9_.-]{3,255}$"#, options: .regularExpression) != nil else {
            throw TopologyError(path: reader.path, reason: "a table name is 3 to 255 letters, digits, '_', '-' or '.'")
        }
        try reader.allowOnly([
            "description", "partitionKey", "sortKey", "globalSecondaryIndexes", "stream", "timeToLiveAttribute",
        ])
        func key(_ reader: TopologyReader) throws -> Key {
            try reader.allowOnly(["name", "type"])
            return Key(
                name: try reader.string("name"), type: try reader.string("type", default: "S", oneOf: ["S", "N", "B"]))
        }
        self.init(name: name, partitionKey: try key(try reader.object("partitionKey")))
        sortKey = try reader.objectIfPresent("sortKey").map(key)
        stream = try reader.stringIfPresent(
            "stream", oneOf: ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"])
        timeToLiveAttribute = try reader.stringIfPresent("timeToLiveAttribute")
        if let indexes = try reader.objectIfPresent("globalSecondaryIndexes") {
            for indexName in indexes.keys.sorted() {
                let index = try indexes.object(indexName)
                try index.allowOnly(["partitionKey", "sortKey", "projection", "nonKeyAttributes"])
                globalSecondaryIndexes.append(
                    Index(
                        name: indexName, partitionKey: try key(try index.object("partitionKey")),
                        sortKey: try index.objectIfPresent("sortKey").map(key),
                        projection: try index.string(
                            "projection", default: "ALL", oneOf: ["ALL", "KEYS_ONLY", "INCLUDE"]),
                        nonKeyAttributes: try index.stringArray("nonKeyAttributes")))
            }
        }
    }
}

/// Reads one JSON object of the topology, knowing where it is.
struct TopologyReader {
    let fields: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws {
        guard case .object(let fields) = value else {
            throw TopologyError(path: path, reason: "must be an object, got \(value.kindName)")
        }
        self.fields = fields
        self.path = path
    }

    var keys: [String] { Array(fields.keys) }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func allowOnly(_ allowed: Set<String>) throws {
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            let hint = TopologyError.suggestion(for: unknown, among: allowed)
            throw TopologyError(
                path: child(unknown),
                reason: "unknown key\(hint) (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func object(_ key: String) throws -> TopologyReader {
        guard let value = fields[key] else { throw TopologyError(path: child(key), reason: "is required") }
        return try TopologyReader(value, path: child(key))
    }

    func objectIfPresent(_ key: String) throws -> TopologyReader? {
        guard let value = fields[key] else { return nil }
        return try TopologyReader(value, path: child(key))
    }

    func string(_ key: String) throws -> String {
        guard let value = fields[key] else { throw TopologyError(path: child(key), reason: "is required") }
        guard case .string(let text) = value else {
            throw TopologyError(path: child(key), reason: "must be a string, got \(value.kindName)")
        }
        return text
    }

    func stringIfPresent(_ key: String, oneOf allowed: [String]? = nil) throws -> String? {
        guard fields[key] != nil else { return nil }
        let text = try string(key)
        if let allowed, !allowed.contains(text) {
            throw TopologyError(
                path: child(key), reason: "must be one of \(allowed.joined(separator: ", ")) (got '\(text)')")
        }
        return text
    }

    func string(_ key: String, default fallback: String, oneOf allowed: [String]? = nil, pattern: String? = nil) throws
        -> String
    {
        guard let text = try stringIfPresent(key, oneOf: allowed) else { return fallback }
        if let pattern, text.range(of: pattern, options: .regularExpression) == nil {
            throw TopologyError(path: child(key), reason: "'\(text)' is not valid")
        }
        return text
    }

    func stringArray(_ key: String) throws -> [String] {
        guard let value = fields[key] else { return [] }
        guard case .array(let items) = value else {
            throw TopologyError(path: child(key), reason: "must be an array of strings, got \(value.kindName)")
        }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item else {
                throw TopologyError(path: "\(child(key))[\(index)]", reason: "must be a string, got \(item.kindName)")
            }
            return text
        }
    }

    /// An array of objects, each as compact JSON text (for patterns kept as text).
    func arrayOfObjectsAsText(_ key: String) throws -> [String] {
        guard let value = fields[key] else { return [] }
        guard case .array(let items) = value else {
            throw TopologyError(path: child(key), reason: "must be an array of objects, got \(value.kindName)")
        }
        return try items.enumerated().map { index, item in
            guard case .object = item else {
                throw TopologyError(path: "\(child(key))[\(index)]", reason: "must be an object, got \(item.kindName)")
            }
            return item.compactText
        }
    }

    func integerIfPresent(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value = fields[key] else { return nil }
        guard case .number(let number) = value, number.rounded() == number,
            range.contains(Int(exactly: number) ?? Int.min)
        else {
            throw TopologyError(
                path: child(key),
                reason: "must be an integer from \(range.lowerBound) to \(range.upperBound) (got \(value.compactText))")
        }
        return Int(number)
    }

    func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        try integerIfPresent(key, range: range) ?? fallback
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = fields[key] else { return fallback }
        guard case .bool(let flag) = value else {
            throw TopologyError(path: child(key), reason: "must be true or false, got \(value.kindName)")
        }
        return flag
    }
}

extension JSONValue {
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    var compactText: String {
        (try? encoded(sortedKeys: true)).map { String(decoding: $0, as: UTF8.self) } ?? kindName
    }
}
