import AWSShapes
import Foundation

/// The system description in `infra/topology.json`, read by both the host and Terraform.
/// Names are AWS resource names. See README "Topology schema".
public struct Topology: Sendable, Equatable {
    public var region: String
    public var accountID: String
    /// Functions by name, sorted by name.
    public var functions: [FunctionConfiguration]
    /// API Gateway HTTP APIs by name, sorted by name; the host serves all of them on its API port.
    public var httpAPIs: [HTTPAPIConfiguration] = []
    /// DynamoDB tables, sorted by name; they exist when the host is ready.
    public var tables: [TableConfiguration] = []
    /// EventBridge Pipes from DynamoDB streams to event buses.
    public var pipes: [PipeConfiguration] = []
    /// SQS queues (with their dead-letter queues), created when the host starts.
    public var queues: [QueueConfiguration] = []
    /// Event buses besides `default`.
    public var buses: [String] = []
    /// EventBridge rules with their targets.
    public var rules: [RuleConfiguration] = []
    /// SQS → Lambda event source mappings.
    public var eventSourceMappings: [EventSourceMappingConfiguration] = []
    /// The folder of the topology file: relative paths in it start here.
    /// Faults on from the start (`chaos.faults`, the rules `/_host/chaos/faults` takes) and their draws' seed.
    var faults: [FaultRule] = []
    public var chaosSeed: UInt64?
    public var baseDirectory: String

    public init(
        region: String = "us-east-1", accountID: String = "000000000000", functions: [FunctionConfiguration] = [],
        httpAPIs: [HTTPAPIConfiguration] = [], baseDirectory: String = "."
    ) {
        self.region = region
        self.accountID = accountID
        self.functions = functions
        self.httpAPIs = httpAPIs
        self.baseDirectory = baseDirectory
    }

    public func function(named name: String) -> FunctionConfiguration? {
        functions.first { $0.name == name }
    }
}

/// One Lambda function (`provided.al2023`, handler `bootstrap` by default).
public struct FunctionConfiguration: Sendable, Equatable {
    public var name: String
    /// The executable the host starts as the function's `bootstrap`: an absolute path, or `nil` for the Swift
    /// product named like the function (built by `swift run host`).
    public var executable: String?
    public var arguments: [String]
    public var handler: String
    /// Megabytes, 128 to 10240.
    public var memorySize: Int
    /// Seconds, 1 to 900.
    public var timeout: Int
    /// The most execution environments at once; invocations beyond wait in line.
    public var maxConcurrency: Int
    public var environment: [String: String]
    /// `Text` or `JSON` (`AWS_LAMBDA_LOG_FORMAT`), with `logLevel` (`AWS_LAMBDA_LOG_LEVEL`).
    public var logFormat: String?
    public var logLevel: String?
    /// The CloudWatch log group its output goes to (LoggingConfig.LogGroup); nil is Lambda's `/aws/lambda/<name>`.
    public var logGroup: String?
    /// The days its log group keeps events (one of CloudWatch Logs' periods); nil keeps them forever.
    public var logRetentionInDays: Int?
    /// `arm64` or `x86_64`: what Terraform deploys; the host runs the local build.
    public var architecture: String
    /// Asynchronous invocations (EventInvokeConfig): retries after a function error (0–2, AWS's default 2) and the
    /// oldest an event may get before it is given up (60–21600 seconds, default 21600).
    public var maximumRetryAttempts: Int
    public var maximumEventAgeInSeconds: Int
    /// A queue of the topology that receives asynchronous events given up after their last attempt.
    public var deadLetterQueue: String?

    public init(
        name: String, executable: String? = nil, arguments: [String] = [], handler: String = "bootstrap",
        memorySize: Int = 128, timeout: Int = 3, maxConcurrency: Int = 10, environment: [String: String] = [:],
        logFormat: String? = nil, logLevel: String? = nil, architecture: String = "arm64",
        maximumRetryAttempts: Int = 2, maximumEventAgeInSeconds: Int = 21600, deadLetterQueue: String? = nil
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.handler = handler
        self.memorySize = memorySize
        self.timeout = timeout
        self.maxConcurrency = maxConcurrency
        self.environment = environment
        self.logFormat = logFormat
        self.logLevel = logLevel
        self.architecture = architecture
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
        self.deadLetterQueue = deadLetterQueue
    }

