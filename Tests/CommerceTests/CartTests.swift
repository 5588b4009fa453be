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

/// The cart with its transactional outbox, the Outbox Forwarder and the checkout's orders.
@Suite struct CartTests {
    static let outbox: Outbox = {
        var outbox = Outbox(tableName: "outbox", source: "shopping-cart", producer: "CartApi")
        outbox.clock = { 1_700_000_000 }
        return outbox
    }()

    func service(_ database: FakeDatabase) -> CartService {
        CartService(database: database, tableName: "carts", outbox: Self.outbox, now: { fixedNow })
    }

    func body(_ text: String) -> JSONValue? { parseJSON(text) }

    /// The detail of the transaction's outbox put, parsed.
    func detail(_ transaction: TransactWriteItemsInput) throws -> [String: JSONValue] {
        let message = try #require(transaction.transactItems.last?.put)
        return try #require(parseJSON(message.item.string("detail"))?.objectValue)
    }

    func stored(_ cart: Cart, in database: FakeDatabase) {
        database.getResult = .success(GetItemOutput(item: cart.item))
    }

    let openCart = Cart(
        cartId: "cart-1", userId: "user-a", status: .open,
        items: [CartLine(itemId: "APPLES", quantity: 2, price: 10)], createdAt: "t0", updatedAt: "t0", version: 3)

