import AWSClients
import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The catalog service: products written with their full-state event in one transaction.
///
/// | Route | Answer | Event in the log |
/// |---|---|---|
/// | `POST /catalog/products` `{name, category, price}` | 201 the product (version 1) | `product.created` |
/// | `PUT /catalog/products/{productId}` `{name?, category?, price?}` | 200 the product | `product.updated` |
/// | `DELETE /catalog/products/{productId}` | 200 `{productId, deleted, version}` | `product.deleted` |
/// | `GET /catalog/products/{productId}` | 200 the product | — |
/// | `GET /catalog/categories/{category}/products` | 200 `{products: [...]}` | — |
///
/// A missing product is 404, a bad body 400; a change races another by the product's version (read again, at most
/// three times, then 409).
public struct CatalogService {
    public var database: any CommerceDatabase
    public var tableName: String
    /// The compacted log: the latest event of each product.
    public var logTableName: String
    /// The index of `tableName` by category (`category`, `productId`).
    public var categoryIndex = "category-index"
    public var now: Clock
    static let attempts = 3

    public init(
        database: any CommerceDatabase, tableName: String, logTableName: String,
        now: @escaping Clock = currentISOTimestamp
    ) {
        self.database = database
        self.tableName = tableName
        self.logTableName = logTableName
        self.now = now
    }

    public func create(body: JSONValue?, correlationId: String? = nil) throws(CommerceError) -> Product {
        let fields = try Fields(body).productFields()
        let product = Product(
            productId: newIdentifier(), name: fields.name, category: fields.category, price: fields.price, version: 1,
            updatedAt: now())
        try write(
            DynamoDB.TransactWriteItem(
                put: DynamoDB.Put(
                    item: product.attributes, tableName: tableName, conditionExpression: "attribute_not_exists(#id)",
                    expressionAttributeNames: ["#id": "productId"])),
            event: ProductEvent(
                kind: .created, product: product, eventId: newIdentifier(), occurredAt: product.updatedAt,
                correlationId: correlationId))
        return product
    }

    public func update(productId: String?, body: JSONValue?, correlationId: String? = nil) throws(CommerceError)
        -> Product
    {
        let request = try Fields(body)
        guard ["name", "category", "price"].contains(where: request.has) else {
            throw .invalidArguments("name, category or price must be given")
        }
        return try change(productId, correlationId: correlationId) { product throws(CommerceError) in
            var next = product
            if request.has("name") {
                next.name = try request.string("name", minimum: 1, trimmed: true)
                guard next.name.count <= 200 else { throw .invalidArguments("name must be at most 200 characters") }
            }
            if request.has("category") { next.category = try request.category() }
            if request.has("price") { next.price = try request.price() }
            return (.updated, next)
        }
    }

    public func delete(productId: String?, correlationId: String? = nil) throws(CommerceError) -> Product {
        try change(productId, correlationId: correlationId) { product throws(CommerceError) in (.deleted, product) }
    }

    public func get(productId: String?) throws(CommerceError) -> Product {
        let productId = try Self.validated(productId)
        guard let item = try database.consistentItem(["productId": .s(productId)], tableName: tableName),
            let product = Product(item: item)
        else { throw CommerceError(.notFound, "no product \(productId)") }
        return product
    }

    /// The products of a category, by id (at most 1,000).
    public func list(category: String?) throws(CommerceError) -> [Product] {
        let category = try Fields(members: ["category": .string(category ?? "")]).category()
        do throws(DynamoDBError) {
            let output = try database.query(
                QueryInput(
                    tableName: tableName, indexName: categoryIndex, limit: 1000,
                    keyConditionExpression: "#category = :category",
                    expressionAttributeNames: ["#category": "category"],
                    expressionAttributeValues: [":category": .s(category)]))
            return (output.items ?? []).compactMap(Product.init(item:))
        } catch {
            throw .unrecognized(error)
        }
    }

    // MARK: helpers

    static func validated(_ productId: String?) throws(CommerceError) -> String {
        guard let productId, !productId.isEmpty, productId.utf8.count <= 64 else {
            throw .invalidArguments("the path must name a product")
        }
        return productId
    }

