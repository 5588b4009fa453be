import AWSClients
import AWSShapes
import LambdaRuntime

/// What the three list APIs share (seed-behaviour.md §5.1): a JSON object body (an empty body is 400) with an
/// optional id, `sortDirection` (default asc) and `limit` (1…1000, default 50). With the id: a Query of exactly
/// that item's pk and sk (0 or 1 items). Without: a Query of the GSI partition `gsi1pk`, sorted by `gsi1sk`.
/// One page only. Each item is answered with `fields`, in that order.
struct ListQuery {
    var database: any CommerceDatabase
    var tableName: String
    /// The request field that selects one item (`sku`, `orderId`) and the key it selects.
    var idField: String
    var key: (String) -> DynamoDBItem
    var gsi1pk: String
    /// The response member holding the list (`skus`, `orders`, `orderPayments`).
    var listName: String
    var fields: [String]
    /// Whether the id selects every item of its partition (an order's notifications) rather than one item.
    var idSelectsPartition = false

    static let defaultLimit = 50

    func handle(body: JSONValue?) throws(CommerceError) -> JSONOutput {
        let request = try Fields(body)
        // The id is validated (trimmed length ≥ 4) but used as sent, as the reference.
        let id = try request.optionalString(idField, trimmed: false)
        let options = try request.listOptions()
        let input: QueryInput
        if let id, idSelectsPartition {
            input = QueryInput(
                tableName: tableName, limit: options.limit ?? Self.defaultLimit,
                scanIndexForward: (options.sortDirection ?? .asc) == .asc, keyConditionExpression: "#pk = :pk",
                expressionAttributeNames: ["#pk": "pk"], expressionAttributeValues: [":pk": key(id)["pk"]!])
        } else if let id {
            let key = key(id)
            input = QueryInput(
                tableName: tableName, keyConditionExpression: "#pk = :pk AND #sk = :sk",
                expressionAttributeNames: keyNames, expressionAttributeValues: [":pk": key["pk"]!, ":sk": key["sk"]!])
        } else {
            input = QueryInput(
                tableName: tableName, indexName: Keys.gsi1IndexName, limit: options.limit ?? Self.defaultLimit,
                scanIndexForward: (options.sortDirection ?? .asc) == .asc, keyConditionExpression: "#gsi1pk = :gsi1pk",
                expressionAttributeNames: ["#gsi1pk": "gsi1pk"], expressionAttributeValues: [":gsi1pk": .s(gsi1pk)])
        }
        let output: QueryOutput
        do throws(DynamoDBError) {
            output = try database.query(input)
        } catch {
            throw .unrecognized(error)
        }
        let items = (output.items ?? []).map { item in
            JSONOutput.object(fields.compactMap { name in item[name].map { (name, JSONOutput(unmarshalled($0))) } })
        }
        return .object([(listName, .array(items))])
    }
}