    @Test func aCartIsCreatedWithItsOutboxMessageInOneTransaction() throws {
        let database = FakeDatabase()
        let cart = try service(database).create(
            body: body(
                #"{"items":[{"itemId":"APPLES","quantity":2,"price":10},{"itemId":"PEARS","quantity":1,"price":4},{"itemId":"APPLES","quantity":3,"price":9}]}"#
            ), userId: "user-a", correlationId: "corr-1")
        #expect(cart.userId == "user-a" && cart.status == .open && cart.version == 1)
        #expect(
            cart.items == [
                CartLine(itemId: "APPLES", quantity: 5, price: 9), CartLine(itemId: "PEARS", quantity: 1, price: 4),
            ], "lines of the same item are merged, with the latest price")
        let transaction = try #require(database.transactions.first)
        #expect(database.transactions.count == 1 && transaction.transactItems.count == 2)
        let put = try #require(transaction.transactItems[0].put)
        #expect(put.tableName == "carts" && put.item["PK"] == .s(cart.cartId))
        #expect(put.conditionExpression == "attribute_not_exists(#pk)")
        let message = try #require(transaction.transactItems[1].put)
        #expect(message.tableName == "outbox" && message.item.string("detailType") == "CartCreated")
        #expect(message.item.string("source") == "shopping-cart")
        #expect(message.item["ttl"] == .n("1700086400"), "a day on, in seconds")
        let detail = try detail(transaction)
        #expect(detail["cartId"] == .string(cart.cartId) && detail["userId"] == .string("user-a"))
        #expect(detail["eventId"] == .string(message.item.string("messageId") ?? "-"))
        #expect(detail["correlationId"] == .string("corr-1") && detail["eventType"] == .string("CartCreated"))
        #expect(detail["occurred"] == .string(fixedNow) && detail["items"]?.arrayValue?.count == 2)
        // The forwarder reads the id back for its log lines.
        #expect(OutboxMessage(newImage: message.item)?.correlationId == "corr-1")
    }

    @Test(arguments: [
        "", "[]", #"{"items":{}}"#, #"{"items":[]}"#, #"{"items":[{"itemId":"APP","quantity":1,"price":1}]}"#,
        #"{"items":[{"itemId":"APPLES","quantity":0,"price":1}]}"#,
        #"{"items":[{"itemId":"APPLES","quantity":1001,"price":1}]}"#,
        #"{"items":[{"itemId":"APPLES","quantity":1,"price":-1}]}"#, #"{"items":[{"itemId":"APPLES","quantity":1}]}"#,
    ])
    func badItemsAreRefusedAndNothingIsWritten(text: String) {
        let database = FakeDatabase()
        #expect(throws: CommerceError.self) {
            try service(database).create(body: body(text), userId: "user-a", correlationId: "c")
        }
        #expect(database.transactions.isEmpty)
    }

    @Test func moreThanTwentyFiveDifferentItemsAreRefused() {
        let lines = (0..<26).map { #"{"itemId":"ITEM\#($0)","quantity":1,"price":1}"# }.joined(separator: ",")
        #expect(throws: CommerceError.invalidArguments("items must hold 1 to 25 lines")) {
            try service(FakeDatabase()).create(body: body(#"{"items":[\#(lines)]}"#), userId: "u", correlationId: "c")
        }
    }

    @Test func itemsAreAddedOnTheVersionThatWasRead() throws {
        let database = FakeDatabase()
        stored(openCart, in: database)
        let cart = try service(database).addItems(
            cartId: "cart-1",
            body: body(
                #"{"items":[{"itemId":"APPLES","quantity":1,"price":11},{"itemId":"PLUMS","quantity":4,"price":2}]}"#),
            userId: "user-a", correlationId: "corr-2")
        #expect(
            cart.items == [
                CartLine(itemId: "APPLES", quantity: 3, price: 11), CartLine(itemId: "PLUMS", quantity: 4, price: 2),
            ])
        #expect(cart.version == 4 && cart.updatedAt == fixedNow && cart.createdAt == "t0")
        #expect(database.gets.first?.consistentRead == true)
        let transaction = try #require(database.transactions.first)
        let put = try #require(transaction.transactItems[0].put)
        #expect(put.conditionExpression == "#version = :version")
        #expect(put.expressionAttributeValues?[":version"] == .n("3"))
        let detail = try detail(transaction)
        #expect(transaction.transactItems[1].put?.item.string("detailType") == "ItemsAddedToCart")
        #expect(detail["items"]?.arrayValue?.count == 2, "the event carries the items added")
    }

    @Test func aCartThatIsMissingOrAnotherUsersIsNotFound() {
        let database = FakeDatabase()
        let add = #"{"items":[{"itemId":"APPLES","quantity":1,"price":1}]}"#
        #expect(throws: CommerceError(.notFound, "no cart cart-1 of this user")) {
            try service(database).addItems(cartId: "cart-1", body: body(add), userId: "user-a", correlationId: "c")
        }
        stored(openCart, in: database)
        #expect(throws: CommerceError(.notFound, "no cart cart-1 of this user")) {
            try service(database).get(cartId: "cart-1", userId: "user-b")
        }
        #expect(throws: CommerceError.self) {
            try service(database).addItems(cartId: nil, body: body(add), userId: "user-a", correlationId: "c")
        }
        #expect(database.transactions.isEmpty)
    }

    @Test func aRaceIsReadAgainAndACartThatKeepsChangingIsAConflict() throws {
        let database = FakeDatabase()
        stored(openCart, in: database)
        let raced = DynamoDBError.transactionCanceled(
            reasons: [CancellationReason(code: "ConditionalCheckFailed"), CancellationReason(code: "None")],
            message: nil)
        database.transactionResult = .failure(raced)
        #expect(throws: CommerceError(.conflict, "cart cart-1 kept changing during 3 attempts")) {
            try service(database).checkout(cartId: "cart-1", userId: "user-a", correlationId: "c")
        }
        #expect(database.transactions.count == 3 && database.gets.count == 3)
    }

    @Test func checkoutClosesTheCartAndACheckedOutCartCannotChange() throws {
        let database = FakeDatabase()
        stored(openCart, in: database)
        let cart = try service(database).checkout(cartId: "cart-1", userId: "user-a", correlationId: "corr-3")
        #expect(cart.status == .checkout)
        let transaction = try #require(database.transactions.first)
        #expect(transaction.transactItems[1].put?.item.string("detailType") == "CartCheckedOut")
        #expect(try detail(transaction)["items"]?.arrayValue?.count == 1)
        stored(cart, in: database)
        #expect(throws: CommerceError(.conflict, "cart cart-1 is checked out")) {
            try service(database).checkout(cartId: "cart-1", userId: "user-a", correlationId: "c")
        }
        var empty = openCart
        empty.items = []
        stored(empty, in: database)
        #expect(throws: CommerceError.invalidArguments("the cart is empty")) {
            try service(database).checkout(cartId: "cart-1", userId: "user-a", correlationId: "c")
        }
    }

    @Test func theAPIAnswersEachRouteWithTheReferencesBodies() throws {
        let database = FakeDatabase()
        let api = CartApi(service(database))
        let created = api.respond(
            routeKey: "POST /cart", pathParameters: [:],
            body: #"{"items":[{"itemId":"APPLES","quantity":1,"price":3}]}"#,
            headers: ["x-correlation-id": "corr-9"], userId: "user-a", logger: quietLogger)
        #expect(created.statusCode == 201 && created.headers?["x-correlation-id"] == "corr-9")
        let cart = try #require(parseJSON(created.body)?.objectValue)
        #expect(cart["status"] == .string("OPEN") && cart["userId"] == .string("user-a"))
        let unsigned = api.respond(
            routeKey: "POST /cart", pathParameters: [:], body: "{}", headers: [:], userId: nil, logger: quietLogger)
        #expect(unsigned.statusCode == 401 && unsigned.body == #"{"message":"Unauthorized"}"#)
        let missing = api.respond(
            routeKey: "PUT /cart/{cartId}/checkout", pathParameters: ["cartId": "nope"], body: nil, headers: [:],
            userId: "user-a", logger: quietLogger)
        #expect(missing.statusCode == 404 && missing.body == #"{"message":"Not Found"}"#)
        let bad = api.respond(
            routeKey: "PUT /cart/{cartId}/add-items", pathParameters: ["cartId": "cart-1"], body: nil, headers: [:],
            userId: "user-a", logger: quietLogger)
        #expect(bad.statusCode == 400 && bad.body == #"{"message":"Bad Request"}"#)
        database.transactionResult = .failure(.throttled(type: "ThrottlingException", message: nil))
        let failed = api.respond(
            routeKey: "POST /cart", pathParameters: [:],
            body: #"{"items":[{"itemId":"APPLES","quantity":1,"price":3}]}"#,
            headers: [:], userId: "user-a", logger: quietLogger)
        #expect(failed.statusCode == 500 && failed.body == #"{"message":"Internal Server Error"}"#)
    }
}

