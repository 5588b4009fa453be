import AWSClients
import AWSShapes
import Testing

@testable import Commerce

@Suite struct RestockSKUApiTests {
    func api(_ database: FakeDatabase) -> APIController<RestockSKUApi> {
        APIController(RestockSKUApi(eventStore: eventStore(database)))
    }

    @Test func raisesTheRestockEventWithTheUntrimmedValuesAndEchoes() {
        let database = FakeDatabase()
        let response = api(database).respond(toBody: #"{"sku":" APPLES ","units":100,"lotId":"APP001","extra":1}"#)
        #expect(response == .init(statusCode: 202, body: #"{"sku":" APPLES ","units":100,"lotId":"APP001"}"#))
        #expect(
            database.puts == [
                PutItemInput(
                    tableName: "events",
                    item: [
                        "pk": .s("EVENTS#SKU# APPLES "), "sk": .s("EVENT#SKU_RESTOCKED_EVENT#LOT_ID#APP001"),
                        "_tn": .s("EVENTS#EVENT"), "_sn": .s("EVENTS"), "gsi1pk": .s("EVENTS#EVENT"),
                        "gsi1sk": .s("CREATED_AT#\(fixedNow)"), "eventName": .s("SKU_RESTOCKED_EVENT"),
                        "eventData": .m(["sku": .s(" APPLES "), "units": .n("100"), "lotId": .s("APP001")]),
                        "createdAt": .s(fixedNow), "updatedAt": .s(fixedNow),
                    ],
                    conditionExpression: "attribute_not_exists(#pk) AND attribute_not_exists(#sk)",
                    expressionAttributeNames: ["#pk": "pk", "#sk": "sk"])
            ])
    }

    @Test func aDuplicateLotIsAccepted() {
        let database = FakeDatabase()
        database.failPutsAsDuplicates()
        #expect(
            api(database).respond(toBody: #"{"sku":"APPLES","units":1,"lotId":"APP001"}"#, logger: quietLogger)
                .statusCode == 202)
    }

    @Test func aDatabaseFailureIs500() {
        let database = FakeDatabase()
        database.putResult = .failure(transientError)
        #expect(
            api(database).respond(toBody: #"{"sku":"APPLES","units":1,"lotId":"APP001"}"#, logger: quietLogger)
                == .init(statusCode: 500, body: #"{"message":"Internal Server Error"}"#))
    }

    @Test(arguments: [
        nil, "", "not json", "null", "{}", #"{"units":1,"lotId":"APP001"}"#,
        #"{"sku":"APP","units":1,"lotId":"APP001"}"#,
        #"{"sku":"APPLES","units":0,"lotId":"APP001"}"#, #"{"sku":"APPLES","units":"1","lotId":"APP001"}"#,
        #"{"sku":"APPLES","units":1.5,"lotId":"APP001"}"#, #"{"sku":"APPLES","units":1,"lotId":"   "}"#,
        #"{"sku":"APPLES","units":1,"lotId":null}"#,
    ])
    func invalidRequestsAre400WithoutAnyWrite(body: String?) {
        let database = FakeDatabase()
        #expect(
            api(database).respond(toBody: body, logger: quietLogger)
                == .init(statusCode: 400, body: #"{"message":"Bad Request"}"#))
        #expect(database.callCount == 0)
    }
}

@Suite struct ListSKUsApiTests {
    func api(_ database: FakeDatabase) -> APIController<ListSKUsApi> {
        APIController(ListSKUsApi(database: database, tableName: "inventory"))
    }

    let storedSKU: DynamoDBItem = [
        "pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES"), "_tn": .s("INVENTORY#SKU"), "sku": .s("APPLES"),
        "units": .n("815"), "createdAt": .s("2024-10-19T03:24:00.000Z"), "updatedAt": .s("2024-10-19T03:25:00.000Z"),
        "gsi1pk": .s("INVENTORY#SKU"), "gsi1sk": .s("CREATED_AT#2024-10-19T03:25:00.000Z"),
    ]

    @Test func withoutSKUItQueriesTheIndexAscendingWith50ByDefault() {
        let database = FakeDatabase()
        database.queryResult = .success(QueryOutput(items: [storedSKU]))
        let response = api(database).respond(toBody: "{}")
        #expect(
            response.body
                == #"{"skus":[{"sku":"APPLES","units":815,"createdAt":"2024-10-19T03:24:00.000Z","updatedAt":"2024-10-19T03:25:00.000Z"}]}"#
        )
        #expect(response.statusCode == 200)
        #expect(
            database.queries == [
                QueryInput(
                    tableName: "inventory", indexName: "gsi1pk-gsi1sk-index",
                    limit: 50, scanIndexForward: true, keyConditionExpression: "#gsi1pk = :gsi1pk",
                    expressionAttributeNames: ["#gsi1pk": "gsi1pk"],
                    expressionAttributeValues: [":gsi1pk": .s("INVENTORY#SKU")])
            ])
    }

