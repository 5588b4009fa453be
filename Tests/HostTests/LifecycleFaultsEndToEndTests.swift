import Foundation
import Testing

@testable import Host

/// The order's life under deterministic faults, through the host with the real binaries: every event delivered
/// twice (and again), a worker held back by an injected error so that a cancellation lands at a chosen point of the
/// flow, and one correlation id followed through a cancellation's compensations.
extension CommerceEndToEndTests {
    /// The host's fault list, clock, queues and function logs, through its AWS endpoint.
    struct Controls {
        var port: Int
        /// The work queues (every queue but the DLQs).
        var queues: [String]

        init(port: Int, topology: Topology) {
            self.port = port
            queues = topology.queues.map(\.name).filter { !$0.hasSuffix("Dlq") }
        }

        /// Replaces the fault list with `rules` (LocalStack's POST: a rule not sent is gone).
        func faults(_ rules: [String]) async throws {
            let answer = try await http(
                "POST", "http://127.0.0.1:\(port)/_host/chaos/faults", headers: [("Content-Type", "application/json")],
                body: Array("[\(rules.joined(separator: ","))]".utf8))
            guard answer.status == 200 else { throw TestFailure("faults: \(answer.status) \(answer.text)") }
        }

        /// The rule that makes every invocation of `function` fail before its work.
        static func failing(_ function: String) -> String {
            #"{"service":"lambda","fault":"error","function":"\#(function)","probability":1}"#
        }

        /// Faults injected since the host started, by kind.
        func injected() async throws -> [String: Int] {
            try await http("GET", "http://127.0.0.1:\(port)/_host/chaos/injected").json().compactMapValues {
                $0 as? Int
            }
        }

