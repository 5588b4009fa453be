import AWSShapes
import Testing

@testable import DynamoDBExpressions
@testable import Host

/// Every expression the commerce flow sends, evaluated on realistic items.
@Suite("Commerce flow expressions")
struct ExpressionCommerceFlowTests {
    static let event: DynamoDBItem = [
        "pk": .s("EVENT#e-1"), "sk": .s("EVENT#e-1"), "type": .s("OrderCreated"),
        "createdAt": .s("2025-01-01T00:00:00Z"),
    ]
    static let order: DynamoDBItem = [
        "pk": .s("ORDER#o-1"), "sk": .s("ORDER#o-1"), "orderStatus": .s("NEW"), "paymentStatus": .s("PENDING"),
        "total": .n("12.50"),
    ]
    static let stock: DynamoDBItem = [
        "pk": .s("STOCK#sku-1"), "sk": .s("STOCK#sku-1"), "sku": .s("sku-1"), "units": .n("10"),
        "updatedAt": .s("2025-01-01T00:00:00Z"),
    ]
    static let allocation: DynamoDBItem = [
        "pk": .s("ORDER#o-1"), "sk": .s("ALLOCATION#sku-1"), "orderId": .s("o-1"), "sku": .s("sku-1"),
        "units": .n("3"), "allocationStatus": .s("ALLOCATED"),
    ]

    @Test("event put: attribute_not_exists(pk) AND attribute_not_exists(sk)")
    func eventPut() throws {
        let request = try dynamoDBCondition("attribute_not_exists(pk) AND attribute_not_exists(sk)")
        #expect(request.conditionHolds(on: nil))
        #expect(!request.conditionHolds(on: Self.event))
        #expect(!request.conditionHolds(on: ["pk": .s("EVENT#e-1")]))
    }

    @Test("orderStatus <> :new is true when missing or different")
    func orderStatusNotNew() throws {
        let request = try dynamoDBCondition("orderStatus <> :new", values: [":new": .s("NEW")])
        #expect(!request.conditionHolds(on: Self.order))
        #expect(request.conditionHolds(on: nil))
        #expect(request.conditionHolds(on: ["pk": .s("ORDER#o-1"), "sk": .s("ORDER#o-1")]))
        var paid = Self.order
        paid["orderStatus"] = .s("PAID")
        #expect(request.conditionHolds(on: paid))
    }

    @Test(
        "paymentStatus <> :accepted AND paymentStatus <> :rejected",
        arguments: [("PENDING", true), ("ACCEPTED", false), ("REJECTED", false), (nil, true)] as [(String?, Bool)])
    func paymentNotFinal(status: String?, expected: Bool) throws {
        let request = try dynamoDBCondition(
            "paymentStatus <> :accepted AND paymentStatus <> :rejected",
            values: [":accepted": .s("ACCEPTED"), ":rejected": .s("REJECTED")])
        var order = Self.order
        order["paymentStatus"] = status.map(AttributeValue.s)
        #expect(request.conditionHolds(on: order) == expected)
    }

    @Test("stock reservation: lowercase `and`, units >= :units, then units - :units", arguments: [3, 10, 11])
    func reserveStock(requested: Int) throws {
        let request = try ExpressionRequest(
            conditionExpression: "attribute_exists(pk) AND attribute_exists(sk) and units >= :units",
            updateExpression: "SET units = units - :units, updatedAt = :now",
            expressionAttributeValues: [":units": .n(String(requested)), ":now": .s("2025-02-02T10:00:00Z")])
        #expect(request.conditionHolds(on: Self.stock) == (requested <= 10))
        #expect(!request.conditionHolds(on: nil))
        if request.conditionHolds(on: Self.stock) {
            let (updated, changed) = try request.applyUpdate(to: Self.stock)
            #expect(updated["units"] == .n(String(10 - requested)))
            #expect(updated["updatedAt"] == .s("2025-02-02T10:00:00Z"))
            #expect(changed == ["units", "updatedAt"])
            #expect(updated["sku"] == Self.stock["sku"])
        }
    }

