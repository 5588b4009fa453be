import Foundation

/// The reference's init-database data (`services/scripts/init-database.ts`).
enum SeedData {
    struct Restock {
        var sku: String
        var units: Int
        var lotId: String
        var json: String { #"{"sku":"\#(sku)","units":\#(units),"lotId":"\#(lotId)"}"# }
    }

    struct Order {
        var orderId: String
        var sku: String
        var units: Int
        /// In cents, so the JSON carries exactly two decimals (20.99, not 20.990000000000002).
        var priceCents: Int
        var userId: String
        var price: String { "\(priceCents / 100).\(priceCents % 100 < 10 ? "0" : "")\(priceCents % 100)" }
        var json: String {
            #"{"orderId":"\#(orderId)","sku":"\#(sku)","units":\#(units),"price":\#(price),"userId":"\#(userId)"}"#
        }
    }

    /// APPLES APP001–APP005, GRAPES GRA001–GRA005, ORANGES ORA001–ORA025 (87 to 450 units a lot).
    static let restocks: [Restock] =
        zip([100, 150, 200, 175, 190], 1...5).map { Restock(sku: "APPLES", units: $0, lotId: lot("APP", $1)) }
        + zip([1000, 500, 250, 800, 1200], 1...5).map { Restock(sku: "GRAPES", units: $0, lotId: lot("GRA", $1)) }
        + (1...25).map { Restock(sku: "ORANGES", units: 87 + ($0 - 1) * 363 / 24, lotId: lot("ORA", $0)) }

    /// ORD001–ORD075, cycling APPLES → GRAPES → ORANGES and MARIA → JOHN → ALICE; ORD001/021/041 ask for 1,500,000
    /// units (depletion), ORD011/031/051 cost 120000.99 (the gateway rejects them), ORD071/072 cost 0.99.
    static let orders: [Order] = (1...75).map { number in
        let skus = ["APPLES", "GRAPES", "ORANGES"]
        let users = ["MARIA", "JOHN", "ALICE"]
        var units = 10 + (number * 7) % 21
        var cents = 1599 + ((number * 5) % 13) * 100
        if [1, 21, 41].contains(number) { units = 1_500_000 }
        if [11, 31, 51].contains(number) { cents = 12_000_099 }
        if [71, 72].contains(number) { cents = 99 }
        return Order(
            orderId: lot("ORD", number), sku: skus[(number - 1) % 3], units: units, priceCents: cents,
            userId: users[(number - 1) % 3])
    }

    static func lot(_ prefix: String, _ number: Int) -> String {
        prefix + String(repeating: "0", count: max(0, 3 - String(number).count)) + String(number)
    }

    /// Where an order's choreography ends (nothing but a simulated event moves it further).
    static let finalStatuses: Set<String> = [
        "ORDER_STOCK_DEPLETED_STATUS", "ORDER_PAYMENT_ACCEPTED_STATUS", "ORDER_PAYMENT_REJECTED_STATUS",
    ]
}

/// Final statuses and stock, and whether stock is conserved: for every SKU, what was there before + restocked =
/// remaining + the units of this run's accepted orders (rejected orders are deallocated, depleted ones never
/// allocated).
struct SeedSummary {
    var statuses: [String: Int] = [:]
    var rows: [(sku: String, restocked: Int, remaining: Int, accepted: Int)] = []

    init(
        orders: [[String: Any]], skus: [[String: Any]], restocks: [SeedData.Restock] = SeedData.restocks,
        stockBefore: [String: Int] = [:]
    ) {
        for order in orders { statuses[order["orderStatus"] as? String ?? "?", default: 0] += 1 }
        for sku in Set(restocks.map(\.sku)).sorted() {
            let restocked = (stockBefore[sku] ?? 0) + restocks.filter { $0.sku == sku }.reduce(0) { $0 + $1.units }
            let remaining = skus.first { $0["sku"] as? String == sku }?["units"] as? Int ?? 0
            let accepted = orders.filter {
                $0["sku"] as? String == sku && $0["orderStatus"] as? String == "ORDER_PAYMENT_ACCEPTED_STATUS"
            }.reduce(0) { $0 + ($1["units"] as? Int ?? 0) }
            rows.append((sku, restocked, remaining, accepted))
        }
    }

    var stockIsConserved: Bool { rows.allSatisfy { $0.restocked == $0.remaining + $0.accepted } }

    var text: String {
        var lines = ["orders by final status:"]
        for (status, count) in statuses.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(status.padding(toLength: 32, withPad: " ", startingAt: 0)) \(count)")
        }
        lines.append("stock:  sku       before + restocked  remaining  in accepted orders  conserved")
        for row in rows {
            let conserved = row.restocked == row.remaining + row.accepted ? "yes" : "NO"
            lines.append(
                "        \(row.sku.padding(toLength: 10, withPad: " ", startingAt: 0))\(String(row.restocked).padding(toLength: 20, withPad: " ", startingAt: 0))\(String(row.remaining).padding(toLength: 11, withPad: " ", startingAt: 0))\(String(row.accepted).padding(toLength: 20, withPad: " ", startingAt: 0))\(conserved)"
            )
        }
        return lines.joined(separator: "\n")
    }
}
