import AWSShapes
import Foundation
import Testing

@testable import Host

/// The order's whole life through the host with the real binaries: shipping and delivery, cancellation at every
/// stage with its compensations, notifications, and one correlation id from the request to every event and log line.
extension CommerceEndToEndTests {
    /// What the system holds about its orders, read from the table through the AWS endpoint.
    struct Ledger {
        var port: Int

        /// Every item whose partition key is `pk`, with its string and number attributes.
        func items(_ pk: String) async throws -> [[String: Any]] {
            let answer = try await awsJSON(
                port, "DynamoDB_20120810.Query",
                #"{"TableName":"commerce","KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"\#(pk)"}},"ConsistentRead":true}"#
            )
            return (answer["Items"] as? [[String: Any]] ?? []).map { Ledger.plain($0) }
        }

        /// `{"S": x}` → x, `{"N": "1"}` → 1, `{"M": …}` → a dictionary.
        static func plain(_ item: [String: Any]) -> [String: Any] {
            item.compactMapValues { value -> Any? in
                guard let typed = value as? [String: Any], let (type, inner) = typed.first else { return nil }
                switch type {
                case "S": return inner
                case "N": return Double(inner as? String ?? "")
                case "M": return plain(inner as? [String: Any] ?? [:])
                default: return nil
                }
            }
        }

        func events(_ orderId: String) async throws -> [[String: Any]] { try await items("EVENTS#ORDER_ID#\(orderId)") }

        func allocationStatus(_ orderId: String, sku: String) async throws -> String? {
            try await items("INVENTORY#SKU#\(sku)").first {
                ($0["sk"] as? String)?.contains("#ORDER_ID#\(orderId)#") == true
            }?[
                "allocationStatus"] as? String
        }

        func refund(_ orderId: String) async throws -> [String: Any]? {
            try await items("PAYMENTS#ORDER_ID#\(orderId)").first {
                ($0["sk"] as? String)?.hasSuffix("#ORDER_REFUND") == true
            }
        }

        func payment(_ orderId: String) async throws -> [String: Any]? {
            try await items("PAYMENTS#ORDER_ID#\(orderId)").first {
                ($0["sk"] as? String)?.hasSuffix("#ORDER_PAYMENT") == true
            }
        }
    }

