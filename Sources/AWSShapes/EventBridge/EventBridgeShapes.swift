#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// EventBridge operations (JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`).
public protocol EventBridgeOperation: AWSJSONOperation {}

extension EventBridgeOperation {
    public static var jsonVersion: String { "1.1" }
}

/// An empty result (`{}`).
public struct EventBridgeEmptyOutput: Codable, Sendable, Equatable {
    public init() {}
}

// MARK: buses

public struct CreateEventBusInput: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public init(name: String, description: String? = nil) {
        self.name = name
        self.description = description
    }
    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case description = "Description"
    }
}

public struct CreateEventBusOutput: Codable, Sendable, Equatable {
    public var eventBusArn: String?
    public init(eventBusArn: String? = nil) { self.eventBusArn = eventBusArn }
    enum CodingKeys: String, CodingKey { case eventBusArn = "EventBusArn" }
}

public struct EventBusNameInput: Codable, Sendable, Equatable {
    public var name: String?
    public init(name: String? = nil) { self.name = name }
    enum CodingKeys: String, CodingKey { case name = "Name" }
}

public struct EventBus: Codable, Sendable, Equatable {
    public var name: String?
    public var arn: String?
    public var description: String?
    public init(name: String? = nil, arn: String? = nil, description: String? = nil) {
        self.name = name
        self.arn = arn
        self.description = description
    }
    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case arn = "Arn"
        case description = "Description"
    }
}

public struct ListEventBusesInput: Codable, Sendable, Equatable {
    public var namePrefix: String?
    public init(namePrefix: String? = nil) { self.namePrefix = namePrefix }
    enum CodingKeys: String, CodingKey { case namePrefix = "NamePrefix" }
}

public struct ListEventBusesOutput: Codable, Sendable, Equatable {
    public var eventBuses: [EventBus]?
    public init(eventBuses: [EventBus]? = nil) { self.eventBuses = eventBuses }
    enum CodingKeys: String, CodingKey { case eventBuses = "EventBuses" }
}

// MARK: rules

public struct PutRuleInput: Codable, Sendable, Equatable {
    public var name: String
    public var eventPattern: String?
    public var scheduleExpression: String?
    public var state: String?
    public var description: String?
    public var eventBusName: String?
    public init(
        name: String, eventPattern: String? = nil, scheduleExpression: String? = nil, state: String? = nil,
        description: String? = nil, eventBusName: String? = nil
    ) {
        self.name = name
        self.eventPattern = eventPattern
        self.scheduleExpression = scheduleExpression
        self.state = state
        self.description = description
        self.eventBusName = eventBusName
    }
    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case eventPattern = "EventPattern"
        case scheduleExpression = "ScheduleExpression"
        case state = "State"
        case description = "Description"
        case eventBusName = "EventBusName"
    }
}

public struct PutRuleOutput: Codable, Sendable, Equatable {
    public var ruleArn: String?
    public init(ruleArn: String? = nil) { self.ruleArn = ruleArn }
    enum CodingKeys: String, CodingKey { case ruleArn = "RuleArn" }
}

/// The input of DescribeRule, DeleteRule, EnableRule and DisableRule.
public struct RuleNameInput: Codable, Sendable, Equatable {
    public var name: String
    public var eventBusName: String?
    public init(name: String, eventBusName: String? = nil) {
        self.name = name
        self.eventBusName = eventBusName
    }
    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case eventBusName = "EventBusName"
    }
}

public struct Rule: Codable, Sendable, Equatable {
    public var name: String?
    public var arn: String?
    public var eventPattern: String?
    public var state: String?
    public var description: String?
    public var eventBusName: String?
    public init(
        name: String? = nil, arn: String? = nil, eventPattern: String? = nil, state: String? = nil,
        description: String? = nil, eventBusName: String? = nil
    ) {
        self.name = name
        self.arn = arn
        self.eventPattern = eventPattern
        self.state = state
        self.description = description
        self.eventBusName = eventBusName
    }
    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case arn = "Arn"
        case eventPattern = "EventPattern"
        case state = "State"
        case description = "Description"
        case eventBusName = "EventBusName"
    }
}

