import AWSClients
import AWSShapes
import LambdaRuntime
import Testing

@testable import Commerce

/// The order's life beyond the reference: the envelope and correlation id, cancellation, shipping, compensation and
/// notifications, each branch against a scripted database.
func enveloped(_ database: FakeDatabase, correlationId: String? = "corr-1") -> EventStore {
    EventStore(
        database: database, tableName: "events", now: { fixedNow },
        envelope: EventEnvelope(producer: "TestProducer", correlationId: correlationId))
}

func cancellationMark(_ orderId: String = "ORD001") -> DynamoDBItem {
    ["pk": .s("ORDERS#ORDER_ID#\(orderId)"), "sk": .s("ORDER_ID#\(orderId)#CANCELLATION"), "orderId": .s(orderId)]
}

func storedShipment(_ status: ShipmentStatus) -> DynamoDBItem {
    orderAttributes().merging([
        "pk": .s("SHIPMENTS#ORDER_ID#ORD001"), "sk": .s("ORDER_ID#ORD001#SHIPMENT"), "shipmentId": .s("SHP-0001"),
        "carrier": .s("FEDEX"), "trackingId": .s("TRK-000000000001"), "shipmentStatus": .s(status.rawValue),
        "createdAt": .s(fixedNow), "updatedAt": .s(fixedNow),
    ])
}

func placedEvent() -> DynamoDBItem {
    [
        "pk": .s("EVENTS#ORDER_ID#ORD001"), "sk": .s("EVENT#ORDER_PLACED_EVENT"),
        "eventName": .s("ORDER_PLACED_EVENT"), "eventData": .m(orderAttributes()),
    ]
}

func cancelled(_ codes: [String]) -> DynamoDBError {
    .transactionCanceled(reasons: codes.map { .init(code: $0) }, message: nil)
}

/// The event names the scripted database was asked to put (plain puts and transactions).
func raisedEvents(_ database: FakeDatabase) -> [String] {
    let items =
        database.puts.map(\.item)
        + database.transactions.flatMap { $0.transactItems.compactMap { $0.put?.item } }
    return items.compactMap { item in item.string("pk")?.hasPrefix("EVENTS#") == true ? item.string("eventName") : nil }
}

