import AWSClients
import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The orders side's view of the catalog (its own table, key `productId`): each product's name, category, price
/// and version as the catalog's events carried them, or a tombstone (`deleted`) for a deleted one. Built from the
/// events alone: an event is kept only at a higher version than the view holds, so duplicates, replays and a
/// rebuild racing the live events all end in the catalog's state.
public struct CatalogView {
    public var database: any CommerceDatabase
    public var tableName: String

    public init(database: any CommerceDatabase, tableName: String) {
        self.database = database
        self.tableName = tableName
    }

    /// Applies an event; false when the view already held that version or a newer one.
    public func apply(_ event: ProductEvent) throws(CommerceError) -> Bool {
        let product = event.product
        var item = product.attributes
        item["deleted"] = .bool(event.kind == .deleted)
        do throws(DynamoDBError) {
            _ = try database.putItem(
                PutItemInput(
                    tableName: tableName, item: item,
                    conditionExpression: "attribute_not_exists(#id) OR #version < :version",
                    expressionAttributeNames: ["#id": "productId", "#version": "version"],
                    expressionAttributeValues: [":version": numberAttribute(product.version)]))
            return true
        } catch {
            if error.isConditionalCheckFailed { return false }
            throw .unrecognized(error)
        }
    }

    /// Reads the whole compacted log (`logTableName`, page by page) and applies every event: what a new consumer, or
    /// one whose view was lost, does before (or while) it follows the live events.
    public func rebuild(from logTableName: String) throws(CommerceError) -> (applied: Int, skipped: Int) {
        var applied = 0
        var skipped = 0
        for item in try scanAll(logTableName) {
            guard let event = ProductEvent(item: item) else { continue }
            if try apply(event) { applied += 1 } else { skipped += 1 }
        }
        return (applied, skipped)
    }

    /// The products the view holds (tombstones left out), by id.
    public func products() throws(CommerceError) -> [Product] {
        try scanAll(tableName).filter { $0["deleted"] != .bool(true) }.compactMap(Product.init(item:))
            .sorted { $0.productId < $1.productId }
    }

    private func scanAll(_ table: String) throws(CommerceError) -> [DynamoDBItem] {
        var items: [DynamoDBItem] = []
        var start: DynamoDBItem?
        repeat {
            do throws(DynamoDBError) {
                let page = try database.scan(
                    ScanInput(tableName: table, exclusiveStartKey: start, consistentRead: true))
                items += page.items ?? []
                start = page.lastEvaluatedKey
            } catch {
                throw .unrecognized(error)
            }
        } while start != nil
        return items
    }
}

/// The view's function, for three triggers: the compacted log's stream (a stream event source mapping; answers
/// `batchItemFailures` by sequence number), its HTTP routes (`GET /catalog-view/products`, `POST
/// /catalog-view/rebuild`), and a direct `{"rebuild": true}` invocation.
public struct CatalogViewWorker: LambdaByteHandler {
    public var view: CatalogView
    public var logTableName: String

    public init(view: CatalogView, logTableName: String) {
        self.view = view
        self.logTableName = logTableName
    }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        Array(respond(to: event, logger: context.logger).text.utf8)
    }

    public func respond(to bytes: [UInt8], logger: LambdaLogger = LambdaLogger()) -> JSONOutput {
        let event = try? JSONValue(parsing: Data(bytes))
        if event?["Records"] != nil {
            let records = (try? JSONDecoder().decode(DynamoDBEvent.self, from: Data(bytes)))?.records ?? []
            return apply(records, logger: logger)
        }
        let route = event?["routeKey"]?.stringValue
        if route == nil, event?["rebuild"] != .bool(true) {
            logger.warn("Not a stream batch, a route or a rebuild: ignored")
            return .object([("batchItemFailures", .array([]))])
        }
        do throws(CommerceError) {
            let body: JSONOutput
            switch route {
            case "GET /catalog-view/products":
                body = .object([("products", .array(try view.products().map(\.json)))])
            case nil, "POST /catalog-view/rebuild":
                let (applied, skipped) = try view.rebuild(from: logTableName)
                logger.info("Rebuilt the catalog view: \(applied) event(s) applied, \(skipped) already held")
                body = .object([("applied", .number(Double(applied))), ("skipped", .number(Double(skipped)))])
            default:
                throw CommerceError(.notFound, "no catalog view route \(route ?? "")")
            }
            if route == nil { return body }
            return .object([("statusCode", .number(200)), ("body", .string(body.text))])
        } catch {
            let response = errorResponse(error, logger: logger)
            return .object([
                ("statusCode", .number(Double(response.statusCode))), ("body", .string(response.body ?? "")),
            ])
        }
    }

    /// Applies the records in order; a transient failure reports its record, from which the mapping retries.
    func apply(_ records: [DynamoDBEvent.Record], logger: LambdaLogger) -> JSONOutput {
        var applied = 0
        for record in records {
            let sequenceNumber = record.dynamodb.sequenceNumber ?? ""
            guard let item = record.dynamodb.newImage, let event = ProductEvent(item: item) else { continue }
            // (a REMOVE record, or not a product event: nothing to apply)
            let logger = logger.with("productId", event.product.productId).with("correlationId", event.correlationId)
            do throws(CommerceError) {
                if try view.apply(event) {
                    applied += 1
                    logger.info("Applied \(event.kind.rawValue) version \(event.product.version)")
                }
            } catch {
                logger.warn("Event \(event.eventId) failed, retried from \(sequenceNumber): \(error)")
                return .object([
                    ("batchItemFailures", .array([.object([("itemIdentifier", .string(sequenceNumber))])]))
                ])
            }
        }
        logger.info("Applied \(applied) of \(records.count) catalog event(s)")
        return .object([("batchItemFailures", .array([]))])
    }
}
