import Foundation

/// `seed --lifecycle`: after the reference's orders settle, the rest of their life: some shipped, some of those
/// delivered, and cancellations at every stage (after payment, after shipping, after delivery, a depleted and a
/// rejected order, and orders cancelled the moment they are placed, racing their allocation and payment). Then it
/// waits for every compensation and checks that stock and money are conserved: for every SKU, what was there
/// before + restocked = remaining + the units of live orders holding stock; payments accepted = refunds + payments
/// of live orders.
struct SeedLifecycle {
    let client: CommerceHTTPClient
    /// This run's ids end in it (empty on an empty host).
    let suffix: String

    /// Orders in a status that holds stock and money (paid, shipped or delivered).
    static let livePaidStatuses: Set<String> = [
        "ORDER_PAYMENT_ACCEPTED_STATUS", "ORDER_SHIPPED_STATUS", "ORDER_DELIVERED_STATUS",
    ]

    struct Plan {
        var delivered: [String] = []
        var shipped: [String] = []
        var cancelled: [(orderId: String, stage: String)] = []
    }

    /// Runs the lifecycle over `orders` (this run's settled orders) and returns the summary once everything settled.
    func run(
        orders: [[String: Any]], restocks: [SeedData.Restock], stockBefore: [String: Int], timeout: Int
    ) throws -> LifecycleSummary {
        func ids(_ status: String) -> [String] {
            orders.filter { $0["orderStatus"] as? String == status }.compactMap { $0["orderId"] as? String }.sorted()
        }
        let accepted = ids("ORDER_PAYMENT_ACCEPTED_STATUS")
        var plan = Plan()
        plan.delivered = Array(accepted.prefix(6))
        plan.shipped = Array(accepted.dropFirst(6).prefix(6))
        let deadline = Date().addingTimeInterval(Double(timeout))
        for id in plan.delivered + plan.shipped { try expect(post("/api/v1/shipping/shipOrder", id)) }
        try wait("shipped", deadline) { statuses in
            (plan.delivered + plan.shipped).allSatisfy { statuses[$0] == "ORDER_SHIPPED_STATUS" }
        }
        for id in plan.delivered { try expect(post("/api/v1/shipping/deliverShipment", id)) }
        try wait("delivered", deadline) { statuses in
            plan.delivered.allSatisfy { statuses[$0] == "ORDER_DELIVERED_STATUS" }
        }
        plan.cancelled += accepted.dropFirst(12).prefix(3).map { ($0, "after payment") }
        plan.cancelled += plan.shipped.prefix(3).map { ($0, "after shipping") }
        plan.cancelled += plan.delivered.prefix(3).map { ($0, "after delivery") }
        plan.cancelled += ids("ORDER_STOCK_DEPLETED_STATUS").prefix(1).map { ($0, "depleted") }
        plan.cancelled += ids("ORDER_PAYMENT_REJECTED_STATUS").prefix(1).map { ($0, "payment rejected") }
        for (id, _) in plan.cancelled {
            try expect(post("/api/v1/orders/cancelOrder", id, extra: #","reason":"seed: changed my mind""#))
        }
        // Placed and cancelled at once: the cancellation races the order's creation, allocation and payment.
        let sku = restocks.first?.sku ?? "APPLES"
        for number in 1...3 {
            let id = SeedData.lot("CXL", number) + suffix
            _ = try client.post(
                "/api/v1/orders/placeOrder",
                #"{"orderId":"\#(id)","sku":"\#(sku)","units":\#(number),"price":5.25,"userId":"SEEDER"}"#)
            try expect(post("/api/v1/orders/cancelOrder", id))
            plan.cancelled.append((id, "just placed"))
        }
        let cancelledIds = Set(plan.cancelled.map(\.orderId))
        var summary = LifecycleSummary(plan: plan)
        try wait("every cancellation and its compensations", deadline) { statuses in
            guard cancelledIds.allSatisfy({ statuses[$0] == "ORDER_CANCELED_STATUS" }) else { return false }
            summary = try collect(plan: plan, restocks: restocks, stockBefore: stockBefore)
            return summary.compensationsDone
        }
        return summary
    }

    /// What the APIs say now, for this run's orders.
    func collect(plan: Plan, restocks: [SeedData.Restock], stockBefore: [String: Int]) throws -> LifecycleSummary {
        let orders = try client.list("/api/v1/orders/listOrders", key: "orders")
        let shipments = try client.list("/api/v1/shipping/listShipments", key: "shipments")
        let payments = try client.list("/api/v1/payments/listOrderPayments", key: "orderPayments")
        let refunds = try client.list("/api/v1/payments/listRefunds", key: "refunds")
        let skus = try client.list("/api/v1/inventory/listSkus", key: "skus")
        var summary = LifecycleSummary(plan: plan)
        let mine = orders.filter { ($0["orderId"] as? String ?? "").hasSuffix(suffix) }
        let status = Dictionary(
            mine.map { ($0["orderId"] as? String ?? "", $0["orderStatus"] as? String ?? "") },
            uniquingKeysWith: { a, _ in a }
        )
        for (_, value) in status { summary.statuses[value, default: 0] += 1 }
        let cancelled = Set(plan.cancelled.map(\.orderId))
        let shipmentStatus = Dictionary(
            shipments.map { ($0["orderId"] as? String ?? "", $0["shipmentStatus"] as? String ?? "") },
            uniquingKeysWith: { a, _ in a })
        // A cancelled order's shipment is cancelled, or returned once delivered; an accepted payment is refunded.
        let acceptedPayments = payments.filter {
            status[$0["orderId"] as? String ?? ""] != nil && $0["paymentStatus"] as? String == "PAYMENT_ACCEPTED"
        }
        let refunded = Dictionary(
            refunds.map {
                ($0["orderId"] as? String ?? "", ($0["amount"] as? Double) ?? Double($0["amount"] as? Int ?? 0))
            },
            uniquingKeysWith: { a, _ in a })
        summary.compensationsDone =
            cancelled.allSatisfy { id in
                let shipment = shipmentStatus[id]
                return shipment == nil || shipment == "CANCELED" || shipment == "RETURNED"
            }
            && acceptedPayments.allSatisfy { payment in
                let id = payment["orderId"] as? String ?? ""
                return !cancelled.contains(id) || refunded[id] != nil
            }
        summary.shipmentStatuses = shipmentStatus.filter { status[$0.key] != nil }.values.reduce(into: [:]) {
            $0[$1, default: 0] += 1
        }
        for payment in acceptedPayments {
            let id = payment["orderId"] as? String ?? ""
            let price = (payment["price"] as? Double) ?? Double(payment["price"] as? Int ?? 0)
            summary.acceptedMoney += price
            if !cancelled.contains(id) { summary.liveMoney += price }
        }
        summary.refundedMoney = refunded.filter { status[$0.key] != nil }.values.reduce(0, +)
        for sku in Set(restocks.map(\.sku)).sorted() {
            let restocked = (stockBefore[sku] ?? 0) + restocks.filter { $0.sku == sku }.reduce(0) { $0 + $1.units }
            let remaining = skus.first { $0["sku"] as? String == sku }?["units"] as? Int ?? 0
            let held = mine.filter {
                $0["sku"] as? String == sku && Self.livePaidStatuses.contains($0["orderStatus"] as? String ?? "")
            }.reduce(0) { $0 + ($1["units"] as? Int ?? 0) }
            summary.stock.append((sku, restocked, remaining, held))
        }
        return summary
    }

    private func post(_ path: String, _ orderId: String, extra: String = "") throws -> Bool {
        try client.post(path, #"{"orderId":"\#(orderId)"\#(extra)}"#)
    }

    private func expect(_ accepted: Bool) throws {
        if !accepted { throw SeedFailure(description: "a lifecycle request was not accepted") }
    }

    /// Polls the orders until `done` says so, or the deadline passes.
    private func wait(_ what: String, _ deadline: Date, _ done: ([String: String]) throws -> Bool) throws {
        while true {
            let orders = try client.list("/api/v1/orders/listOrders", key: "orders")
            let statuses = Dictionary(
                orders.map { ($0["orderId"] as? String ?? "", $0["orderStatus"] as? String ?? "") },
                uniquingKeysWith: { a, _ in a })
            if try done(statuses) { return }
            guard Date() < deadline else { throw SeedFailure(description: "timed out waiting until \(what)") }
            Thread.sleep(forTimeInterval: 0.25)
        }
    }
}

/// What the lifecycle did, and whether stock and money are conserved.
struct LifecycleSummary {
    var plan: SeedLifecycle.Plan
    var statuses: [String: Int] = [:]
    var shipmentStatuses: [String: Int] = [:]
    var compensationsDone = false
    var acceptedMoney = 0.0
    var refundedMoney = 0.0
    var liveMoney = 0.0
    var stock: [(sku: String, restocked: Int, remaining: Int, held: Int)] = []

    init(plan: SeedLifecycle.Plan) { self.plan = plan }

    var stockIsConserved: Bool { stock.allSatisfy { $0.restocked == $0.remaining + $0.held } }

    /// Sums of prices in cents, so that 0.1 + 0.2 does not fail the check.
    var moneyIsConserved: Bool {
        cents(acceptedMoney) == cents(refundedMoney) + cents(liveMoney)
    }

    private func cents(_ value: Double) -> Int { Int((value * 100).rounded()) }

    var text: String {
        var stages: [String: Int] = [:]
        for (_, stage) in plan.cancelled { stages[stage, default: 0] += 1 }
        var lines = [
            "lifecycle: \(plan.delivered.count + plan.shipped.count) shipped, \(plan.delivered.count) delivered, "
                + "\(plan.cancelled.count) cancelled ("
                + stages.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")",
            "orders by status after it:",
        ]
        for (status, count) in statuses.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(status.padding(toLength: 32, withPad: " ", startingAt: 0)) \(count)")
        }
        lines.append(
            "shipments: "
                + shipmentStatuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("stock:  sku       before + restocked  remaining  in live orders  conserved")
        for row in stock {
            lines.append(
                "        \(row.sku.padding(toLength: 10, withPad: " ", startingAt: 0))\(String(row.restocked).padding(toLength: 20, withPad: " ", startingAt: 0))\(String(row.remaining).padding(toLength: 11, withPad: " ", startingAt: 0))\(String(row.held).padding(toLength: 16, withPad: " ", startingAt: 0))\(row.restocked == row.remaining + row.held ? "yes" : "NO")"
            )
        }
        func money(_ value: Double) -> String { String(format: "%.2f", value) }
        lines.append(
            "money:  accepted \(money(acceptedMoney)) = refunded \(money(refundedMoney)) + paid by live orders "
                + "\(money(liveMoney)): \(moneyIsConserved ? "conserved" : "NOT conserved")")
        return lines.joined(separator: "\n")
    }
}