    @Test("stock release: SET units = units + :units, updatedAt = :now")
    func releaseStock() throws {
        let request = try ExpressionRequest(
            updateExpression: "SET units = units + :units, updatedAt = :now",
            expressionAttributeValues: [":units": .n("3"), ":now": .s("2025-02-02T11:00:00Z")])
        let (updated, _) = try request.applyUpdate(to: Self.stock)
        #expect(updated["units"] == .n("13"))
        expectDynamoDBValidationError("The provided expression refers to an attribute that does not exist in the item")
        {
            _ = try request.applyUpdate(to: ["pk": .s("STOCK#sku-2"), "sk": .s("STOCK#sku-2")])
        }
    }

    @Test("allocation cancel condition matches only the same allocation")
    func allocationCondition() throws {
        let values: [String: AttributeValue] = [
            ":orderId": .s("o-1"), ":sku": .s("sku-1"), ":units": .n("3.0"), ":allocated": .s("ALLOCATED"),
        ]
        let request = try dynamoDBCondition(
            "attribute_exists(pk) AND attribute_exists(sk) AND orderId = :orderId AND sku = :sku AND units = :units "
                + "AND allocationStatus = :allocated",
            values: values)
        #expect(request.conditionHolds(on: Self.allocation))
        #expect(!request.conditionHolds(on: nil))
        for (attribute, other) in [
            ("orderId", AttributeValue.s("o-2")), ("sku", .s("sku-2")), ("units", .n("4")), ("units", .s("3")),
            ("allocationStatus", .s("CANCELLED")),
        ] {
            var changed = Self.allocation
            changed[attribute] = other
            #expect(!request.conditionHolds(on: changed), "\(attribute)")
        }
    }

