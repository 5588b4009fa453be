import AWSShapes
import DynamoDBExpressions
import Foundation

/// A table's definition as the store keeps it (JSON in `ddb_tables.definition`).
struct DynamoDBTable: Codable, Sendable, Equatable {
    struct Key: Codable, Sendable, Equatable {
        var name: String
        /// `S`, `N` or `B`.
        var type: String
    }

    struct Index: Codable, Sendable, Equatable {
        var name: String
        var partitionKey: Key
        var sortKey: Key?
        /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
        var projectionType: String
        var nonKeyAttributes: [String]?
        /// True for a local secondary index (the table's partition key, another sort key; made with the table,
        /// read consistently, and able to fetch what it does not project); nil or false for a global one.
        var local: Bool?

        var isLocal: Bool { local == true }
    }

    struct PastStream: Codable, Sendable, Equatable {
        var label: String
        var viewType: String
    }

    var name: String
    var partitionKey: Key
    var sortKey: Key?
    var indexes: [Index] = []
    /// `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` or `NEW_AND_OLD_IMAGES`; nil when the stream is off.
    var streamViewType: String?
    /// The current stream's label (an ISO-8601 time), kept after the stream is disabled for its ARN.
    var streamLabel: String?
    /// Streams disabled since (newest last): still readable, their one shard closed, as DynamoDB keeps them for
    /// 24 hours. The newest 20 are remembered.
    var pastStreams: [PastStream]?
    var timeToLiveAttribute: String?
    var createdAt: Double
    var attributeDefinitions: [Key]
    /// Read and write capacity units of a PROVISIONED table (recorded and described, not enforced); nil on demand.
    var provisioned: Throughput?

    struct Throughput: Codable, Sendable, Equatable {
        var read: Int
        var write: Int
    }

    /// DeleteTable is refused while true (DeletionProtectionEnabled).
    var deletionProtection: Bool?
    /// `STANDARD` or `STANDARD_INFREQUENT_ACCESS`, as given (recorded and described; it changes nothing here).
    var tableClass: String?
    /// Tag key → value (TagResource, CreateTable's Tags); nil when never tagged.
    var tags: [String: String]?

    func arn(region: String, account: String) -> String {
        "arn:aws:dynamodb:\(region):\(account):table/\(name)"
    }

    /// The parts of a DynamoDB ARN (`arn:<partition>:dynamodb:<region>:<account>:<resource>`): its region, account
    /// and the resource's `/`-separated fields (`table/<name>`, `table/<name>/stream/<label>`); nil when it is not one.
    static func arnParts(_ arn: String) -> (region: Substring, account: Substring, resource: [Substring])? {
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "dynamodb" else { return nil }
        return (fields[3], fields[4], fields[5].split(separator: "/", omittingEmptySubsequences: false))
    }

    func streamARN(region: String, account: String) -> String? {
        streamLabel.map { streamARN(label: $0, region: region, account: account) }
    }

    func streamARN(label: String, region: String, account: String) -> String {
        "\(arn(region: region, account: account))/stream/\(label)"
    }

    /// Disables the stream: it becomes a past one, still readable, its shard closed.
    mutating func disableStream() {
        if let label = streamLabel, let viewType = streamViewType {
            pastStreams = Array(((pastStreams ?? []) + [PastStream(label: label, viewType: viewType)]).suffix(20))
        }
        streamViewType = nil
    }

    /// The view type of the stream with this label, current or past (nil: the table never had it).
    func streamViewType(label: String) -> String? {
        if label == streamLabel, let streamViewType { return streamViewType }
        return pastStreams?.last { $0.label == label }?.viewType
    }

    /// The item's primary key attributes, or a description of what is missing or mistyped.
    func key(of item: DynamoDBItem) -> Result<DynamoDBItem, DynamoDBTableError> {
        var key: DynamoDBItem = [:]
        for element in [partitionKey] + (sortKey.map { [$0] } ?? []) {
            guard let value = item[element.name] else {
                return .failure(.init("One of the required keys was not given a value"))
            }
            guard value.dynamoDBTypeName == element.type else {
                return .failure(
                    .init(
                        "One or more parameter values were invalid: Type mismatch for key \(element.name) expected: \(element.type) actual: \(value.dynamoDBTypeName)"
                    ))
            }
            key[element.name] = value
        }
        return .success(key)
    }
}

struct DynamoDBTableError: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}