public struct ListRulesInput: Codable, Sendable, Equatable {
    public var namePrefix: String?
    public var eventBusName: String?
    public init(namePrefix: String? = nil, eventBusName: String? = nil) {
        self.namePrefix = namePrefix
        self.eventBusName = eventBusName
    }
    enum CodingKeys: String, CodingKey {
        case namePrefix = "NamePrefix"
        case eventBusName = "EventBusName"
    }
}

public struct ListRulesOutput: Codable, Sendable, Equatable {
    public var rules: [Rule]?
    public init(rules: [Rule]? = nil) { self.rules = rules }
    enum CodingKeys: String, CodingKey { case rules = "Rules" }
}

// MARK: targets

public struct InputTransformer: Codable, Sendable, Equatable {
    public var inputPathsMap: [String: String]?
    public var inputTemplate: String
    public init(inputPathsMap: [String: String]? = nil, inputTemplate: String) {
        self.inputPathsMap = inputPathsMap
        self.inputTemplate = inputTemplate
    }
    enum CodingKeys: String, CodingKey {
        case inputPathsMap = "InputPathsMap"
        case inputTemplate = "InputTemplate"
    }
}

public struct Target: Codable, Sendable, Equatable {
    public var id: String
    public var arn: String
    public var input: String?
    public var inputPath: String?
    public var inputTransformer: InputTransformer?
    public var retryPolicy: TargetRetryPolicy?
    public var deadLetterConfig: DeadLetterConfig?
    public var sqsParameters: SqsParameters?
    public init(
        id: String, arn: String, input: String? = nil, inputPath: String? = nil,
        inputTransformer: InputTransformer? = nil, retryPolicy: TargetRetryPolicy? = nil,
        deadLetterConfig: DeadLetterConfig? = nil, sqsParameters: SqsParameters? = nil
    ) {
        self.sqsParameters = sqsParameters
        self.id = id
        self.arn = arn
        self.input = input
        self.inputPath = inputPath
        self.inputTransformer = inputTransformer
        self.retryPolicy = retryPolicy
        self.deadLetterConfig = deadLetterConfig
    }
    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case arn = "Arn"
        case input = "Input"
        case inputPath = "InputPath"
        case inputTransformer = "InputTransformer"
        case retryPolicy = "RetryPolicy"
        case deadLetterConfig = "DeadLetterConfig"
        case sqsParameters = "SqsParameters"
    }
}

/// SqsParameters: the message group of the events a FIFO queue target gets.
public struct SqsParameters: Codable, Sendable, Equatable {
    public var messageGroupId: String?
    public init(messageGroupId: String? = nil) { self.messageGroupId = messageGroupId }
    enum CodingKeys: String, CodingKey { case messageGroupId = "MessageGroupId" }
}

/// RetryPolicy: how long and how often EventBridge retries a target it cannot deliver to (AWS's defaults: 185 attempts,
/// 86400 seconds).
public struct TargetRetryPolicy: Codable, Sendable, Equatable {
    public var maximumRetryAttempts: Int?
    public var maximumEventAgeInSeconds: Int?
    public init(maximumRetryAttempts: Int? = nil, maximumEventAgeInSeconds: Int? = nil) {
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
    }
    enum CodingKeys: String, CodingKey {
        case maximumRetryAttempts = "MaximumRetryAttempts"
        case maximumEventAgeInSeconds = "MaximumEventAgeInSeconds"
    }
}

/// The standard SQS queue that receives the events a target could not get.
public struct DeadLetterConfig: Codable, Sendable, Equatable {
    public var arn: String?
    public init(arn: String? = nil) { self.arn = arn }
    enum CodingKeys: String, CodingKey { case arn = "Arn" }
}

public struct PutTargetsInput: Codable, Sendable, Equatable {
    public var rule: String
    public var eventBusName: String?
    public var targets: [Target]
    public init(rule: String, eventBusName: String? = nil, targets: [Target]) {
        self.rule = rule
        self.eventBusName = eventBusName
        self.targets = targets
    }
    enum CodingKeys: String, CodingKey {
        case rule = "Rule"
        case eventBusName = "EventBusName"
        case targets = "Targets"
    }
}