/// The forwarder against a scripted outbox and bus.
@Suite struct OutboxForwarderTests {
    final class ScriptedOutbox: OutboxTable {
        var messages: Set<String>
        var readFails = false
        var deleted: [[String]] = []
        init(_ ids: [String]) { messages = Set(ids) }
        func pending(_ ids: [String]) throws(CommerceError) -> Set<String> {
            if readFails { throw CommerceError(.unrecognized, "throttled") }
            return messages.intersection(ids)
        }
        func delete(_ ids: [String]) throws(CommerceError) {
            deleted.append(ids)
            messages.subtract(ids)
        }
    }

    final class ScriptedBus: EventPublisher {
        var published: [[String]] = []
        var refuse: Set<String> = []
        var fails = false
        func publish(_ messages: [OutboxMessage]) throws(CommerceError) -> [Bool] {
            if fails { throw CommerceError(.unrecognized, "EventBridge unavailable") }
            published.append(messages.map(\.messageId))
            return messages.map { !refuse.contains($0.messageId) }
        }
    }

    static func records(_ ids: [String], eventName: String = "INSERT") -> [OutboxForwarder.Record] {
        ids.enumerated().map { index, id in
            OutboxForwarder.Record(
                sequenceNumber: "\(100 + index)", eventName: eventName,
                message: OutboxMessage(messageId: id, source: "shopping-cart", detailType: "CartCreated", detail: "{}"))
        }
    }

    @Test func newMessagesArePutInOneCallThenDeleted() {
        let outbox = ScriptedOutbox(["a", "b", "c"])
        let bus = ScriptedBus()
        let outcome = OutboxForwarder(table: outbox, publisher: bus).forward(Self.records(["a", "b", "c"]))
        #expect(outcome.failure == nil && outcome.forwarded == ["a", "b", "c"])
        #expect(bus.published == [["a", "b", "c"]] && outbox.deleted == [["a", "b", "c"]])
    }

    @Test func aBatchThatComesAgainSkipsWhatWasForwarded() {
        let outbox = ScriptedOutbox(["a", "b", "c"])
        let bus = ScriptedBus()
        let forwarder = OutboxForwarder(table: outbox, publisher: bus)
        _ = forwarder.forward(Self.records(["a", "b", "c"]))
        let again = forwarder.forward(Self.records(["a", "b", "c"]))
        #expect(again.failure == nil && again.forwarded.isEmpty && again.alreadyForwarded == ["a", "b", "c"])
        #expect(bus.published.count == 1, "nothing is put twice")
    }

    @Test func aRefusedEntryIsRetriedFromItsSequenceNumberAndTheRestIsNotSentTwice() {
        let outbox = ScriptedOutbox(["a", "b", "c"])
        let bus = ScriptedBus()
        bus.refuse = ["b"]
        let forwarder = OutboxForwarder(table: outbox, publisher: bus)
        let first = forwarder.forward(Self.records(["a", "b", "c"]))
        #expect(first.failure == "101" && first.forwarded == ["a", "c"] && first.refused == ["b"])
        #expect(outbox.deleted == [["a", "c"]])
        // The mapping retries from the reported record: b and c come again; only b is put.
        bus.refuse = []
        let retried = forwarder.forward(Array(Self.records(["a", "b", "c"]).dropFirst()))
        #expect(retried.failure == nil && retried.forwarded == ["b"] && retried.alreadyForwarded == ["c"])
        #expect(bus.published == [["a", "b", "c"], ["b"]])
        #expect(outbox.messages.isEmpty)
    }

