import ArgumentParser
import CurlHTTP
import Foundation

/// Sends the reference's init-database data through the commerce HTTP APIs (35 restocks, then 75 orders, one
/// request at a time as the reference's script does), then waits for every order to settle and prints the final
/// order statuses and stock, checking that stock is conserved.
@main
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load the reference's seed data through the APIs, wait for the orders to settle, print a summary.")

    @Option(help: "Base URL of the HTTP APIs (the host's API port, or a deployed stage).")
    var baseURL = "http://127.0.0.1:3000"

    @Option(help: "Seconds to wait for every order to reach a final status.")
    var timeout = 300

    @Flag(help: "Only send the requests; do not wait for the orders to settle.")
    var noWait = false

    @Flag(
        help: """
            Then the rest of the orders' life: ship some, deliver some, cancel some at every stage, wait for every \
            compensation and check that stock and money are conserved.
            """)
    var lifecycle = false

    @Flag(
        help: """
            Then the shop around the orders: users, a catalog, carts (two checked out into orders); waits until the \
            carts' orders exist and the orders side's catalog view holds every product.
            """)
    var shop = false

    func run() throws {
        let client = try CommerceHTTPClient(baseURL: baseURL)
        // A host that already holds data (an earlier seed, the user's own orders) gets this run's own ids, and the
        // stock check counts from what was there before.
        let stockBefore = try client.stock()
        let earlier = try client.list("/api/v1/orders/listOrders", key: "orders")
        var restocks = SeedData.restocks
        var seedOrders = SeedData.orders
        var suffix = ""
        if !earlier.isEmpty || stockBefore.values.contains(where: { $0 != 0 }) {
            suffix = "-" + String((0..<4).map { _ in "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! })
            say(
                "this host already holds \(earlier.count) orders and stock of \(stockBefore.count) SKUs: this run's ids end in "
                    + "\(suffix), and the stock check counts from what is there now")
            restocks = restocks.map {
                var restock = $0; restock.lotId += suffix; return restock
            }
            seedOrders = seedOrders.map {
                var order = $0; order.orderId += suffix; return order
            }
        }
        say("seeding \(baseURL): \(restocks.count) restocks, \(seedOrders.count) orders")
        var failures = 0
        for restock in restocks {
            failures += try client.post("/api/v1/inventory/restockSku", restock.json) ? 0 : 1
        }
        for order in seedOrders {
            failures += try client.post("/api/v1/orders/placeOrder", order.json) ? 0 : 1
        }
        say("sent \(restocks.count + seedOrders.count) requests (\(failures) not accepted)")
        if noWait { return }

        let deadline = Date().addingTimeInterval(Double(timeout))
        var orders: [[String: Any]] = []
        var settled = 0
        var shown = ""
        let wanted = Set(seedOrders.map(\.orderId))
        let terminal = isatty(STDOUT_FILENO) == 1
        while true {
            orders = try client.list("/api/v1/orders/listOrders", key: "orders").filter {
                wanted.contains($0["orderId"] as? String ?? "")
            }
            settled = orders.filter { SeedData.finalStatuses.contains($0["orderStatus"] as? String ?? "") }.count
            let line = "  waiting: \(settled)/\(wanted.count) orders settled, \(orders.count) created"
            if line != shown {
                // One line rewritten in place on a terminal; a line per change otherwise.
                FileHandle.standardOutput.write(Data((terminal ? "\r\(line)" : "\(line)\n").utf8))
                shown = line
            }
            if settled == wanted.count || Date() > deadline { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        if terminal { say("") }
        let skus = try client.list("/api/v1/inventory/listSkus", key: "skus")
        let summary = SeedSummary(orders: orders, skus: skus, restocks: restocks, stockBefore: stockBefore)
        say(summary.text)
        if settled < wanted.count {
            throw SeedFailure(description: "\(wanted.count - settled) orders did not settle within \(timeout) s")
        }
        if !summary.stockIsConserved { throw SeedFailure(description: "stock is not conserved") }
        if shop { try SeedShop(client: client, suffix: suffix).run(timeout: timeout) }
        guard lifecycle else { return }
        say("the rest of the orders' life: shipping, delivery, cancellations at every stage")
        let life = try SeedLifecycle(client: client, suffix: suffix).run(
            orders: orders, restocks: restocks, stockBefore: stockBefore, timeout: timeout)
        say(life.text)
        if !life.stockIsConserved { throw SeedFailure(description: "stock is not conserved after the lifecycle") }
        if !life.moneyIsConserved { throw SeedFailure(description: "money is not conserved after the lifecycle") }
    }
}

/// Why the seed failed: printed as `Error: …`, without the usage text a ValidationError brings.
struct SeedFailure: Error, CustomStringConvertible {
    var description: String
}

/// The commerce APIs over one keep-alive connection.
struct CommerceHTTPClient {
    let baseURL: String
    let connection: CurlConnection

    init(baseURL: String) throws {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        connection = try CurlConnection()
    }

    /// POSTs a JSON body; a non-2xx answer is logged and reported as false, as the reference's script does.
    func post(_ path: String, _ body: String) throws -> Bool {
        let response = try connection.send(
            "POST", baseURL + path,
            headers: [("Content-Type", "application/json"), ("Origin", "https://localhost")], body: Array(body.utf8))
        guard (200..<300).contains(response.status) else {
            say("  \(path) \(body) → \(response.status) \(response.text)")
            return false
        }
        return true
    }

    /// A list API's items (one page of up to 1000).
    func list(_ path: String, key: String) throws -> [[String: Any]] {
        let response = try connection.send(
            "POST", baseURL + path, headers: [("Content-Type", "application/json")],
            body: Array(#"{"limit":1000}"#.utf8))
        guard response.status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let items = object[key] as? [[String: Any]]
        else { throw SeedFailure(description: "\(path) → \(response.status) \(response.text)") }
        return items
    }

    /// Units in stock by SKU.
    func stock() throws -> [String: Int] {
        var stock: [String: Int] = [:]
        for sku in try list("/api/v1/inventory/listSkus", key: "skus") {
            if let name = sku["sku"] as? String { stock[name] = sku["units"] as? Int ?? 0 }
        }
        return stock
    }
}

/// Writes a line to standard output at once (unbuffered, so it stays in order with the progress line when piped).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
