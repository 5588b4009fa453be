import AWSShapes
import LambdaRuntime

/// POST /api/v1/inventory/listSkus `{sku?, sortDirection?, limit?}` →
/// 200 `{"skus":[{sku,units,createdAt,updatedAt}]}`.
/// The GSI order is the time of each SKU's latest restock (`gsi1sk` is rewritten on every restock).
public struct ListSKUsApi: APIService {
    var query: ListQuery

    public init(database: any CommerceDatabase, tableName: String) {
        query = ListQuery(
            database: database, tableName: tableName, idField: "sku", key: Keys.sku, gsi1pk: "INVENTORY#SKU",
            listName: "skus", fields: ["sku", "units", "createdAt", "updatedAt"])
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        try query.handle(body: body)
    }
}