@Suite struct EnvelopeTests {
    @Test func anEnvelopedEventCarriesItsFieldsBesideTheReferencesAttributes() throws {
        let database = FakeDatabase()
        try enveloped(database).raiseOrderEvent(.orderPlaced, sampleOrder)
        let item = try #require(database.puts.first?.item)
        // The reference's attributes, untouched.
        for (name, value) in orderEventItem(.orderPlaced) { #expect(item[name] == value, "\(name)") }
        #expect(item["eventType"] == .s("ORDER_PLACED_EVENT"))
        #expect(item["correlationId"] == .s("corr-1"))
        #expect(item["producer"] == .s("TestProducer"))
        #expect(item["version"] == .n("1"))
        #expect(item["occurredAt"] == .s(fixedNow))
        let eventId = try #require(item.string("eventId"))
        #expect(eventId.count == 36 && eventId == eventId.lowercased())
    }

    @Test func withoutACorrelationIdEachEventGetsANewOne() throws {
        let database = FakeDatabase()
        let store = enveloped(database).correlated(nil)
        try store.raiseOrderEvent(.orderPlaced, sampleOrder)
        try store.raiseOrderEvent(.orderCreated, sampleOrder)
        let ids = database.puts.compactMap { $0.item.string("correlationId") }
        #expect(ids.count == 2 && ids[0] != ids[1])
        #expect(Set(database.puts.compactMap { $0.item.string("eventId") }).count == 2)
    }

    @Test func aWorkerPassesTheIncomingCorrelationIdOn() throws {
        let database = FakeDatabase()
        let worker = SyncOrderWorker(database: database, tableName: "orders", eventStore: enveloped(database))
        var event = incoming(.orderPlaced)
        event.correlationId = "from-the-request"
        database.updateResult = .success(UpdateItemOutput(attributes: storedOrder(.created)))
        try worker.sync(event)
        #expect(database.puts.first?.item["correlationId"] == .s("from-the-request"))
    }

    @Test func theIncomingEventReadsTheCorrelationIdWhenThereIsOne() throws {
        var image = orderEventItem(.orderCreated)
        #expect(try IncomingOrderEvent(newImage: image, accepting: [.orderCreated]).correlationId == nil)
        image["correlationId"] = .s("abc")
        #expect(try IncomingOrderEvent(newImage: image, accepting: [.orderCreated]).correlationId == "abc")
    }

    @Test(
        arguments: [
            (nil, true), ("0f8fad5b-d9cb-469f-a165-70867728950e", true), ("order:ORD001_2", true), ("", false),
            ("has space", false), ("<script>", false), (String(repeating: "a", count: 129), false),
        ] as [(String?, Bool)])
    func theCorrelationHeaderIsTakenMadeOrRefused(header: String?, valid: Bool) {
        let database = FakeDatabase()
        let api = APIController(PlaceOrderApi(eventStore: enveloped(database, correlationId: nil)))
        let response = api.respond(
            toBody: #"{"orderId":"ORD001","sku":"APPLES","units":1,"price":1,"userId":"MARIA"}"#,
            headers: header.map { ["x-correlation-id": $0] } ?? [:], logger: quietLogger)
        if valid {
            #expect(response.statusCode == 202)
            let echoed = response.headers?["x-correlation-id"]
            #expect(echoed != nil && (header == nil || echoed == header))
            #expect(database.puts.first?.item["correlationId"] == echoed.map(AttributeValue.s))
        } else {
            #expect(response == .init(statusCode: 400, body: #"{"message":"Bad Request"}"#))
            #expect(database.callCount == 0)
        }
    }
}

@Suite struct CancelOrderApiTests {
    func api(_ database: FakeDatabase) -> APIController<CancelOrderApi> {
        APIController(CancelOrderApi(eventStore: enveloped(database)))
    }

    @Test func anOrderNeverPlacedIs404() {
        let database = FakeDatabase()
        #expect(
            api(database).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger)
                == .init(statusCode: 404, body: #"{"message":"Not Found"}"#))
        #expect(database.gets.first?.consistentRead == true)
        #expect(database.transactions.isEmpty)
    }

    @Test func theMarkAndTheEventAreWrittenInOneTransaction() throws {
        let database = FakeDatabase()
        database.stored(placedEvent())
        let response = api(database).respond(
            toBody: #"{"orderId":"ORD001","reason":"changed my mind"}"#, headers: ["x-correlation-id": "c-42"],
            logger: quietLogger)
        #expect(response.statusCode == 202)
        #expect(response.body == #"{"orderId":"ORD001","reason":"changed my mind"}"#)
        let items = try #require(database.transactions.first).transactItems
        #expect(items.count == 2)
        let mark = try #require(items[0].put)
        #expect(mark.item.string("sk") == "ORDER_ID#ORD001#CANCELLATION")
        #expect(mark.item["reason"] == .s("changed my mind"))
        #expect(mark.conditionExpression == "attribute_not_exists(#pk) AND attribute_not_exists(#sk)")
        let event = try #require(items[1].put)
        #expect(event.item["eventName"] == .s("ORDER_CANCELED_EVENT"))
        #expect(event.item["correlationId"] == .s("c-42"))
        #expect(event.item["eventData"] == .m(orderAttributes().merging(["reason": .s("changed my mind")])))
    }

