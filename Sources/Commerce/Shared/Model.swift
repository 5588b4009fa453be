import AWSShapes

/// The order event names (the Orders domain's `OrderEventName` enum). Note `ORDER_CANCELED_EVENT`, one L: the
/// spelling the SyncOrderWorker rule routes.
public enum OrderEventName: String, Sendable, CaseIterable {
    case orderPlaced = "ORDER_PLACED_EVENT"
    case orderCreated = "ORDER_CREATED_EVENT"
    case orderStockDepleted = "ORDER_STOCK_DEPLETED_EVENT"
    case orderStockAllocated = "ORDER_STOCK_ALLOCATED_EVENT"
    case orderPaymentRejected = "ORDER_PAYMENT_REJECTED_EVENT"
    case orderPaymentAccepted = "ORDER_PAYMENT_ACCEPTED_EVENT"
    case orderShipped = "ORDER_SHIPPED_EVENT"
    case orderDelivered = "ORDER_DELIVERED_EVENT"
    case orderCanceled = "ORDER_CANCELED_EVENT"
}

public let skuRestockedEventName = "SKU_RESTOCKED_EVENT"

/// The events of the order's life beyond the reference: a shipment delivered or cancelled, and the compensations
/// of a cancellation. Only new workers raise them; the reference's SyncOrderWorker never sees them.
public enum LifecycleEventName: String, Sendable, CaseIterable {
    case shipmentRequested = "ORDER_SHIPMENT_REQUESTED_EVENT"
    case stockReturned = "ORDER_STOCK_RETURNED_EVENT"
    case paymentRefunded = "ORDER_PAYMENT_REFUNDED_EVENT"
    case shipmentCanceled = "ORDER_SHIPMENT_CANCELED_EVENT"
    case shipmentReturned = "ORDER_SHIPMENT_RETURNED_EVENT"
}

/// The five fields every order event carries, and every order, allocation and payment item repeats.
public struct OrderData: Equatable, Sendable {
    public var orderId: String
    public var sku: String
    public var units: Int
    public var price: Double
    public var userId: String

    public init(orderId: String, sku: String, units: Int, price: Double, userId: String) {
        self.orderId = orderId
        self.sku = sku
        self.units = units
        self.price = price
        self.userId = userId
    }

    /// The five fields as a DynamoDB map or item part.
    var attributes: DynamoDBItem {
        [
            "orderId": .s(orderId), "sku": .s(sku), "units": numberAttribute(units), "price": numberAttribute(price),
            "userId": .s(userId),
        ]
    }

    /// `{orderId, sku, units, price, userId}`, in that order.
    var json: JSONOutput {
        .object([
            ("orderId", .string(orderId)), ("sku", .string(sku)), ("units", .number(Double(units))),
            ("price", .number(price)), ("userId", .string(userId)),
        ])
    }

    /// Reads the five fields of a stored item (an order, allocation or payment) with the worker rules: strings
    /// trimmed, at least 4 characters; units an integer ≥ 1; price ≥ 0.
    init(validating fields: Fields) throws(CommerceError) {
        orderId = try fields.string("orderId", trimmed: true)
        sku = try fields.string("sku", trimmed: true)
        units = try fields.units()
        price = try fields.price()
        userId = try fields.string("userId", trimmed: true)
    }
}

/// The single-table keys (seed-behaviour.md §2).
enum Keys {
    static func orderEvent(orderId: String, eventName: String) -> DynamoDBItem {
        tableKey(pk: "EVENTS#ORDER_ID#\(orderId)", sk: "EVENT#\(eventName)")
    }

    static func restockEvent(sku: String, lotId: String) -> DynamoDBItem {
        tableKey(pk: "EVENTS#SKU#\(sku)", sk: "EVENT#\(skuRestockedEventName)#LOT_ID#\(lotId)")
    }

    static func order(orderId: String) -> DynamoDBItem {
        tableKey(pk: "ORDERS#ORDER_ID#\(orderId)", sk: "ORDER_ID#\(orderId)")
    }

    static func sku(_ sku: String) -> DynamoDBItem {
        tableKey(pk: "INVENTORY#SKU#\(sku)", sk: "SKU#\(sku)")
    }

    static func restock(sku: String, lotId: String) -> DynamoDBItem {
        tableKey(pk: "INVENTORY#SKU#\(sku)", sk: "LOT_ID#\(lotId)")
    }

