import AWSShapes
import LambdaRuntime

/// POST /api/v1/orders/listOrders `{orderId?, sortDirection?, limit?}` →
/// 200 `{"orders":[{orderId,orderStatus,sku,units,price,userId,createdAt,updatedAt}]}`.
public struct ListOrdersApi: APIService {
    var query: ListQuery

    public init(database: any CommerceDatabase, tableName: String) {
        query = ListQuery(
            database: database, tableName: tableName, idField: "orderId", key: { Keys.order(orderId: $0) },
            gsi1pk: "ORDERS#ORDER", listName: "orders",
            fields: ["orderId", "orderStatus", "sku", "units", "price", "userId", "createdAt", "updatedAt"])
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try query.handle(body: body)
    }
}