    @Test func cancellingAgainIs202AndAfterASimulatedCancelTheMarkIsCompleted() {
        let database = FakeDatabase()
        database.stored(placedEvent())
        database.transactionResult = .failure(cancelled(["ConditionalCheckFailed", "None"]))
        #expect(api(database).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 202)
        #expect(database.puts.isEmpty)
        database.transactionResult = .failure(cancelled(["None", "ConditionalCheckFailed"]))
        #expect(api(database).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 202)
        #expect(database.puts.first?.item.string("sk") == "ORDER_ID#ORD001#CANCELLATION")
    }

    @Test func otherFailuresAre500AndBadRequests400() {
        let database = FakeDatabase()
        database.stored(placedEvent())
        database.transactionResult = .failure(cancelled(["TransactionConflict", "None"]))
        #expect(api(database).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 500)
        for body in [#"{}"#, #"{"orderId":"O1"}"#, #"{"orderId":"ORD001","reason":""}"#, "nope"] {
            #expect(api(database).respond(toBody: body, logger: quietLogger).statusCode == 400, "\(body)")
        }
    }
}

@Suite struct ShipOrderWorkerTests {
    func worker(_ database: FakeDatabase) -> ShipOrderWorker {
        ShipOrderWorker(database: database, tableName: "commerce", eventStore: enveloped(database))
    }

    @Test func aCompletedAllocationIsShippedUnlessCancelledAndTheEventNamesTheShipment() throws {
        let database = FakeDatabase()
        database.stored(storedAllocation("COMPLETED_PAYMENT_ACCEPTED"))
        try worker(database).ship(sampleOrder, correlationId: "c-1")
        let items = try #require(database.transactions.first).transactItems
        let shipment = try #require(items[0].put?.item)
        #expect(shipment["shipmentStatus"] == .s("SHIPPED") && shipment["carrier"] == .s("FEDEX"))
        let ids = Shipments.identifiers(orderId: "ORD001")
        #expect(shipment["shipmentId"] == .s(ids.shipmentId) && shipment["trackingId"] == .s(ids.trackingId))
        #expect(items[1].conditionCheck?.key == cancellationMark().filter { $0.key == "pk" || $0.key == "sk" })
        #expect(items[1].conditionCheck?.conditionExpression == "attribute_not_exists(#pk)")
        #expect(raisedEvents(database).last == "ORDER_SHIPPED_EVENT")
        if case .m(let data)? = database.puts.last?.item["eventData"] {
            #expect(data["trackingId"] == .s(ids.trackingId))
        } else {
            Issue.record("the event has its data")
        }
    }

    @Test func theIdsAreTheSameForEveryDeliveryAndDifferPerOrder() {
        #expect(Shipments.identifiers(orderId: "ORD001") == Shipments.identifiers(orderId: "ORD001"))
        #expect(Shipments.identifiers(orderId: "ORD001").shipmentId != Shipments.identifiers(orderId: "ORD002").0)
        #expect(Shipments.identifiers(orderId: "ORD001").trackingId.count == 16)
    }

    @Test func anAllocationNotCompletedYetIsRetriedAndAMissingOneDropped() {
        let database = FakeDatabase()
        database.stored(storedAllocation("ALLOCATED"))
        let waiting = failure { try worker(database).ship(sampleOrder, correlationId: "c-1") }
        #expect(waiting?.transient == true)
        let none = FakeDatabase()
        none.stored(cancellationMark("OTHER"))
        let missing = failure { try worker(none).ship(sampleOrder, correlationId: "c-1") }
        #expect(missing?.kind == .invalidOperation && missing?.transient == false)
        #expect(database.transactions.isEmpty && none.transactions.isEmpty)
    }

    @Test func aCancelledOrderIsNotShipped() {
        let database = FakeDatabase()
        database.stored(storedAllocation("COMPLETED_PAYMENT_ACCEPTED"))
        database.transactionResult = .failure(cancelled(["None", "ConditionalCheckFailed"]))
        let error = failure { try worker(database).ship(sampleOrder, correlationId: "c-1") }
        #expect(error?.kind == .invalidOperation && error?.transient == false)
        #expect(raisedEvents(database) == [])
    }