    @Test func anOrderIsShippedDeliveredAndFollowedByOneCorrelationId() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            #expect(try await shop.restock("APPLES", 50, lot: "LIFE001") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("APPLES") == 50 }
            let correlationId = "order-life-\(UUID().uuidString.prefix(8))"
            let placed = try await http(
                "POST", shop.base + "/api/v1/orders/placeOrder",
                headers: [("Content-Type", "application/json"), ("x-correlation-id", correlationId)],
                body: Array(#"{"orderId":"LIFE01","sku":"APPLES","units":3,"price":12.5,"userId":"USER1"}"#.utf8))
            #expect(placed.status == 202)
            #expect(placed.header("x-correlation-id") == correlationId)
            try await shop.eventually("the order is paid") {
                try await shop.status("LIFE01") == "ORDER_PAYMENT_ACCEPTED_STATUS"
            }
            // Not shipped until asked: the reference's flow ends at the payment.
            #expect(
                (try await shop.post("/api/v1/shipping/listShipments", #"{"orderId":"LIFE01"}"#).json["shipments"]
                    as? [Any])?.isEmpty == true)
            #expect(try await shop.post("/api/v1/shipping/shipOrder", #"{"orderId":"LIFE01"}"#).status == 202)
            try await shop.eventually("the order is shipped") {
                try await shop.status("LIFE01") == "ORDER_SHIPPED_STATUS"
            }
            let shipments = try await shop.post("/api/v1/shipping/listShipments", #"{"orderId":"LIFE01"}"#)
            let shipment = try #require((shipments.json["shipments"] as? [[String: Any]])?.first)
            #expect(shipment["shipmentStatus"] as? String == "SHIPPED" && shipment["carrier"] as? String == "FEDEX")
            #expect((shipment["trackingId"] as? String)?.hasPrefix("TRK-") == true)
            let delivered = try await shop.post("/api/v1/shipping/deliverShipment", #"{"orderId":"LIFE01"}"#)
            #expect(delivered.status == 202 && delivered.json["shipmentStatus"] as? String == "DELIVERED")
            try await shop.eventually("the order is delivered") {
                try await shop.status("LIFE01") == "ORDER_DELIVERED_STATUS"
            }
            // Delivering again is fine; shipping an unpaid or unknown order is not.
            #expect(try await shop.post("/api/v1/shipping/deliverShipment", #"{"orderId":"LIFE01"}"#).status == 202)
            #expect(try await shop.post("/api/v1/shipping/shipOrder", #"{"orderId":"NOPE01"}"#).status == 404)
            #expect(try await shop.post("/api/v1/shipping/deliverShipment", #"{"orderId":"NOPE01"}"#).status == 404)

            // One notification per kind, each carrying the correlation id.
            var kinds: [String] = []
            try await shop.eventually("three notifications") {
                let listed = try await shop.post("/api/v1/notifications/listNotifications", #"{"orderId":"LIFE01"}"#)
                let notifications = listed.json["notifications"] as? [[String: Any]] ?? []
                kinds = notifications.compactMap { $0["kind"] as? String }.sorted()
                return notifications.count == 3
                    && notifications.allSatisfy { $0["correlationId"] as? String == correlationId }
            }
            #expect(kinds == ["ORDER_ACCEPTED", "ORDER_DELIVERED", "ORDER_SHIPPED"])

            // Every event of the order carries the envelope and the one correlation id, and fits the schema.
            let events = try await ledger.events("LIFE01")
            let names = Set(events.compactMap { $0["eventName"] as? String })
            #expect(
                names == [
                    "ORDER_PLACED_EVENT", "ORDER_CREATED_EVENT", "ORDER_STOCK_ALLOCATED_EVENT",
                    "ORDER_PAYMENT_ACCEPTED_EVENT", "ORDER_SHIPMENT_REQUESTED_EVENT", "ORDER_SHIPPED_EVENT",
                    "ORDER_DELIVERED_EVENT",
                ])
            #expect(events.allSatisfy { $0["correlationId"] as? String == correlationId })
            #expect(events.allSatisfy { $0["eventType"] as? String == $0["eventName"] as? String })
            #expect(Set(events.compactMap { $0["eventId"] as? String }).count == events.count)
            try await expectFitTheSchema(ports.aws, orderId: "LIFE01")

            // The traces of its three requests (place, ship, deliver) are found by the id.
            try await shop.eventually("the traces are found by the correlation id") {
                let found = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/traces?key=\(correlationId)")
                let traces = (try? found.json())?["traces"] as? [String] ?? []
                return traces.count >= 3
            }
            // And every function's log lines about it carry the id too.
            for group in ["/aws/lambda/PlaceOrderApi", "/aws/lambda/ShipOrderWorker", "/aws/lambda/NotifyOrderWorker"] {
                try await shop.eventually("\(group) has lines with the correlation id") {
                    let lines = try await awsJSON(
                        ports.aws, "Logs_20140328.FilterLogEvents",
                        #"{"logGroupName":"\#(group)","filterPattern":"\"correlationId=\#(correlationId)\""}"#)
                    return (lines["events"] as? [Any])?.isEmpty == false
                }
            }
        }
    }

    /// The events of `orderId` as the table holds them, checked against `schemas/order-event.schema.json` by
    /// Python's jsonschema (Draft 2020-12, with format checks); `including` must be among them.
    func expectFitTheSchema(_ port: Int, orderId: String, including: Set<String> = []) async throws {
        try await expectFitTheSchema(port, pk: "EVENTS#ORDER_ID#\(orderId)", including: including)
    }

    /// The events of one partition of the event store (an order's, or a SKU's restocks: `EVENTS#SKU#<sku>`),
    /// checked against the schema; `including` must be among their names.
    func expectFitTheSchema(_ port: Int, pk: String, including: Set<String> = []) async throws {
        let answer = try await awsJSON(
            port, "DynamoDB_20120810.Query",
            #"{"TableName":"commerce","KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"\#(pk)"}},"ConsistentRead":true}"#
        )
        let names = Set(
            (answer["Items"] as? [[String: Any]] ?? []).compactMap { Ledger.plain($0)["eventName"] as? String })
        #expect(
            names.isSuperset(of: including), "\(pk): \(names.sorted()) lacks \(including.subtracting(names).sorted())")
        let items = try JSONSerialization.data(withJSONObject: answer["Items"] ?? [])
        let file = NSTemporaryDirectory() + "events-\(UUID().uuidString).json"
        try items.write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        let script = """
            import json, sys, jsonschema
            from boto3.dynamodb.types import TypeDeserializer
            from decimal import Decimal
            schema = json.load(open(sys.argv[1]))
            def plain(v):
                if isinstance(v, Decimal): return int(v) if v == v.to_integral_value() else float(v)
                if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
                return v
            d = TypeDeserializer()
            items = [plain({k: d.deserialize(v) for k, v in item.items()}) for item in json.load(open(sys.argv[2]))]
            checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            errors = [f"{i.get('eventName')}: {e.message}" for i in items for e in checker.iter_errors(i)]
            print("\\n".join(errors)); sys.exit(1 if errors or not items else 0)
            """
        let schema = packageRoot().appendingPathComponent("schemas/order-event.schema.json").path
        let result = try await run("/usr/bin/env", ["python3", "-c", script, schema, file])
        #expect(result.status == 0, "\(result.output)\(result.error)")
    }

    @Test func cancellingAtEveryStageConservesStockAndMoney() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            #expect(try await shop.restock("PEARS", 100, lot: "PEAR01") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("PEARS") == 100 }
            func cancel(_ id: String) async throws -> Int {
                try await shop.post("/api/v1/orders/cancelOrder", #"{"orderId":"\#(id)","reason":"changed my mind"}"#)
                    .status
            }
            func until(_ id: String, _ status: String) async throws {
                try await shop.eventually("\(id) is \(status)") { try await shop.status(id) == status }
            }
            // Kept, cancelled right away, after payment, after shipping, after delivery; a depleted and a rejected
            // order cancelled too.
            for (id, units) in [("KEEP01", 4), ("NOW001", 5), ("PAID01", 6), ("SHIP01", 7), ("DELV01", 8)] {
                #expect(try await shop.order(id, "PEARS", units: units, price: "10.00") == 202)
            }
            #expect(try await shop.order("DEPL01", "PEARS", units: 1000, price: "10.00") == 202)
            #expect(try await shop.order("REJE01", "PEARS", units: 2, price: "0") == 202)
            #expect(try await cancel("NOW001") == 202)
            for id in ["KEEP01", "PAID01", "SHIP01", "DELV01"] { try await until(id, "ORDER_PAYMENT_ACCEPTED_STATUS") }
            try await until("DEPL01", "ORDER_STOCK_DEPLETED_STATUS")
            try await until("REJE01", "ORDER_PAYMENT_REJECTED_STATUS")
            for id in ["SHIP01", "DELV01"] {
                #expect(try await shop.post("/api/v1/shipping/shipOrder", #"{"orderId":"\#(id)"}"#).status == 202)
                try await until(id, "ORDER_SHIPPED_STATUS")
            }
            #expect(try await shop.post("/api/v1/shipping/deliverShipment", #"{"orderId":"DELV01"}"#).status == 202)
            try await until("DELV01", "ORDER_DELIVERED_STATUS")
            for id in ["PAID01", "SHIP01", "DELV01", "DEPL01", "REJE01"] { #expect(try await cancel(id) == 202) }
            #expect(try await cancel("NOW001") == 202, "cancelling again is fine")
            #expect(try await cancel("NEVER1") == 404)

            let cancelled = ["NOW001", "PAID01", "SHIP01", "DELV01", "DEPL01", "REJE01"]
            for id in cancelled { try await until(id, "ORDER_CANCELED_STATUS") }
            // A cancelled order is neither shipped nor delivered any more.
            #expect(try await shop.post("/api/v1/shipping/deliverShipment", #"{"orderId":"SHIP01"}"#).status == 409)
            #expect(try await shop.post("/api/v1/shipping/shipOrder", #"{"orderId":"KEEP01"}"#).status == 202)
            try await until("KEEP01", "ORDER_SHIPPED_STATUS")
            try await shop.eventually("every compensation ran") {
                let shipped = try await shop.post("/api/v1/shipping/listShipments", "{}").json["shipments"]
                let statuses = Dictionary(
                    uniqueKeysWithValues: (shipped as? [[String: Any]] ?? []).compactMap { shipment in
                        (shipment["orderId"] as? String).map { ($0, shipment["shipmentStatus"] as? String ?? "") }
                    })
                guard statuses == ["SHIP01": "CANCELED", "DELV01": "RETURNED", "KEEP01": "SHIPPED"] else {
                    return false
                }
                for id in ["PAID01", "SHIP01", "DELV01"] where try await ledger.refund(id) == nil { return false }
                for id in ["NOW001", "PAID01", "SHIP01", "DELV01"]
                where try await ledger.allocationStatus(id, sku: "PEARS") != "DEALLOCATED_ORDER_CANCELED" {
                    return false
                }
                return true
            }
            try await expectConserved(
                shop, ledger, sku: "PEARS", restocked: 100,
                orders: [
                    "KEEP01", "NOW001", "PAID01", "SHIP01", "DELV01", "DEPL01", "REJE01",
                ])
            #expect(try await ledger.allocationStatus("REJE01", sku: "PEARS") == "DEALLOCATED_PAYMENT_REJECTED")
            let refund = try #require(try await ledger.refund("PAID01"))
            #expect(refund["amount"] as? Double == 10 && refund["refundStatus"] as? String == "REFUNDED")
            #expect(try await ledger.refund("REJE01") == nil, "no refund without an accepted payment")
            // Every kind of event these orders raised fits the schema, the restocks' too (each compensation raises
            // its event just after its write).
            try await shop.eventually("the compensations' events are stored") {
                let shipped = try await ledger.events("SHIP01").compactMap { $0["eventName"] as? String }
                let delivered = try await ledger.events("DELV01").compactMap { $0["eventName"] as? String }
                return shipped.contains("ORDER_SHIPMENT_CANCELED_EVENT")
                    && shipped.contains("ORDER_STOCK_RETURNED_EVENT")
                    && delivered.contains("ORDER_SHIPMENT_RETURNED_EVENT")
                    && delivered.contains("ORDER_PAYMENT_REFUNDED_EVENT")
            }
            try await expectFitTheSchema(
                ports.aws, orderId: "DELV01",
                including: ["ORDER_DELIVERED_EVENT", "ORDER_SHIPMENT_RETURNED_EVENT", "ORDER_PAYMENT_REFUNDED_EVENT"])
            try await expectFitTheSchema(
                ports.aws, orderId: "SHIP01",
                including: ["ORDER_SHIPMENT_CANCELED_EVENT", "ORDER_STOCK_RETURNED_EVENT", "ORDER_CANCELED_EVENT"])
            try await expectFitTheSchema(ports.aws, orderId: "DEPL01", including: ["ORDER_STOCK_DEPLETED_EVENT"])
            try await expectFitTheSchema(ports.aws, orderId: "REJE01", including: ["ORDER_PAYMENT_REJECTED_EVENT"])
            try await expectFitTheSchema(ports.aws, pk: "EVENTS#SKU#PEARS", including: ["SKU_RESTOCKED_EVENT"])
        }
    }

    /// Orders cancelled at stages drawn at random (seeded, so a failure replays): at once, after payment, after
    /// shipping, after delivery, or never; then stock and money must be conserved.
    @Test(arguments: [2026, 7])
    func cancellationsAtRandomStagesConserveStockAndMoney(seed: UInt64) async throws {
        var random = SeededGenerator(state: seed)
        enum Stage: Int, CaseIterable { case atOnce, afterPayment, afterShipping, afterDelivery, never }
        let orders = (0..<10).map { index in
            (
                id: "RND\(seed % 100)\(index)", units: Int.random(in: 1...5, using: &random),
                stage: Stage.allCases.randomElement(using: &random)!, ships: Bool.random(using: &random)
            )
        }
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            #expect(try await shop.restock("MANGOS", 100, lot: "MANGO\(seed % 100)") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("MANGOS") == 100 }
            func cancel(_ stage: Stage) async throws {
                for order in orders where order.stage == stage {
                    let answer = try await shop.post("/api/v1/orders/cancelOrder", #"{"orderId":"\#(order.id)"}"#)
                    #expect(answer.status == 202, "\(order.id) at \(stage)")
                }
            }
            func until(_ status: String, _ which: [String]) async throws {
                try await shop.eventually("\(which) reach \(status)") {
                    for id in which where try await shop.status(id) != status { return false }
                    return true
                }
            }
            for order in orders {
                #expect(try await shop.order(order.id, "MANGOS", units: order.units, price: "2.75") == 202)
            }
            try await cancel(.atOnce)
            let alive = orders.filter { $0.stage != .atOnce }
            try await until("ORDER_PAYMENT_ACCEPTED_STATUS", alive.map(\.id))
            try await cancel(.afterPayment)
            let shipping = alive.filter {
                $0.stage == .afterShipping || $0.stage == .afterDelivery || ($0.stage == .never && $0.ships)
            }
            for order in shipping {
                #expect(try await shop.post("/api/v1/shipping/shipOrder", #"{"orderId":"\#(order.id)"}"#).status == 202)
            }
            try await until("ORDER_SHIPPED_STATUS", shipping.map(\.id))
            try await cancel(.afterShipping)
            let delivering = shipping.filter { $0.stage != .afterShipping }
            for order in delivering {
                let answer = try await shop.post("/api/v1/shipping/deliverShipment", #"{"orderId":"\#(order.id)"}"#)
                #expect(answer.status == 202)
            }
            try await until("ORDER_DELIVERED_STATUS", delivering.map(\.id))
            try await cancel(.afterDelivery)
            let cancelled = orders.filter { $0.stage != .never }.map(\.id)
            try await until("ORDER_CANCELED_STATUS", cancelled)
            try await shop.eventually("every compensation ran") {
                for id in cancelled {
                    let allocation = try await ledger.allocationStatus(id, sku: "MANGOS")
                    if allocation == "ALLOCATED" || allocation == "COMPLETED_PAYMENT_ACCEPTED" { return false }
                    let paid = try await ledger.payment(id)?["paymentStatus"] as? String == "PAYMENT_ACCEPTED"
                    if paid, try await ledger.refund(id) == nil { return false }
                }
                return true
            }
            try await expectConserved(shop, ledger, sku: "MANGOS", restocked: 100, orders: orders.map(\.id))
        }
    }

    /// Stock: restocked = remaining + units allocated to live orders. Money: payments accepted = refunds + payments
    /// of live orders. A cancelled order holds no stock and no money.
    func expectConserved(_ shop: Shop, _ ledger: Ledger, sku: String, restocked: Int, orders: [String]) async throws {
        var allocatedToLive = 0
        var accepted = 0.0
        var refunded = 0.0
        var paidByLive = 0.0
        for id in orders {
            let order = try #require(try await shop.order(id))
            let live = order["orderStatus"] as? String != "ORDER_CANCELED_STATUS"
            let units = order["units"] as? Int ?? 0
            let allocation = try await ledger.allocationStatus(id, sku: sku)
            if ["ALLOCATED", "COMPLETED_PAYMENT_ACCEPTED"].contains(allocation) {
                #expect(live, "\(id) is cancelled but still holds its stock")
                allocatedToLive += units
            }
            if let payment = try await ledger.payment(id), payment["paymentStatus"] as? String == "PAYMENT_ACCEPTED" {
                let price = payment["price"] as? Double ?? 0
                accepted += price
                if live { paidByLive += price }
            }
            if let refund = try await ledger.refund(id) {
                #expect(!live, "\(id) is refunded but live")
                refunded += refund["amount"] as? Double ?? 0
            }
        }
        let remaining = try #require(try await shop.units(sku))
        #expect(restocked == remaining + allocatedToLive, "stock: \(restocked) = \(remaining) + \(allocatedToLive)")
        #expect(accepted == refunded + paidByLive, "money: \(accepted) = \(refunded) + \(paidByLive)")
    }

    @Test func cancellationsRacingPaymentsAndDuplicateDeliveriesEndConsistent() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            // Every SQS batch and pipe batch delivered twice, half the time: each compensation must act once.
            let faults = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/chaos/faults?seed=14",
                headers: [("Content-Type", "application/json")],
                body: Array(
                    #"[{"service":"sqs","fault":"duplicate","probability":0.5},{"service":"pipes","fault":"duplicate","probability":0.5}]"#
                        .utf8))
            #expect(faults.status == 200)
            #expect(try await shop.restock("PLUMS", 60, lot: "PLUM01") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("PLUMS") == 60 }
            // Each order is cancelled a moment after it is placed, while allocation and payment are in flight.
            var orders: [String] = []
            for index in 0..<12 {
                let id = "RACE\(String(format: "%02d", index))"
                orders.append(id)
                #expect(try await shop.order(id, "PLUMS", units: 1 + index % 4, price: "3.50") == 202)
                if index % 3 != 2 {
                    if index % 2 == 0 { try await Task.sleep(for: .milliseconds(20 * index)) }
                    let cancelled = try await shop.post("/api/v1/orders/cancelOrder", #"{"orderId":"\#(id)"}"#)
                    #expect(cancelled.status == 202)
                }
            }
            let live = orders.enumerated().filter { $0.offset % 3 == 2 }.map(\.element)
            try await shop.eventually("every order settles") {
                for id in orders {
                    let status = try await shop.status(id)
                    let expected = live.contains(id) ? "ORDER_PAYMENT_ACCEPTED_STATUS" : "ORDER_CANCELED_STATUS"
                    if status != expected { return false }
                    if !live.contains(id) {
                        let allocation = try await ledger.allocationStatus(id, sku: "PLUMS")
                        if allocation == "ALLOCATED" || allocation == "COMPLETED_PAYMENT_ACCEPTED" { return false }
                        let paid = try await ledger.payment(id)?["paymentStatus"] as? String == "PAYMENT_ACCEPTED"
                        if paid, try await ledger.refund(id) == nil { return false }
                    }
                }
                return true
            }
            try await expectConserved(shop, ledger, sku: "PLUMS", restocked: 60, orders: orders)
            // Each compensation event once per order, however often its trigger came.
            for id in orders where !live.contains(id) {
                let names = try await ledger.events(id).compactMap { $0["eventName"] as? String }
                #expect(names.filter { $0 == "ORDER_CANCELED_EVENT" }.count == 1)
            }
        }
    }

    @Test func aNotificationThatCannotBeRenderedEndsInItsDLQ() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            // A shipment event without its carrier and tracking id (a simulated one).
            let simulated = try await shop.post(
                "/api/v1/testing/simulateRawEvent",
                #"{"pk":"EVENTS#ORDER_ID#BADN01","sk":"EVENT#ORDER_SHIPPED_EVENT","eventName":"ORDER_SHIPPED_EVENT","eventData":{"orderId":"BADN01","sku":"APPLES","units":1,"price":1,"userId":"USER1"}}"#
            )
            #expect(simulated.status == 202)
            // Three failed receives (visibility timeouts passed with the host's clock), then the DLQ.
            var dead: [[String: Any]] = []
            for _ in 0..<30 where dead.isEmpty {
                dead = try await receive(ports.aws, queue: "NotifyOrderWorker-Dlq", wait: 1)
                let advanced = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                    headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":11}"#.utf8))
                #expect(advanced.status == 200)
            }
            #expect(dead.count == 1)
            #expect((dead.first?["Body"] as? String)?.contains("BADN01") == true)
            let listed = try await shop.post("/api/v1/notifications/listNotifications", #"{"orderId":"BADN01"}"#)
            #expect((listed.json["notifications"] as? [Any])?.isEmpty == true)
        }
    }
}
