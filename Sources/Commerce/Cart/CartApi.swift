import AWSClients
import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The shopping cart's API (the outbox seed's routes), for the signed-in user:
///
/// | Route | Answer | Outbox event |
/// |---|---|---|
/// | `POST /cart` `{items}` | 201 the cart (`OPEN`) | `CartCreated` |
/// | `PUT /cart/{cartId}/add-items` `{items}` | 200 the cart, quantities merged | `ItemsAddedToCart` |
/// | `PUT /cart/{cartId}/checkout` | 200 the cart (`CHECKOUT`) | `CartCheckedOut` |
/// | `GET /cart/{cartId}` | 200 the cart | — |
///
/// Each change writes the cart and its outbox message in one TransactWriteItems. A missing body or `items` is 400
/// `{"message":"Bad Request"}`, a cart that is missing or another user's 404, a change to a checked-out cart 409.
// DECISIONS: creating a cart answers 201 (the seed answers 200; it creates a resource) with the cart as body.
public struct CartService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var outbox: Outbox
    public var now: Clock
    /// Attempts of a change that races another change to the same cart.
    static let attempts = 3

    public init(
        database: any CommerceDatabase, tableName: String, outbox: Outbox,
        now: @escaping Clock = currentISOTimestamp
    ) {
        self.database = database
        self.tableName = tableName
        self.outbox = outbox
        self.now = now
    }

    public func create(body: JSONValue?, userId: String, correlationId: String) throws(CommerceError) -> Cart {
        let lines = try Fields(body).cartLines()
        let now = now()
        let cart = Cart(
            cartId: newIdentifier(), userId: userId, status: .open, items: lines, createdAt: now, updatedAt: now,
            version: 1)
        let put = DynamoDB.Put(
            item: cart.item, tableName: tableName, conditionExpression: "attribute_not_exists(#pk)",
            expressionAttributeNames: ["#pk": "PK"])
        try write(
            put,
            outbox.message(
                "CartCreated", Self.fields(cart, items: cart.items), correlationId: correlationId, occurredAt: now))
        return cart
    }

    public func addItems(cartId: String?, body: JSONValue?, userId: String, correlationId: String)
        throws(CommerceError) -> Cart
    {
        let lines = try Fields(body).cartLines()
        return try change(cartId, userId: userId, correlationId: correlationId) { cart throws(CommerceError) in
            var next = cart
            next.items = try cart.adding(lines)
            return (next, "ItemsAddedToCart", lines)
        }
    }

    public func checkout(cartId: String?, userId: String, correlationId: String) throws(CommerceError) -> Cart {
        try change(cartId, userId: userId, correlationId: correlationId) { cart throws(CommerceError) in
            guard !cart.items.isEmpty else { throw .invalidArguments("the cart is empty") }
            var next = cart
            next.status = .checkout
            return (next, "CartCheckedOut", cart.items)
        }
    }

    public func get(cartId: String?, userId: String) throws(CommerceError) -> Cart {
        try read(Self.validated(cartId), userId: userId)
    }

    // MARK: helpers

    static func validated(_ cartId: String?) throws(CommerceError) -> String {
        guard let cartId, !cartId.isEmpty, cartId.utf8.count <= 64 else {
            throw .invalidArguments("the path must name a cart")
        }
        return cartId
    }

    static func fields(_ cart: Cart, items: [CartLine]) -> [(String, JSONOutput)] {
        [("cartId", .string(cart.cartId)), ("userId", .string(cart.userId)), ("items", .array(items.map(\.json)))]
    }

    /// The user's cart, read consistently; another user's is as missing as one that does not exist.
    func read(_ cartId: String, userId: String) throws(CommerceError) -> Cart {
        guard let item = try database.consistentItem(Cart.key(cartId), tableName: tableName),
            let cart = Cart(item: item), cart.userId == userId
        else { throw CommerceError(.notFound, "no cart \(cartId) of this user") }
        return cart
    }

    /// Reads the cart, applies `transform` to an open one, and writes the result with its outbox message on the
    /// condition that nobody wrote the cart meanwhile (else again, up to ``attempts`` times, then 409).
    func change(
        _ cartId: String?, userId: String, correlationId: String,
        _ transform: (Cart) throws(CommerceError) -> (Cart, String, [CartLine])
    ) throws(CommerceError) -> Cart {
        let cartId = try Self.validated(cartId)
        let change = try withOptimisticRetries(
            attempts: Self.attempts, exhausted: "cart \(cartId) kept changing during \(Self.attempts) attempts"
        ) { () throws(CommerceError) in
            let cart = try read(cartId, userId: userId)
            guard cart.status == .open else { throw CommerceError(.conflict, "cart \(cartId) is checked out") }
            var (next, detailType, lines) = try transform(cart)
            next.updatedAt = now()
            next.version = cart.version + 1
            return (cart, next, detailType, lines)
        } commit: { (change) throws(CommerceError) in
            let (cart, next, detailType, lines) = change
            let put = DynamoDB.Put(
                item: next.item, tableName: tableName, conditionExpression: "#version = :version",
                expressionAttributeNames: ["#version": "version"],
                expressionAttributeValues: [":version": numberAttribute(cart.version)])
            try write(
                put,
                outbox.message(
                    detailType, Self.fields(next, items: lines), correlationId: correlationId,
                    occurredAt: next.updatedAt))
        }
        return change.1
    }

    /// The cart's put and its outbox message, in one transaction; a failed condition on the cart is a conflict.
    func write(_ cart: DynamoDB.Put, _ message: DynamoDB.Put) throws(CommerceError) {
        try database.writeWithEvent([.init(put: cart), .init(put: message)], conflict: "the cart changed meanwhile")
    }
}

