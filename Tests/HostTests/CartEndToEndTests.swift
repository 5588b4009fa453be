import Foundation
import Testing

/// The shopping cart with its transactional outbox through the host with the real binaries: the signed-in cart
/// routes, the outbox table's stream, the Outbox Forwarder on its stream mapping, the bus, the all-events log group,
/// and the checkout's orders in the commerce flow.
extension CommerceEndToEndTests {
    /// A signed-in client of the cart API.
    struct CartClient {
        var base: String
        var token: String?

        func send(_ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, [String: Any], String)
        {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await http(method, base + path, headers: headers, body: body.map { Array($0.utf8) })
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
            return (response.status, json, response.text)
        }

        static func signedIn(_ base: String, _ username: String) async throws -> CartClient {
            let client = CartClient(base: base)
            let credentials = #"{"username":"\#(username)","password":"cart-pass-123"}"#
            #expect(try await client.send("POST", "/api/v1/identity/signUp", credentials).0 == 201)
            let signedIn = try await client.send("POST", "/api/v1/identity/signIn", credentials)
            return CartClient(base: base, token: try #require(signedIn.1["token"] as? String))
        }
    }

    /// The details of the events in the all-events log group, in order.
    static func loggedCartEvents(_ port: Int) async throws -> [[String: Any]] {
        let answer = try await awsJSON(
            port, "Logs_20140328.FilterLogEvents",
            #"{"logGroupName":"/aws/events/shopping-cart-outbox-event-log"}"#)
        return (answer["events"] as? [[String: Any]] ?? []).compactMap { event in
            guard let message = event["message"] as? String,
                let parsed = try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any]
            else { return nil }
            return parsed["detail"] as? [String: Any]
        }
    }

