#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An EventBridge event, as delivered to a target (Lambda function, SQS queue, ...).
///
/// `Detail` is the type of the `detail` object; use `RawEventBridgeEvent` when it is not known in advance.
public struct EventBridgeEvent<Detail: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// Always "0".
    public var version: String
    public var id: String
    public var detailType: String
    public var source: String
    public var account: String
    /// ISO 8601 text, kept as sent, e.g. "2019-12-11T21:38:11Z".
    public var time: String
    public var region: String
    /// ARNs of the resources the event is about.
    public var resources: [String]
    public var detail: Detail
    /// The replay's name, when the event is replayed from an archive.
    public var replayName: String?

    public init(
        version: String = "0",
        id: String,
        detailType: String,
        source: String,
        account: String,
        time: String,
        region: String,
        resources: [String] = [],
        detail: Detail,
        replayName: String? = nil
    ) {
        self.version = version
        self.id = id
        self.detailType = detailType
        self.source = source
        self.account = account
        self.time = time
        self.region = region
        self.resources = resources
        self.detail = detail
        self.replayName = replayName
    }

    enum CodingKeys: String, CodingKey {
        case version, id
        case detailType = "detail-type"
        case source, account, time, region, resources, detail
        case replayName = "replay-name"
    }
}

/// An EventBridge event whose `detail` is kept as any JSON.
public typealias RawEventBridgeEvent = EventBridgeEvent<JSONValue>