    @Test func limitAndDescendingOrder() {
        let database = FakeDatabase()
        _ = api(database).respond(toBody: #"{"limit":10,"sortDirection":"desc"}"#)
        #expect(database.queries.first?.limit == 10)
        #expect(database.queries.first?.scanIndexForward == false)
        #expect(database.queries.first?.indexName == "gsi1pk-gsi1sk-index")
    }

    @Test func withSKUItQueriesThatItemsKeys() {
        let database = FakeDatabase()
        let response = api(database).respond(toBody: #"{"sku":"ORANGES","limit":5}"#)
        #expect(response == .init(statusCode: 200, body: #"{"skus":[]}"#))
        #expect(
            database.queries == [
                QueryInput(
                    tableName: "inventory", keyConditionExpression: "#pk = :pk AND #sk = :sk",
                    expressionAttributeNames: ["#pk": "pk", "#sk": "sk"],
                    expressionAttributeValues: [":pk": .s("INVENTORY#SKU#ORANGES"), ":sk": .s("SKU#ORANGES")])
            ])
    }

    @Test(arguments: [
        nil, "", "null", #"{"sku":"ABC"}"#, #"{"limit":0}"#, #"{"limit":1001}"#, #"{"sortDirection":"up"}"#,
    ])
    func invalidRequestsAre400(body: String?) {
        let database = FakeDatabase()
        #expect(api(database).respond(toBody: body, logger: quietLogger).statusCode == 400)
        #expect(database.callCount == 0)
    }

    @Test func aDatabaseFailureIs500() {
        let database = FakeDatabase()
        database.queryResult = .failure(transientError)
        #expect(api(database).respond(toBody: "{}", logger: quietLogger).statusCode == 500)
    }
}

@Suite struct RestockSKUWorkerTests {
    let event = IncomingSKURestockedEvent(
        sku: "APPLES", units: 100, lotId: "APP001", createdAt: fixedNow, updatedAt: fixedNow)

    func worker(_ database: FakeDatabase) -> RestockSKUWorker {
        RestockSKUWorker(database: database, tableName: "inventory", now: { fixedNow })
    }

    @Test func readsTheIncomingEventTrimmed() throws {
        let image: DynamoDBItem = [
            "eventName": .s("SKU_RESTOCKED_EVENT"),
            "eventData": .m(["sku": .s(" APPLES "), "units": .n("100"), "lotId": .s("APP001")]),
            "createdAt": .s(fixedNow), "updatedAt": .s(fixedNow),
        ]
        #expect(try IncomingSKURestockedEvent(newImage: image) == event)
        var other = image
        other["eventName"] = .s("ORDER_PLACED_EVENT")
        #expect(failure { _ = try IncomingSKURestockedEvent(newImage: other) }?.kind == .invalidArguments)
        other = image
        other["eventData"] = .m(["sku": .s("APPLES"), "units": .s("100"), "lotId": .s("APP001")])
        #expect(failure { _ = try IncomingSKURestockedEvent(newImage: other) }?.kind == .invalidArguments)
        other = image
        other["createdAt"] = nil
        #expect(failure { _ = try IncomingSKURestockedEvent(newImage: other) }?.kind == .invalidArguments)
    }