    static func outboxCount(_ port: Int) async throws -> Int {
        let scanned = try await awsJSON(
            port, "DynamoDB_20120810.Scan", #"{"TableName":"shopping-cart-outbox","Select":"COUNT"}"#)
        return scanned["Count"] as? Int ?? -1
    }

    @Test func aCartIsWrittenWithItsOutboxForwardedToTheLogAndCheckedOutIntoOrders() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            _ = try await shop.restock("APPLES", 50, lot: "CARTAPP1")
            _ = try await shop.restock("PEARS", 50, lot: "CARTPEA1")
            try await shop.eventually("the stock is there") {
                let apples = try await shop.units("APPLES")
                let pears = try await shop.units("PEARS")
                return apples == 50 && pears == 50
            }
            let anonymous = CartClient(base: shop.base)
            let refused = try await anonymous.send("POST", "/cart", #"{"items":[]}"#)
            #expect(refused.0 == 401 && refused.2 == #"{"message":"Unauthorized"}"#, "API Gateway's answer")

            let maria = try await CartClient.signedIn(shop.base, "maria-cart")
            let created = try await maria.send(
                "POST", "/cart", #"{"items":[{"itemId":"APPLES","quantity":2,"price":10}]}"#)
            #expect(created.0 == 201)
            let cartId = try #require(created.1["cartId"] as? String)
            let userId = try #require(created.1["userId"] as? String)
            #expect(created.1["status"] as? String == "OPEN")
            let added = try await maria.send(
                "PUT", "/cart/\(cartId)/add-items",
                #"{"items":[{"itemId":"APPLES","quantity":1,"price":10},{"itemId":"PEARS","quantity":3,"price":4}]}"#)
            #expect(added.0 == 200)
            let lines = added.1["items"] as? [[String: Any]] ?? []
            #expect(lines.map { "\($0["itemId"] ?? "")x\($0["quantity"] ?? "")" } == ["APPLESx3", "PEARSx3"])
            #expect(try await maria.send("PUT", "/cart/\(cartId)/add-items", "").0 == 400)
            #expect(try await maria.send("PUT", "/cart/no-such-cart/checkout").0 == 404)
            let other = try await CartClient.signedIn(shop.base, "oscar-cart")
            #expect(try await other.send("GET", "/cart/\(cartId)").0 == 404, "another user's cart is not theirs")
            let checkedOut = try await maria.send("PUT", "/cart/\(cartId)/checkout")
            #expect(checkedOut.0 == 200 && checkedOut.1["status"] as? String == "CHECKOUT")
            #expect(try await maria.send("PUT", "/cart/\(cartId)/checkout").0 == 409)

            // The three outbox messages reach the log group through stream, forwarder and bus, once each, and
            // leave the outbox.
            try await shop.eventually("the three events are logged") {
                try await Self.loggedCartEvents(ports.aws).filter { $0["cartId"] as? String == cartId }.count == 3
            }
            let logged = try await Self.loggedCartEvents(ports.aws).filter { $0["cartId"] as? String == cartId }
            #expect(
                logged.compactMap { $0["eventType"] as? String } == [
                    "CartCreated", "ItemsAddedToCart", "CartCheckedOut",
                ])
            #expect(Set(logged.compactMap { $0["eventId"] as? String }).count == 3)
            try await shop.eventually("the outbox is empty") { try await Self.outboxCount(ports.aws) == 0 }

            // The checkout placed one order per line, the cart's user's, into the reference's flow.
            try await shop.eventually("both orders are paid") {
                let first = try await shop.status("\(cartId)-1")
                let second = try await shop.status("\(cartId)-2")
                return first == "ORDER_PAYMENT_ACCEPTED_STATUS" && second == "ORDER_PAYMENT_ACCEPTED_STATUS"
            }
            let listed = try await shop.post("/api/v1/orders/listOrders", #"{"orderId":"\#(cartId)-2"}"#)
            let order = (listed.json["orders"] as? [[String: Any]])?.first
            #expect(order?["userId"] as? String == userId && order?["units"] as? Int == 3)
            // The signed-in user sees them as theirs; the other user does not.
            let mine = try await maria.send("POST", "/api/v1/orders/listMyOrders", "{}")
            #expect(
                Set((mine.1["orders"] as? [[String: Any]] ?? []).compactMap { $0["orderId"] as? String })
                    == ["\(cartId)-1", "\(cartId)-2"])
            let theirs = try await other.send("POST", "/api/v1/orders/listMyOrders", "{}")
            #expect((theirs.1["orders"] as? [[String: Any]])?.isEmpty == true)
            let (apples, pears) = (try await shop.units("APPLES"), try await shop.units("PEARS"))
            #expect(apples == 47 && pears == 47)
        }
    }

    /// The forwarder killed before its work, killed after it, and its checkpoints lost: every message reaches the
    /// log exactly once, and nothing stays in the outbox.
    @Test func aForwarderKilledMidBatchLosesNothingAndSendsNothingTwice() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, ports in
            let faults = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/chaos/faults?seed=7",
                body: Array(
                    #"""
                    [{"service":"lambda","fault":"crash","function":"OutboxForwarder","probability":0.35},
                     {"service":"lambda","fault":"crashAfter","function":"OutboxForwarder","probability":0.35},
                     {"service":"dynamodb","fault":"lostAck","probability":0.6},
                     {"service":"dynamodb","fault":"duplicate","probability":0.2}]
                    """#.utf8))
            #expect(faults.status == 200, "\(faults.text)")
            let client = try await CartClient.signedIn(shop.base, "chaos-cart")
            var messages = 0
            for index in 0..<16 {
                let created = try await client.send(
                    "POST", "/cart", #"{"items":[{"itemId":"ITEM\#(index)","quantity":1,"price":1}]}"#)
                #expect(created.0 == 201)
                messages += 1
                if index % 2 == 0, let cartId = created.1["cartId"] as? String {
                    #expect(
                        try await client.send(
                            "PUT", "/cart/\(cartId)/add-items",
                            #"{"items":[{"itemId":"MORE1","quantity":2,"price":1}]}"#
                        ).0 == 200)
                    messages += 1
                }
            }
            try await shop.eventually("every message is logged") {
                // Retries back off on the host's clock: moving it on ends the waits.
                _ = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance", body: Array(#"{"seconds":5}"#.utf8))
                let logged = try await Self.loggedCartEvents(ports.aws).count
                let left = try await Self.outboxCount(ports.aws)
                return logged >= messages && left == 0
            }
            let ids = try await Self.loggedCartEvents(ports.aws).compactMap { $0["eventId"] as? String }
            #expect(ids.count == messages && Set(ids).count == messages, "each message exactly once")
            // The faults did happen.
            let injected = try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/chaos/injected")
            let counts = (try? JSONSerialization.jsonObject(with: Data(injected.body)) as? [String: Int]) ?? [:]
            print(
                "outbox under chaos: \(messages) messages, each logged once; faults injected \(counts.sorted { $0.key < $1.key })"
            )
            #expect((counts["crash"] ?? 0) > 0 && (counts["crashAfter"] ?? 0) > 0 && (counts["lostAck"] ?? 0) > 0)
        }
    }
}