    @Test func aShipmentAlreadyThereIsAnnouncedAgainUnlessItWasCancelled() throws {
        let database = FakeDatabase()
        database.stored(storedShipment(.shipped))
        try worker(database).ship(sampleOrder, correlationId: "c-1")
        #expect(database.transactions.isEmpty)
        #expect(raisedEvents(database) == ["ORDER_SHIPPED_EVENT"])
        let stopped = FakeDatabase()
        stopped.stored(storedShipment(.canceled))
        #expect(failure { try worker(stopped).ship(sampleOrder, correlationId: "c-1") }?.kind == .invalidOperation)
    }
}

@Suite struct ShipOrderApiTests {
    func api(_ database: FakeDatabase) -> APIController<ShipOrderApi> {
        APIController(ShipOrderApi(eventStore: enveloped(database)))
    }

    @Test func aPaidOrderIsAskedToShipAndAnythingElseRefused() {
        let paid = FakeDatabase()
        paid.stored(storedPayment(.accepted, retries: 0))
        #expect(
            api(paid).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger)
                == .init(statusCode: 202, body: #"{"orderId":"ORD001"}"#))
        #expect(raisedEvents(paid) == ["ORDER_SHIPMENT_REQUESTED_EVENT"])
        #expect(paid.gets.first?.consistentRead == true)
        #expect(api(FakeDatabase()).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 404)
        for status in [PaymentStatus.failed, .rejected] {
            let database = FakeDatabase()
            database.stored(storedPayment(status, retries: 0))
            #expect(api(database).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 409)
            #expect(raisedEvents(database) == [])
        }
    }

    @Test func theWorkerReadsTheRequestEventAndRefusesAnyOther() throws {
        let database = FakeDatabase()
        database.stored(storedAllocation("COMPLETED_PAYMENT_ACCEPTED"))
        let worker = ShipOrderWorker(database: database, tableName: "commerce", eventStore: enveloped(database))
        var image = orderEventItem(.orderPaymentAccepted)
        #expect(failure { try worker.process(newImage: image, logger: quietLogger) }?.kind == .invalidArguments)
        image["eventName"] = .s("ORDER_SHIPMENT_REQUESTED_EVENT")
        image["correlationId"] = .s("c-9")
        try worker.process(newImage: image, logger: quietLogger)
        #expect(database.puts.last?.item["correlationId"] == .s("c-9"))
        #expect(raisedEvents(database) == ["ORDER_SHIPPED_EVENT"])
    }
}

@Suite struct DeliverShipmentApiTests {
    func api(_ database: FakeDatabase) -> APIController<DeliverShipmentApi> {
        APIController(DeliverShipmentApi(eventStore: enveloped(database)))
    }

    @Test func aShippedShipmentIsDeliveredAndAnnounced() throws {
        let database = FakeDatabase()
        database.stored(storedShipment(.shipped))
        let response = api(database).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger)
        #expect(response.statusCode == 202)
        #expect(
            response.body
                == #"{"orderId":"ORD001","shipmentId":"SHP-0001","trackingId":"TRK-000000000001","shipmentStatus":"DELIVERED"}"#
        )
        let items = try #require(database.transactions.first).transactItems
        #expect(items[0].update?.conditionExpression == "#shipmentStatus = :expectedShipmentStatus")
        #expect(items[0].update?.expressionAttributeValues?[":expectedShipmentStatus"] == .s("SHIPPED"))
        #expect(items[1].conditionCheck != nil)
        #expect(raisedEvents(database) == ["ORDER_DELIVERED_EVENT"])
    }

    @Test func noShipmentIs404AndACancelledOneOrOrder409() {
        #expect(api(FakeDatabase()).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 404)
        let cancelledShipment = FakeDatabase()
        cancelledShipment.stored(storedShipment(.canceled))
        #expect(
            api(cancelledShipment).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger)
                == .init(statusCode: 409, body: #"{"message":"Conflict"}"#))
        let cancelledOrder = FakeDatabase()
        cancelledOrder.stored(storedShipment(.shipped))
        cancelledOrder.transactionResult = .failure(cancelled(["None", "ConditionalCheckFailed"]))
        #expect(api(cancelledOrder).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 409)
        #expect(raisedEvents(cancelledOrder) == [])
    }

    @Test func deliveringAgainIs202() {
        let database = FakeDatabase()
        database.stored(storedShipment(.delivered))
        #expect(api(database).respond(toBody: #"{"orderId":"ORD001"}"#, logger: quietLogger).statusCode == 202)
        #expect(database.transactions.isEmpty)
        #expect(raisedEvents(database) == ["ORDER_DELIVERED_EVENT"])
    }
}