    /// The log group its output goes to.
    public var logGroupName: String { logGroup ?? "/aws/lambda/\(name)" }
}

/// An API Gateway HTTP API (payload format 2.0, `$default` stage).
public struct HTTPAPIConfiguration: Sendable, Equatable {
    public var name: String
    public var routes: [RouteConfiguration]
    public var cors: CORSConfiguration?
    /// The API's Lambda authorizers by name (routes name theirs).
    public var authorizers: [String: AuthorizerConfiguration]

    public init(
        name: String, routes: [RouteConfiguration], cors: CORSConfiguration? = nil,
        authorizers: [String: AuthorizerConfiguration] = [:]
    ) {
        self.name = name
        self.routes = routes
        self.cors = cors
        self.authorizers = authorizers
    }
}

/// An HTTP API Lambda authorizer of type REQUEST with simple responses (payload format 2.0): the function gets the
/// request and answers `{"isAuthorized": bool, "context": {…}}`.
public struct AuthorizerConfiguration: Sendable, Equatable {
    public var name: String
    public var function: String
    /// Where the caller's identity is: `$request.header.<name>` or `$request.querystring.<name>`. A request
    /// missing any of them is refused (401) without invoking the function.
    public var identitySources: [String]
    /// How long a decision is kept for the same identity (0: not cached; AWS's default 300, at most 3600).
    public var resultTtlInSeconds: Int

    public init(name: String, function: String, identitySources: [String], resultTtlInSeconds: Int = 300) {
        self.name = name
        self.function = function
        self.identitySources = identitySources
        self.resultTtlInSeconds = resultTtlInSeconds
    }
}

/// `"METHOD /path"` (or `$default`) → a function.
public struct RouteConfiguration: Sendable, Equatable {
    /// The route key as AWS writes it: `GET /items/{id}`, `ANY /files/{proxy+}`, `$default`.
    public var key: String
    public var function: String
    /// The name of the API the route belongs to.
    public var api: String
    /// The API's authorizer that must allow a request before it reaches the function (nil: none).
    public var authorizer: String?

    public init(key: String, function: String, api: String = "http-api", authorizer: String? = nil) {
        self.key = key
        self.function = function
        self.api = api
        self.authorizer = authorizer
    }
}

/// The HTTP API's CORS configuration; preflight requests are answered by the API itself.
public struct CORSConfiguration: Sendable, Equatable {
    public var allowOrigins: [String]
    public var allowMethods: [String]
    public var allowHeaders: [String]
    public var exposeHeaders: [String]
    public var maxAge: Int?
    public var allowCredentials: Bool

    public init(
        allowOrigins: [String] = [], allowMethods: [String] = [], allowHeaders: [String] = [],
        exposeHeaders: [String] = [], maxAge: Int? = nil, allowCredentials: Bool = false
    ) {
        self.allowOrigins = allowOrigins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
    }
}

/// A DynamoDB table (on-demand billing).
public struct TableConfiguration: Sendable, Equatable {
    public struct Key: Sendable, Equatable {
        public var name: String
        /// `S`, `N` or `B`.
        public var type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public struct Index: Sendable, Equatable {
        public var name: String
        public var partitionKey: Key
        public var sortKey: Key?
        /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
        public var projection: String
        public var nonKeyAttributes: [String]

        public init(
            name: String, partitionKey: Key, sortKey: Key? = nil, projection: String = "ALL",
            nonKeyAttributes: [String] = []
        ) {
            self.name = name
            self.partitionKey = partitionKey
            self.sortKey = sortKey
            self.projection = projection
            self.nonKeyAttributes = nonKeyAttributes
        }
    }

    public var name: String
    public var partitionKey: Key
    public var sortKey: Key?
    public var globalSecondaryIndexes: [Index]
    /// Local secondary indexes: the table's partition key and another sort key (`partitionKey` is the table's).
    public var localSecondaryIndexes: [Index] = []
    /// The stream's view type (`KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE`, `NEW_AND_OLD_IMAGES`), or nil for no stream.
    public var stream: String?
    public var timeToLiveAttribute: String?

