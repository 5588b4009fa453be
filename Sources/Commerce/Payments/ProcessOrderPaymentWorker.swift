import AWSClients
import AWSShapes
import LambdaRuntime

public enum PaymentStatus: String, Sendable, CaseIterable {
    case accepted = "PAYMENT_ACCEPTED"
    case failed = "PAYMENT_FAILED"
    case rejected = "PAYMENT_REJECTED"
}

/// An order's payment record, as stored.
public struct StoredPayment: Equatable, Sendable {
    public var data: OrderData
    public var paymentId: String?
    public var paymentStatus: PaymentStatus
    public var paymentRetries: Int
    public var createdAt: String

    init(item: DynamoDBItem) throws(CommerceError) {
        let fields = Fields(members: unmarshalled(item))
        data = try OrderData(validating: fields)
        paymentId = try fields.optionalString("paymentId", trimmed: true)
        guard let status = fields.members["paymentStatus"]?.stringValue.flatMap(PaymentStatus.init(rawValue:)) else {
            throw .invalidArguments("the stored payment has no valid paymentStatus")
        }
        paymentStatus = status
        paymentRetries = try fields.integer("paymentRetries", in: 0...Int.max)
        createdAt = try fields.string("createdAt", trimmed: true)
    }
}

/// ORDER_STOCK_ALLOCATED_EVENT → pays the order, records the attempt, raises ORDER_PAYMENT_ACCEPTED_EVENT or
/// ORDER_PAYMENT_REJECTED_EVENT (seed-behaviour.md §5.5):
/// 1. Get the payment record (a read failure is transient).
/// 2. Submit: a record already retried `maxAllowedPaymentRetries` times is not submitted again (ACCEPTED stays,
///    anything else becomes REJECTED); an ACCEPTED or REJECTED record is not submitted again; otherwise the gateway
///    decides, and a gateway failure gives PAYMENT_FAILED (PaymentFailedError, transient).
/// 3. Record: no record → a new one with `paymentRetries = 0`; ACCEPTED/REJECTED → nothing written; FAILED → the
///    record's data kept, the new status, `paymentRetries + 1`. The payment id is the gateway's, the stored one, or
///    `ERROR:ORDER_ID:<orderId>`.
/// 4. Publish by the recorded status; PAYMENT_FAILED ends in PaymentFailedError so SQS redelivers (at most 4
///    gateway calls in all; the 5th delivery rejects).
///
/// Fixed on purpose: when the record's condition fails because another delivery recorded ACCEPTED or REJECTED
/// first, the old item DynamoDB returns (typed attribute values) is read as such, so the worker publishes that
/// status at once; the reference read it as a plain object, never matched, and retried.
public struct ProcessOrderPaymentWorker: WorkerService {
    public static let maxAllowedPaymentRetries = 3

    public var database: any CommerceDatabase
    public var tableName: String
    public var eventStore: EventStore
    public var gateway: any PaymentGateway

    public init(database: any CommerceDatabase, tableName: String, eventStore: EventStore, gateway: any PaymentGateway)
    {
        self.database = database
        self.tableName = tableName
        self.eventStore = eventStore
        self.gateway = gateway
    }

    public func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        try pay(IncomingOrderEvent(newImage: newImage, accepting: [.orderStockAllocated]), logger: logger)
    }

    public func pay(_ event: IncomingOrderEvent, logger: LambdaLogger = LambdaLogger()) throws(CommerceError) {
        // What it raises carries the incoming event's correlation id.
        let eventStore = eventStore.correlated(event.correlationId)
        let data = event.eventData
        let existing = try payment(orderId: data.orderId)

        // Submit.
        let status: PaymentStatus
        let paymentId: String?
        if let existing, existing.paymentRetries >= Self.maxAllowedPaymentRetries {
            status = existing.paymentStatus == .accepted ? .accepted : .rejected
            paymentId = existing.paymentId
        } else if let existing, existing.paymentStatus != .failed {
            // PaymentAlreadyAccepted/RejectedError: swallowed, the flow goes on to record and publish.
            status = existing.paymentStatus
            paymentId = existing.paymentId
        } else {
            do {
                let response = try gateway.submitPayment(data)
                status = response.status == .accepted ? .accepted : .rejected
                paymentId = response.paymentId
            } catch {
                logger.warn("Payment of order \(data.orderId) failed: \(error)")
                status = .failed
                paymentId = existing?.paymentId
            }
        }

        // Record.
        let recorded = try record(
            existing: existing, data: data, status: status, paymentId: paymentId ?? "ERROR:ORDER_ID:\(data.orderId)")

        // Publish.
        switch recorded {
        case .accepted: try eventStore.raiseOrderEvent(.orderPaymentAccepted, data)
        case .rejected: try eventStore.raiseOrderEvent(.orderPaymentRejected, data)
        case .failed: throw CommerceError(.paymentFailed, "payment of order \(data.orderId) failed, to be retried")
        }
    }

    func payment(orderId: String) throws(CommerceError) -> StoredPayment? {
        let item: DynamoDBItem?
        do throws(DynamoDBError) {
            item = try database.getItem(GetItemInput(tableName: tableName, key: Keys.payment(orderId: orderId))).item
        } catch {
            throw .unrecognized(error)
        }
        return try item.map { (item) throws(CommerceError) in try StoredPayment(item: item) }
    }

    /// Writes the attempt and answers the status now recorded.
    func record(
        existing: StoredPayment?, data: OrderData, status: PaymentStatus, paymentId: String
    ) throws(CommerceError) -> PaymentStatus {
        if let existing, existing.paymentStatus != .failed { return existing.paymentStatus }
        let now = eventStore.now()
        let recordData = existing?.data ?? data
        let createdAt = existing?.createdAt ?? now
        let retries = existing.map { $0.paymentRetries + 1 } ?? 0
        var set = SetClause()
        set.setAll(
            Keys.typeAttributes(typeName: "PAYMENTS#ORDER_PAYMENT", serviceName: "PAYMENTS", createdAt: createdAt)
                .merging(recordData.attributes)
                .merging([
                    "paymentId": .s(paymentId), "paymentStatus": .s(status.rawValue),
                    "paymentRetries": numberAttribute(retries), "updatedAt": .s(now),
                ]))
        set.set("createdAt", expression: "if_not_exists(#createdAt, :createdAt)")
        set.values[":createdAt"] = .s(createdAt)
        set.values[":paymentAccepted"] = .s(PaymentStatus.accepted.rawValue)
        set.values[":paymentRejected"] = .s(PaymentStatus.rejected.rawValue)
        let input = UpdateItemInput(
            tableName: tableName, key: Keys.payment(orderId: recordData.orderId), returnValues: .allNew,
            updateExpression: set.expression,
            conditionExpression: "#paymentStatus <> :paymentAccepted AND #paymentStatus <> :paymentRejected",
            expressionAttributeNames: set.names, expressionAttributeValues: set.values,
            returnValuesOnConditionCheckFailure: .allOld)
        do throws(DynamoDBError) {
            _ = try database.updateItem(input)
            return status
        } catch {
            if case .conditionalCheckFailed(let item) = error,
                let stored = item?.string("paymentStatus").flatMap(PaymentStatus.init(rawValue:)),
                stored != .failed
            {
                // PaymentAlreadyAccepted/RejectedError: recorded by another delivery; publish what it recorded.
                return stored
            }
            throw .unrecognized(error)
        }
    }
}