    @Test func writesTheLotRecordAndUpsertsTheSKUInOneTransaction() throws {
        let database = FakeDatabase()
        try worker(database).restock(event)
        let transaction = try #require(database.transactions.first)
        #expect(database.callCount == 1)
        #expect(
            transaction.transactItems[0].put
                == DynamoDB.Put(
                    item: [
                        "pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("LOT_ID#APP001"), "_tn": .s("INVENTORY#RESTOCK_SKU"),
                        "_sn": .s("INVENTORY"), "gsi1pk": .s("INVENTORY#RESTOCK_SKU"),
                        "gsi1sk": .s("CREATED_AT#\(fixedNow)"),
                        "sku": .s("APPLES"), "units": .n("100"), "lotId": .s("APP001"), "createdAt": .s(fixedNow),
                        "updatedAt": .s(fixedNow),
                    ],
                    tableName: "inventory", conditionExpression: "attribute_not_exists(#pk)",
                    expressionAttributeNames: ["#pk": "pk"]))
        let update = try #require(transaction.transactItems[1].update)
        #expect(update.key == ["pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES")])
        #expect(
            update.updateExpression
                == "SET #sn = :sn, #tn = :tn, #gsi1pk = :gsi1pk, #gsi1sk = :gsi1sk, #sku = :sku,"
                + " #units = if_not_exists(#units, :zero) + :units, #createdAt = if_not_exists(#createdAt, :createdAt),"
                + " #updatedAt = :updatedAt")
        #expect(update.conditionExpression == nil)
        #expect(
            update.expressionAttributeValues == [
                ":gsi1pk": .s("INVENTORY#SKU"), ":gsi1sk": .s("CREATED_AT#\(fixedNow)"), ":sn": .s("INVENTORY"),
                ":tn": .s("INVENTORY#SKU"), ":sku": .s("APPLES"), ":zero": .n("0"), ":units": .n("100"),
                ":createdAt": .s(fixedNow), ":updatedAt": .s(fixedNow),
            ])
        #expect(
            update.expressionAttributeNames == [
                "#gsi1pk": "gsi1pk", "#gsi1sk": "gsi1sk", "#sn": "_sn", "#tn": "_tn", "#sku": "sku", "#units": "units",
                "#createdAt": "createdAt", "#updatedAt": "updatedAt",
            ])
    }

    @Test func aDuplicateLotIsDroppedAndAnythingElseRetried() {
        let database = FakeDatabase()
        database.transactionResult = .failure(
            .transactionCanceled(reasons: [.init(code: "ConditionalCheckFailed"), .init(code: "None")], message: nil))
        let duplicate = failure { try worker(database).restock(event) }
        #expect(duplicate?.kind == .duplicateRestockOperation)
        #expect(duplicate?.transient == false)
        for error in [
            DynamoDBError.transactionCanceled(
                reasons: [.init(code: "None"), .init(code: "TransactionConflict")], message: nil),
            transientError,
        ] {
            database.transactionResult = .failure(error)
            #expect(failure { try worker(database).restock(event) }?.transient == true)
        }
    }

    @Test func theWorkerReadsTheMessageAndReportsOnlyTransientFailures() {
        let database = FakeDatabase()
        database.transactionResult = .failure(transientError)
        let image: DynamoDBItem = [
            "eventName": .s("SKU_RESTOCKED_EVENT"),
            "eventData": .m(["sku": .s("APPLES"), "units": .n("100"), "lotId": .s("APP001")]),
            "createdAt": .s(fixedNow), "updatedAt": .s(fixedNow),
        ]
        let response = WorkerController(worker(database)).handle(
            event: sqsEvent([("m1", messageBody(newImage: image))]), logger: quietLogger)
        #expect(response.batchItemFailures.map(\.itemIdentifier) == ["m1"])
    }
}

@Suite struct AllocateOrderStockWorkerTests {
    func worker(_ database: FakeDatabase) -> AllocateOrderStockWorker {
        AllocateOrderStockWorker(database: database, tableName: "inventory", eventStore: eventStore(database))
    }