    @Test("stock upsert with if_not_exists and #tn/#sn names, on a new and an existing item")
    func stockUpsert() throws {
        let request = try ExpressionRequest(
            updateExpression:
                "SET sku = :sku, units = if_not_exists(units, :zero) + :units, createdAt = if_not_exists(createdAt, :now), "
                + "updatedAt = :now, #tn = :tn, #sn = :sn, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk",
            expressionAttributeNames: ["#tn": "_tn", "#sn": "_sn"],
            expressionAttributeValues: [
                ":sku": .s("sku-1"), ":zero": .n("0"), ":units": .n("5"), ":now": .s("2025-03-03T00:00:00Z"),
                ":tn": .s("Stock"), ":sn": .s("stock"), ":gsi1pk": .s("SKU#sku-1"), ":gsi1sk": .s("STOCK"),
            ])
        let key: DynamoDBItem = ["pk": .s("STOCK#sku-1"), "sk": .s("STOCK#sku-1")]
        let (created, changed) = try request.applyUpdate(to: key)
        #expect(
            created
                == key.merging([
                    "sku": .s("sku-1"), "units": .n("5"), "createdAt": .s("2025-03-03T00:00:00Z"),
                    "updatedAt": .s("2025-03-03T00:00:00Z"), "_tn": .s("Stock"), "_sn": .s("stock"),
                    "gsi1pk": .s("SKU#sku-1"), "gsi1sk": .s("STOCK"),
                ]) { $1 })
        #expect(changed == ["sku", "units", "createdAt", "updatedAt", "_tn", "_sn", "gsi1pk", "gsi1sk"])
        #expect(changed.isDisjoint(with: ["pk", "sk"]))
        let (again, _) = try request.applyUpdate(to: created)
        #expect(again["units"] == .n("10"))
        #expect(again["createdAt"] == .s("2025-03-03T00:00:00Z"))
        let (existing, _) = try request.applyUpdate(to: Self.stock.merging(["createdAt": .s("2024-12-31")]) { $1 })
        #expect(existing["units"] == .n("15"))
        #expect(existing["createdAt"] == .s("2024-12-31"))
    }

    @Test("payment update keeps createdAt and sets retries")
    func paymentUpdate() throws {
        let request = try ExpressionRequest(
            updateExpression:
                "SET createdAt = if_not_exists(createdAt, :createdAt), paymentRetries = :r, paymentStatus = :status, "
                + "updatedAt = :now",
            expressionAttributeValues: [
                ":createdAt": .s("2025-04-04"), ":r": .n("2"), ":status": .s("ACCEPTED"), ":now": .s("2025-04-05"),
            ])
        let (first, _) = try request.applyUpdate(to: ["pk": .s("PAYMENT#o-1"), "sk": .s("PAYMENT#o-1")])
        #expect(first["createdAt"] == .s("2025-04-04"))
        #expect(first["paymentRetries"] == .n("2"))
        let (second, changed) = try request.applyUpdate(to: first.merging(["createdAt": .s("2025-01-01")]) { $1 })
        #expect(second["createdAt"] == .s("2025-01-01"))
        #expect(changed == ["createdAt", "paymentRetries", "paymentStatus", "updatedAt"])
    }

    @Test("queries: table key, GSI key, begins_with with names, BETWEEN")
    func queries() throws {
        let items: [DynamoDBItem] = [
            Self.order, Self.allocation,
            [
                "pk": .s("ORDER#o-1"), "sk": .s("ALLOCATION#sku-2"), "gsi1pk": .s("SKU#sku-2"),
                "gsi1sk": .s("2025-01-02"),
            ],
            [
                "pk": .s("ORDER#o-2"), "sk": .s("ALLOCATION#sku-1"), "gsi1pk": .s("SKU#sku-1"),
                "gsi1sk": .s("2025-01-05"),
            ],
            ["pk": .s("ORDER#o-3"), "sk": .s("ORDER#o-3"), "gsi1pk": .s("SKU#sku-1"), "gsi1sk": .s("2025-01-09")],
        ]
        func run(
            _ expression: String, _ pk: String, _ sk: String?, names: [String: String]? = nil,
            values: [String: AttributeValue]
        ) throws -> [String] {
            let request = try ExpressionRequest(
                keyConditionExpression: expression, expressionAttributeNames: names, expressionAttributeValues: values)
            let condition = try request.keyCondition(partitionKey: pk, sortKey: sk)
            return items.filter(condition.matches).compactMap { item -> String? in
                guard case .s(let p)? = item["pk"], case .s(let s)? = item["sk"] else { return nil }
                return "\(p)|\(s)"
            }.sorted()
        }
        #expect(
            try run("pk = :pk AND sk = :sk", "pk", "sk", values: [":pk": .s("ORDER#o-1"), ":sk": .s("ORDER#o-1")])
                == ["ORDER#o-1|ORDER#o-1"])
        #expect(
            try run("gsi1pk = :p", "gsi1pk", "gsi1sk", values: [":p": .s("SKU#sku-1")])
                == ["ORDER#o-2|ALLOCATION#sku-1", "ORDER#o-3|ORDER#o-3"])
        #expect(
            try run(
                "#pk = :p AND begins_with(#sk, :prefix)", "pk", "sk", names: ["#pk": "pk", "#sk": "sk"],
                values: [":p": .s("ORDER#o-1"), ":prefix": .s("ALLOCATION#")])
                == ["ORDER#o-1|ALLOCATION#sku-1", "ORDER#o-1|ALLOCATION#sku-2"])
        #expect(
            try run(
                "gsi1pk = :p AND gsi1sk BETWEEN :from AND :to", "gsi1pk", "gsi1sk",
                values: [":p": .s("SKU#sku-1"), ":from": .s("2025-01-01"), ":to": .s("2025-01-06")])
                == ["ORDER#o-2|ALLOCATION#sku-1"])
        expectDynamoDBValidationError("Query condition missed key schema element: gsi1pk") {
            _ = try run("pk = :p", "gsi1pk", "gsi1sk", values: [":p": .s("ORDER#o-1")])
        }
    }
}
