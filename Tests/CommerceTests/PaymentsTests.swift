import AWSClients
import AWSShapes
import Testing

@testable import Commerce

@Suite struct FakePaymentGatewayTests {
    func order(price: Double) -> OrderData {
        OrderData(orderId: "ORD001", sku: "APPLES", units: 1, price: price, userId: "MARIA")
    }

    @Test(arguments: [0, -1, 100_000, 120000.99])
    func pricesOutOfRangeAreRejectedWithoutADraw(price: Double) throws {
        var draws = 0
        let gateway = FakePaymentGateway(random: {
            draws += 1
            return 0
        })
        let response = try gateway.submitPayment(order(price: price))
        #expect(
            response
                == PaymentGatewayResponse(paymentId: FakePaymentGateway.paymentId(orderId: "ORD001"), status: .rejected)
        )
        #expect(draws == 0)
    }

    @Test(arguments: [(0.0, true), (0.2999, true), (0.3, false), (0.99, false)])
    func aDrawBelowTheAcceptRateAcceptsAndAnyOtherThrows(draw: Double, accepted: Bool) throws {
        let gateway = FakePaymentGateway(random: { draw })
        if accepted {
            #expect(try gateway.submitPayment(order(price: 99_999.99)).status == .accepted)
            #expect(
                try gateway.submitPayment(order(price: 0.01)).paymentId
                    == FakePaymentGateway.paymentId(orderId: "ORD001"))
        } else {
            #expect(throws: PaymentGatewayError()) { try gateway.submitPayment(order(price: 10)) }
        }
    }

    @Test func theAcceptRateComesFromTheEnvironment() throws {
        #expect(try FakePaymentGateway(environment: [:]).acceptRate == 0.3)
        #expect(try FakePaymentGateway(environment: ["PAYMENT_GATEWAY_ACCEPT_RATE": ""]).acceptRate == 0.3)
        #expect(try FakePaymentGateway(environment: ["PAYMENT_GATEWAY_ACCEPT_RATE": "1"]).acceptRate == 1)
        #expect(try FakePaymentGateway(environment: ["PAYMENT_GATEWAY_ACCEPT_RATE": "0"]).acceptRate == 0)
        for text in ["x", "1.5", "-0.1"] {
            #expect(failure { _ = try FakePaymentGateway(environment: ["PAYMENT_GATEWAY_ACCEPT_RATE": text]) } != nil)
        }
        // A rate of 1 always accepts, 0 always fails.
        #expect(
            try FakePaymentGateway(acceptRate: 1, random: { 0.999 }).submitPayment(order(price: 1)).status == .accepted)
        #expect(throws: PaymentGatewayError()) {
            try FakePaymentGateway(acceptRate: 0, random: { 0 }).submitPayment(order(price: 1))
        }
    }
}

/// A stored payment of `sampleOrder`.
func storedPayment(_ status: PaymentStatus, retries: Int, paymentId: String? = "ERROR:ORDER_ID:ORD001") -> DynamoDBItem
{
    var item = orderAttributes().merging([
        "pk": .s("PAYMENTS#ORDER_ID#ORD001"), "sk": .s("ORDER_ID#ORD001#ORDER_PAYMENT"),
        "paymentStatus": .s(status.rawValue), "paymentRetries": .n(String(retries)),
        "createdAt": .s("2024-10-18T00:00:00.000Z"), "updatedAt": .s("2024-10-18T00:00:00.000Z"),
    ])
    if let paymentId { item["paymentId"] = .s(paymentId) }
    return item
}

@Suite struct ProcessOrderPaymentWorkerTests {
    let acceptedId = FakePaymentGateway.paymentId(orderId: "ORD001")

    func worker(_ database: FakeDatabase, _ gateway: ScriptedGateway) -> ProcessOrderPaymentWorker {
        ProcessOrderPaymentWorker(
            database: database, tableName: "payments", eventStore: eventStore(database), gateway: gateway)
    }

    func accepted() -> ScriptedGateway { ScriptedGateway(.init(paymentId: acceptedId, status: .accepted)) }

