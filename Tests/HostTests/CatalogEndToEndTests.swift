import Foundation
import Testing

@testable import Host

/// The catalog shared by event-carried state transfer, through the host with the real binaries: the catalog's
/// writes, the compacted log and its stream, and the orders side's view, which must equal the catalog after any
/// sequence of changes, duplicate deliveries, lost checkpoints, a consumer stopped and started again, and a rebuild
/// from empty.
extension CommerceEndToEndTests {
    struct Catalog {
        var base: String
        var aws: Int

        func send(_ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, [String: Any]) {
            let response = try await http(
                method, base + path, headers: [("Content-Type", "application/json")], body: body.map { Array($0.utf8) })
            return (
                response.status, (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
            )
        }

        /// productId → "name|category|price|version", as a list answers it.
        static func summary(_ products: [[String: Any]]) -> [String: String] {
            var out: [String: String] = [:]
            for product in products {
                guard let id = product["productId"] as? String else { continue }
                out[id] =
                    "\(product["name"] ?? "")|\(product["category"] ?? "")|\(product["price"] ?? "")|\(product["version"] ?? "")"
            }
            return out
        }

        /// The catalog's own products, every category.
        func source(_ categories: [String]) async throws -> [String: String] {
            var all: [String: String] = [:]
            for category in categories {
                let listed = try await send("GET", "/catalog/categories/\(category)/products")
                all.merge(Self.summary(listed.1["products"] as? [[String: Any]] ?? [])) { a, _ in a }
            }
            return all
        }

        func view() async throws -> [String: String] {
            Self.summary(try await send("GET", "/catalog-view/products").1["products"] as? [[String: Any]] ?? [])
        }

        /// Stops or starts the view's stream mapping (a consumer that goes away and comes back).
        func setViewMapping(enabled: Bool) async throws {
            let listed = try await http(
                "GET", "http://127.0.0.1:\(aws)/2015-03-31/event-source-mappings?FunctionName=CatalogViewWorker")
            let mappings = (try listed.json())["EventSourceMappings"] as? [[String: Any]] ?? []
            let uuid = try #require(mappings.first?["UUID"] as? String)
            let updated = try await http(
                "PUT", "http://127.0.0.1:\(aws)/2015-03-31/event-source-mappings/\(uuid)",
                headers: [("Content-Type", "application/json")], body: Array(#"{"Enabled":\#(enabled)}"#.utf8))
            #expect(updated.status == 202, "\(updated.text)")
        }
    }

    @Test func theViewEqualsTheCatalogAfterRandomChangesFaultsARestartAndARebuildFromEmpty() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            let catalog = Catalog(base: shop.base, aws: ports.aws)
            let faults = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/chaos/faults?seed=5",
                body: Array(
                    #"""
                    [{"service":"dynamodb","fault":"duplicate","probability":0.3},
                     {"service":"dynamodb","fault":"lostAck","probability":0.3},
                     {"service":"lambda","fault":"crash","function":"CatalogViewWorker","probability":0.15}]
                    """#.utf8))
            #expect(faults.status == 200)
            let categories = ["fruit", "veg", "dairy"]
            var random = SeededGenerator(state: 2026)
            var live: [String] = []
            func create() async throws {
                let created = try await catalog.send(
                    "POST", "/catalog/products",
                    #"{"name":"P\#(Int.random(in: 0...999, using: &random))","category":"\#(categories.randomElement(using: &random)!)","price":\#(Int.random(in: 1...50, using: &random))}"#
                )
                #expect(created.0 == 201)
                if let id = created.1["productId"] as? String { live.append(id) }
            }
            for _ in 0..<6 { try await create() }
            for step in 0..<60 {
                if step == 20 { try await catalog.setViewMapping(enabled: false) }
                if step == 40 { try await catalog.setViewMapping(enabled: true) }
                let roll = Int.random(in: 0..<10, using: &random)
                if live.isEmpty || roll == 0 {
                    try await create()
                } else if roll == 1 {
                    let id = live.remove(at: Int.random(in: 0..<live.count, using: &random))
                    #expect(try await catalog.send("DELETE", "/catalog/products/\(id)").0 == 200)
                } else {
                    let id = live.randomElement(using: &random)!
                    let change =
                        roll < 6
                        ? #"{"price":\#(Int.random(in: 1...50, using: &random))}"#
                        : roll < 8
                            ? #"{"name":"Renamed\#(step)"}"#
                            : #"{"category":"\#(categories.randomElement(using: &random)!)"}"#
                    #expect(try await catalog.send("PUT", "/catalog/products/\(id)", change).0 == 200)
                }
            }
            let source = try await catalog.source(categories)
            #expect(source.count == live.count)
            try await shop.eventually("the view equals the catalog") {
                _ = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance", body: Array(#"{"seconds":5}"#.utf8))
                return try await catalog.view() == source
            }

            // The faults end here (a crash fault would kill the rebuild's own invocation too, and its route answer
            // 502, as API Gateway does for a function that dies).
            let injected = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/chaos/injected")
            let counts = (try? JSONSerialization.jsonObject(with: Data(injected.body)) as? [String: Int]) ?? [:]
            #expect(
                try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/chaos/faults", body: Array("[]".utf8)
                ).status == 200)

            // Lost: the view is emptied, then rebuilt from the compacted log alone.
            let scanned = try await awsJSON(
                ports.aws, "DynamoDB_20120810.Scan", #"{"TableName":"orders-catalog-view"}"#)
            for item in scanned["Items"] as? [[String: Any]] ?? [] {
                let id = ((item["productId"] as? [String: String])?["S"]) ?? ""
                _ = try await awsJSON(
                    ports.aws, "DynamoDB_20120810.DeleteItem",
                    #"{"TableName":"orders-catalog-view","Key":{"productId":{"S":"\#(id)"}}}"#)
            }
            #expect(try await catalog.view().isEmpty)
            let rebuilt = try await catalog.send("POST", "/catalog-view/rebuild")
            #expect(rebuilt.0 == 200 && (rebuilt.1["applied"] as? Int ?? 0) >= source.count, "\(rebuilt.1)")
            #expect(try await catalog.view() == source, "rebuilt from the log alone")

            // And it follows the live events on from there.
            let id = try #require(live.first)
            #expect(try await catalog.send("PUT", "/catalog/products/\(id)", #"{"price":99}"#).0 == 200)
            let after = try await catalog.source(categories)
            try await shop.eventually("the view follows on") { try await catalog.view() == after }
            print(
                "catalog view: \(source.count) products after 60 changes; faults injected \(counts.sorted { $0.key < $1.key })"
            )
            #expect((counts["duplicate"] ?? 0) > 0 && (counts["lostAck"] ?? 0) > 0)
        }
    }
}
