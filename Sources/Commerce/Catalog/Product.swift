import AWSShapes

// The catalog of Inside Out Commerce (seed-behaviour.md §10.1): the catalog service owns its products and shares them
// by event-carried state transfer. Every write puts the product and its full-state event in one transaction; the
// event goes to the compacted log, a table that holds the latest event of each product (`productId` is its key, as a
// compacted topic keeps the latest message per key). The log's stream carries every event live, in order per product
// (DynamoDB Streams keep each item's changes in order, and each product is one item of the log); a consumer builds
// its view from the events alone, and can rebuild it from empty by reading the log (a Scan) while the live events go
// on: each event is the whole product with its version, and a view keeps a product only at a higher version than
// it holds, so the order of replay and live events, and duplicates, cannot matter.
//
// DECISIONS: the log's stream rather than a FIFO queue: a FIFO queue would need a forwarder (another outbox), a
// message group per product and a five-minute deduplication window; the stream keeps each product's order by itself.
// A deleted product's event stays in the log (a tombstone: `product.deleted` with the last state), so a consumer that
// rebuilds learns of the delete too; names are 1 to 200 characters, categories 1 to 64 of `a-z 0-9 -`.

/// A product of the catalog.
public struct Product: Equatable, Sendable {
    public var productId: String
    public var name: String
    public var category: String
    public var price: Double
    /// 1 when created, one more at each change (the delete's event carries the next).
    public var version: Int
    public var updatedAt: String

    public init(productId: String, name: String, category: String, price: Double, version: Int, updatedAt: String) {
        self.productId = productId
        self.name = name
        self.category = category
        self.price = price
        self.version = version
        self.updatedAt = updatedAt
    }

    var attributes: DynamoDBItem {
        [
            "productId": .s(productId), "name": .s(name), "category": .s(category), "price": numberAttribute(price),
            "version": numberAttribute(version), "updatedAt": .s(updatedAt),
        ]
    }

    init?(item: DynamoDBItem) {
        guard let productId = item.string("productId"), let name = item.string("name"),
            let category = item.string("category"), let price = item.number("price"),
            let version = item.number("version").flatMap({ Int(exactly: $0) })
        else { return nil }
        self.init(
            productId: productId, name: name, category: category, price: price, version: version,
            updatedAt: item.string("updatedAt") ?? "")
    }

    var json: JSONOutput {
        .object([
            ("productId", .string(productId)), ("name", .string(name)), ("category", .string(category)),
            ("price", .number(price)), ("version", .number(Double(version))), ("updatedAt", .string(updatedAt)),
        ])
    }
}

/// An event of the compacted log: the product's whole state after the change, its version, and whether it was
/// deleted.
public struct ProductEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case created = "product.created"
        case updated = "product.updated"
        case deleted = "product.deleted"
    }

    public var kind: Kind
    public var product: Product
    public var eventId: String
    public var occurredAt: String
    /// The request's `x-correlation-id` (made when absent), as every event of the system carries it.
    public var correlationId: String?

    public init(kind: Kind, product: Product, eventId: String, occurredAt: String, correlationId: String? = nil) {
        self.kind = kind
        self.product = product
        self.eventId = eventId
        self.occurredAt = occurredAt
        self.correlationId = correlationId
    }

    /// The log's item: the product's key, the event's envelope (its `version` is the product's, the order of
    /// event-carried state), and the product.
    var item: DynamoDBItem {
        var item: DynamoDBItem = [
            "productId": .s(product.productId), "eventType": .s(kind.rawValue), "eventId": .s(eventId),
            "version": numberAttribute(product.version), "occurredAt": .s(occurredAt),
            "product": .m(product.attributes),
            "deleted": .bool(kind == .deleted), "producer": .s("CatalogApi"),
        ]
        if let correlationId { item["correlationId"] = .s(correlationId) }
        return item
    }

    /// Nil for an item that is not a product event.
    public init?(item: DynamoDBItem) {
        guard let kind = item.string("eventType").flatMap(Kind.init(rawValue:)), case .m(let state)? = item["product"],
            let product = Product(item: state), let eventId = item.string("eventId")
        else { return nil }
        self.init(
            kind: kind, product: product, eventId: eventId, occurredAt: item.string("occurredAt") ?? "",
            correlationId: item.string("correlationId"))
    }
}

extension Fields {
    /// `name` (1…200 characters), `category` (1…64 of `a-z 0-9 -`), `price` (≥ 0).
    func productFields() throws(CommerceError) -> (name: String, category: String, price: Double) {
        let name = try string("name", minimum: 1, trimmed: true)
        guard name.count <= 200 else { throw .invalidArguments("name must be at most 200 characters") }
        return (name, try category(), try price())
    }

    func category() throws(CommerceError) -> String {
        let category = try string("category", minimum: 1, trimmed: true)
        guard category.utf8.count <= 64,
            category.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { throw .invalidArguments("category must be 1 to 64 of a-z, 0-9 and '-'") }
        return category
    }
}
