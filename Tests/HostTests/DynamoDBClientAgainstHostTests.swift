import AWSClients
import AWSShapes
import Foundation
import Host
import Testing

/// The function side's DynamoDB client against the host's DynamoDB: the same shapes on both sides, so what a
/// function sends is exactly what the host decodes, and the host's errors arrive as typed Swift errors.
@Suite struct DynamoDBClientAgainstHostTests {
    struct Order: Codable, Equatable {
        var pk: String
        var sk: String
        var orderId: String
        var units: Int
        var price: Decimal
    }

    static let table = TableConfiguration(
        name: "commerce", partitionKey: .init(name: "pk", type: "S"), sortKey: .init(name: "sk", type: "S"),
        globalSecondaryIndexes: [
            .init(
                name: "gsi1pk-gsi1sk-index", partitionKey: .init(name: "gsi1pk", type: "S"),
                sortKey: .init(name: "gsi1sk", type: "S"))
        ], stream: "NEW_IMAGE")

    @Test func clientFromTheLambdaEnvironmentWorksAgainstTheHost() async throws {
        var topology = Topology()
        topology.tables = [Self.table]
        try await withHost(topology) { _, ports in
            let environment = [
                "AWS_ACCESS_KEY_ID": "ASIAHOSTLOCALFUNCTION", "AWS_SECRET_ACCESS_KEY": "host-local-function-secret",
                "AWS_SESSION_TOKEN": "host-local-function-session",
                "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:\(ports.aws)",
            ]
            try await blocking {
                let client = try DynamoDBClient(environment: environment)
                let order = Order(
                    pk: "ORDERS#ORDER_ID#o1", sk: "ORDER_ID#o1", orderId: "o1", units: 2,
                    price: Decimal(string: "33.25")!)
                try client.putItem(
                    order, into: "commerce", condition: "attribute_not_exists(pk) AND attribute_not_exists(sk)")
                let key: DynamoDBItem = ["pk": .s(order.pk), "sk": .s(order.sk)]
                #expect(try client.getItem(Order.self, from: "commerce", key: key) == order)

                // The condition fails the second time, and the error carries the stored item.
                do {
                    _ = try client.putItem(
                        PutItemInput(
                            tableName: "commerce", item: try DynamoDBItemEncoder().encode(order),
                            conditionExpression: "attribute_not_exists(pk)",
                            returnValuesOnConditionCheckFailure: "ALL_OLD"))
                    Issue.record("expected ConditionalCheckFailed")
                } catch let error as DynamoDBError {
                    guard case .conditionalCheckFailed(let item) = error else { throw error }
                    #expect(item?["price"] == .n("33.25"))
                }

                let updated = try client.updateItem(
                    UpdateItemInput(
                        tableName: "commerce", key: key, returnValues: "UPDATED_NEW",
                        updateExpression: "SET units = units + :n", expressionAttributeValues: [":n": .n("3")]))
                #expect(updated.attributes == ["units": .n("5")])

                do {
                    _ = try client.transactWriteItems(
                        TransactWriteItemsInput(transactItems: [
                            TransactWriteItem(
                                update: .init(
                                    key: key, updateExpression: "SET units = units - :n", tableName: "commerce",
                                    conditionExpression: "units >= :n", expressionAttributeValues: [":n": .n("10")],
                                    returnValuesOnConditionCheckFailure: "ALL_OLD"))
                        ]))
                    Issue.record("expected TransactionCanceled")
                } catch let error as DynamoDBError {
                    guard case .transactionCanceled(let reasons, _) = error else { throw error }
                    #expect(reasons.map(\.code) == ["ConditionalCheckFailed"])
                    #expect(reasons.first?.item?["units"] == .n("5"))
                }

                do {
                    _ = try client.getItem(GetItemInput(tableName: "nope", key: key))
                    Issue.record("expected ResourceNotFound")
                } catch let error as DynamoDBError {
                    guard case .resourceNotFound = error else { throw error }
                }
            }
        }
    }

    @Test func indexQueriesReturnWhatTheIndexProjects() async throws {
        var topology = Topology()
        topology.tables = [
            TableConfiguration(
                name: "people", partitionKey: .init(name: "id", type: "S"),
                globalSecondaryIndexes: [
                    .init(name: "byCity", partitionKey: .init(name: "city", type: "S"), projection: "KEYS_ONLY"),
                    .init(
                        name: "byTeam", partitionKey: .init(name: "team", type: "S"), projection: "INCLUDE",
                        nonKeyAttributes: ["name"]),
                ])
        ]
        try await withHost(topology) { _, ports in
            let environment = [
                "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": "http://127.0.0.1:\(ports.aws)",
            ]
            try await blocking {
                let client = try DynamoDBClient(environment: environment)
                _ = try client.putItem(
                    PutItemInput(
                        tableName: "people",
                        item: [
                            "id": .s("1"), "city": .s("Oslo"), "team": .s("red"), "name": .s("Ada"), "age": .n("36"),
                        ]))
                let byCity = try client.query(
                    QueryInput(
                        tableName: "people", indexName: "byCity", keyConditionExpression: "city = :c",
                        expressionAttributeValues: [":c": .s("Oslo")]))
                #expect(byCity.items == [["id": .s("1"), "city": .s("Oslo")]])
                let byTeam = try client.query(
                    QueryInput(
                        tableName: "people", indexName: "byTeam", keyConditionExpression: "team = :t",
                        expressionAttributeValues: [":t": .s("red")]))
                #expect(byTeam.items == [["id": .s("1"), "team": .s("red"), "name": .s("Ada")]])
                do {
                    _ = try client.query(
                        QueryInput(
                            tableName: "people", indexName: "byCity", consistentRead: true,
                            keyConditionExpression: "city = :c", expressionAttributeValues: [":c": .s("Oslo")]))
                    Issue.record("a consistent read on a GSI must be refused")
                } catch let error as DynamoDBError {
                    guard case .validation = error else { throw error }
                }
            }
        }
    }
}