    @Test func acceptsOnlyOrderCreatedEvents() throws {
        let image = orderEventItem(.orderCreated)
        #expect(try IncomingOrderEvent(newImage: image, accepting: [.orderCreated]) == incoming(.orderCreated))
        #expect(
            failure { _ = try IncomingOrderEvent(newImage: orderEventItem(.orderPlaced), accepting: [.orderCreated]) }?
                .kind == .invalidArguments)
    }

    @Test func allocatesAndRaisesAllocated() throws {
        let database = FakeDatabase()
        try worker(database).allocate(incoming(.orderCreated))
        #expect(
            database.gets == [
                GetItemInput(
                    tableName: "inventory",
                    key: ["pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES#ORDER_ID#ORD001#ORDER_ALLOCATION")])
            ])
        let transaction = try #require(database.transactions.first)
        #expect(
            transaction.transactItems[0].put
                == DynamoDB.Put(
                    item: orderAttributes().merging([
                        "pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES#ORDER_ID#ORD001#ORDER_ALLOCATION"),
                        "_tn": .s("INVENTORY#ORDER_ALLOCATION"), "_sn": .s("INVENTORY"),
                        "gsi1pk": .s("INVENTORY#ORDER_ALLOCATION"), "gsi1sk": .s("CREATED_AT#\(fixedNow)"),
                        "allocationStatus": .s("ALLOCATED"), "createdAt": .s(fixedNow), "updatedAt": .s(fixedNow),
                    ]),
                    tableName: "inventory",
                    conditionExpression: "attribute_not_exists(#pk) AND attribute_not_exists(#sk)",
                    expressionAttributeNames: ["#pk": "pk", "#sk": "sk"]))
        #expect(
            transaction.transactItems[1].update
                == DynamoDB.Update(
                    key: ["pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES")],
                    updateExpression: "SET #units = #units - :units, #updatedAt = :updatedAt",
                    tableName: "inventory",
                    conditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk) AND #units >= :units",
                    expressionAttributeNames: ["#pk": "pk", "#sk": "sk", "#units": "units", "#updatedAt": "updatedAt"],
                    expressionAttributeValues: [":units": .n("20"), ":updatedAt": .s(fixedNow)]))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderStockAllocated)])
    }

    @Test(arguments: [AllocationStatus.allocated, .completedPaymentAccepted, .deallocatedPaymentRejected])
    func anExistingAllocationInAnyStatusRaisesAllocatedAgain(status: AllocationStatus) throws {
        let database = FakeDatabase()
        database.getResult = .success(
            GetItemOutput(item: orderAttributes().merging(["allocationStatus": .s(status.rawValue)])))
        try worker(database).allocate(incoming(.orderCreated))
        #expect(database.transactions.isEmpty)
        #expect(database.puts.map(\.item) == [orderEventItem(.orderStockAllocated)])
    }

    @Test func aDuplicateAllocationRaisesAllocatedAnyway() throws {
        let database = FakeDatabase()
        database.transactionResult = .failure(
            .transactionCanceled(
                reasons: [.init(code: "ConditionalCheckFailed"), .init(code: "ConditionalCheckFailed")], message: nil))
        try worker(database).allocate(incoming(.orderCreated))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderStockAllocated)])
    }

    @Test func tooFewUnitsOrAMissingSKURaisesDepleted() throws {
        let database = FakeDatabase()
        database.transactionResult = .failure(
            .transactionCanceled(reasons: [.init(code: "None"), .init(code: "ConditionalCheckFailed")], message: nil))
        try worker(database).allocate(incoming(.orderCreated))
        #expect(database.puts.map(\.item) == [orderEventItem(.orderStockDepleted)])
    }

    @Test func otherTransactionFailuresAreTransientAndRaiseNothing() {
        for error in [
            DynamoDBError.transactionCanceled(
                reasons: [.init(code: "TransactionConflict"), .init(code: "None")], message: nil),
            .transactionCanceled(reasons: [], message: nil), transientError,
        ] {
            let database = FakeDatabase()
            database.transactionResult = .failure(error)
            #expect(failure { try worker(database).allocate(incoming(.orderCreated)) }?.transient == true)
            #expect(database.puts.isEmpty)
        }
    }

    @Test func aReadFailureIsTransient() {
        let database = FakeDatabase()
        database.getResult = .failure(transientError)
        #expect(failure { try worker(database).allocate(incoming(.orderCreated)) }?.kind == .unrecognized)
        #expect(database.transactions.isEmpty)
    }

    @Test func aDuplicateEventIsNonTransientAndAFailedPublishTransient() {
        let database = FakeDatabase()
        database.failPutsAsDuplicates()
        #expect(failure { try worker(database).allocate(incoming(.orderCreated)) }?.kind == .duplicateEventRaised)
        database.putResult = .failure(transientError)
        #expect(failure { try worker(database).allocate(incoming(.orderCreated)) }?.transient == true)
    }
}