    public init(
        name: String, partitionKey: Key, sortKey: Key? = nil, globalSecondaryIndexes: [Index] = [],
        stream: String? = nil,
        timeToLiveAttribute: String? = nil
    ) {
        self.name = name
        self.partitionKey = partitionKey
        self.sortKey = sortKey
        self.globalSecondaryIndexes = globalSecondaryIndexes
        self.stream = stream
        self.timeToLiveAttribute = timeToLiveAttribute
    }
}

/// An EventBridge Pipe: a DynamoDB stream → optional filters → an event bus.
public struct PipeConfiguration: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The table whose stream is the source.
    public var sourceTable: String
    /// `TRIM_HORIZON` (default) or `LATEST`.
    public var startingPosition: String
    public var batchSize: Int
    public var maximumBatchingWindowInSeconds: Int
    /// EventBridge patterns over the stream record; a record passes when any matches (none: every record passes).
    public var filters: [String]
    public var targetBus: String
    /// `EventBridgeEventBusParameters`: the events' `source` and `detail-type` (AWS's defaults when nil:
    /// `Pipe <name>` and `Event from aws:dynamodb`).
    public var source: String?
    public var detailType: String?
    /// The target's input template (placeholders `<$.dynamodb.NewImage.id.S>`, `<aws.pipes.pipe-name>`, …).
    public var inputTemplate: String?
    /// Retries of a batch the bus refuses before it is discarded (nil: AWS's default, -1, until it expires).
    public var maximumRetryAttempts: Int?
    /// Records older than this are discarded (nil: AWS's default, -1, never).
    public var maximumRecordAgeInSeconds: Int?
    /// The queue that gets a message describing each discarded batch.
    public var deadLetterQueue: String?

    public init(
        name: String, description: String? = nil, sourceTable: String, startingPosition: String = "TRIM_HORIZON",
        batchSize: Int = 10, maximumBatchingWindowInSeconds: Int = 0, filters: [String] = [],
        targetBus: String = "default", source: String? = nil, detailType: String? = nil, inputTemplate: String? = nil,
        maximumRetryAttempts: Int? = nil, maximumRecordAgeInSeconds: Int? = nil, deadLetterQueue: String? = nil
    ) {
        self.name = name
        self.description = description
        self.sourceTable = sourceTable
        self.startingPosition = startingPosition
        self.batchSize = batchSize
        self.maximumBatchingWindowInSeconds = maximumBatchingWindowInSeconds
        self.filters = filters
        self.targetBus = targetBus
        self.source = source
        self.detailType = detailType
        self.inputTemplate = inputTemplate
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumRecordAgeInSeconds = maximumRecordAgeInSeconds
        self.deadLetterQueue = deadLetterQueue
    }
}

/// An SQS queue; `deadLetterQueue` with `maxReceiveCount` is its redrive policy.
public struct QueueConfiguration: Sendable, Equatable {
    public var name: String
    public var visibilityTimeout: Int
    public var messageRetentionPeriod: Int?
    public var receiveMessageWaitTime: Int?
    public var deadLetterQueue: String?
    public var maxReceiveCount: Int
    /// A FIFO queue (its name ends in `.fifo`) with content-based deduplication.
    public var contentBasedDeduplication: Bool
    public var isFIFO: Bool { name.hasSuffix(".fifo") }

    public init(
        name: String, visibilityTimeout: Int = 30, messageRetentionPeriod: Int? = nil,
        receiveMessageWaitTime: Int? = nil,
        deadLetterQueue: String? = nil, maxReceiveCount: Int = 3, contentBasedDeduplication: Bool = false
    ) {
        self.contentBasedDeduplication = contentBasedDeduplication
        self.name = name
        self.visibilityTimeout = visibilityTimeout
        self.messageRetentionPeriod = messageRetentionPeriod
        self.receiveMessageWaitTime = receiveMessageWaitTime
        self.deadLetterQueue = deadLetterQueue
        self.maxReceiveCount = maxReceiveCount
    }
}

/// An event source mapping: an SQS queue or a table's DynamoDB stream → a function.
public struct EventSourceMappingConfiguration: Sendable, Equatable {
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case queue(String)
        /// The table's stream.
        case table(String)

