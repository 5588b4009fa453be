import AWSShapes
import Foundation

/// A queue's redrive policy: messages received `maxReceiveCount` times move to the target at the next receive.
struct SQSRedrivePolicy: Sendable, Equatable {
    var deadLetterTargetArn: String
    var maxReceiveCount: Int

    /// Parses AWS's JSON (`maxReceiveCount` may be a number or a string).
    init?(json: String) {
        guard case .object(let object)? = try? JSONValue(parsing: Data(json.utf8)),
            case .string(let arn)? = object["deadLetterTargetArn"]
        else { return nil }
        let count: Int?
        switch object["maxReceiveCount"] {
        case .number(let number)?: count = Int(exactly: number.rounded(.towardZero))
        case .string(let text)?: count = Int(text)
        default: count = nil
        }
        guard let count, count >= 1, count <= 1000 else { return nil }
        self.deadLetterTargetArn = arn
        self.maxReceiveCount = count
    }

    init(deadLetterTargetArn: String, maxReceiveCount: Int) {
        self.deadLetterTargetArn = deadLetterTargetArn
        self.maxReceiveCount = maxReceiveCount
    }

    /// AWS's rendering in GetQueueAttributes.
    var json: String { "{\"deadLetterTargetArn\":\"\(deadLetterTargetArn)\",\"maxReceiveCount\":\(maxReceiveCount)}" }
}

/// A queue (standard or FIFO): its name and settable attributes (defaults filled in), as stored.
struct SQSQueue: Sendable, Equatable, Codable {
    var name: String
    var attributes: [String: String]
    var createdAt: Date
    var modifiedAt: Date
    var lastPurgeAt: Date?

    static let defaults: [String: String] = [
        "DelaySeconds": "0", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
        "ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "30", "SqsManagedSseEnabled": "true",
    ]

    /// What a FIFO queue has on top of ``defaults`` (GetQueueAttributes shows them all, as AWS's recording does).
    static let fifoDefaults: [String: String] = [
        "FifoQueue": "true", "ContentBasedDeduplication": "false", "DeduplicationScope": "queue",
        "FifoThroughputLimit": "perQueue",
    ]

    /// Integer attributes and their allowed ranges.
    static let ranges: [String: ClosedRange<Int>] = [
        "DelaySeconds": 0...900, "MaximumMessageSize": 1024...1_048_576, "MessageRetentionPeriod": 60...1_209_600,
        "ReceiveMessageWaitTimeSeconds": 0...20, "VisibilityTimeout": 0...43_200,
        "KmsDataKeyReusePeriodSeconds": 60...86_400,
    ]

    static let settable: Set<String> = Set(ranges.keys).union([
        "RedrivePolicy", "RedriveAllowPolicy", "Policy", "KmsMasterKeyId", "SqsManagedSseEnabled",
    ])

    /// Attributes that exist only on FIFO queues, with their allowed values.
    static let fifoOnly: [String: Set<String>] = [
        "FifoQueue": ["true"], "ContentBasedDeduplication": ["true", "false"],
        "DeduplicationScope": ["queue", "messageGroup"], "FifoThroughputLimit": ["perQueue", "perMessageGroupId"],
    ]

    func integer(_ name: String) -> Int { Int(attributes[name] ?? Self.defaults[name] ?? "0") ?? 0 }

    var visibilityTimeout: Int { integer("VisibilityTimeout") }
    var delaySeconds: Int { integer("DelaySeconds") }
    var retentionPeriod: Int { integer("MessageRetentionPeriod") }
    var maximumMessageSize: Int { integer("MaximumMessageSize") }
    var receiveMessageWaitTimeSeconds: Int { integer("ReceiveMessageWaitTimeSeconds") }
    var redrivePolicy: SQSRedrivePolicy? { attributes["RedrivePolicy"].flatMap(SQSRedrivePolicy.init(json:)) }
    var isFifo: Bool { attributes["FifoQueue"] == "true" }
    var contentBasedDeduplication: Bool { attributes["ContentBasedDeduplication"] == "true" }
    /// FIFO: deduplication ids are unique per message group (`messageGroup`) instead of per queue.
    var deduplicatesPerGroup: Bool { attributes["DeduplicationScope"] == "messageGroup" }

    /// True when CreateQueue's attributes ask for a FIFO queue (`FifoQueue` is `true`, in any case).
    static func wantsFifo(_ attributes: [String: String]) -> Bool {
        attributes["FifoQueue"]?.lowercased() == "true"
    }

    /// Checks attributes given to CreateQueue or SetQueueAttributes of a standard or FIFO queue and returns them
    /// normalized.
    static func validate(_ attributes: [String: String], fifo: Bool = false) throws -> [String: String] {
        var normalized: [String: String] = [:]
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            if let allowed = fifoOnly[name] {
                guard fifo else {
                    if name == "DeduplicationScope" || name == "FifoThroughputLimit" {
                        throw SQSError.invalidAttributeName(
                            "You can specify the \(name) only when FifoQueue is set to true.")
                    }
                    throw SQSError.invalidAttributeName("Unknown Attribute \(name).")
                }
                let value = name == "DeduplicationScope" || name == "FifoThroughputLimit" ? value : value.lowercased()
                guard allowed.contains(value) else {
                    if name == "FifoQueue" {
                        throw SQSError.invalidAttributeValue(
                            "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
                    }
                    throw SQSError.invalidAttributeValue("Invalid value for the parameter \(name).")
                }
                normalized[name] = value
                continue
            }
            guard settable.contains(name) else { throw SQSError.invalidAttributeName("Unknown Attribute \(name).") }
            if let range = ranges[name] {
                guard let number = Int(value), range.contains(number) else {
                    throw SQSError.invalidAttributeValue("Invalid value for the parameter \(name).")
                }
                normalized[name] = String(number)
            } else if name == "RedrivePolicy" {
                if value.isEmpty {
                    normalized[name] = ""
                    continue
                }
                guard let policy = SQSRedrivePolicy(json: value) else {
                    throw SQSError.invalidParameter(
                        "RedrivePolicy", value,
                        reason: "Redrive policy is not a valid JSON map with deadLetterTargetArn and maxReceiveCount.")
                }
                normalized[name] = policy.json
            } else if name == "SqsManagedSseEnabled" {
                guard ["true", "false"].contains(value.lowercased()) else {
                    throw SQSError.invalidAttributeValue("Invalid value for the parameter \(name).")
                }
                normalized[name] = value.lowercased()
            } else {
                normalized[name] = value
            }
        }
        return normalized
    }

    /// Queue names: 1 to 80 alphanumeric characters, hyphens or underscores; a FIFO queue's name ends with `.fifo`
    /// (which counts towards the 80), and only a FIFO queue's.
    static func validateName(_ name: String, fifo: Bool = false) throws {
        if fifo && !name.hasSuffix(".fifo") {
            throw SQSError.invalidParameterValue(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
            )
        }
        let base = fifo ? name.dropLast(5) + "_fifo" : name
        let allowed = base.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
        guard allowed, (1...80).contains(base.utf8.count) else {
            if fifo {
                throw SQSError.invalidParameterValue(
                    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                )
            }
            throw SQSError.invalidParameterValue(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }
}