/// A stored allocation of `sampleOrder`.
func storedAllocation(_ status: String = "ALLOCATED", units: Int = 20) -> DynamoDBItem {
    orderAttributes(OrderData(orderId: "ORD001", sku: "APPLES", units: units, price: 33.25, userId: "MARIA")).merging([
        "pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES#ORDER_ID#ORD001#ORDER_ALLOCATION"),
        "allocationStatus": .s(status), "createdAt": .s(fixedNow), "updatedAt": .s(fixedNow),
    ])
}

let settleCondition =
    "attribute_exists(#pk) AND attribute_exists(#sk) AND #orderId = :expectedOrderId AND #sku = :expectedSku"
    + " AND #units = :expectedUnits AND #allocationStatus = :expectedAllocationStatus"

func settleValues(_ status: String, units: String = "7") -> DynamoDBItem {
    [
        ":allocationStatus": .s(status), ":updatedAt": .s(fixedNow), ":expectedOrderId": .s("ORD001"),
        ":expectedSku": .s("APPLES"), ":expectedUnits": .n(units), ":expectedAllocationStatus": .s("ALLOCATED"),
    ]
}

let settleNames = [
    "#pk": "pk", "#sk": "sk", "#orderId": "orderId", "#sku": "sku", "#units": "units",
    "#allocationStatus": "allocationStatus", "#updatedAt": "updatedAt",
]

@Suite struct CompleteOrderPaymentAcceptedWorkerTests {
    func worker(_ database: FakeDatabase) -> CompleteOrderPaymentAcceptedWorker {
        CompleteOrderPaymentAcceptedWorker(database: database, tableName: "inventory", now: { fixedNow })
    }

    @Test func completesTheAllocationWithTheStoredUnits() throws {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedAllocation(units: 7)))
        try worker(database).complete(incoming(.orderPaymentAccepted))
        #expect(
            database.updates == [
                UpdateItemInput(
                    tableName: "inventory",
                    key: ["pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES#ORDER_ID#ORD001#ORDER_ALLOCATION")],
                    updateExpression: "SET #allocationStatus = :allocationStatus, #updatedAt = :updatedAt",
                    conditionExpression: settleCondition, expressionAttributeNames: settleNames,
                    expressionAttributeValues: settleValues("COMPLETED_PAYMENT_ACCEPTED"))
            ])
        #expect(database.puts.isEmpty)
        #expect(database.transactions.isEmpty)
    }

    @Test func aMissingAllocationIsASilentSuccess() throws {
        let database = FakeDatabase()
        try worker(database).complete(incoming(.orderPaymentAccepted))
        #expect(database.updates.isEmpty)
    }

    @Test(arguments: ["COMPLETED_PAYMENT_ACCEPTED", "DEALLOCATED_PAYMENT_REJECTED", "DEALLOCATED_ORDER_CANCELED", ""])
    func anAllocationNotAllocatedIsDropped(status: String) {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedAllocation(status)))
        let error = failure { try worker(database).complete(incoming(.orderPaymentAccepted)) }
        #expect(error?.kind == .invalidArguments)
        #expect(error?.transient == false)
        #expect(database.updates.isEmpty)
    }

    @Test func anInvalidStoredAllocationIsDropped() {
        let database = FakeDatabase()
        var item = storedAllocation()
        item["units"] = .n("0")
        database.getResult = .success(GetItemOutput(item: item))
        #expect(failure { try worker(database).complete(incoming(.orderPaymentAccepted)) }?.kind == .invalidArguments)
    }

    @Test func aFailedConditionIsDroppedAndOtherFailuresRetried() {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedAllocation()))
        database.updateResult = .failure(.conditionalCheckFailed(item: nil))
        let error = failure { try worker(database).complete(incoming(.orderPaymentAccepted)) }
        #expect(error?.kind == .invalidStockCompletion)
        #expect(error?.transient == false)
        database.updateResult = .failure(transientError)
        #expect(failure { try worker(database).complete(incoming(.orderPaymentAccepted)) }?.transient == true)
        database.getResult = .failure(transientError)
        #expect(failure { try worker(database).complete(incoming(.orderPaymentAccepted)) }?.transient == true)
    }

    @Test func acceptsOnlyPaymentAcceptedEvents() {
        let database = FakeDatabase()
        let response = WorkerController(worker(database)).handle(
            event: sqsEvent([("m1", messageBody(newImage: orderEventItem(.orderPaymentRejected)))]), logger: quietLogger
        )
        #expect(response.batchItemFailures.isEmpty)
        #expect(database.callCount == 0)
    }
}