    /// The values of the record written, by attribute name.
    func recorded(_ database: FakeDatabase) -> DynamoDBItem? {
        guard let update = database.updates.first else { return nil }
        var item: DynamoDBItem = [:]
        for (placeholder, name) in update.expressionAttributeNames ?? [:] {
            item[name] = update.expressionAttributeValues?[":" + placeholder.dropFirst()]
        }
        return item
    }

    @Test func aFirstAcceptedPaymentIsRecordedWithZeroRetriesAndRaisesAccepted() throws {
        let database = FakeDatabase()
        let gateway = accepted()
        try worker(database, gateway).pay(incoming(.orderStockAllocated), logger: quietLogger)
        #expect(
            database.gets == [
                GetItemInput(
                    tableName: "payments",
                    key: ["pk": .s("PAYMENTS#ORDER_ID#ORD001"), "sk": .s("ORDER_ID#ORD001#ORDER_PAYMENT")])
            ])
        #expect(gateway.calls == [sampleOrder])
        let update = try #require(database.updates.first)
        #expect(update.key == ["pk": .s("PAYMENTS#ORDER_ID#ORD001"), "sk": .s("ORDER_ID#ORD001#ORDER_PAYMENT")])
        #expect(
            update.updateExpression
                == "SET #sn = :sn, #tn = :tn, #gsi1pk = :gsi1pk, #gsi1sk = :gsi1sk, #orderId = :orderId,"
                + " #paymentId = :paymentId, #paymentRetries = :paymentRetries, #paymentStatus = :paymentStatus,"
                + " #price = :price, #sku = :sku, #units = :units, #updatedAt = :updatedAt, #userId = :userId,"
                + " #createdAt = if_not_exists(#createdAt, :createdAt)")
        #expect(
            update.conditionExpression == "#paymentStatus <> :paymentAccepted AND #paymentStatus <> :paymentRejected")
        #expect(update.returnValuesOnConditionCheckFailure == .allOld)
        #expect(update.expressionAttributeValues?[":paymentAccepted"] == .s("PAYMENT_ACCEPTED"))
        #expect(update.expressionAttributeValues?[":paymentRejected"] == .s("PAYMENT_REJECTED"))
        #expect(
            recorded(database)
                == orderAttributes().merging([
                    "_tn": .s("PAYMENTS#ORDER_PAYMENT"), "_sn": .s("PAYMENTS"), "gsi1pk": .s("PAYMENTS#ORDER_PAYMENT"),
                    "gsi1sk": .s("CREATED_AT#\(fixedNow)"), "paymentId": .s(acceptedId),
                    "paymentStatus": .s("PAYMENT_ACCEPTED"), "paymentRetries": .n("0"), "createdAt": .s(fixedNow),
                    "updatedAt": .s(fixedNow),
                ]))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderPaymentAccepted)])
    }

    @Test func aRejectedPaymentRaisesRejected() throws {
        let database = FakeDatabase()
        try worker(database, ScriptedGateway(.init(paymentId: acceptedId, status: .rejected))).pay(
            incoming(.orderStockAllocated))
        #expect(recorded(database)?["paymentStatus"] == .s("PAYMENT_REJECTED"))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderPaymentRejected)])
    }

    @Test func aFirstFailedAttemptIsRecordedWithTheErrorPaymentIdAndRetried() throws {
        let database = FakeDatabase()
        let error = failure {
            try worker(database, ScriptedGateway(nil)).pay(incoming(.orderStockAllocated), logger: quietLogger)
        }
        #expect(error?.kind == .paymentFailed)
        #expect(error?.transient == true)
        #expect(recorded(database)?["paymentStatus"] == .s("PAYMENT_FAILED"))
        #expect(recorded(database)?["paymentId"] == .s("ERROR:ORDER_ID:ORD001"))
        #expect(recorded(database)?["paymentRetries"] == .n("0"))
        #expect(database.puts.isEmpty)
    }

    @Test func aLaterAttemptKeepsTheRecordsDataAndCreationAndCountsTheRetry() throws {
        let database = FakeDatabase()
        var stored = storedPayment(.failed, retries: 1)
        stored["price"] = .n("10.5")
        database.getResult = .success(GetItemOutput(item: stored))
        try worker(database, accepted()).pay(incoming(.orderStockAllocated))
        #expect(recorded(database)?["paymentRetries"] == .n("2"))
        #expect(recorded(database)?["price"] == .n("10.5"))
        #expect(recorded(database)?["paymentStatus"] == .s("PAYMENT_ACCEPTED"))
        #expect(recorded(database)?["paymentId"] == .s(acceptedId))
        #expect(database.updates.first?.expressionAttributeValues?[":createdAt"] == .s("2024-10-18T00:00:00.000Z"))
        #expect(recorded(database)?["gsi1sk"] == .s("CREATED_AT#2024-10-18T00:00:00.000Z"))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderPaymentAccepted)])
    }

    @Test func aFailedRetryKeepsTheStoredPaymentId() throws {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedPayment(.failed, retries: 2)))
        _ = failure {
            try worker(database, ScriptedGateway(nil)).pay(incoming(.orderStockAllocated), logger: quietLogger)
        }
        #expect(recorded(database)?["paymentId"] == .s("ERROR:ORDER_ID:ORD001"))
        #expect(recorded(database)?["paymentRetries"] == .n("3"))
    }

    @Test func afterThreeRetriesTheFifthDeliveryRejectsWithoutCallingTheGateway() throws {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedPayment(.failed, retries: 3)))
        let gateway = accepted()
        try worker(database, gateway).pay(incoming(.orderStockAllocated))
        #expect(gateway.calls.isEmpty)
        #expect(recorded(database)?["paymentStatus"] == .s("PAYMENT_REJECTED"))
        #expect(recorded(database)?["paymentRetries"] == .n("4"))
        #expect(recorded(database)?["paymentId"] == .s("ERROR:ORDER_ID:ORD001"))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderPaymentRejected)])
    }

    @Test(arguments: [
        (PaymentStatus.accepted, OrderEventName.orderPaymentAccepted), (.rejected, .orderPaymentRejected),
    ])
    func anAlreadyDecidedPaymentIsNeitherSubmittedNorWrittenButPublished(status: PaymentStatus, event: OrderEventName)
        throws
    {
        for retries in [0, 3, 4] {
            let database = FakeDatabase()
            database.getResult = .success(
                GetItemOutput(item: storedPayment(status, retries: retries, paymentId: acceptedId)))
            let gateway = accepted()
            try worker(database, gateway).pay(incoming(.orderStockAllocated))
            #expect(gateway.calls.isEmpty)
            #expect(database.updates.isEmpty)
            #expect(database.puts.map(\.item) == [orderEventItem(event)])
        }
    }

    /// The retry timeline of a gateway that always fails: 4 calls, then REJECTED.
    @Test func aGatewayThatAlwaysFailsIsCalledFourTimesThenTheOrderIsRejected() throws {
        let database = FakeDatabase()
        let gateway = ScriptedGateway(nil)
        var stored: DynamoDBItem?
        var outcomes: [CommerceError.Kind?] = []
        for _ in 1...5 {
            database.getResult = .success(GetItemOutput(item: stored))
            database.updates = []
            outcomes.append(
                failure { try worker(database, gateway).pay(incoming(.orderStockAllocated), logger: quietLogger) }?.kind
            )
            let written = try #require(recorded(database))
            stored = written.merging(["pk": .s("PAYMENTS#ORDER_ID#ORD001")])
            stored?["createdAt"] = .s(fixedNow)
        }
        #expect(gateway.calls.count == 4)
        #expect(outcomes == [.paymentFailed, .paymentFailed, .paymentFailed, .paymentFailed, nil])
        #expect(stored?["paymentStatus"] == .s("PAYMENT_REJECTED"))
        #expect(stored?["paymentRetries"] == .n("4"))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderPaymentRejected)])
    }

    @Test(arguments: [
        (PaymentStatus.accepted, OrderEventName.orderPaymentAccepted), (.rejected, .orderPaymentRejected),
    ])
    func aRecordAlreadyDecidedByAnotherDeliveryPublishesThatDecision(status: PaymentStatus, event: OrderEventName)
        throws
    {
        // Fixed on purpose: DynamoDB returns the old item as typed attribute values.
        let database = FakeDatabase()
        database.updateResult = .failure(
            .conditionalCheckFailed(item: storedPayment(status, retries: 0, paymentId: acceptedId)))
        try worker(database, ScriptedGateway(nil)).pay(incoming(.orderStockAllocated), logger: quietLogger)
        #expect(database.puts.map(\.item) == [orderEventItem(event)])
    }

    @Test func otherRecordFailuresAreRetried() {
        for error in [
            DynamoDBError.conditionalCheckFailed(item: nil),
            .conditionalCheckFailed(item: storedPayment(.failed, retries: 0)), transientError,
        ] {
            let database = FakeDatabase()
            database.updateResult = .failure(error)
            let outcome = failure { try worker(database, accepted()).pay(incoming(.orderStockAllocated)) }
            #expect(outcome?.kind == .unrecognized)
            #expect(database.puts.isEmpty)
        }
    }

    @Test func aReadFailureIsRetriedWithoutCallingTheGateway() {
        let database = FakeDatabase()
        database.getResult = .failure(transientError)
        let gateway = accepted()
        #expect(failure { try worker(database, gateway).pay(incoming(.orderStockAllocated)) }?.transient == true)
        #expect(gateway.calls.isEmpty)
    }

    @Test func anInvalidStoredPaymentIsDropped() {
        let database = FakeDatabase()
        var stored = storedPayment(.failed, retries: 0)
        stored["paymentStatus"] = .s("PAYMENT_PENDING")
        database.getResult = .success(GetItemOutput(item: stored))
        #expect(
            failure { try worker(database, accepted()).pay(incoming(.orderStockAllocated)) }?.kind == .invalidArguments)
    }

    @Test func aDuplicateEventIsDroppedAndAFailedPublishRetried() {
        let database = FakeDatabase()
        database.failPutsAsDuplicates()
        #expect(
            failure { try worker(database, accepted()).pay(incoming(.orderStockAllocated)) }?.kind
                == .duplicateEventRaised)
        database.putResult = .failure(transientError)
        #expect(failure { try worker(database, accepted()).pay(incoming(.orderStockAllocated)) }?.transient == true)
    }

    @Test func theWorkerAcceptsOnlyStockAllocatedEventsAndRetriesFailedPayments() {
        let database = FakeDatabase()
        let controller = WorkerController(worker(database, ScriptedGateway(nil)))
        let response = controller.handle(
            event: sqsEvent([
                ("m1", messageBody(newImage: orderEventItem(.orderStockAllocated))),
                ("m2", messageBody(newImage: orderEventItem(.orderCreated))),
            ]), logger: quietLogger)
        #expect(response.batchItemFailures.map(\.itemIdentifier) == ["m1"])
        #expect(database.gets.count == 1)
    }
}