@Suite struct CompensationTests {
    @Test func aShippedShipmentIsCancelledAndADeliveredOneReturned() throws {
        for (status, next, event) in [
            (ShipmentStatus.shipped, "CANCELED", "ORDER_SHIPMENT_CANCELED_EVENT"),
            (.delivered, "RETURNED", "ORDER_SHIPMENT_RETURNED_EVENT"),
        ] {
            let database = FakeDatabase()
            database.stored(storedShipment(status))
            try CancelOrderShipmentWorker(database: database, tableName: "commerce", eventStore: enveloped(database))
                .compensate(incoming(.orderCanceled))
            #expect(database.puts.first?.item.string("sk") == "ORDER_ID#ORD001#CANCELLATION", "marked first")
            #expect(database.updates.first?.expressionAttributeValues?[":shipmentStatus"] == .s(next))
            #expect(
                database.updates.first?.expressionAttributeValues?[":expectedShipmentStatus"] == .s(status.rawValue))
            #expect(raisedEvents(database) == [event])
        }
    }

    @Test func aShipmentDeliveredInBetweenIsDecidedOnAgain() throws {
        let database = FakeDatabase()
        database.stored(storedShipment(.shipped))
        database.updateResults = [.failure(.conditionalCheckFailed(item: nil))]
        let worker = CancelOrderShipmentWorker(
            database: database, tableName: "commerce", eventStore: enveloped(database))
        // The first move fails its condition; the shipment read again is still SHIPPED here, so it moves again.
        try worker.compensate(incoming(.orderCanceled))
        #expect(database.updates.count == 2)
        #expect(raisedEvents(database) == ["ORDER_SHIPMENT_CANCELED_EVENT"])
    }

    @Test func noShipmentNoCompensation() throws {
        let database = FakeDatabase()
        try CancelOrderShipmentWorker(database: database, tableName: "commerce", eventStore: enveloped(database))
            .compensate(incoming(.orderCanceled))
        #expect(database.updates.isEmpty && raisedEvents(database) == [])
    }

    func stockWorker(_ database: FakeDatabase) -> ReturnOrderStockWorker {
        ReturnOrderStockWorker(database: database, tableName: "commerce", eventStore: enveloped(database))
    }

    @Test(arguments: ["ALLOCATED", "COMPLETED_PAYMENT_ACCEPTED"])
    func aCancelledOrdersStockGoesBackOnce(status: String) throws {
        let database = FakeDatabase()
        database.stored(storedAllocation(status))
        try stockWorker(database).compensate(incoming(.orderCanceled))
        let items = try #require(database.transactions.first).transactItems
        #expect(items[0].update?.expressionAttributeValues?[":allocationStatus"] == .s("DEALLOCATED_ORDER_CANCELED"))
        #expect(items[0].update?.expressionAttributeValues?[":expectedAllocationStatus"] == .s(status))
        #expect(items[1].update?.updateExpression.contains("#units + :units") == true)
        #expect(items[1].update?.expressionAttributeValues?[":units"] == .n("20"))
        #expect(raisedEvents(database) == ["ORDER_STOCK_RETURNED_EVENT"])
    }

    @Test func stockAlreadyReturnedOrNeverAllocatedOrOfALiveOrderStays() throws {
        let rejected = FakeDatabase()
        rejected.stored(storedAllocation("DEALLOCATED_PAYMENT_REJECTED"))
        try stockWorker(rejected).compensate(incoming(.orderCanceled))
        #expect(rejected.transactions.isEmpty && raisedEvents(rejected) == [])
        let depleted = FakeDatabase()
        try stockWorker(depleted).compensate(incoming(.orderCanceled))
        #expect(depleted.transactions.isEmpty)
        let live = FakeDatabase()
        live.stored(storedAllocation("ALLOCATED"))
        try stockWorker(live).compensate(incoming(.orderStockAllocated))
        #expect(live.transactions.isEmpty && live.puts.isEmpty, "not cancelled: the allocation stands")
    }

    @Test func anAllocationAfterTheCancellationIsReturnedToo() throws {
        let database = FakeDatabase()
        database.stored(storedAllocation("ALLOCATED"))
        database.stored(cancellationMark())
        try stockWorker(database).compensate(incoming(.orderStockAllocated))
        #expect(database.transactions.count == 1)
        #expect(database.puts.allSatisfy { $0.item.string("sk") != "ORDER_ID#ORD001#CANCELLATION" }, "not re-marked")
    }

    @Test func aConflictIsTransient() {
        let database = FakeDatabase()
        database.stored(storedAllocation("ALLOCATED"))
        database.transactionResult = .failure(cancelled(["TransactionConflict", "None"]))
        #expect(failure { try stockWorker(database).compensate(incoming(.orderCanceled)) }?.transient == true)
    }

    func refundWorker(_ database: FakeDatabase) -> RefundOrderPaymentWorker {
        RefundOrderPaymentWorker(database: database, tableName: "commerce", eventStore: enveloped(database))
    }

    @Test func anAcceptedPaymentOfACancelledOrderIsRefundedOnce() throws {
        let database = FakeDatabase()
        database.stored(storedPayment(.accepted, retries: 0, paymentId: "A1B2C3"))
        try refundWorker(database).compensate(incoming(.orderCanceled))
        let refund = try #require(database.puts.first { $0.item.string("sk") == "ORDER_ID#ORD001#ORDER_REFUND" })
        #expect(refund.item["amount"] == .n("33.25") && refund.item["paymentId"] == .s("A1B2C3"))
        #expect(refund.conditionExpression == "attribute_not_exists(#pk) AND attribute_not_exists(#sk)")
        #expect(raisedEvents(database) == ["ORDER_PAYMENT_REFUNDED_EVENT"])
    }

    @Test func nothingIsRefundedWithoutAnAcceptedPaymentOrACancellation() throws {
        for status in [PaymentStatus.failed, .rejected] {
            let database = FakeDatabase()
            database.stored(storedPayment(status, retries: 1))
            try refundWorker(database).compensate(incoming(.orderCanceled))
            #expect(database.puts.count == 1, "only the mark")
        }
        let live = FakeDatabase()
        live.stored(storedPayment(.accepted, retries: 0))
        try refundWorker(live).compensate(incoming(.orderPaymentAccepted))
        #expect(live.puts.isEmpty)
        let late = FakeDatabase()
        late.stored(storedPayment(.accepted, retries: 0))
        late.stored(cancellationMark())
        try refundWorker(late).compensate(incoming(.orderPaymentAccepted))
        #expect(raisedEvents(late) == ["ORDER_PAYMENT_REFUNDED_EVENT"], "a payment accepted after the cancellation")
    }

    @Test func aCancellationOfAnOrderNotCreatedYetWaitsOnlyWhenMarked() {
        let marked = FakeDatabase()
        marked.stored(cancellationMark())
        let worker = SyncOrderWorker(database: marked, tableName: "commerce", eventStore: enveloped(marked))
        let waiting = failure { try worker.sync(incoming(.orderCanceled)) }
        #expect(waiting?.kind == .invalidOperation && waiting?.transient == true)
    }
}