    static func allocation(sku: String, orderId: String) -> DynamoDBItem {
        tableKey(pk: "INVENTORY#SKU#\(sku)", sk: "SKU#\(sku)#ORDER_ID#\(orderId)#ORDER_ALLOCATION")
    }

    static func payment(orderId: String) -> DynamoDBItem {
        tableKey(pk: "PAYMENTS#ORDER_ID#\(orderId)", sk: "ORDER_ID#\(orderId)#ORDER_PAYMENT")
    }

    /// The refund of an order's accepted payment (at most one).
    static func refund(orderId: String) -> DynamoDBItem {
        tableKey(pk: "PAYMENTS#ORDER_ID#\(orderId)", sk: "ORDER_ID#\(orderId)#ORDER_REFUND")
    }

    /// The mark a cancellation leaves on an order: once it exists, nothing ships and every compensation runs.
    static func cancellation(orderId: String) -> DynamoDBItem {
        tableKey(pk: "ORDERS#ORDER_ID#\(orderId)", sk: "ORDER_ID#\(orderId)#CANCELLATION")
    }

    static func shipment(orderId: String) -> DynamoDBItem {
        tableKey(pk: "SHIPMENTS#ORDER_ID#\(orderId)", sk: "ORDER_ID#\(orderId)#SHIPMENT")
    }

    /// The notifications of an order: one per kind.
    static func notification(orderId: String, kind: String) -> DynamoDBItem {
        tableKey(pk: "NOTIFICATIONS#ORDER_ID#\(orderId)", sk: "KIND#\(kind)")
    }

    static let gsi1IndexName = "gsi1pk-gsi1sk-index"

    static func gsi1sk(createdAt: String) -> AttributeValue { .s("CREATED_AT#\(createdAt)") }

    /// `_tn`, `_sn`, `gsi1pk` and `gsi1sk` of an item of type `typeName` (`<service>#<type>`).
    static func typeAttributes(typeName: String, serviceName: String, createdAt: String) -> DynamoDBItem {
        ["_tn": .s(typeName), "_sn": .s(serviceName), "gsi1pk": .s(typeName), "gsi1sk": gsi1sk(createdAt: createdAt)]
    }
}

extension Dictionary where Key == String, Value == AttributeValue {
    /// The other item's attributes added (they win on a clash).
    func merging(_ other: DynamoDBItem) -> DynamoDBItem { merging(other) { _, new in new } }

    func string(_ name: String) -> String? {
        if case .s(let text) = self[name] { text } else { nil }
    }

    func number(_ name: String) -> Double? {
        if case .n(let text) = self[name] { Double(text) } else { nil }
    }
}

/// Builds an `UpdateItem`/transaction `SET` clause whose attribute names and values are all placeholders:
/// `SET #orderStatus = :orderStatus, …`.
struct SetClause {
    var assignments: [String] = []
    var names: [String: String] = [:]
    var values: DynamoDBItem = [:]

    /// `#name = :name`.
    mutating func set(_ name: String, _ value: AttributeValue) {
        let placeholder = Self.placeholder(name)
        assignments.append("#\(placeholder) = :\(placeholder)")
        names["#\(placeholder)"] = name
        values[":\(placeholder)"] = value
    }

    /// `#name = <expression>` with the expression written by the caller, which adds its own values.
    mutating func set(_ name: String, expression: String) {
        let placeholder = Self.placeholder(name)
        assignments.append("#\(placeholder) = \(expression)")
        names["#\(placeholder)"] = name
    }

    mutating func setAll(_ item: DynamoDBItem) {
        for name in item.keys.sorted() { set(name, item[name]!) }
    }

    var expression: String { "SET " + assignments.joined(separator: ", ") }

    /// Attribute names such as `_tn` are written without their leading underscore in placeholders.
    static func placeholder(_ name: String) -> String {
        String(name.drop(while: { $0 == "_" }))
    }
}

extension SetClause {
    /// The assigned values by attribute name (the item a creation writes).
    var itemValues: DynamoDBItem {
        var item: DynamoDBItem = [:]
        for (placeholder, name) in names {
            if let value = values[":" + placeholder.dropFirst()] { item[name] = value }
        }
        return item
    }
}