/// The cart API's function: one handler for the four routes (chosen by the route key), behind the session
/// authorizer, whose context names the user.
public struct CartApi: LambdaHandler {
    public var service: CartService

    public init(_ service: CartService) { self.service = service }

    public func handle(_ event: APIGatewayV2Request, context: LambdaContext) async throws -> APIGatewayV2Response {
        var userId: String?
        if case .string(let id)? = event.requestContext.authorizer?.lambda?["userId"] { userId = id }
        return respond(
            routeKey: event.routeKey, pathParameters: event.pathParameters ?? [:], body: event.body,
            headers: event.headers, userId: userId, logger: context.logger)
    }

    public func respond(
        routeKey: String, pathParameters: [String: String], body: String?, headers: [String: String],
        userId: String?, logger: LambdaLogger = LambdaLogger()
    ) -> APIGatewayV2Response {
        let cartId = pathParameters["cartId"]
        return correlatedResponse(headers: headers, logger: logger.with("cartId", cartId).with("userId", userId)) {
            correlation, logger throws(CommerceError) in
            guard let userId else {
                throw CommerceError(.unauthorized, "no signed-in user: the route has no authorizer")
            }
            let json = parseJSON(body)
            let (status, cart): (Int, Cart) =
                switch routeKey {
                case "POST /cart": (201, try service.create(body: json, userId: userId, correlationId: correlation))
                case "PUT /cart/{cartId}/add-items":
                    (
                        200,
                        try service.addItems(cartId: cartId, body: json, userId: userId, correlationId: correlation)
                    )
                case "PUT /cart/{cartId}/checkout":
                    (200, try service.checkout(cartId: cartId, userId: userId, correlationId: correlation))
                case "GET /cart/{cartId}": (200, try service.get(cartId: cartId, userId: userId))
                default: throw CommerceError(.notFound, "no cart route \(routeKey)")
                }
            logger.with("cartId", cart.cartId).info("Answered \(status)")
            return APIGatewayV2Response(statusCode: status, body: cart.json.text)
        }
    }
}
