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

/// The clock of every test (the reference's tests freeze time at the same instant).
let fixedNow = "2024-10-19T03:24:00.000Z"
let quietLogger = LambdaLogger(minimumLevel: .fatal)

/// A scripted DynamoDB: records every call and answers what the test set (by default: no item, success).
final class FakeDatabase: CommerceDatabase {
    var gets: [GetItemInput] = []
    var puts: [PutItemInput] = []
    var updates: [UpdateItemInput] = []
    var queries: [QueryInput] = []
    var transactions: [TransactWriteItemsInput] = []
    var scans: [ScanInput] = []
    /// Answers for the next scans, in order; then an empty page.
    var scanResults: [ScanOutput] = []

    var getResult: Result<GetItemOutput, DynamoDBError> = .success(GetItemOutput())
    var putResult: Result<PutItemOutput, DynamoDBError> = .success(PutItemOutput())
    var updateResult: Result<UpdateItemOutput, DynamoDBError> = .success(UpdateItemOutput())
    /// Answers for the next updates, in order, before `updateResult` applies.
    var updateResults: [Result<UpdateItemOutput, DynamoDBError>] = []
    var queryResult: Result<QueryOutput, DynamoDBError> = .success(QueryOutput(items: []))
    var transactionResult: Result<TransactWriteItemsOutput, DynamoDBError> = .success(TransactWriteItemsOutput())

    var callCount: Int { gets.count + puts.count + updates.count + queries.count + transactions.count }

    /// Items by `pk|sk`: when any is set, gets answer from them (no such key: no item) instead of `getResult`.
    var itemsByKey: [String: DynamoDBItem] = [:]

    func stored(_ item: DynamoDBItem) {
        itemsByKey["\(item.string("pk") ?? "")|\(item.string("sk") ?? "")"] = item
    }

    func getItem(_ input: GetItemInput) throws(DynamoDBError) -> GetItemOutput {
        gets.append(input)
        if !itemsByKey.isEmpty {
            return GetItemOutput(item: itemsByKey["\(input.key.string("pk") ?? "")|\(input.key.string("sk") ?? "")"])
        }
        return try getResult.get()
    }

    func putItem(_ input: PutItemInput) throws(DynamoDBError) -> PutItemOutput {
        puts.append(input)
        return try putResult.get()
    }

    func updateItem(_ input: UpdateItemInput) throws(DynamoDBError) -> UpdateItemOutput {
        updates.append(input)
        if !updateResults.isEmpty { return try updateResults.removeFirst().get() }
        return try updateResult.get()
    }

    func query(_ input: QueryInput) throws(DynamoDBError) -> QueryOutput {
        queries.append(input)
        return try queryResult.get()
    }

    func scan(_ input: ScanInput) throws(DynamoDBError) -> ScanOutput {
        scans.append(input)
        return scanResults.isEmpty ? ScanOutput(items: []) : scanResults.removeFirst()
    }

    func transactWriteItems(_ input: TransactWriteItemsInput) throws(DynamoDBError) -> TransactWriteItemsOutput {
        transactions.append(input)
        return try transactionResult.get()
    }

    /// Makes the event store's puts fail as duplicates.
    func failPutsAsDuplicates() { putResult = .failure(.conditionalCheckFailed(item: nil)) }
}

/// A gateway that answers from a script and counts its calls.
final class ScriptedGateway: PaymentGateway {
    var response: PaymentGatewayResponse?
    var calls: [OrderData] = []

    init(_ response: PaymentGatewayResponse?) { self.response = response }

    func submitPayment(_ order: OrderData) throws -> PaymentGatewayResponse {
        calls.append(order)
        guard let response else { throw PaymentGatewayError() }
        return response
    }
}

let transientError = DynamoDBError.other(type: "InternalServerError", message: "boom", status: 500)

func eventStore(_ database: FakeDatabase, table: String = "events") -> EventStore {
    EventStore(database: database, tableName: table, now: { fixedNow })
}

let sampleOrder = OrderData(orderId: "ORD001", sku: "APPLES", units: 20, price: 33.25, userId: "MARIA")

/// The event-store item of an order event, as the event store writes it.
func orderEventItem(_ name: OrderEventName, _ data: OrderData = sampleOrder, createdAt: String = fixedNow)
    -> DynamoDBItem
{
    [
        "pk": .s("EVENTS#ORDER_ID#\(data.orderId)"), "sk": .s("EVENT#\(name.rawValue)"), "_tn": .s("EVENTS#EVENT"),
        "_sn": .s("EVENTS"), "gsi1pk": .s("EVENTS#EVENT"), "gsi1sk": .s("CREATED_AT#\(createdAt)"),
        "eventName": .s(name.rawValue),
        "eventData": .m([
            "orderId": .s(data.orderId), "sku": .s(data.sku), "units": .n(String(data.units)),
            "price": .n(javaScriptNumberText(data.price)), "userId": .s(data.userId),
        ]),
        "createdAt": .s(createdAt), "updatedAt": .s(createdAt),
    ]
}

func incoming(_ name: OrderEventName, _ data: OrderData = sampleOrder) -> IncomingOrderEvent {
    IncomingOrderEvent(eventName: name, eventData: data, createdAt: fixedNow, updatedAt: fixedNow)
}

/// The five order fields as stored attributes.
func orderAttributes(_ data: OrderData = sampleOrder) -> DynamoDBItem {
    [
        "orderId": .s(data.orderId), "sku": .s(data.sku), "units": .n(String(data.units)),
        "price": .n(javaScriptNumberText(data.price)), "userId": .s(data.userId),
    ]
}

/// The SQS message body a worker receives: the EventBridge event of the stream record holding `newImage`.
func messageBody(newImage: DynamoDBItem) -> String {
    let image = String(decoding: try! JSONEncoder().encode(newImage), as: UTF8.self)
    return """
        {"version":"0","id":"e1","detail-type":"DynamoDBStreamRecord","source":"event-store.dynamodb.stream",\
        "account":"000000000000","time":"2024-10-19T03:24:00Z","region":"us-east-1","resources":[],\
        "detail":{"eventID":"1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb",\
        "awsRegion":"us-east-1","eventSourceARN":"arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x",\
        "dynamodb":{"ApproximateCreationDateTime":1729308240,"Keys":{},"NewImage":\(image),\
        "SequenceNumber":"1","SizeBytes":10,"StreamViewType":"NEW_IMAGE"}}}
        """
}

/// An SQS event of messages `(messageId, body)`.
func sqsEvent(_ messages: [(String, String)]) -> JSONValue {
    .object([
        "Records": .array(messages.map { .object(["messageId": .string($0.0), "body": .string($0.1)]) })
    ])
}

/// The body of a JSON object text.
func json(_ text: String) -> JSONValue? { try? JSONValue(parsing: Data(text.utf8)) }

/// Runs a service's failure-throwing work and returns its error, or nil on success.
func failure(_ work: () throws -> Void) -> CommerceError? {
    do {
        try work()
        return nil
    } catch let error as CommerceError {
        return error
    } catch {
        Issue.record("not a CommerceError: \(error)")
        return nil
    }
}
