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

/// The problems found while reading a topology: every item is checked, and all their problems are reported
/// together (as the Terraform check does).
final class TopologyProblems {
    private(set) var all: [TopologyError] = []

    /// Runs `body`, keeping its problems instead of stopping at them.
    func collect(_ body: () throws -> Void) {
        do {
            try body()
        } catch let error as TopologyError {
            all.append(contentsOf: [error] + error.more)
        } catch {
            all.append(TopologyError(path: "", reason: "\(error)"))
        }
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
            "eventSourceMappings", "buses", "rules", "chaos",
        ])
        var topology = Topology(baseDirectory: baseDirectory)
        // Every item is checked; the problems of all of them are reported together.
        let problems = TopologyProblems()
        topology.region = try reader.string("region", default: "us-east-1", pattern: #"^[a-z]{2}(-[a-z]+)+-\d$"#)
        topology.accountID = try reader.string("accountId", default: "000000000000", pattern: #"^\d{12}$"#)
        if let functions = try reader.objectIfPresent("functions") {
            for name in functions.keys.sorted() {
                problems.collect {
                    topology.functions.append(
                        try FunctionConfiguration(try functions.object(name), name: name, base: baseDirectory))
                }
            }
        }
        if let tables = try reader.objectIfPresent("tables") {
            for name in tables.keys.sorted() {
                problems.collect {
                    topology.tables.append(try TableConfiguration(try tables.object(name), name: name))
                }
            }
        }
        if let chaos = try reader.objectIfPresent("chaos") {
            problems.collect {
                try chaos.allowOnly(["seed", "faults"])
                if let seed = try chaos.integerIfPresent("seed", range: 0...Int.max) {
                    topology.chaosSeed = UInt64(seed)
                }
                if let faults = chaos.fields["faults"] {
                    guard case .array(let items) = faults else {
                        throw TopologyError(path: chaos.child("faults"), reason: "must be an array of fault rules")
                    }
                    for (index, item) in items.enumerated() {
                        do throws(FaultRuleError) {
                            topology.faults.append(try FaultRule(item))
                        } catch {
                            throw TopologyError(path: "\(chaos.child("faults"))[\(index)]", reason: error.message)
                        }
                    }
                }
            }
        }
        try decodePipes(reader, into: &topology, problems)
        try decodeQueues(reader, into: &topology, problems)
        try decodeRules(reader, into: &topology, problems)
        try decodeMappings(reader, into: &topology, problems)
        if let apis = try reader.objectIfPresent("httpApis") {
            var owners: [String: String] = [:]
            for name in apis.keys.sorted() {
                problems.collect {
                    let api = try HTTPAPIConfiguration(
                        try apis.object(name), name: name, functions: reader.declaredNames("functions"))
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
        if let first = problems.all.first {
            var error = first
            error.more = Array(problems.all.dropFirst())
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
            "environment", "logFormat", "logLevel", "logGroup", "logRetentionInDays", "architecture",
            "maximumRetryAttempts", "maximumEventAgeInSeconds", "deadLetterQueue",
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
        if let group = try reader.stringIfPresent("logGroup") {
            do {
                try LogsStore.validateGroupName(group)
            } catch {
                throw TopologyError(path: reader.child("logGroup"), reason: "\(error)")
            }
            logGroup = group
        }
        if let days = try reader.integerIfPresent("logRetentionInDays", range: 1...3653) {
            guard LogsStore.retentionPeriods.contains(days) else {
                throw TopologyError(
                    path: reader.child("logRetentionInDays"),
                    reason: "CloudWatch Logs keeps events for one of "
                        + LogsStore.retentionPeriods.map(String.init).joined(separator: ", ") + " days")
            }
            logRetentionInDays = days
        }
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
        try reader.allowOnly(["description", "routes", "cors", "authorizers"])
        self.init(name: name, routes: [])
        func function(_ reader: TopologyReader, _ key: String, path: String) throws -> String {
            let function = try reader.string(key)
            guard functions.contains(function) else {
                throw TopologyError(
                    path: path,
                    reason: TopologyError.notIn("function", function, section: "functions", among: functions))
            }
            return function
        }
        if let authorizers = try reader.objectIfPresent("authorizers") {
            for authorizerName in authorizers.keys.sorted() {
                let entry = try authorizers.object(authorizerName)
                try entry.allowOnly(["description", "type", "function", "identitySources", "resultTtlInSeconds"])
                _ = try entry.string("type", default: "REQUEST", oneOf: ["REQUEST"])
                let sources = try entry.stringArray("identitySources")
                guard !sources.isEmpty else {
                    throw TopologyError(path: entry.child("identitySources"), reason: "names at least one source")
                }
                for source in sources
                where !(source.hasPrefix("$request.header.") || source.hasPrefix("$request.querystring."))
                    || source.hasSuffix(".")
                {
                    throw TopologyError(
                        path: entry.child("identitySources"),
                        reason: "'\(source)' is not $request.header.<name> or $request.querystring.<name>")
                }
                self.authorizers[authorizerName] = AuthorizerConfiguration(
                    name: authorizerName, function: try function(entry, "function", path: entry.child("function")),
                    identitySources: sources,
                    resultTtlInSeconds: try entry.integer("resultTtlInSeconds", default: 300, range: 0...3600))
            }
        }
        let routes = try reader.object("routes")
        for key in routes.keys.sorted() {
            let path = "\(routes.path).\(key)"
            try RouteKey.validate(key, path: path)
            // A function's name, or {"function": …, "authorizer": …}.
            if case .object = routes.fields[key] {
                let route = try routes.object(key)
                try route.allowOnly(["function", "authorizer"])
                let authorizer = try route.stringIfPresent("authorizer")
                if let authorizer, self.authorizers[authorizer] == nil {
                    throw TopologyError(
                        path: route.child("authorizer"),
                        reason: TopologyError.notIn(
                            "authorizer", authorizer, section: "httpApis.\(name).authorizers",
                            among: Set(self.authorizers.keys)))
                }
                self.routes.append(
                    RouteConfiguration(
                        key: key, function: try function(route, "function", path: route.child("function")), api: name,
                        authorizer: authorizer))
            } else {
                self.routes.append(
                    RouteConfiguration(key: key, function: try function(routes, key, path: path), api: name))
            }
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
            "description", "partitionKey", "sortKey", "globalSecondaryIndexes", "localSecondaryIndexes", "stream",
            "timeToLiveAttribute",
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
        if let indexes = try reader.objectIfPresent("localSecondaryIndexes") {
            guard sortKey != nil else {
                throw TopologyError(
                    path: indexes.path, reason: "a table needs a sortKey to have local secondary indexes")
            }
            guard indexes.keys.count <= 5 else {
                throw TopologyError(path: indexes.path, reason: "a table has at most 5 local secondary indexes")
            }
            for indexName in indexes.keys.sorted() {
                let index = try indexes.object(indexName)
                try index.allowOnly(["sortKey", "projection", "nonKeyAttributes"])
                guard !globalSecondaryIndexes.contains(where: { $0.name == indexName }) else {
                    throw TopologyError(path: index.path, reason: "a global secondary index has this name already")
                }
                localSecondaryIndexes.append(
                    Index(
                        name: indexName, partitionKey: partitionKey, sortKey: try key(try index.object("sortKey")),
                        projection: try index.string(
                            "projection", default: "ALL", oneOf: ["ALL", "KEYS_ONLY", "INCLUDE"]),
                        nonKeyAttributes: try index.stringArray("nonKeyAttributes")))
            }
        }
        for index in globalSecondaryIndexes + localSecondaryIndexes {
            let path = reader.child(
                "\(localSecondaryIndexes.contains(index) ? "localSecondaryIndexes" : "globalSecondaryIndexes").\(index.name)"
            )
            if index.projection == "INCLUDE", index.nonKeyAttributes.isEmpty {
                throw TopologyError(path: path, reason: "an INCLUDE projection names its nonKeyAttributes")
            }
            if index.projection != "INCLUDE", !index.nonKeyAttributes.isEmpty {
                throw TopologyError(path: path, reason: "nonKeyAttributes go with an INCLUDE projection only")
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

    /// The names an object member of this object declares. Cross-references are checked against what the document
    /// declares, so an item that has a mistake of its own is not reported again by everything that names it.
    func declaredNames(_ section: String) -> Set<String> {
        guard case .object(let members)? = fields[section] else { return [] }
        return Set(members.keys)
    }

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
