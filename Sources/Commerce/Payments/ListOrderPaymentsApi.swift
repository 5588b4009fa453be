import AWSShapes
import LambdaRuntime

/// POST /api/v1/payments/listOrderPayments `{orderId?, sortDirection?, limit?}` → 200 `{"orderPayments":[{orderId,
/// sku,units,price,userId,createdAt,updatedAt,paymentId,paymentStatus,paymentRetries}]}`.
public struct ListOrderPaymentsApi: APIService {
    var query: ListQuery

    public init(database: any CommerceDatabase, tableName: String) {
        query = ListQuery(
            database: database, tableName: tableName, idField: "orderId", key: { Keys.payment(orderId: $0) },
            gsi1pk: "PAYMENTS#ORDER_PAYMENT", listName: "orderPayments",
            fields: [
                "orderId", "sku", "units", "price", "userId", "createdAt", "updatedAt", "paymentId", "paymentStatus",
                "paymentRetries",
            ])
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try query.handle(body: body)
    }
}