@Suite struct ListOrderPaymentsApiTests {
    @Test func listsPaymentsWithTheirFieldsInOrder() {
        let database = FakeDatabase()
        database.queryResult = .success(QueryOutput(items: [storedPayment(.accepted, retries: 0, paymentId: "AC1ED7")]))
        let response = APIController(ListOrderPaymentsApi(database: database, tableName: "payments"))
            .respond(toBody: #"{"orderId":"ORD001"}"#)
        #expect(
            response.body
                == #"{"orderPayments":[{"orderId":"ORD001","sku":"APPLES","units":20,"price":33.25,"userId":"MARIA","createdAt":"2024-10-18T00:00:00.000Z","updatedAt":"2024-10-18T00:00:00.000Z","paymentId":"AC1ED7","paymentStatus":"PAYMENT_ACCEPTED","paymentRetries":0}]}"#
        )
        #expect(
            database.queries.first?.expressionAttributeValues
                == [":pk": .s("PAYMENTS#ORDER_ID#ORD001"), ":sk": .s("ORDER_ID#ORD001#ORDER_PAYMENT")])
    }

    @Test func withoutOrderIdItListsThePaymentsPartitionOfTheIndex() {
        let database = FakeDatabase()
        _ = APIController(ListOrderPaymentsApi(database: database, tableName: "payments")).respond(
            toBody: #"{"sortDirection":"desc"}"#)
        #expect(database.queries.first?.expressionAttributeValues == [":gsi1pk": .s("PAYMENTS#ORDER_PAYMENT")])
        #expect(database.queries.first?.scanIndexForward == false)
        #expect(database.queries.first?.limit == 50)
    }
}