@Suite struct NotificationTests {
    func worker(_ database: FakeDatabase) -> NotifyOrderWorker {
        NotifyOrderWorker(database: database, tableName: "commerce", now: { fixedNow })
    }

    func image(_ name: OrderEventName, details: DynamoDBItem = [:]) -> DynamoDBItem {
        var item = orderEventItem(name)
        item["eventData"] = .m(orderAttributes().merging(details))
        item["correlationId"] = .s("c-7")
        return item
    }

    @Test(arguments: [
        (OrderEventName.orderPaymentAccepted, "ORDER_ACCEPTED", "is confirmed: payment of 33.25 accepted."),
        (.orderPaymentRejected, "ORDER_REJECTED", "was not placed: the payment was rejected."),
        (.orderStockDepleted, "ORDER_REJECTED", "was not placed: out of stock."),
        (.orderDelivered, "ORDER_DELIVERED", "was delivered."),
        (.orderCanceled, "ORDER_CANCELED", "was cancelled."),
    ])
    func eachLifecycleEventIsOneNotification(event: OrderEventName, kind: String, text: String) throws {
        let database = FakeDatabase()
        try worker(database).process(newImage: image(event), logger: quietLogger)
        let put = try #require(database.puts.first)
        #expect(put.item.string("sk") == "KIND#\(kind)")
        #expect(put.item.string("message") == "Your order ORD001 (20 × APPLES) " + text)
        #expect(put.item["correlationId"] == .s("c-7") && put.item["userId"] == .s("MARIA"))
        #expect(put.conditionExpression == "attribute_not_exists(#pk) AND attribute_not_exists(#sk)")
        // The record names its event without looking like one: the bus's rules route the table's INSERTs by
        // `eventName`, and a record with one came back to every worker of that event (and to this one's DLQ).
        #expect(put.item["eventName"] == nil && put.item["sourceEvent"] == .s(event.rawValue))
    }