    /// Reads the product, applies `transform`, and writes the result (or deletes the product) with its event, on
    /// the condition that nobody changed the product meanwhile.
    func change(
        _ productId: String?, correlationId: String? = nil,
        _ transform: (Product) throws(CommerceError) -> (ProductEvent.Kind, Product)
    ) throws(CommerceError) -> Product {
        try withOptimisticRetries(
            attempts: Self.attempts,
            exhausted: "product \(productId ?? "") kept changing during \(Self.attempts) attempts"
        ) { () throws(CommerceError) in
            let product = try get(productId: productId)
            var (kind, next) = try transform(product)
            next.version = product.version + 1
            next.updatedAt = now()
            return (product, kind, next)
        } commit: { (change) throws(CommerceError) in
            let (product, kind, next) = change
            let condition = "#version = :version"
            let names = ["#version": "version"]
            let values: DynamoDBItem = [":version": numberAttribute(product.version)]
            let write =
                kind == .deleted
                ? DynamoDB.TransactWriteItem(
                    delete: DynamoDB.Delete(
                        key: ["productId": .s(product.productId)], tableName: tableName, conditionExpression: condition,
                        expressionAttributeNames: names, expressionAttributeValues: values))
                : DynamoDB.TransactWriteItem(
                    put: DynamoDB.Put(
                        item: next.attributes, tableName: tableName, conditionExpression: condition,
                        expressionAttributeNames: names, expressionAttributeValues: values))
            try self.write(
                write,
                event: ProductEvent(
                    kind: kind, product: next, eventId: newIdentifier(), occurredAt: next.updatedAt,
                    correlationId: correlationId))
        }.2
    }

    /// The product's write and its event (the log keeps the newer version only), in one transaction.
    func write(_ change: DynamoDB.TransactWriteItem, event: ProductEvent) throws(CommerceError) {
        let log = DynamoDB.Put(
            item: event.item, tableName: logTableName,
            conditionExpression: "attribute_not_exists(#id) OR #version < :version",
            expressionAttributeNames: ["#id": "productId", "#version": "version"],
            expressionAttributeValues: [":version": numberAttribute(event.product.version)])
        try database.writeWithEvent([change, .init(put: log)], conflict: "the product changed meanwhile")
    }
}

/// The catalog API's function: one handler for its routes (chosen by the route key).
public struct CatalogApi: LambdaHandler {
    public var service: CatalogService

    public init(_ service: CatalogService) { self.service = service }

    public func handle(_ event: APIGatewayV2Request, context: LambdaContext) async throws -> APIGatewayV2Response {
        respond(
            routeKey: event.routeKey, pathParameters: event.pathParameters ?? [:], body: event.body,
            headers: event.headers, logger: context.logger)
    }

    /// Answers a route; the request's `x-correlation-id` (made when absent, echoed in the response) goes on every
    /// log line and on the product's event.
    public func respond(
        routeKey: String, pathParameters: [String: String], body: String?, headers: [String: String] = [:],
        logger: LambdaLogger = LambdaLogger()
    ) -> APIGatewayV2Response {
        let productId = pathParameters["productId"]
        return correlatedResponse(headers: headers, logger: logger.with("productId", productId)) {
            correlation, logger throws(CommerceError) in
            let json = parseJSON(body)
            let (status, output): (Int, JSONOutput) =
                switch routeKey {
                case "POST /catalog/products": (201, try service.create(body: json, correlationId: correlation).json)
                case "PUT /catalog/products/{productId}":
                    (200, try service.update(productId: productId, body: json, correlationId: correlation).json)
                case "DELETE /catalog/products/{productId}": (200, try deleted(productId, correlationId: correlation))
                case "GET /catalog/products/{productId}": (200, try service.get(productId: productId).json)
                case "GET /catalog/categories/{category}/products":
                    (
                        200,
                        .object([
                            ("products", .array(try service.list(category: pathParameters["category"]).map(\.json)))
                        ])
                    )
                default: throw CommerceError(.notFound, "no catalog route \(routeKey)")
                }
            logger.info("Answered \(status)")
            return APIGatewayV2Response(statusCode: status, body: output.text)
        }
    }

    func deleted(_ productId: String?, correlationId: String? = nil) throws(CommerceError) -> JSONOutput {
        let deleted = try service.delete(productId: productId, correlationId: correlationId)
        return .object([
            ("productId", .string(deleted.productId)), ("deleted", .bool(true)),
            ("version", .number(Double(deleted.version))),
        ])
    }
}