    @Test func aFailureBeforeAnythingIsPutRetriesTheWholeBatch() {
        let outbox = ScriptedOutbox(["a", "b"])
        let bus = ScriptedBus()
        bus.fails = true
        #expect(OutboxForwarder(table: outbox, publisher: bus).forward(Self.records(["a", "b"])).failure == "100")
        #expect(outbox.deleted.isEmpty)
        outbox.readFails = true
        bus.fails = false
        #expect(OutboxForwarder(table: outbox, publisher: bus).forward(Self.records(["a", "b"])).failure == "100")
        #expect(bus.published.isEmpty)
    }

    @Test func recordsThatAreNotNewMessagesAreSkippedAndLongBatchesGoInTens() {
        let ids = (0..<23).map { "m\($0)" }
        let outbox = ScriptedOutbox(ids)
        let bus = ScriptedBus()
        let forwarder = OutboxForwarder(table: outbox, publisher: bus)
        #expect(forwarder.forward(Self.records(["m0"], eventName: "REMOVE")).forwarded.isEmpty)
        #expect(bus.published.isEmpty)
        let outcome = forwarder.forward(Self.records(ids))
        #expect(outcome.failure == nil && bus.published.map(\.count) == [10, 10, 3])
    }

    @Test func theHandlerReadsAStreamEventAndAnswersBySequenceNumber() throws {
        let event = #"""
            {"Records":[{"eventID":"1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb",
            "awsRegion":"us-east-1","eventSourceARN":"arn:aws:dynamodb:us-east-1:000000000000:table/o/stream/x",
            "dynamodb":{"Keys":{"messageId":{"S":"m-1"}},"NewImage":{"messageId":{"S":"m-1"},"source":{"S":"shopping-cart"},
            "detailType":{"S":"CartCreated"},"detail":{"S":"{\"cartId\":\"c\"}"},"ttl":{"N":"1"}},
            "SequenceNumber":"4200","SizeBytes":10,"StreamViewType":"NEW_IMAGE"}}]}
            """#
        let records = OutboxForwarderHandler.records(of: Array(event.utf8))
        #expect(
            records == [
                OutboxForwarder.Record(
                    sequenceNumber: "4200", eventName: "INSERT",
                    message: OutboxMessage(
                        messageId: "m-1", source: "shopping-cart", detailType: "CartCreated", detail: #"{"cartId":"c"}"#
                    ))
            ])
        #expect(OutboxForwarderHandler.response("4200") == #"{"batchItemFailures":[{"itemIdentifier":"4200"}]}"#)
        #expect(OutboxForwarderHandler.response(nil) == #"{"batchItemFailures":[]}"#)
        #expect(OutboxForwarderHandler.records(of: Array("not json".utf8)).isEmpty)
    }
}

/// The checkout's orders.
@Suite struct PlaceCartOrdersTests {
    let detail = parseJSON(
        #"{"cartId":"cart-7","userId":"user-a","correlationId":"corr-7","items":[{"itemId":"APPLES","quantity":2,"price":10},{"itemId":"PEARS","quantity":1,"price":4}]}"#
    )

    @Test func eachLineBecomesAnOrderWhoseIdFollowsFromTheCart() throws {
        let orders = try PlaceCartOrdersWorker.orders(of: detail)
        #expect(orders.map(\.orderId) == ["cart-7-1", "cart-7-2"])
        #expect(orders[0] == OrderData(orderId: "cart-7-1", sku: "APPLES", units: 2, price: 10, userId: "user-a"))
        let database = FakeDatabase()
        let worker = PlaceCartOrdersWorker(
            eventStore: EventStore(
                database: database, tableName: "commerce", now: { fixedNow },
                envelope: EventEnvelope(producer: "PlaceCartOrdersWorker")))
        try worker.place(detail: detail, logger: quietLogger)
        #expect(database.puts.count == 2)
        #expect(database.puts[0].item.string("eventName") == "ORDER_PLACED_EVENT")
        #expect(database.puts[0].item.string("correlationId") == "corr-7", "the checkout's correlation id")
        database.failPutsAsDuplicates()
        try worker.place(detail: detail, logger: quietLogger)  // a redelivery: already placed, done
    }

    @Test func aTransientFailureIsRetriedAndABadMessageDropped() throws {
        let database = FakeDatabase()
        database.putResult = .failure(.throttled(type: "ThrottlingException", message: nil))
        let handler = PlaceCartOrdersHandler(
            PlaceCartOrdersWorker(eventStore: EventStore(database: database, tableName: "commerce")))
        let body = JSONOutput.object([("detail", JSONOutput(try #require(detail)))]).text
        let event = JSONValue.object([
            "Records": .array([
                .object(["messageId": .string("m1"), "body": .string(body)]),
                .object(["messageId": .string("m2"), "body": .string(#"{"detail":{"cartId":"x"}}"#)]),
            ])
        ])
        let response = handler.handle(event: event, logger: quietLogger)
        #expect(response.batchItemFailures.map(\.itemIdentifier) == ["m1"])
    }
}