    @Test func aShipmentNamesItsCarrierAndTrackingAndACancellationItsReason() throws {
        let database = FakeDatabase()
        try worker(database).process(
            newImage: image(.orderShipped, details: ["carrier": .s("FEDEX"), "trackingId": .s("TRK-1")]),
            logger: quietLogger)
        try worker(database).process(
            newImage: image(.orderCanceled, details: ["reason": .s("too slow")]), logger: quietLogger)
        #expect(
            database.puts.map { $0.item.string("message") ?? "" } == [
                "Your order ORD001 (20 × APPLES) has shipped with FEDEX, tracking TRK-1.",
                "Your order ORD001 (20 × APPLES) was cancelled: too slow",
            ])
    }

    @Test func aDuplicateIsSentOnceAndWhatCannotBeRenderedIsRetriedToTheDLQ() throws {
        let database = FakeDatabase()
        database.failPutsAsDuplicates()
        try worker(database).process(newImage: image(.orderDelivered), logger: quietLogger)
        let unrenderable = failure {
            try worker(FakeDatabase()).process(newImage: image(.orderShipped), logger: quietLogger)
        }
        #expect(unrenderable?.transient == true, "reported, so SQS moves it to the DLQ after maxReceiveCount")
        var broken = image(.orderDelivered)
        broken["eventData"] = .m(["orderId": .s("ORD001")])
        #expect(
            failure { try worker(FakeDatabase()).process(newImage: broken, logger: quietLogger) }?.transient == true)
    }
}

