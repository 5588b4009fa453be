import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The shopping cart of the transactional outbox seed (seed-behaviour.md §10.4): a cart is one item of the cart table
// (key `PK` = the cart id), and every change to it is written in one transaction with its outbox message.
//
// DECISIONS (where the seed is silent or hard-codes):
// - the cart's user is the signed-in user (the token's subject), not the seed's constant `user-1`; another user's
//   cart answers 404, as a missing one (its existence is not disclosed);
// - a line is `{itemId, quantity, price}`: the price is what checkout places the order at; adding an item already
//   in the cart adds the quantities and keeps the latest price;
// - at most 25 lines (checkout places one order per line), quantities 1…1000 per request and 1,000,000 per line;
// - a cart that is checked out cannot change (409), and checking out an empty cart is a 400;
// - concurrent changes do not lose an update: each write is conditional on the version it read (retried on a race).

/// A line of a cart.
public struct CartLine: Equatable, Sendable {
    public var itemId: String
    public var quantity: Int
    public var price: Double

    public init(itemId: String, quantity: Int, price: Double) {
        self.itemId = itemId
        self.quantity = quantity
        self.price = price
    }

    var json: JSONOutput {
        .object([("itemId", .string(itemId)), ("quantity", .number(Double(quantity))), ("price", .number(price))])
    }

    var attribute: AttributeValue {
        .m(["itemId": .s(itemId), "quantity": numberAttribute(quantity), "price": numberAttribute(price)])
    }
}

/// A cart as stored.
public struct Cart: Equatable, Sendable {
    public enum Status: String, Sendable {
        case open = "OPEN"
        case checkout = "CHECKOUT"
    }

    public static let maximumLines = 25
    static let maximumLineQuantity = 1_000_000

    public var cartId: String
    public var userId: String
    public var status: Status
    public var items: [CartLine]
    public var createdAt: String
    public var updatedAt: String
    /// Incremented by every write; each write is conditional on the one it read.
    public var version: Int

    public init(
        cartId: String, userId: String, status: Status, items: [CartLine], createdAt: String, updatedAt: String,
        version: Int
    ) {
        self.cartId = cartId
        self.userId = userId
        self.status = status
        self.items = items
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    static func key(_ cartId: String) -> DynamoDBItem { ["PK": .s(cartId)] }

    var item: DynamoDBItem {
        Self.key(cartId).merging([
            "cartId": .s(cartId), "userId": .s(userId), "status": .s(status.rawValue),
            "items": .l(items.map(\.attribute)),
            "createdAt": .s(createdAt), "updatedAt": .s(updatedAt), "version": numberAttribute(version),
        ])
    }

    /// The cart of a stored item; nil for an item that is not a cart.
    init?(item: DynamoDBItem) {
        guard let cartId = item.string("cartId"), let userId = item.string("userId"),
            let status = item.string("status").flatMap(Status.init(rawValue:)), case .l(let lines)? = item["items"],
            let version = item.number("version").flatMap({ Int(exactly: $0) })
        else { return nil }
        var items: [CartLine] = []
        for case .m(let line) in lines {
            guard let itemId = line.string("itemId"),
                let quantity = line.number("quantity").flatMap({ Int(exactly: $0) }),
                let price = line.number("price")
            else { return nil }
            items.append(CartLine(itemId: itemId, quantity: quantity, price: price))
        }
        self.init(
            cartId: cartId, userId: userId, status: status, items: items, createdAt: item.string("createdAt") ?? "",
            updatedAt: item.string("updatedAt") ?? "", version: version)
    }

    /// The cart as the API answers it (and as the events carry it).
    var json: JSONOutput {
        .object([
            ("cartId", .string(cartId)), ("userId", .string(userId)), ("status", .string(status.rawValue)),
            ("items", .array(items.map(\.json))), ("createdAt", .string(createdAt)),
            ("updatedAt", .string(updatedAt)),
        ])
    }

    /// The cart with `lines` added: an item already in the cart gets the quantities added and the latest price.
    func adding(_ lines: [CartLine]) throws(CommerceError) -> [CartLine] {
        var merged = items
        for line in lines {
            if let index = merged.firstIndex(where: { $0.itemId == line.itemId }) {
                merged[index].quantity += line.quantity
                merged[index].price = line.price
                guard merged[index].quantity <= Self.maximumLineQuantity else {
                    throw .invalidArguments("the quantity of \(line.itemId) would pass \(Self.maximumLineQuantity)")
                }
            } else {
                merged.append(line)
            }
        }
        guard merged.count <= Self.maximumLines else {
            throw .invalidArguments("a cart holds at most \(Self.maximumLines) different items")
        }
        return merged
    }
}

extension Fields {
    /// `items`: 1 to 25 lines `{itemId (4…256 characters), quantity (1…1000), price (≥ 0)}`; lines for the same
    /// item are merged.
    func cartLines() throws(CommerceError) -> [CartLine] {
        guard let values = members["items"]?.arrayValue else { throw .invalidArguments("items must be an array") }
        guard (1...Cart.maximumLines).contains(values.count) else {
            throw .invalidArguments("items must hold 1 to \(Cart.maximumLines) lines")
        }
        var lines: [CartLine] = []
        for value in values {
            let line = try Fields(value)
            lines.append(
                CartLine(
                    itemId: try line.string("itemId", trimmed: true),
                    quantity: try line.integer("quantity", in: 1...1000),
                    price: try line.price()))
        }
        return try Cart(cartId: "", userId: "", status: .open, items: [], createdAt: "", updatedAt: "", version: 0)
            .adding(lines)
    }
}