        /// Moves the host's clock on past the queues' visibility timeout (10 s): a message whose invocation failed
        /// comes back at once.
        func passVisibilityTimeouts() async throws {
            let answer = try await http(
                "POST", "http://127.0.0.1:\(port)/_host/clock/advance", headers: [("Content-Type", "application/json")],
                body: Array(#"{"seconds":11}"#.utf8))
            guard answer.status == 200 else { throw TestFailure("clock: \(answer.status) \(answer.text)") }
        }

        /// Whether no work queue holds a message: visible, in flight or delayed.
        func queuesAreEmpty() async throws -> Bool {
            for queue in queues {
                let answer = try await awsJSON(
                    port, "AmazonSQS.GetQueueAttributes",
                    #"{"QueueUrl":"http://127.0.0.1:\#(port)/000000000000/\#(queue)","AttributeNames":["All"]}"#)
                let attributes = answer["Attributes"] as? [String: String] ?? [:]
                for name in [
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesDelayed",
                ] where (attributes[name] ?? "0") != "0" {
                    return false
                }
            }
            return true
        }

        /// Waits until the work queues stay empty (twice, a quarter of a second apart): every delivery in flight,
        /// duplicates included, has been processed.
        func settle(_ shop: Shop) async throws {
            try await shop.eventually("every work queue is empty") {
                guard try await queuesAreEmpty() else { return false }
                try await Task.sleep(for: .milliseconds(250))
                return try await queuesAreEmpty()
            }
        }

        /// The log lines of `function` holding every one of `terms` (CloudWatch Logs' term filter); none while the
        /// function has no log group yet.
        func logLines(_ function: String, _ terms: String...) async throws -> [String] {
            let pattern = terms.map { #"\"\#($0)\""# }.joined(separator: " ")
            let answer = try await awsJSONResponse(
                port, "Logs_20140328.FilterLogEvents",
                #"{"logGroupName":"/aws/lambda/\#(function)","filterPattern":"\#(pattern)"}"#)
            guard answer.status == 200 else { return [] }
            return (try answer.json()["events"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        }
    }

    /// A POST to the shop with an optional `x-correlation-id`: the status and the answer's `x-correlation-id`.
    func call(_ shop: Shop, _ path: String, _ body: String, correlationId: String? = nil) async throws
        -> (status: Int, correlationId: String?)
    {
        var headers = [("Content-Type", "application/json")]
        if let correlationId { headers.append(("x-correlation-id", correlationId)) }
        let answer = try await http("POST", shop.base + path, headers: headers, body: Array(body.utf8))
        return (answer.status, answer.header("x-correlation-id"))
    }

    func cancel(_ shop: Shop, _ id: String) async throws -> Int {
        try await shop.post("/api/v1/orders/cancelOrder", #"{"orderId":"\#(id)","reason":"changed my mind"}"#).status
    }

    func ship(_ shop: Shop, _ id: String) async throws -> Int {
        try await shop.post("/api/v1/shipping/shipOrder", #"{"orderId":"\#(id)"}"#).status
    }

    func deliver(_ shop: Shop, _ id: String) async throws -> Int {
        try await shop.post("/api/v1/shipping/deliverShipment", #"{"orderId":"\#(id)"}"#).status
    }

    /// Waits until every one of `orders` has `status`.
    func until(_ shop: Shop, _ status: String, _ orders: [String]) async throws {
        try await shop.eventually("\(orders) reach \(status)") {
            for id in orders where try await shop.status(id) != status { return false }
            return true
        }
    }

    /// Waits until the orders are paid and their allocations completed (what the ShipOrderWorker waits for: shipping
    /// before it would be retried after a visibility timeout).
    func untilPaid(_ shop: Shop, _ ledger: Ledger, sku: String, _ orders: [String]) async throws {
        try await until(shop, "ORDER_PAYMENT_ACCEPTED_STATUS", orders)
        try await shop.eventually("\(orders) have completed allocations") {
            for id in orders where try await ledger.allocationStatus(id, sku: sku) != "COMPLETED_PAYMENT_ACCEPTED" {
                return false
            }
            return true
        }
    }

    /// The shipments by order id: every shipment's status, listed per order.
    func shipments(_ shop: Shop) async throws -> [String: [String]] {
        let listed = try await shop.post("/api/v1/shipping/listShipments", "{}").json["shipments"]
        var statuses: [String: [String]] = [:]
        for shipment in listed as? [[String: Any]] ?? [] {
            guard let id = shipment["orderId"] as? String else { continue }
            statuses[id, default: []].append(shipment["shipmentStatus"] as? String ?? "")
        }
        return statuses
    }

    func notificationKinds(_ shop: Shop, _ id: String) async throws -> [String] {
        let listed = try await shop.post("/api/v1/notifications/listNotifications", #"{"orderId":"\#(id)"}"#)
        return (listed.json["notifications"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }.sorted()
    }

    // MARK: every event delivered more than once

    @Test func everyLifecycleEventDeliveredTwiceActsOnce() async throws {
        let topology = try Self.topology(acceptRate: "1")
        try await withShop(topology) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            let controls = Controls(port: ports.aws, topology: topology)
            // Every batch the pipe reads is put on the bus twice, and every SQS batch goes to two invocations: each
            // event reaches each of its workers four times.
            try await controls.faults([
                #"{"service":"sqs","fault":"duplicate","probability":1}"#,
                #"{"service":"pipes","fault":"duplicate","probability":1}"#,
            ])
            #expect(try await shop.restock("FIGS", 100, lot: "FIGS01") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("FIGS") == 100 }
            // Kept: paid, shipped, delivered. Cancelled: after payment, after shipping, after delivery.
            let units = ["DKEEP1": 2, "DSHIP1": 3, "DDELV1": 4, "DCPAY1": 5, "DCSHP1": 6, "DCDLV1": 7]
            let orders = units.keys.sorted()
            let shipped = ["DSHIP1", "DDELV1", "DCSHP1", "DCDLV1"]
            let delivered = ["DDELV1", "DCDLV1"]
            let cancelled = ["DCPAY1", "DCSHP1", "DCDLV1"]
            for id in orders {
                #expect(try await shop.order(id, "FIGS", units: units[id]!, price: "\(units[id]!).50") == 202)
            }
            try await untilPaid(shop, ledger, sku: "FIGS", orders)
            for id in shipped { #expect(try await ship(shop, id) == 202) }
            try await until(shop, "ORDER_SHIPPED_STATUS", shipped)
            for id in delivered { #expect(try await deliver(shop, id) == 202) }
            try await until(shop, "ORDER_DELIVERED_STATUS", delivered)
            for id in cancelled { #expect(try await cancel(shop, id) == 202) }
            try await until(shop, "ORDER_CANCELED_STATUS", cancelled)

            // What each order's events should have made of it.
            let placed: Set = [
                "ORDER_PLACED_EVENT", "ORDER_CREATED_EVENT", "ORDER_STOCK_ALLOCATED_EVENT",
                "ORDER_PAYMENT_ACCEPTED_EVENT",
            ]
            var events: [String: Set<String>] = [:]
            var kinds: [String: [String]] = [:]
            for id in orders {
                events[id] = placed
                kinds[id] = ["ORDER_ACCEPTED"]
            }
            for id in shipped {
                events[id]!.formUnion(["ORDER_SHIPMENT_REQUESTED_EVENT", "ORDER_SHIPPED_EVENT"])
                kinds[id]!.append("ORDER_SHIPPED")
            }
            for id in delivered {
                events[id]!.insert("ORDER_DELIVERED_EVENT")
                kinds[id]!.append("ORDER_DELIVERED")
            }
            for id in cancelled {
                events[id]!.formUnion([
                    "ORDER_CANCELED_EVENT", "ORDER_STOCK_RETURNED_EVENT", "ORDER_PAYMENT_REFUNDED_EVENT",
                ])
                kinds[id]!.append("ORDER_CANCELED")
            }
            events["DCSHP1"]!.insert("ORDER_SHIPMENT_CANCELED_EVENT")
            events["DCDLV1"]!.insert("ORDER_SHIPMENT_RETURNED_EVENT")
            try await shop.eventually("every compensation, event and notification is there") {
                for id in orders {
                    let names = Set(try await ledger.events(id).compactMap { $0["eventName"] as? String })
                    if names != events[id]! { return false }
                    if try await notificationKinds(shop, id) != kinds[id]!.sorted() { return false }
                }
                return true
            }
            try await controls.settle(shop)
            // Nothing was left over: no record the workers could not read (a notification named like its event
            // once came back through the bus to every worker of that event, and ended in the DLQ).
            #expect(try await receive(ports.aws, queue: "NotifyOrderWorker-Dlq", wait: 0).isEmpty)
            let unreadable = try await controls.logLines("SyncOrderWorker", "expected a JSON object")
            #expect(unreadable.isEmpty, "\(unreadable)")

            // The faults fired: both kinds of duplicate, and each lifecycle event reached each of its workers more
            // than once.
            let injected = try await controls.injected()
            #expect(injected["duplicate", default: 0] > 0, "\(injected)")
            var expected: [(worker: String, event: String, orders: [String])] = [
                ("ShipOrderWorker", "ORDER_SHIPMENT_REQUESTED_EVENT", shipped),
                ("NotifyOrderWorker", "ORDER_PAYMENT_ACCEPTED_EVENT", orders),
                ("NotifyOrderWorker", "ORDER_SHIPPED_EVENT", shipped),
                ("NotifyOrderWorker", "ORDER_DELIVERED_EVENT", delivered),
                ("RefundOrderPaymentWorker", "ORDER_PAYMENT_ACCEPTED_EVENT", orders),
            ]
            for worker in [
                "ReturnOrderStockWorker", "RefundOrderPaymentWorker", "CancelOrderShipmentWorker", "NotifyOrderWorker",
            ] {
                expected.append((worker, "ORDER_CANCELED_EVENT", cancelled))
            }
            // Each processing writes one line (shipped to CloudWatch Logs a moment after the invocation).
            var deliveries: [String: Int] = [:]
            try await shop.eventually("each lifecycle event was processed more than once by each of its workers") {
                for (worker, event, ids) in expected {
                    for id in ids {
                        let lines = try await controls.logLines(worker, "processed: \(event)", "orderId=\(id)")
                        deliveries["\(worker) \(event) \(id)"] = lines.count
                    }
                }
                return deliveries.values.allSatisfy { $0 >= 2 }
            }
            print(
                "duplicates: \(injected["duplicate", default: 0]) injected; each lifecycle event processed "
                    + "\(deliveries.values.min() ?? 0)–\(deliveries.values.max() ?? 0) times per worker")

            // Exactly one shipment per shipped order, one refund per refunded order, one notification per kind,
            // one event of each type.
            let statuses = try await shipments(shop)
            #expect(
                statuses == [
                    "DSHIP1": ["SHIPPED"], "DDELV1": ["DELIVERED"], "DCSHP1": ["CANCELED"], "DCDLV1": ["RETURNED"],
                ])
            let refunds = try await shop.post("/api/v1/payments/listRefunds", "{}").json["refunds"]
            let refunded = (refunds as? [[String: Any]] ?? []).compactMap { $0["orderId"] as? String }.sorted()
            #expect(refunded == cancelled.sorted())
            for id in cancelled {
                let refund = try #require(try await ledger.refund(id))
                #expect(refund["amount"] as? Double == Double(units[id]!) + 0.5)
                #expect(try await ledger.allocationStatus(id, sku: "FIGS") == "DEALLOCATED_ORDER_CANCELED")
            }
            for id in orders {
                #expect(try await notificationKinds(shop, id) == kinds[id]!.sorted(), "\(id)")
                let stored = try await ledger.events(id)
                #expect(stored.count == events[id]!.count, "\(id): \(stored.count) events")
                #expect(Set(stored.compactMap { $0["eventId"] as? String }).count == stored.count)
            }
            // The stock came back once per cancelled order: what remains is what the live orders hold.
            let live = orders.filter { !cancelled.contains($0) }
            #expect(try await shop.units("FIGS") == 100 - live.map { units[$0]! }.reduce(0, +))
            try await expectConserved(shop, ledger, sku: "FIGS", restocked: 100, orders: orders)
            #expect(try await shop.status("DKEEP1") == "ORDER_PAYMENT_ACCEPTED_STATUS")
            #expect(try await shop.status("DSHIP1") == "ORDER_SHIPPED_STATUS")
            #expect(try await shop.status("DDELV1") == "ORDER_DELIVERED_STATUS")
        }
    }

    // MARK: a cancellation at a chosen point of the flow

    /// Held at ORDER_CREATED_STATUS (the allocation fails), cancelled, then released: the allocation comes after the
    /// cancellation, and its stock goes back once (and the payment it set off is refunded).
    @Test func aCancellationBeforeTheAllocationReturnsTheLateAllocationOnce() async throws {
        let topology = try Self.topology(acceptRate: "1")
        try await withShop(topology) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            let controls = Controls(port: ports.aws, topology: topology)
            #expect(try await shop.restock("KIWIS", 20, lot: "KIWI01") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("KIWIS") == 20 }
            try await controls.faults([Controls.failing("AllocateOrderStockWorker")])
            #expect(try await shop.order("HOLDC1", "KIWIS", units: 3, price: "10.00") == 202)
            try await shop.eventually("the allocation was tried and failed") {
                guard try await controls.injected()["error", default: 0] > 0 else { return false }
                return try await shop.status("HOLDC1") == "ORDER_CREATED_STATUS"
            }
            #expect(try await shop.status("HOLDC1") == "ORDER_CREATED_STATUS")
            #expect(try await ledger.allocationStatus("HOLDC1", sku: "KIWIS") == nil)
            #expect(try await cancel(shop, "HOLDC1") == 202)
            try await shop.eventually("cancelled, its stock compensation run with nothing to return") {
                guard try await shop.status("HOLDC1") == "ORDER_CANCELED_STATUS" else { return false }
                let lines = try await controls.logLines(
                    "ReturnOrderStockWorker", "processed: ORDER_CANCELED_EVENT", "orderId=HOLDC1")
                return !lines.isEmpty
            }
            #expect(try await ledger.allocationStatus("HOLDC1", sku: "KIWIS") == nil)
            #expect(try await shop.units("KIWIS") == 20)

            // Released: the failed message comes back at once and the allocation happens, after the cancellation.
            try await controls.faults([])
            try await controls.passVisibilityTimeouts()
            try await shop.eventually("the late allocation is returned and its payment refunded") {
                guard try await ledger.allocationStatus("HOLDC1", sku: "KIWIS") == "DEALLOCATED_ORDER_CANCELED" else {
                    return false
                }
                return try await ledger.refund("HOLDC1") != nil
            }
            try await controls.settle(shop)
            let names = Set(try await ledger.events("HOLDC1").compactMap { $0["eventName"] as? String })
            #expect(names.isSuperset(of: ["ORDER_STOCK_ALLOCATED_EVENT", "ORDER_STOCK_RETURNED_EVENT"]))
            #expect(try await shop.status("HOLDC1") == "ORDER_CANCELED_STATUS")
            #expect(try await shop.units("KIWIS") == 20)
            try await expectConserved(shop, ledger, sku: "KIWIS", restocked: 20, orders: ["HOLDC1"])
        }
    }

    /// Held at ORDER_STOCK_ALLOCATED_STATUS (the payment fails), cancelled (the stock goes back), then released: an
    /// accepted payment is refunded once, a rejected one is not, and the rejection does not return the stock again.
    @Test func aCancellationBetweenAllocationAndPaymentRefundsOnlyAnAcceptedPayment() async throws {
        let topology = try Self.topology(acceptRate: "1")
        try await withShop(topology) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            let controls = Controls(port: ports.aws, topology: topology)
            #expect(try await shop.restock("LIMES", 20, lot: "LIME01") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("LIMES") == 20 }
            try await controls.faults([Controls.failing("ProcessOrderPaymentWorker")])
            // A price of 0 is rejected by the gateway, 10 accepted.
            #expect(try await shop.order("HOLDA1", "LIMES", units: 3, price: "10.00") == 202)
            #expect(try await shop.order("HOLDR1", "LIMES", units: 4, price: "0") == 202)
            let held = ["HOLDA1", "HOLDR1"]
            try await shop.eventually("allocated, and the payment tried and failed") {
                guard try await controls.injected()["error", default: 0] > 0 else { return false }
                for id in held where try await shop.status(id) != "ORDER_STOCK_ALLOCATED_STATUS" { return false }
                return true
            }
            for id in held {
                #expect(try await shop.status(id) == "ORDER_STOCK_ALLOCATED_STATUS")
                #expect(try await ledger.payment(id) == nil)
                #expect(try await cancel(shop, id) == 202)
            }
            try await shop.eventually("cancelled and the stock back, before any payment") {
                for id in held {
                    if try await shop.status(id) != "ORDER_CANCELED_STATUS" { return false }
                    if try await ledger.allocationStatus(id, sku: "LIMES") != "DEALLOCATED_ORDER_CANCELED" {
                        return false
                    }
                }
                return true
            }
            #expect(try await shop.units("LIMES") == 20)
            for id in held { #expect(try await ledger.payment(id) == nil) }

            // Released: the payments happen after the cancellation.
            try await controls.faults([])
            try await controls.passVisibilityTimeouts()
            try await shop.eventually("the payments are decided and the accepted one refunded") {
                let accepted = try await ledger.payment("HOLDA1")?["paymentStatus"] as? String
                let rejected = try await ledger.payment("HOLDR1")?["paymentStatus"] as? String
                guard accepted == "PAYMENT_ACCEPTED", rejected == "PAYMENT_REJECTED" else { return false }
                return try await ledger.refund("HOLDA1") != nil
            }
            try await controls.settle(shop)
            let refund = try #require(try await ledger.refund("HOLDA1"))
            #expect(refund["amount"] as? Double == 10)
            #expect(try await ledger.refund("HOLDR1") == nil, "nothing to refund for a rejected payment")
            for id in held {
                #expect(try await shop.status(id) == "ORDER_CANCELED_STATUS")
                // Returned once, by the cancellation: the rejection found nothing left to deallocate.
                #expect(try await ledger.allocationStatus(id, sku: "LIMES") == "DEALLOCATED_ORDER_CANCELED")
            }
            #expect(try await shop.units("LIMES") == 20)
            try await expectConserved(shop, ledger, sku: "LIMES", restocked: 20, orders: held)
        }
    }

    /// A shipment asked for, its worker held back (it fails), the order cancelled, then the worker released: no
    /// shipment is created. Once with the stock already returned (nothing completed left to ship), once with the
    /// stock's compensation held back too, so that the shipment's transaction meets the cancellation mark itself.
    @Test func aCancellationRacingTheShipmentLeavesNothingShipped() async throws {
        let topology = try Self.topology(acceptRate: "1")
        try await withShop(topology) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            let controls = Controls(port: ports.aws, topology: topology)
            #expect(try await shop.restock("DATES", 30, lot: "DATE01") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("DATES") == 30 }
            #expect(try await shop.order("RACES1", "DATES", units: 2, price: "4.00") == 202)
            #expect(try await shop.order("RACES2", "DATES", units: 3, price: "6.00") == 202)
            try await untilPaid(shop, ledger, sku: "DATES", ["RACES1", "RACES2"])

            // Asks for the shipment and waits until its worker has failed on it.
            func shipHeldBack(_ id: String) async throws {
                let before = try await controls.injected()["error", default: 0]
                #expect(try await ship(shop, id) == 202)
                try await shop.eventually("the shipment of \(id) was tried and failed") {
                    try await controls.injected()["error", default: 0] > before
                }
                #expect(try await shop.status(id) == "ORDER_PAYMENT_ACCEPTED_STATUS")
                #expect(try await shipments(shop)[id] == nil)
            }

            // 1. The stock's compensation runs before the shipment's worker comes back.
            try await controls.faults([Controls.failing("ShipOrderWorker")])
            try await shipHeldBack("RACES1")
            #expect(try await cancel(shop, "RACES1") == 202)
            try await shop.eventually("RACES1 is cancelled, its stock back and its payment refunded") {
                guard try await shop.status("RACES1") == "ORDER_CANCELED_STATUS",
                    try await ledger.allocationStatus("RACES1", sku: "DATES") == "DEALLOCATED_ORDER_CANCELED"
                else { return false }
                return try await ledger.refund("RACES1") != nil
            }
            try await controls.faults([])
            try await controls.passVisibilityTimeouts()
            try await shop.eventually("the held shipment request of RACES1 is dropped") {
                !(try await controls.logLines(
                    "ShipOrderWorker", "dropped", "orderId=RACES1", "has no completed allocation to ship"
                ).isEmpty)
            }

            // 2. The stock's compensation held back too: the shipment's worker finds a completed allocation, and
            // its transaction's check of the cancellation mark stops it.
            try await controls.faults([Controls.failing("ShipOrderWorker")])
            try await shipHeldBack("RACES2")
            try await controls.faults([Controls.failing("ShipOrderWorker"), Controls.failing("ReturnOrderStockWorker")])
            #expect(try await cancel(shop, "RACES2") == 202)
            try await shop.eventually("RACES2 is cancelled and its payment refunded") {
                guard try await shop.status("RACES2") == "ORDER_CANCELED_STATUS" else { return false }
                return try await ledger.refund("RACES2") != nil
            }
            #expect(try await ledger.allocationStatus("RACES2", sku: "DATES") == "COMPLETED_PAYMENT_ACCEPTED")
            try await controls.faults([Controls.failing("ReturnOrderStockWorker")])
            try await controls.passVisibilityTimeouts()
            try await shop.eventually("the held shipment request of RACES2 is refused by the mark") {
                !(try await controls.logLines(
                    "ShipOrderWorker", "dropped", "orderId=RACES2", "is cancelled: not shipped"
                )
                .isEmpty)
            }
            #expect(try await ledger.allocationStatus("RACES2", sku: "DATES") == "COMPLETED_PAYMENT_ACCEPTED")
            try await controls.faults([])
            try await controls.passVisibilityTimeouts()
            try await shop.eventually("RACES2's stock is back") {
                try await ledger.allocationStatus("RACES2", sku: "DATES") == "DEALLOCATED_ORDER_CANCELED"
            }
            try await controls.settle(shop)

            #expect(try await shipments(shop).isEmpty, "no shipment was created")
            for id in ["RACES1", "RACES2"] {
                #expect(try await shop.status(id) == "ORDER_CANCELED_STATUS")
                let names = try await ledger.events(id).compactMap { $0["eventName"] as? String }
                #expect(names.contains("ORDER_SHIPMENT_REQUESTED_EVENT") && !names.contains("ORDER_SHIPPED_EVENT"))
                #expect(try await notificationKinds(shop, id) == ["ORDER_ACCEPTED", "ORDER_CANCELED"])
            }
            #expect(try await shop.units("DATES") == 30)
            try await expectConserved(shop, ledger, sku: "DATES", restocked: 30, orders: ["RACES1", "RACES2"])
        }
    }

    // MARK: one correlation id through a cancellation

    /// Orders placed with their own `x-correlation-id`, then shipped, cancelled and refused without one: every
    /// request adopts the order's id, and every event and log line of the cancellation's compensations carries it.
    @Test func aCancelledOrderIsFollowedByItsCorrelationId() async throws {
        let topology = try Self.topology(acceptRate: "1")
        try await withShop(topology) { shop, ports in
            let ledger = Ledger(port: ports.aws)
            let controls = Controls(port: ports.aws, topology: topology)
            #expect(try await shop.restock("MELONS", 20, lot: "MELON1") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("MELONS") == 20 }
            let tag = UUID().uuidString.prefix(8)
            // Cancelled after payment; shipped, then cancelled.
            let ids = ["CORRP1": "cancel-paid-\(tag)", "CORRS1": "cancel-shipped-\(tag)"]
            for (order, id) in ids.sorted(by: { $0.key < $1.key }) {
                let placed = try await call(
                    shop, "/api/v1/orders/placeOrder",
                    #"{"orderId":"\#(order)","sku":"MELONS","units":2,"price":7.5,"userId":"USER1"}"#, correlationId: id
                )
                #expect(placed.status == 202 && placed.correlationId == id)
            }
            try await untilPaid(shop, ledger, sku: "MELONS", ["CORRP1", "CORRS1"])
            let shipped = try await call(shop, "/api/v1/shipping/shipOrder", #"{"orderId":"CORRS1"}"#)
            #expect(shipped.status == 202 && shipped.correlationId == ids["CORRS1"])
            try await until(shop, "ORDER_SHIPPED_STATUS", ["CORRS1"])
            for (order, id) in ids {
                let body = #"{"orderId":"\#(order)"}"#
                let cancelled = try await call(shop, "/api/v1/orders/cancelOrder", body)
                #expect(cancelled.status == 202 && cancelled.correlationId == id, "\(order)")
                // Cancelling again answers, and logs, under the order's id too.
                let again = try await call(shop, "/api/v1/orders/cancelOrder", body)
                #expect(again.status == 202 && again.correlationId == id, "\(order) again")
            }
            // A request refused after the adoption answers with the order's id as well.
            let refused = try await call(shop, "/api/v1/shipping/deliverShipment", #"{"orderId":"CORRS1"}"#)
            #expect(refused.status == 409 && refused.correlationId == ids["CORRS1"])
            try await until(shop, "ORDER_CANCELED_STATUS", ["CORRP1", "CORRS1"])

            let compensated: Set = [
                "ORDER_CANCELED_EVENT", "ORDER_STOCK_RETURNED_EVENT", "ORDER_PAYMENT_REFUNDED_EVENT",
            ]
            let expected: [String: Set<String>] = [
                "CORRP1": compensated,
                "CORRS1": compensated.union(["ORDER_SHIPPED_EVENT", "ORDER_SHIPMENT_CANCELED_EVENT"]),
            ]
            try await shop.eventually("every compensation raised its event") {
                for (order, names) in expected {
                    let stored = Set(try await ledger.events(order).compactMap { $0["eventName"] as? String })
                    if !stored.isSuperset(of: names) { return false }
                }
                return true
            }
            for (order, id) in ids {
                let events = try await ledger.events(order)
                let strays = events.filter { $0["correlationId"] as? String != id }.compactMap { $0["eventName"] }
                #expect(strays.isEmpty, "\(order): events under another correlation id: \(strays)")
                #expect(events.count >= 7, "\(order): \(events.count) events")
                let mark = try await ledger.items("ORDERS#ORDER_ID#\(order)").first {
                    ($0["sk"] as? String)?.hasSuffix("#CANCELLATION") == true
                }
                #expect(mark?["correlationId"] as? String == id)
            }
            try await expectFitTheSchema(ports.aws, orderId: "CORRS1", including: expected["CORRS1"]!)

            // Every compensation's log lines, and the cancel API's (the repeated cancellation's and the refused
            // delivery's too), carry the order's id.
            var groups: [(function: String, order: String, terms: [String])] = []
            for order in ids.keys {
                groups += [
                    ("CancelOrderApi", order, ["already cancelled"]),
                    ("ReturnOrderStockWorker", order, ["processed: ORDER_CANCELED_EVENT"]),
                    ("RefundOrderPaymentWorker", order, ["processed: ORDER_CANCELED_EVENT"]),
                    ("CancelOrderShipmentWorker", order, ["processed: ORDER_CANCELED_EVENT"]),
                    ("NotifyOrderWorker", order, ["processed: ORDER_CANCELED_EVENT"]),
                    ("SyncOrderWorker", order, ["processed: ORDER_CANCELED_EVENT"]),
                ]
            }
            groups.append(("DeliverShipmentApi", "CORRS1", ["Conflict"]))
            groups.append(("ShipOrderApi", "CORRS1", ["Answered 202"]))
            for (function, order, terms) in groups {
                let id = ids[order]!
                try await shop.eventually("\(function) logged \(terms) for \(order) under \(id)") {
                    let all = try await controls.logLines(function, "orderId=\(order)")
                    let matching = all.filter { line in terms.allSatisfy { line.contains($0) } }
                    return !matching.isEmpty && matching.allSatisfy { $0.contains("correlationId=\(id)") }
                }
            }
        }
    }
}