/// A request about an existing order without its own `x-correlation-id` adopts the order's: its events, its log
/// lines and its answer's header carry it, whether the request succeeds or fails after the adoption.
@Suite struct AdoptedCorrelationTests {
    /// The order ORD001 placed under `order-corr`, and its shipment in `shipment` status if any.
    func database(shipment: ShipmentStatus? = nil) -> FakeDatabase {
        let database = FakeDatabase()
        var placed = placedEvent()
        placed["correlationId"] = .s("order-corr")
        database.stored(placed)
        if let shipment { database.stored(storedShipment(shipment)) }
        return database
    }

    func deliver(_ database: FakeDatabase, headers: [String: String] = [:]) -> APIGatewayV2Response {
        APIController(DeliverShipmentApi(eventStore: enveloped(database, correlationId: nil)))
            .respond(toBody: #"{"orderId":"ORD001"}"#, headers: headers, logger: quietLogger)
    }

    func cancel(_ database: FakeDatabase) -> APIGatewayV2Response {
        APIController(CancelOrderApi(eventStore: enveloped(database, correlationId: nil)))
            .respond(toBody: #"{"orderId":"ORD001"}"#, headers: [:], logger: quietLogger)
    }

    @Test func aFailureAfterTheAdoptionAnswersUnderTheOrdersId() {
        // The delivery of a cancelled order's shipment: 409, once the order's id was adopted.
        let cancelledOrder = database(shipment: .shipped)
        cancelledOrder.transactionResult = .failure(cancelled(["None", "ConditionalCheckFailed"]))
        let refused = deliver(cancelledOrder)
        #expect(refused.statusCode == 409)
        #expect(refused.headers?["x-correlation-id"] == "order-corr")
        // The caller's own id is kept, refused or not.
        #expect(deliver(cancelledOrder, headers: ["x-correlation-id": "mine"]).headers?["x-correlation-id"] == "mine")
        // A cancellation that fails to be written (500) answers under the order's id too.
        let unwritten = database()
        unwritten.transactionResult = .failure(cancelled(["TransactionConflict", "None"]))
        let failed = cancel(unwritten)
        #expect(failed.statusCode == 500 && failed.headers?["x-correlation-id"] == "order-corr")
        // Refused before there is an order to adopt from (no shipment): the id made for the request.
        let unknown = deliver(FakeDatabase())
        #expect(unknown.statusCode == 404)
        let made = unknown.headers?["x-correlation-id"]
        #expect(made != nil && made != "order-corr")
    }

    @Test func aSuccessAfterTheAdoptionAnswersAndRaisesUnderTheOrdersId() throws {
        let again = database()
        again.transactionResult = .failure(cancelled(["ConditionalCheckFailed", "None"]))
        let answer = cancel(again)
        #expect(answer.statusCode == 202 && answer.headers?["x-correlation-id"] == "order-corr")
        let delivered = database(shipment: .shipped)
        #expect(deliver(delivered).headers?["x-correlation-id"] == "order-corr")
        #expect(delivered.puts.last?.item["correlationId"] == .s("order-corr"))
    }

    @Test func theLinesAfterTheAdoptionCarryTheAdoptedId() {
        // The request's logger was made under the id made for it; the service logs with the adopted one.
        let request = LambdaLogger().with("orderId", "ORD001").with("correlationId", "made-for-the-request")
        var correlation = Correlation(id: "made-for-the-request", isGiven: false)
        correlation.adopt(orderCorrelation: "order-corr")
        let line = correlation.logger(request).render(.info, "Order ORD001 was already cancelled", timestamp: fixedNow)
        #expect(line.hasSuffix("\torderId=ORD001 correlationId=order-corr"), "\(line)")
        // A caller's own id is never replaced.
        var given = Correlation(id: "mine", isGiven: true)
        given.adopt(orderCorrelation: "order-corr")
        #expect(given.id == "mine")
        // An order placed before the envelope (no id of its own) keeps the request's.
        var old = Correlation(id: "made-for-the-request", isGiven: false)
        old.adopt(orderCorrelation: nil)
        #expect(old.id == "made-for-the-request")
    }
}
