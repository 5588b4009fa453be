import AWSShapes
import Foundation

/// The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator, GetRecords. Each stream has one shard;
/// a shard iterator is the stream and the last sequence read, so a reader resumes exactly where it stopped.
struct DynamoDBStreamsOperations: Sendable {
    let store: DynamoDBStore

    /// The single shard's id.
    static let shardID = "shardId-00000000000000000000-00000001"

    /// What a shard iterator says: which stream, and the stored sequence after which to read.
    struct Position: Codable, Equatable {
        var table: String
        var label: String
        var after: Int64
    }

    func listStreams(_ input: ListStreamsInput) throws -> ListStreamsOutput {
        var streams: [StreamSummary] = []
        for name in try store.tableNames() where input.tableName == nil || input.tableName == name {
            guard let table = try store.table(named: name),
                let arn = table.streamARN(region: store.region, account: store.account)
            else { continue }
            streams.append(StreamSummary(streamArn: arn, tableName: name, streamLabel: table.streamLabel))
        }
        if let start = input.exclusiveStartStreamArn, let index = streams.firstIndex(where: { $0.streamArn == start }) {
            streams.removeFirst(index + 1)
        }
        let limit = try Paging.number(input.limit, member: "limit", 1...100, default: 100) {
            DynamoDBAPIError.validation($0)
        }
        let page = Array(streams.prefix(limit))
        return ListStreamsOutput(
            streams: page, lastEvaluatedStreamArn: streams.count > limit ? page.last?.streamArn : nil)
    }

    func describeStream(_ input: DescribeStreamInput) throws -> DescribeStreamOutput {
        let (table, label) = try stream(input.streamArn)
        let first = try store.streamRecords(table: table.name, label: label, after: nil, limit: 1).first
        let enabled = table.streamLabel == label && table.streamViewType != nil
        return DescribeStreamOutput(
            streamDescription: StreamDescription(
                streamArn: input.streamArn,
                streamLabel: label,
                streamStatus: enabled ? .enabled : .disabled,
                streamViewType: .init(rawValue: table.streamViewType ?? "NEW_AND_OLD_IMAGES"),
                creationRequestDateTime: table.createdAt,
                tableName: table.name,
                keySchema: [DynamoDBStreams.KeySchemaElement(attributeName: table.partitionKey.name, keyType: .hash)]
                    + (table.sortKey.map { [DynamoDBStreams.KeySchemaElement(attributeName: $0.name, keyType: .range)] }
                        ?? []),
                shards: [
                    Shard(
                        shardId: Self.shardID,
                        sequenceNumberRange: SequenceNumberRange(
                            startingSequenceNumber: DynamoDBStore.sequenceNumber(first?.sequence ?? 1)))
                ]))
    }

    func getShardIterator(_ input: GetShardIteratorInput) throws -> GetShardIteratorOutput {
        let (table, label) = try stream(input.streamArn)
        guard input.shardId == Self.shardID else {
            throw DynamoDBAPIError.resourceNotFound("Requested resource not found: Shard does not exist")
        }
        func sequence() throws -> Int64 {
            guard let text = input.sequenceNumber, let sequence = DynamoDBStore.sequence(of: text) else {
                throw DynamoDBAPIError.validation(
                    "A valid SequenceNumber is required for \(input.shardIteratorType.rawValue)")
            }
            return sequence
        }
        let after: Int64
        switch input.shardIteratorType.rawValue {
        case "TRIM_HORIZON": after = 0
        case "LATEST": after = try store.latestSequence(table: table.name, label: label) ?? 0
        case "AT_SEQUENCE_NUMBER": after = try sequence() - 1
        case "AFTER_SEQUENCE_NUMBER": after = try sequence()
        default:
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value '\(input.shardIteratorType.rawValue)' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, AT_SEQUENCE_NUMBER, LATEST]"
            )
        }
        return GetShardIteratorOutput(
            shardIterator: try Self.iterator(Position(table: table.name, label: label, after: after)))
    }

    func getRecords(_ input: GetRecordsInput) throws -> GetRecordsOutput {
        guard let position = Self.position(input.shardIterator) else {
            throw DynamoDBAPIError.validation("Invalid ShardIterator")
        }
        let limit = input.limit ?? 1000
        guard (1...1000).contains(limit) else {
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value '\(limit)' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000"
            )
        }
        let records = try store.streamRecords(
            table: position.table, label: position.label, after: position.after, limit: limit)
        var next = position
        next.after = records.last?.sequence ?? position.after
        return GetRecordsOutput(
            records: records.map { DynamoDBStreamsRecord($0.record) },
            nextShardIterator: try Self.iterator(next))
    }

    // MARK: helpers

    /// The table and stream label of a stream ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`).
    func stream(_ arn: String) throws -> (DynamoDBTable, String) {
        let parts = arn.split(separator: "/", omittingEmptySubsequences: false)
        let notFound = DynamoDBAPIError.resourceNotFound("Requested resource not found: Stream: \(arn) not found")
        guard parts.count == 4, parts[2] == "stream", let table = try store.table(named: String(parts[1])) else {
            throw notFound
        }
        let label = String(parts[3])
        // A label the table never had (neither its stream now nor one whose records are still kept) names no
        // stream: ResourceNotFound, as recorded (test_dynamodb_streams test_non_existent_stream).
        if label != table.streamLabel,
            try store.streamRecords(table: table.name, label: label, after: nil, limit: 1).isEmpty
        {
            throw notFound
        }
        return (table, label)
    }

    static func iterator(_ position: Position) throws -> String {
        try JSONEncoder().encode(position).base64EncodedString()
    }

    static func position(_ iterator: String) -> Position? {
        Data(base64Encoded: iterator).flatMap { try? JSONDecoder().decode(Position.self, from: $0) }
    }
}