        public var description: String {
            switch self {
            case .queue(let name): return "queue:\(name)"
            case .table(let name): return "table:\(name)"
            }
        }
    }

    public var function: String
    public var source: Source
    public var enabled: Bool
    public var batchSize: Int
    public var maximumBatchingWindowInSeconds: Int
    public var reportBatchItemFailures: Bool
    /// Pollers at once (`ScalingConfig.MaximumConcurrency`, SQS).
    public var maximumConcurrency: Int
    /// EventBridge patterns over `{"body": …}` (SQS) or the stream record; what no filter accepts is deleted (SQS)
    /// or skipped (streams).
    public var filters: [String]
    /// Streams: `TRIM_HORIZON` or `LATEST`.
    public var startingPosition: String
    public var maximumRetryAttempts: Int
    public var maximumRecordAgeInSeconds: Int
    public var bisectBatchOnFunctionError: Bool
    /// Streams: the queue that receives the coordinates of discarded batches.
    public var onFailureQueue: String?

    public init(
        function: String, source: Source, enabled: Bool = true, batchSize: Int? = nil,
        maximumBatchingWindowInSeconds: Int = 0, reportBatchItemFailures: Bool = false, maximumConcurrency: Int = 2,
        filters: [String] = [], startingPosition: String = "TRIM_HORIZON", maximumRetryAttempts: Int = -1,
        maximumRecordAgeInSeconds: Int = -1, bisectBatchOnFunctionError: Bool = false, onFailureQueue: String? = nil
    ) {
        self.function = function
        self.source = source
        self.enabled = enabled
        if case .table = source { self.batchSize = batchSize ?? 100 } else { self.batchSize = batchSize ?? 10 }
        self.maximumBatchingWindowInSeconds = maximumBatchingWindowInSeconds
        self.reportBatchItemFailures = reportBatchItemFailures
        self.maximumConcurrency = maximumConcurrency
        self.filters = filters
        self.startingPosition = startingPosition
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumRecordAgeInSeconds = maximumRecordAgeInSeconds
        self.bisectBatchOnFunctionError = bisectBatchOnFunctionError
        self.onFailureQueue = onFailureQueue
    }
}

/// An EventBridge rule on a bus, with its targets (queues or functions of the topology).
public struct RuleConfiguration: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        public var id: String
        /// Exactly one of: a queue of the topology, a function of the topology, a CloudWatch Logs log group (created
        /// when the host starts if it does not exist).
        public var queue: String?
        public var function: String?
        public var logGroup: String?
        public var inputPath: String?
        /// RetryPolicy: retries when the target cannot be delivered to (0–185, default 185) and the oldest an
        /// event may get (60–86400 seconds, default 86400).
        public var maximumRetryAttempts: Int?
        public var maximumEventAgeInSeconds: Int?
        /// DeadLetterConfig: a queue of the topology for events the target could not get.
        public var deadLetterQueue: String?
        /// SqsParameters.MessageGroupId: required when `queue` is a FIFO queue (which must also deduplicate by
        /// content, as EventBridge requires).
        public var messageGroupId: String?

        public init(
            id: String, queue: String? = nil, function: String? = nil, logGroup: String? = nil,
            inputPath: String? = nil, maximumRetryAttempts: Int? = nil, maximumEventAgeInSeconds: Int? = nil,
            deadLetterQueue: String? = nil, messageGroupId: String? = nil
        ) {
            self.messageGroupId = messageGroupId
            self.id = id
            self.queue = queue
            self.function = function
            self.logGroup = logGroup
            self.inputPath = inputPath
            self.maximumRetryAttempts = maximumRetryAttempts
            self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
            self.deadLetterQueue = deadLetterQueue
        }
    }

    public var name: String
    public var bus: String
    /// The event pattern as JSON text.
    public var pattern: String
    /// A ScheduleExpression instead of a pattern (the rule fires on it, on the default bus).
    public var schedule: String? = nil
    public var enabled: Bool
    public var targets: [Target]

    public init(name: String, bus: String = "default", pattern: String, enabled: Bool = true, targets: [Target] = []) {
        self.name = name
        self.bus = bus
        self.pattern = pattern
        self.enabled = enabled
        self.targets = targets
    }
}