public struct TargetFailure: Codable, Sendable, Equatable {
    public var targetId: String?
    public var errorCode: String?
    public var errorMessage: String?
    public init(targetId: String? = nil, errorCode: String? = nil, errorMessage: String? = nil) {
        self.targetId = targetId
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
    enum CodingKeys: String, CodingKey {
        case targetId = "TargetId"
        case errorCode = "ErrorCode"
        case errorMessage = "ErrorMessage"
    }
}

public struct PutTargetsOutput: Codable, Sendable, Equatable {
    public var failedEntryCount: Int
    public var failedEntries: [TargetFailure]
    public init(failedEntryCount: Int = 0, failedEntries: [TargetFailure] = []) {
        self.failedEntryCount = failedEntryCount
        self.failedEntries = failedEntries
    }
    enum CodingKeys: String, CodingKey {
        case failedEntryCount = "FailedEntryCount"
        case failedEntries = "FailedEntries"
    }
}

public struct ListTargetsByRuleInput: Codable, Sendable, Equatable {
    public var rule: String
    public var eventBusName: String?
    public init(rule: String, eventBusName: String? = nil) {
        self.rule = rule
        self.eventBusName = eventBusName
    }
    enum CodingKeys: String, CodingKey {
        case rule = "Rule"
        case eventBusName = "EventBusName"
    }
}

public struct ListTargetsByRuleOutput: Codable, Sendable, Equatable {
    public var targets: [Target]?
    public init(targets: [Target]? = nil) { self.targets = targets }
    enum CodingKeys: String, CodingKey { case targets = "Targets" }
}

public struct RemoveTargetsInput: Codable, Sendable, Equatable {
    public var rule: String
    public var eventBusName: String?
    public var ids: [String]
    public init(rule: String, eventBusName: String? = nil, ids: [String]) {
        self.rule = rule
        self.eventBusName = eventBusName
        self.ids = ids
    }
    enum CodingKeys: String, CodingKey {
        case rule = "Rule"
        case eventBusName = "EventBusName"
        case ids = "Ids"
    }
}

// MARK: events

public struct PutEventsRequestEntry: Codable, Sendable, Equatable {
    public var source: String?
    public var detailType: String?
    public var detail: String?
    public var resources: [String]?
    public var time: Double?
    public var eventBusName: String?
    public var traceHeader: String?
    public init(
        source: String? = nil, detailType: String? = nil, detail: String? = nil, resources: [String]? = nil,
        time: Double? = nil, eventBusName: String? = nil, traceHeader: String? = nil
    ) {
        self.source = source
        self.detailType = detailType
        self.detail = detail
        self.resources = resources
        self.time = time
        self.eventBusName = eventBusName
        self.traceHeader = traceHeader
    }
    enum CodingKeys: String, CodingKey {
        case source = "Source"
        case detailType = "DetailType"
        case detail = "Detail"
        case resources = "Resources"
        case time = "Time"
        case eventBusName = "EventBusName"
        case traceHeader = "TraceHeader"
    }
}

public struct PutEventsInput: Codable, Sendable, Equatable {
    public var entries: [PutEventsRequestEntry]
    public init(entries: [PutEventsRequestEntry]) { self.entries = entries }
    enum CodingKeys: String, CodingKey { case entries = "Entries" }
}

public struct PutEventsResultEntry: Codable, Sendable, Equatable {
    public var eventId: String?
    public var errorCode: String?
    public var errorMessage: String?
    public init(eventId: String? = nil, errorCode: String? = nil, errorMessage: String? = nil) {
        self.eventId = eventId
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
    enum CodingKeys: String, CodingKey {
        case eventId = "EventId"
        case errorCode = "ErrorCode"
        case errorMessage = "ErrorMessage"
    }
}

public struct PutEventsOutput: Codable, Sendable, Equatable {
    public var failedEntryCount: Int
    public var entries: [PutEventsResultEntry]
    public init(failedEntryCount: Int = 0, entries: [PutEventsResultEntry] = []) {
        self.failedEntryCount = failedEntryCount
        self.entries = entries
    }
    enum CodingKeys: String, CodingKey {
        case failedEntryCount = "FailedEntryCount"
        case entries = "Entries"
    }
}

public struct TestEventPatternInput: Codable, Sendable, Equatable {
    public var eventPattern: String
    public var event: String
    public init(eventPattern: String, event: String) {
        self.eventPattern = eventPattern
        self.event = event
    }
    enum CodingKeys: String, CodingKey {
        case eventPattern = "EventPattern"
        case event = "Event"
    }
}

public struct TestEventPatternOutput: Codable, Sendable, Equatable {
    public var result: Bool
    public init(result: Bool) { self.result = result }
    enum CodingKeys: String, CodingKey { case result = "Result" }
}

// MARK: operations

public enum CreateEventBus: EventBridgeOperation {
    public typealias Input = CreateEventBusInput
    public typealias Output = CreateEventBusOutput
    public static let target = "AWSEvents.CreateEventBus"
}
public enum DescribeEventBus: EventBridgeOperation {
    public typealias Input = EventBusNameInput
    public typealias Output = EventBus
    public static let target = "AWSEvents.DescribeEventBus"
}
public enum DeleteEventBus: EventBridgeOperation {
    public typealias Input = EventBusNameInput
    public typealias Output = EventBridgeEmptyOutput
    public static let target = "AWSEvents.DeleteEventBus"
}
public enum ListEventBuses: EventBridgeOperation {
    public typealias Input = ListEventBusesInput
    public typealias Output = ListEventBusesOutput
    public static let target = "AWSEvents.ListEventBuses"
}
public enum PutRule: EventBridgeOperation {
    public typealias Input = PutRuleInput
    public typealias Output = PutRuleOutput
    public static let target = "AWSEvents.PutRule"
}
public enum DescribeRule: EventBridgeOperation {
    public typealias Input = RuleNameInput
    public typealias Output = Rule
    public static let target = "AWSEvents.DescribeRule"
}
public enum DeleteRule: EventBridgeOperation {
    public typealias Input = RuleNameInput
    public typealias Output = EventBridgeEmptyOutput
    public static let target = "AWSEvents.DeleteRule"
}
public enum EnableRule: EventBridgeOperation {
    public typealias Input = RuleNameInput
    public typealias Output = EventBridgeEmptyOutput
    public static let target = "AWSEvents.EnableRule"
}
public enum DisableRule: EventBridgeOperation {
    public typealias Input = RuleNameInput
    public typealias Output = EventBridgeEmptyOutput
    public static let target = "AWSEvents.DisableRule"
}
public enum ListRules: EventBridgeOperation {
    public typealias Input = ListRulesInput
    public typealias Output = ListRulesOutput
    public static let target = "AWSEvents.ListRules"
}
public enum PutTargets: EventBridgeOperation {
    public typealias Input = PutTargetsInput
    public typealias Output = PutTargetsOutput
    public static let target = "AWSEvents.PutTargets"
}
public enum ListTargetsByRule: EventBridgeOperation {
    public typealias Input = ListTargetsByRuleInput
    public typealias Output = ListTargetsByRuleOutput
    public static let target = "AWSEvents.ListTargetsByRule"
}
public enum RemoveTargets: EventBridgeOperation {
    public typealias Input = RemoveTargetsInput
    public typealias Output = PutTargetsOutput
    public static let target = "AWSEvents.RemoveTargets"
}
public enum PutEvents: EventBridgeOperation {
    public typealias Input = PutEventsInput
    public typealias Output = PutEventsOutput
    public static let target = "AWSEvents.PutEvents"
}
public enum TestEventPattern: EventBridgeOperation {
    public typealias Input = TestEventPatternInput
    public typealias Output = TestEventPatternOutput
    public static let target = "AWSEvents.TestEventPattern"
}
