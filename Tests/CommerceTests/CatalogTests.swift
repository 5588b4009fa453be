import AWSClients
import AWSShapes
import LambdaRuntime
import Testing

@testable import Commerce

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The catalog (products written with their full-state event) and the orders side's view built from the events.
@Suite struct CatalogTests {
    func service(_ database: FakeDatabase) -> CatalogService {
        CatalogService(database: database, tableName: "catalog", logTableName: "catalog-events", now: { fixedNow })
    }

    let pears = Product(
        productId: "p-1", name: "Pears", category: "fruit", price: 4, version: 3, updatedAt: "t0")

    @Test func aProductIsCreatedWithItsEventInOneTransaction() throws {
        let database = FakeDatabase()
        let product = try service(database).create(body: parseJSON(#"{"name":" Pears ","category":"fruit","price":4}"#))
        #expect(product.name == "Pears" && product.version == 1 && product.updatedAt == fixedNow)
        let transaction = try #require(database.transactions.first)
        let put = try #require(transaction.transactItems[0].put)
        #expect(put.tableName == "catalog" && put.conditionExpression == "attribute_not_exists(#id)")
        let log = try #require(transaction.transactItems[1].put)
        #expect(log.tableName == "catalog-events" && log.item["productId"] == .s(product.productId))
        #expect(log.conditionExpression == "attribute_not_exists(#id) OR #version < :version")
        let event = try #require(ProductEvent(item: log.item))
        #expect(event.kind == .created && event.product == product)
    }

    /// The request's x-correlation-id reaches the product's event and comes back in the response's header; one is
    /// made when the request has none, and a malformed one is refused.
    @Test func theRequestsCorrelationIdGoesOnTheEvent() throws {
        let database = FakeDatabase()
        let api = CatalogApi(service(database))
        let created = api.respond(
            routeKey: "POST /catalog/products", pathParameters: [:],
            body: #"{"name":"Pears","category":"fruit","price":4}"#, headers: ["x-correlation-id": "catalog-1"],
            logger: quietLogger)
        #expect(created.statusCode == 201 && created.headers?["x-correlation-id"] == "catalog-1")
        let log = try #require(database.transactions.first?.transactItems[1].put)
        #expect(log.item["correlationId"] == .s("catalog-1"))
        #expect(ProductEvent(item: log.item)?.correlationId == "catalog-1")

        let made = api.respond(
            routeKey: "POST /catalog/products", pathParameters: [:],
            body: #"{"name":"Plums","category":"fruit","price":2}"#, logger: quietLogger)
        let madeId = try #require(made.headers?["x-correlation-id"])
        #expect(database.transactions.last?.transactItems[1].put?.item["correlationId"] == .s(madeId))

        let refused = api.respond(
            routeKey: "POST /catalog/products", pathParameters: [:], body: "{}", headers: ["x-correlation-id": "a b"],
            logger: quietLogger)
        #expect(refused.statusCode == 400 && database.transactions.count == 2)
    }

    @Test func anUpdateWritesTheNextVersionOnTheOneItRead() throws {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: pears.attributes))
        let updated = try service(database).update(productId: "p-1", body: parseJSON(#"{"price":5.5}"#))
        #expect(updated.version == 4 && updated.price == 5.5 && updated.name == "Pears")
        #expect(database.gets.first?.consistentRead == true)
        let transaction = try #require(database.transactions.first)
        #expect(transaction.transactItems[0].put?.expressionAttributeValues?[":version"] == .n("3"))
        let event = try #require(transaction.transactItems[1].put.flatMap { ProductEvent(item: $0.item) })
        #expect(event.kind == .updated && event.product.version == 4)
        #expect(transaction.transactItems[1].put?.expressionAttributeValues?[":version"] == .n("4"))
    }

    @Test func aDeleteRemovesTheProductAndLeavesATombstoneInTheLog() throws {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: pears.attributes))
        let deleted = try service(database).delete(productId: "p-1")
        #expect(deleted.version == 4)
        let transaction = try #require(database.transactions.first)
        #expect(transaction.transactItems[0].delete?.key == ["productId": .s("p-1")])
        let log = try #require(transaction.transactItems[1].put)
        #expect(log.item["deleted"] == .bool(true) && ProductEvent(item: log.item)?.kind == .deleted)
    }

    @Test func mistakesAreRefusedAndARaceIsReadAgain() {
        let database = FakeDatabase()
        #expect(throws: CommerceError(.notFound, "no product nope")) {
            try service(database).update(productId: "nope", body: parseJSON(#"{"price":1}"#))
        }
        #expect(throws: CommerceError.self) { try service(database).update(productId: "p-1", body: parseJSON("{}")) }
        for body in [
            #"{"name":"","category":"fruit","price":1}"#, #"{"name":"A","category":"Fruit!","price":1}"#,
            #"{"name":"A","category":"fruit","price":-1}"#, "[]",
        ] {
            #expect(throws: CommerceError.self, "\(body)") { try service(database).create(body: parseJSON(body)) }
        }
        #expect(database.transactions.isEmpty)
        database.getResult = .success(GetItemOutput(item: pears.attributes))
        database.transactionResult = .failure(
            .transactionCanceled(
                reasons: [CancellationReason(code: "ConditionalCheckFailed"), CancellationReason(code: "None")],
                message: nil))
        #expect(throws: CommerceError(.conflict, "product p-1 kept changing during 3 attempts")) {
            try service(database).delete(productId: "p-1")
        }
        #expect(database.transactions.count == 3)
    }

    @Test func aCategoryIsListedThroughItsIndex() throws {
        let database = FakeDatabase()
        database.queryResult = .success(QueryOutput(items: [pears.attributes]))
        #expect(try service(database).list(category: "fruit") == [pears])
        #expect(database.queries.first?.indexName == "category-index")
        #expect(database.queries.first?.expressionAttributeValues?[":category"] == .s("fruit"))
        #expect(throws: CommerceError.self) { try service(database).list(category: "Not A Category") }
    }

    // MARK: the view

    func event(_ kind: ProductEvent.Kind, version: Int, price: Double = 4) -> ProductEvent {
        var product = pears
        product.version = version
        product.price = price
        return ProductEvent(kind: kind, product: product, eventId: "e\(version)", occurredAt: "t")
    }

    @Test func theViewKeepsAnEventOnlyAtAHigherVersion() throws {
        let database = FakeDatabase()
        let view = CatalogView(database: database, tableName: "view")
        #expect(try view.apply(event(.updated, version: 4)))
        let put = try #require(database.puts.first)
        #expect(put.conditionExpression == "attribute_not_exists(#id) OR #version < :version")
        #expect(put.expressionAttributeValues?[":version"] == .n("4") && put.item["deleted"] == .bool(false))
        database.putResult = .failure(.conditionalCheckFailed(item: nil))
        #expect(try view.apply(event(.updated, version: 2)) == false, "an older or repeated event changes nothing")
        database.putResult = .success(PutItemOutput())
        _ = try view.apply(event(.deleted, version: 5))
        #expect(database.puts.last?.item["deleted"] == .bool(true), "a delete leaves a tombstone")
    }

    @Test func aRebuildReadsTheWholeLogPageByPage() throws {
        let database = FakeDatabase()
        database.scanResults = [
            ScanOutput(items: [event(.created, version: 1).item], lastEvaluatedKey: ["productId": .s("p-1")]),
            ScanOutput(items: [event(.updated, version: 2).item, ["productId": .s("junk")]]),
        ]
        let (applied, skipped) = try CatalogView(database: database, tableName: "view").rebuild(from: "log")
        #expect(applied == 2 && skipped == 0 && database.scans.count == 2)
        #expect(database.scans[1].exclusiveStartKey == ["productId": .s("p-1")] && database.scans[0].tableName == "log")
    }

    @Test func theWorkerAppliesRecordsAndRetriesFromAFailedOne() throws {
        let database = FakeDatabase()
        let worker = CatalogViewWorker(view: CatalogView(database: database, tableName: "view"), logTableName: "log")
        func record(_ sequence: String, _ event: ProductEvent) -> DynamoDBEvent.Record {
            DynamoDBEvent.Record(
                eventID: sequence, eventName: "MODIFY", eventVersion: "1.1", eventSource: "aws:dynamodb",
                awsRegion: "us-east-1",
                dynamodb: DynamoDBStreamRecord(newImage: event.item, sequenceNumber: sequence),
                eventSourceARN: "arn")
        }
        let batch = DynamoDBEvent(records: [
            record("10", event(.updated, version: 4)), record("11", event(.updated, version: 5)),
        ])
        let bytes = Array(try JSONEncoder().encode(batch))
        #expect(worker.respond(to: bytes, logger: quietLogger).text == #"{"batchItemFailures":[]}"#)
        #expect(database.puts.count == 2)
        database.putResult = .failure(.throttled(type: "ThrottlingException", message: nil))
        #expect(
            worker.respond(to: bytes, logger: quietLogger).text
                == #"{"batchItemFailures":[{"itemIdentifier":"10"}]}"#)
        database.putResult = .success(PutItemOutput())
        database.scanResults = [ScanOutput(items: [pears.attributes.merging(["deleted": .bool(false)])])]
        let listed = worker.respond(to: Array(#"{"routeKey":"GET /catalog-view/products"}"#.utf8), logger: quietLogger)
        #expect(listed.text.contains(#""statusCode":200"#) && listed.text.contains("Pears"))
    }
}
