import Foundation

/// A queue's redrive policy: messages received `maxReceiveCount` times move to the target at the next receive.
struct SQSRedrivePolicy: Sendable, Equatable {
    var deadLetterTargetArn: String
    var maxReceiveCount: Int

    /// Parses AWS's JSON (`maxReceiveCount` may be a number or a string).
    init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let arn = object["deadLetterTargetArn"] as? String
        else { return nil }
        let count: Int?
        switch object["maxReceiveCount"] {
        case let number as NSNumber: count = number.intValue
        case let text as String: count = Int(text)
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

/// A standard queue: its name and settable attributes (defaults filled in), as stored.
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

    /// Integer attributes and their allowed ranges.
    static let ranges: [String: ClosedRange<Int>] = [
        "DelaySeconds": 0...900, "MaximumMessageSize": 1024...1_048_576, "MessageRetentionPeriod": 60...1_209_600,
        "ReceiveMessageWaitTimeSeconds": 0...20, "VisibilityTimeout": 0...43_200,
        "KmsDataKeyReusePeriodSeconds": 60...86_400,
    ]

    static let settable: Set<String> = Set(ranges.keys).union([
        "RedrivePolicy", "RedriveAllowPolicy", "Policy", "KmsMasterKeyId", "SqsManagedSseEnabled",
    ])

    /// Attributes that exist only on FIFO queues.
    static let fifoOnly: Set<String> = [
        "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
    ]

    func integer(_ name: String) -> Int { Int(attributes[name] ?? Self.defaults[name] ?? "0") ?? 0 }

    var visibilityTimeout: Int { integer("VisibilityTimeout") }
    var delaySeconds: Int { integer("DelaySeconds") }
    var retentionPeriod: Int { integer("MessageRetentionPeriod") }
    var maximumMessageSize: Int { integer("MaximumMessageSize") }
    var receiveMessageWaitTimeSeconds: Int { integer("ReceiveMessageWaitTimeSeconds") }
    var redrivePolicy: SQSRedrivePolicy? { attributes["RedrivePolicy"].flatMap(SQSRedrivePolicy.init(json:)) }

    /// Checks attributes given to CreateQueue or SetQueueAttributes and returns them normalized.
    static func validate(_ attributes: [String: String]) throws -> [String: String] {
        var normalized: [String: String] = [:]
        for (name, value) in attributes {
            if name == "DeduplicationScope" || name == "FifoThroughputLimit" {
                throw SQSError.invalidAttributeName("You can specify the \(name) only when FifoQueue is set to true.")
            }
            if name == "FifoQueue" && value.lowercased() == "true" {
                throw SQSError.unsupported("FIFO queues are not supported by this host yet.")
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

    /// Queue names: 1 to 80 alphanumeric characters, hyphens or underscores.
    static func validateName(_ name: String) throws {
        if name.hasSuffix(".fifo") { throw SQSError.unsupported("FIFO queues are not supported by this host yet.") }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
        guard allowed, (1...80).contains(name.utf8.count) else {
            throw SQSError.invalidParameterValue(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }
}