@Suite struct DeallocateOrderPaymentRejectedWorkerTests {
    func worker(_ database: FakeDatabase) -> DeallocateOrderPaymentRejectedWorker {
        DeallocateOrderPaymentRejectedWorker(database: database, tableName: "inventory", now: { fixedNow })
    }

    @Test func deallocatesAndReturnsTheStoredUnitsToTheSKU() throws {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedAllocation(units: 7)))
        try worker(database).deallocate(incoming(.orderPaymentRejected))
        let transaction = try #require(database.transactions.first)
        #expect(
            transaction.transactItems[0].update
                == DynamoDB.Update(
                    key: ["pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES#ORDER_ID#ORD001#ORDER_ALLOCATION")],
                    updateExpression: "SET #allocationStatus = :allocationStatus, #updatedAt = :updatedAt",
                    tableName: "inventory", conditionExpression: settleCondition, expressionAttributeNames: settleNames,
                    expressionAttributeValues: settleValues("DEALLOCATED_PAYMENT_REJECTED")))
        #expect(
            transaction.transactItems[1].update
                == DynamoDB.Update(
                    key: ["pk": .s("INVENTORY#SKU#APPLES"), "sk": .s("SKU#APPLES")],
                    updateExpression: "SET #units = #units + :units, #updatedAt = :updatedAt",
                    tableName: "inventory", conditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk)",
                    expressionAttributeNames: ["#pk": "pk", "#sk": "sk", "#units": "units", "#updatedAt": "updatedAt"],
                    expressionAttributeValues: [":units": .n("7"), ":updatedAt": .s(fixedNow)]))
        #expect(database.puts.isEmpty)
    }

    @Test func aMissingAllocationIsASilentSuccess() throws {
        let database = FakeDatabase()
        try worker(database).deallocate(incoming(.orderPaymentRejected))
        #expect(database.transactions.isEmpty)
    }

    @Test(arguments: ["COMPLETED_PAYMENT_ACCEPTED", "DEALLOCATED_PAYMENT_REJECTED"])
    func anAllocationNotAllocatedIsDropped(status: String) {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedAllocation(status)))
        #expect(failure { try worker(database).deallocate(incoming(.orderPaymentRejected)) }?.kind == .invalidArguments)
        #expect(database.transactions.isEmpty)
    }

    @Test(arguments: [
        (["ConditionalCheckFailed", "None"], false), (["None", "ConditionalCheckFailed"], false),
        (["ValidationError", "None"], false), (["TransactionConflict", "None"], true),
        (["None", "TransactionConflict"], true),
        (["ThrottlingError", "None"], true), (["ProvisionedThroughputExceeded", "None"], true),
        (["ConditionalCheckFailed", "TransactionConflict"], false),
    ])
    func cancellationsAreDroppedExceptConflictsAndThrottling(codes: [String], transient: Bool) {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedAllocation()))
        database.transactionResult = .failure(
            .transactionCanceled(reasons: codes.map { CancellationReason(code: $0) }, message: nil))
        let error = failure { try worker(database).deallocate(incoming(.orderPaymentRejected)) }
        #expect(error?.transient == transient)
        #expect(error?.kind == (transient ? .unrecognized : .invalidStockDeallocation))
    }

    @Test func otherFailuresAreTransient() {
        let database = FakeDatabase()
        database.getResult = .success(GetItemOutput(item: storedAllocation()))
        database.transactionResult = .failure(transientError)
        #expect(failure { try worker(database).deallocate(incoming(.orderPaymentRejected)) }?.transient == true)
        database.getResult = .failure(transientError)
        #expect(failure { try worker(database).deallocate(incoming(.orderPaymentRejected)) }?.transient == true)
    }
}
