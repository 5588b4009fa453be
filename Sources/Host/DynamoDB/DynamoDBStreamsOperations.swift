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
            guard let table = try store.table(named: name) else { continue }
            // Past streams first (older labels), then the current one.
            let labels = (table.pastStreams ?? []).map(\.label) + (table.streamLabel.map { [$0] } ?? [])
            var seen = Set<String>()
            for label in labels where seen.insert(label).inserted {
                streams.append(
                    StreamSummary(
                        streamArn: table.streamARN(label: label, region: store.region, account: store.account),
                        tableName: name, streamLabel: label))
            }
        }
        if let start = input.exclusiveStartStreamArn {
            _ = try Self.streamParts(start)
            if let index = streams.firstIndex(where: { $0.streamArn == start }) { streams.removeFirst(index + 1) }
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
        _ = try Paging.number(input.limit, member: "limit", 1...100, default: 100) { DynamoDBAPIError.validation($0) }
        if let filter = input.shardFilter {
            // CHILD_SHARDS is the only filter type; the model's constraints on the id are checked by the router.
            guard let type = filter.type else {
                throw DynamoDBAPIError.validation("ShardFilter.Type is required when a ShardFilter is given")
            }
            guard type == .childShards else {
                throw DynamoDBAPIError.validation(
                    "1 validation error detected: Value '\(type.rawValue)' at 'shardFilter.type' failed to satisfy "
                        + "constraint: Member must satisfy enum value set: [CHILD_SHARDS]")
            }
            guard filter.shardId != nil else {
                throw DynamoDBAPIError.validation("ShardFilter.ShardId is required when a ShardFilter is given")
            }
        }
        let first = try store.streamRecords(table: table.name, label: label, after: nil, limit: 1).first
        let enabled = table.streamLabel == label && table.streamViewType != nil
        let start = DynamoDBStore.sequenceNumber(first?.sequence ?? 1)
        // A disabled stream's shard is closed: it ends at its last record (at its start when it has none).
        let end =
            enabled
            ? nil : try store.latestSequence(table: table.name, label: label).map(DynamoDBStore.sequenceNumber) ?? start
        // The stream's one shard, listed unless the page starts after it (shard ids are in lexical order, and an id
        // past every shard, existing or not, lists none, as DynamoDB answers) or the filter asks for children (the
        // one shard never splits, so it has none).
        let listed = input.shardFilter == nil && (input.exclusiveStartShardId.map { $0 < Self.shardID } ?? true)
        return DescribeStreamOutput(
            streamDescription: StreamDescription(
                streamArn: input.streamArn,
                streamLabel: label,
                streamStatus: enabled ? .enabled : .disabled,
                streamViewType: .init(rawValue: table.streamViewType(label: label) ?? "NEW_AND_OLD_IMAGES"),
                creationRequestDateTime: table.createdAt,
                tableName: table.name,
                keySchema: [DynamoDBStreams.KeySchemaElement(attributeName: table.partitionKey.name, keyType: .hash)]
                    + (table.sortKey.map { [DynamoDBStreams.KeySchemaElement(attributeName: $0.name, keyType: .range)] }
                        ?? []),
                shards: listed
                    ? [
                        Shard(
                            shardId: Self.shardID,
                            sequenceNumberRange: SequenceNumberRange(
                                startingSequenceNumber: start, endingSequenceNumber: end))
                    ] : []))
    }

    func getShardIterator(_ input: GetShardIteratorInput) throws -> GetShardIteratorOutput {
        let (table, label) = try stream(input.streamArn)
        guard input.shardId == Self.shardID else {
            throw DynamoDBAPIError.resourceNotFound("Requested resource not found: Shard does not exist")
        }
        let positional = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"].contains(input.shardIteratorType.rawValue)
        if !positional, input.sequenceNumber != nil {
            throw DynamoDBAPIError.validation(
                "SequenceNumber is only used with AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER, not with "
                    + input.shardIteratorType.rawValue)
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
        // A closed shard read to its end has no next iterator (DynamoDB's sign that it is done).
        let table = try store.table(named: position.table)
        let closed = table.map { $0.streamLabel != position.label || $0.streamViewType == nil } ?? true
        let atEnd = records.count < limit
        return GetRecordsOutput(
            records: records.map { DynamoDBStreamsRecord($0.record) },
            nextShardIterator: closed && atEnd ? nil : try Self.iterator(next))
    }

    // MARK: helpers

    /// The table and stream label of a stream ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`).
    /// A malformed ARN is a ValidationException; a well-formed one naming no table or stream is ResourceNotFound
    /// (as DynamoDB answers both).
    func stream(_ arn: String) throws -> (DynamoDBTable, String) {
        let (name, label) = try Self.streamParts(arn)
        let notFound = DynamoDBAPIError.resourceNotFound("Requested resource not found: Stream: \(arn) not found")
        guard let table = try store.table(named: name) else { throw notFound }
        // A label the table never had (neither its stream now nor one whose records are still kept) names no
        // stream: ResourceNotFound, as recorded (test_dynamodb_streams test_non_existent_stream).
        if label != table.streamLabel, table.streamViewType(label: label) == nil,
            try store.streamRecords(table: table.name, label: label, after: nil, limit: 1).isEmpty
        {
            throw notFound
        }
        return (table, label)
    }

    /// The table name and label of a well-formed stream ARN
    /// (`arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>`).
    static func streamParts(_ arn: String) throws -> (table: String, label: String) {
        let parts = DynamoDBTable.arnParts(arn)?.resource ?? []
        guard parts.count == 4, parts[0] == "table", parts[2] == "stream", !parts[1].isEmpty, !parts[3].isEmpty
        else {
            throw DynamoDBAPIError.validation("Invalid StreamArn: \(arn)")
        }
        return (String(parts[1]), String(parts[3]))
    }

    static func iterator(_ position: Position) throws -> String {
        try JSONEncoder().encode(position).base64EncodedString()
    }

    static func position(_ iterator: String) -> Position? {
        Data(base64Encoded: iterator).flatMap { try? JSONDecoder().decode(Position.self, from: $0) }
    }
}
