import AWSShapes
import Foundation

/// CloudWatch Logs on the host's AWS endpoint (JSON 1.1, `X-Amz-Target: Logs_20140328.*`): log groups, log streams,
/// PutLogEvents, GetLogEvents and FilterLogEvents, backed by ``LogsStore``.
final class LogsAPI: Sendable {
    let store: LogsStore
    let router: AWSJSONRouter

    init(store: LogsStore) {
        self.store = store
        var router = AWSJSONRouter(
            service: "logs", targetPrefixes: ["Logs_20140328."], jsonVersion: "1.1",
            // A PutLogEvents batch is at most 1 MiB of messages; the JSON around them gets room besides.
            maximumRequestSize: 2 * 1024 * 1024,
            tooLarge: LogsError(
                "RequestEntityTooLargeException", "Request body is larger than the most this API accepts", status: 413),
            decodingFailure: { LogsError("InvalidParameterException", AWSJSONCoding.describe($0)) },
            validationFailure: { LogsError("InvalidParameterException", $1.message) },
            unknownOperation: { LogsError("UnknownOperationException", "The host does not implement \($0) yet") },
            internalFailure: { LogsError("ServiceUnavailableException", $0, status: 500) })
        func on<Operation: AWSGeneratedOperation>(
            _ operation: Operation.Type, _ handle: @escaping @Sendable (Operation.Input) throws -> Operation.Output
        ) {
            router.on(operation, handle)
        }
        on(Logs.CreateLogGroup.self) { input in
            try store.createGroup(input.logGroupName)
            return AWSEmptyShape()
        }
        on(Logs.DeleteLogGroup.self) { input in
            try store.deleteGroup(input.logGroupName)
            return AWSEmptyShape()
        }
        on(Logs.DescribeLogGroups.self) { input in
            let limit = try Self.limit(input.limit, maximum: 50)
            let after = try input.nextToken.map(Self.decodeToken)
            let groups = try store.groups(prefix: input.logGroupNamePrefix, after: after, limit: limit + 1)
            return Logs.DescribeLogGroupsResponse(
                logGroups: groups.prefix(limit).map { group in
                    Logs.LogGroup(
                        logGroupName: group.name, creationTime: Int(group.createdAt),
                        retentionInDays: group.retentionDays, metricFilterCount: 0,
                        arn: store.groupARN(group.name) + ":*", storedBytes: Int(group.bytes),
                        logGroupClass: "STANDARD", logGroupArn: store.groupARN(group.name))
                },
                nextToken: groups.count > limit ? Self.encodeToken(groups[limit - 1].name) : nil)
        }
        on(Logs.PutRetentionPolicy.self) { input in
            try store.setRetention(group: input.logGroupName, days: input.retentionInDays)
            return AWSEmptyShape()
        }
        on(Logs.DeleteRetentionPolicy.self) { input in
            try store.setRetention(group: input.logGroupName, days: nil)
            return AWSEmptyShape()
        }
        on(Logs.CreateLogStream.self) { input in
            try store.createStream(group: input.logGroupName, name: input.logStreamName)
            return AWSEmptyShape()
        }
        on(Logs.DeleteLogStream.self) { input in
            try store.deleteStream(group: input.logGroupName, name: input.logStreamName)
            return AWSEmptyShape()
        }
        on(Logs.DescribeLogStreams.self) { input in
            let group = try Self.group(input.logGroupName, input.logGroupIdentifier)
            let limit = try Self.limit(input.limit, maximum: 50)
            let byTime = input.orderBy == "LastEventTime"
            guard input.orderBy == nil || ["LogStreamName", "LastEventTime"].contains(input.orderBy!) else {
                throw LogsError(
                    "InvalidParameterException",
                    "1 validation error detected: Value '\(input.orderBy!)' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"
                )
            }
            if byTime, input.logStreamNamePrefix != nil {
                throw LogsError(
                    "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
            }
            let streams = try store.streams(
                group: group, prefix: input.logStreamNamePrefix, byLastEventTime: byTime,
                descending: input.descending ?? false)
            let offset = try Paging.offset(try input.nextToken.map(Self.decodeToken), count: streams.count) {
                Self.badToken
            }
            let page = streams.dropFirst(offset).prefix(limit)
            return Logs.DescribeLogStreamsResponse(
                logStreams: page.map { stream in
                    Logs.LogStream(
                        logStreamName: stream.name, creationTime: Int(stream.createdAt),
                        firstEventTimestamp: stream.firstEventAt.map { Int($0) },
                        lastEventTimestamp: stream.lastEventAt.map { Int($0) },
                        lastIngestionTime: stream.lastIngestionAt.map { Int($0) },
                        uploadSequenceToken: Self.sequenceToken,
                        arn: store.groupARN(group) + ":log-stream:" + stream.name, storedBytes: 0)
                },
                nextToken: offset + limit < streams.count ? Self.encodeToken(String(offset + limit)) : nil)
        }
        on(Logs.PutLogEvents.self) { input in
            let result = try store.putEvents(
                group: input.logGroupName, stream: input.logStreamName,
                input.logEvents.map { (Int64($0.timestamp), $0.message) })
            let rejected =
                result.tooNewStartIndex == nil && result.tooOldEndIndex == nil
                ? nil
                : Logs.RejectedLogEventsInfo(
                    tooNewLogEventStartIndex: result.tooNewStartIndex, tooOldLogEventEndIndex: result.tooOldEndIndex)
            return Logs.PutLogEventsResponse(nextSequenceToken: Self.sequenceToken, rejectedLogEventsInfo: rejected)
        }
        on(Logs.GetLogEvents.self) { input in
            let group = try Self.group(input.logGroupName, input.logGroupIdentifier)
            let limit = try Self.limit(input.limit, maximum: 10_000, default: 10_000)
            var forward = input.startFromHead ?? false
            var from: LogPosition?
            if let token = input.nextToken {
                guard token.count == 58, token.hasPrefix("f/") || token.hasPrefix("b/"),
                    let position = LogPosition(digits: token.dropFirst(2))
                else { throw Self.badToken }
                forward = token.hasPrefix("f/")
                from = position
            }
            let events = try store.streamEvents(
                group: group, stream: input.logStreamName, after: forward ? (from ?? .start) : nil,
                before: forward ? nil : from, startTime: input.startTime.map { Int64($0) },
                endTime: input.endTime.map { Int64($0) }, limit: limit)
            let first = events.first.map { LogPosition(timestamp: $0.timestamp, sequence: $0.sequence) }
            let last = events.last.map { LogPosition(timestamp: $0.timestamp, sequence: $0.sequence) }
            // With nothing returned the tokens stay where the caller was: the same token back means "no more".
            let anchor = from ?? .start
            return Logs.GetLogEventsResponse(
                events: events.map {
                    Logs.OutputLogEvent(
                        timestamp: Int($0.timestamp), message: $0.message, ingestionTime: Int($0.ingestionTime))
                },
                nextForwardToken: "f/" + (last ?? anchor).digits, nextBackwardToken: "b/" + (first ?? anchor).digits)
        }
        on(Logs.FilterLogEvents.self) { input in
            let group = try Self.group(input.logGroupName, input.logGroupIdentifier)
            let limit = try Self.limit(input.limit, maximum: 10_000, default: 10_000)
            if input.logStreamNames != nil, input.logStreamNamePrefix != nil {
                throw LogsError(
                    "InvalidParameterException",
                    "logStreamNames and logStreamNamePrefix are mutually exclusive and cannot be used together.")
            }
            if let text = input.filterPattern, text.count > 1024 {
                throw LogsError(
                    "InvalidParameterException",
                    "1 validation error detected: Value '\(text.prefix(100))…' at 'filterPattern' failed to satisfy "
                        + "constraint: Member must have length less than or equal to 1024")
            }
            let pattern = try LogsFilterPattern(parsing: input.filterPattern ?? "")
            let after = try input.nextToken.map { token in
                guard let position = LogPosition(digits: Substring(try Self.decodeToken(token))) else {
                    throw Self.badToken
                }
                return position
            }
            let (events, more) = try store.groupEvents(
                group: group, streams: input.logStreamNames, streamPrefix: input.logStreamNamePrefix, after: after,
                startTime: input.startTime.map { Int64($0) }, endTime: input.endTime.map { Int64($0) }, limit: limit,
                accept: pattern.matches)
            let positions = events.map { LogPosition(timestamp: $0.timestamp, sequence: $0.sequence) }
            return Logs.FilterLogEventsResponse(
                events: zip(events, positions).map { event, position in
                    Logs.FilteredLogEvent(
                        logStreamName: event.stream, timestamp: Int(event.timestamp), message: event.message,
                        ingestionTime: Int(event.ingestionTime), eventId: position.digits)
                },
                searchedLogStreams: [],
                nextToken: more ? positions.last.map { Self.encodeToken($0.digits) } : nil)
        }
        self.router = router
    }

    // MARK: helpers

    /// Sequence tokens are ignored since 2023; AWS still returns one.
    static let sequenceToken = "49039859635394629345343226742543011624862339627392696338"
    static let badToken = LogsError("InvalidParameterException", "The specified nextToken is invalid.")

    static func group(_ name: String?, _ identifier: String?) throws -> String {
        switch (name, identifier) {
        case (let name?, nil): return name
        case (nil, let identifier?): return LogsStore.groupName(identifier)
        case (nil, nil):
            throw LogsError("InvalidParameterException", "Either logGroupName or logGroupIdentifier must be specified.")
        default:
            throw LogsError(
                "InvalidParameterException",
                "LogGroup name and LogGroup ARN are mutually exclusive parameters. Only one can be specified.")
        }
    }

    static func limit(_ value: Int?, maximum: Int, default fallback: Int? = nil) throws -> Int {
        try Paging.number(value, member: "limit", 1...maximum, default: fallback ?? maximum) {
            LogsError("InvalidParameterException", $0)
        }
    }

    static func encodeToken(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func decodeToken(_ token: String) throws -> String {
        guard let data = Data(base64Encoded: token) else { throw badToken }
        return String(decoding: data, as: UTF8.self)
    }
}
