import Foundation
import Host
import Logging
import Testing

/// The commerce system of `infra/topology.json`, run by the host with the real function binaries, driven through
/// its HTTP APIs exactly as users and the seed command drive it.
@Suite struct CommerceEndToEndTests {
    static let functions = [
        "RestockSKUApi", "ListSKUsApi", "PlaceOrderApi", "ListOrdersApi", "ListOrderPaymentsApi", "SimulateRawEventApi",
        "RestockSKUWorker", "SyncOrderWorker", "AllocateOrderStockWorker", "ProcessOrderPaymentWorker",
        "CompleteOrderPaymentAcceptedWorker", "DeallocateOrderPaymentRejectedWorker",
        // The rest of the order's life.
        "CancelOrderApi", "ShipOrderApi", "DeliverShipmentApi", "ListShipmentsApi", "ListNotificationsApi",
        "ListRefundsApi",
        "ShipOrderWorker", "ReturnOrderStockWorker", "RefundOrderPaymentWorker", "CancelOrderShipmentWorker",
        "NotifyOrderWorker",
        // Sign-in.
        "SignUpApi", "SignInApi", "SessionAuthorizer", "ListMyOrdersApi",
    ]

    /// The project's topology with a deterministic gateway and, for payment retries, a short visibility timeout.
    static func topology(acceptRate: String, paymentVisibility: Int? = nil) throws -> Topology {
        var topology = try Topology.load(path: packageRoot().appendingPathComponent("infra/topology.json").path)
        for index in topology.functions.indices where topology.functions[index].name == "ProcessOrderPaymentWorker" {
            topology.functions[index].environment["PAYMENT_GATEWAY_ACCEPT_RATE"] = acceptRate
        }
        if let paymentVisibility {
            for index in topology.queues.indices where topology.queues[index].name == "ProcessOrderPaymentWorker-Queue"
            {
                topology.queues[index].visibilityTimeout = paymentVisibility
            }
        }
        return topology
    }

    struct Shop {
        var base: String

        func post(_ path: String, _ body: String) async throws -> (status: Int, json: [String: Any]) {
            let response = try await http(
                "POST", base + path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
            return (response.status, json)
        }

        func restock(_ sku: String, _ units: Int, lot: String) async throws -> Int {
            try await post("/api/v1/inventory/restockSku", #"{"sku":"\#(sku)","units":\#(units),"lotId":"\#(lot)"}"#)
                .status
        }

        func order(_ id: String, _ sku: String, units: Int, price: String) async throws -> Int {
            try await post(
                "/api/v1/orders/placeOrder",
                #"{"orderId":"\#(id)","sku":"\#(sku)","units":\#(units),"price":\#(price),"userId":"USER1"}"#
            ).status
        }

        func order(_ id: String) async throws -> [String: Any]? {
            let listed = try await post("/api/v1/orders/listOrders", #"{"orderId":"\#(id)"}"#)
            return (listed.json["orders"] as? [[String: Any]])?.first
        }

        func units(_ sku: String) async throws -> Int? {
            let listed = try await post("/api/v1/inventory/listSkus", #"{"sku":"\#(sku)"}"#)
            return (listed.json["skus"] as? [[String: Any]])?.first?["units"] as? Int
        }

        func payment(_ id: String) async throws -> [String: Any]? {
            let listed = try await post("/api/v1/payments/listOrderPayments", #"{"orderId":"\#(id)"}"#)
            return (listed.json["orderPayments"] as? [[String: Any]])?.first
        }

        /// Waits (up to `seconds`: a bound for a hang, not a measure) until `condition` holds; the system is
        /// asynchronous end to end. Generous: in CI some forty hosts and their functions share two cores, the
        /// commerce tests take about three minutes each there (seconds alone), and the one that delivers every event
        /// four times once needed more than a minute for a single step.
        func eventually(
            _ what: String, seconds: Int = 240, _ condition: () async throws -> Bool
        ) async throws {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while try await !condition() {
                guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what)") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }

        func status(_ id: String) async throws -> String? { try await order(id)?["orderStatus"] as? String }
    }

    func withShop(_ topology: Topology, _ body: (Shop, (aws: Int, api: Int)) async throws -> Void) async throws {
        var executables: [String: String] = [:]
        for name in topology.functions.map(\.name) { executables[name] = try builtProduct(name) }
        var logger = Logger(label: "commerce-test")
        logger.logLevel = .warning
        let host = try HostRuntime(
            topology: topology, executables: executables,
            configuration: HostConfiguration(
                awsPort: 0, apiPort: 0, dataDirectory: NSTemporaryDirectory() + "commerce-\(UUID().uuidString)",
                printFunctionLogs: false, verifySignatures: hostVerifiesSignatures),
            logger: logger)
        let groupLog = ServiceGroupLog()
        let group = host.serviceGroup(logger: groupLog.logger, handlingSignals: false)
        let running = Task { try await group.run() }
        let ports = try await within(150, "the host's start") { await host.ready() }
        do {
            try await body(Shop(base: "http://127.0.0.1:\(ports.api)"), ports)
            try await stopGracefully(host, group, running, log: groupLog)
        } catch {
            _ = try? await stopGracefully(host, group, running, log: groupLog)
            throw error
        }
    }

    @Test func restockThenOrderIsAcceptedAndDecrementsStock() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            #expect(try await shop.restock("APPLES", 100, lot: "APP001") == 202)
            try await shop.eventually("the stock is there") { try await shop.units("APPLES") == 100 }
            #expect(try await shop.order("ORD001", "APPLES", units: 30, price: "33.25") == 202)
            try await shop.eventually("the order is accepted") {
                try await shop.status("ORD001") == "ORDER_PAYMENT_ACCEPTED_STATUS"
            }
            #expect(try await shop.units("APPLES") == 70)
            let payment = try await shop.payment("ORD001")
            #expect(payment?["paymentStatus"] as? String == "PAYMENT_ACCEPTED")
            #expect(payment?["paymentRetries"] as? Int == 0)
            // The payment id is the first 6 hex digits of MD5("ORD001"), upper-cased.
            #expect(payment?["paymentId"] as? String == "D359D1")

            // A duplicate order id and a duplicate lot change nothing (both still answer 202).
            #expect(try await shop.order("ORD001", "APPLES", units: 50, price: "1.00") == 202)
            #expect(try await shop.restock("APPLES", 500, lot: "APP001") == 202)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await shop.units("APPLES") == 70)
            #expect(try await shop.order("ORD001")?["units"] as? Int == 30)
        }
    }

    @Test func anOrderBeyondTheStockIsDepletedAndAMissingSKUCountsAsDepleted() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            _ = try await shop.restock("GRAPES", 10, lot: "GRA001")
            try await shop.eventually("the stock is there") { try await shop.units("GRAPES") == 10 }
            _ = try await shop.order("ORD002", "GRAPES", units: 1_500_000, price: "20.00")
            _ = try await shop.order("ORD003", "NOSUCHSKU", units: 1, price: "20.00")
            try await shop.eventually("both are depleted") {
                let second = try await shop.status("ORD002")
                let third = try await shop.status("ORD003")
                return second == "ORDER_STOCK_DEPLETED_STATUS" && third == "ORDER_STOCK_DEPLETED_STATUS"
            }
            #expect(try await shop.units("GRAPES") == 10)
            #expect(try await shop.payment("ORD002") == nil, "a depleted order is never paid")
        }
    }

    @Test func rejectedPaymentsReturnTheStock() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            _ = try await shop.restock("ORANGES", 100, lot: "ORA001")
            try await shop.eventually("the stock is there") { try await shop.units("ORANGES") == 100 }
            _ = try await shop.order("ORD010", "ORANGES", units: 5, price: "0")
            _ = try await shop.order("ORD011", "ORANGES", units: 7, price: "120000.99")
            try await shop.eventually("both are rejected") {
                let free = try await shop.status("ORD010")
                let expensive = try await shop.status("ORD011")
                return free == "ORDER_PAYMENT_REJECTED_STATUS" && expensive == "ORDER_PAYMENT_REJECTED_STATUS"
            }
            try await shop.eventually("the stock is returned") { try await shop.units("ORANGES") == 100 }
        }
    }

    @Test func aGatewayThatAlwaysFailsIsCalledFourTimesThenRejected() async throws {
        try await withShop(try Self.topology(acceptRate: "0", paymentVisibility: 1)) { shop, _ in
            _ = try await shop.restock("APPLES", 10, lot: "APP001")
            try await shop.eventually("the stock is there") { try await shop.units("APPLES") == 10 }
            _ = try await shop.order("ORD020", "APPLES", units: 2, price: "10.00")
            try await shop.eventually("the order is rejected", seconds: 40) {
                try await shop.status("ORD020") == "ORDER_PAYMENT_REJECTED_STATUS"
            }
            // Deliveries 1–4 call the gateway (FAILED, retries 0…3); the fifth records REJECTED without calling it.
            let payment = try await shop.payment("ORD020")
            #expect(payment?["paymentStatus"] as? String == "PAYMENT_REJECTED")
            #expect(payment?["paymentRetries"] as? Int == 4)
            #expect(payment?["paymentId"] as? String == "ERROR:ORDER_ID:ORD020")
            try await shop.eventually("the stock is returned") { try await shop.units("APPLES") == 10 }
        }
    }

    @Test func simulatedEventsOutOfOrderAndUnknownAreHandledAsSpecified() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            func simulate(_ order: String, _ event: String) async throws -> Int {
                try await shop.post(
                    "/api/v1/testing/simulateRawEvent",
                    #"{"pk":"EVENTS#ORDER_ID#\#(order)","sk":"EVENT#\#(event)","eventName":"\#(event)","eventData":{"orderId":"\#(order)","sku":"ORANGES","units":2,"price":22.99,"userId":"123456"}}"#
                ).status
            }
            // An event before the order exists is dropped: no order appears.
            #expect(try await simulate("ORD030", "ORDER_SHIPPED_EVENT") == 202)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await shop.order("ORD030") == nil, "an event for a missing order creates nothing")
            // The reference's misspelling routes nowhere.
            #expect(try await simulate("ORD030", "ORDER_CANCELLED_EVENT") == 202)
            // A raw event with an unknown key is refused (the API is strict).
            let strict = try await shop.post(
                "/api/v1/testing/simulateRawEvent", #"{"pk":"EVENTS#X","sk":"EVENT#X","eventName":"X","extra":1}"#)
            #expect(strict.status == 400)
            #expect(strict.json["message"] as? String == "Bad Request")

            _ = try await shop.restock("ORANGES", 50, lot: "ORA001")
            try await shop.eventually("the stock is there") { try await shop.units("ORANGES") == 50 }
            _ = try await shop.order("ORD030", "ORANGES", units: 2, price: "22.99")
            try await shop.eventually("the order is accepted") {
                try await shop.status("ORD030") == "ORDER_PAYMENT_ACCEPTED_STATUS"
            }
            // Shipped; then a stale STOCK_ALLOCATED (dropped) and delivered; then canceled.
            func simulate(_ order: String, _ event: String, sk: String) async throws {
                _ = try await shop.post(
                    "/api/v1/testing/simulateRawEvent",
                    #"{"pk":"EVENTS#ORDER_ID#\#(order)","sk":"\#(sk)","eventName":"\#(event)","eventData":{"orderId":"\#(order)","sku":"ORANGES","units":2,"price":22.99,"userId":"123456"}}"#
                )
            }
            try await simulate("ORD030", "ORDER_SHIPPED_EVENT", sk: "EVENT#ORDER_SHIPPED_EVENT#2")
            try await shop.eventually("shipped") { try await shop.status("ORD030") == "ORDER_SHIPPED_STATUS" }
            try await simulate("ORD030", "ORDER_STOCK_ALLOCATED_EVENT", sk: "EVENT#ORDER_STOCK_ALLOCATED_EVENT#2")
            try await simulate("ORD030", "ORDER_DELIVERED_EVENT", sk: "EVENT#ORDER_DELIVERED_EVENT")
            try await shop.eventually("delivered") { try await shop.status("ORD030") == "ORDER_DELIVERED_STATUS" }
            try await simulate("ORD030", "ORDER_CANCELED_EVENT", sk: "EVENT#ORDER_CANCELED_EVENT")
            try await shop.eventually("canceled") { try await shop.status("ORD030") == "ORDER_CANCELED_STATUS" }
        }
    }

    @Test func theSeedDataSettlesWithStockConserved() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            let result = try await run(try builtProduct("seed"), ["--base-url", shop.base, "--timeout", "120"])
            #expect(result.status == 0, "\(result.output)\n\(result.error)")
            #expect(result.output.contains("ORDER_STOCK_DEPLETED_STATUS      3"))
            #expect(result.output.contains("ORDER_PAYMENT_REJECTED_STATUS    3"))
            #expect(result.output.contains("ORDER_PAYMENT_ACCEPTED_STATUS    69"))
            #expect(!result.output.contains(" NO"), "every SKU's stock is conserved")
            // Again on the same host: the seed sees what is there, uses its own ids, and counts from there.
            let again = try await run(try builtProduct("seed"), ["--base-url", shop.base, "--timeout", "120"])
            #expect(again.status == 0, "\(again.output)\n\(again.error)")
            #expect(again.output.contains("this host already holds 75 orders and stock of 3 SKUs"))
            #expect(again.output.contains("ORDER_PAYMENT_ACCEPTED_STATUS    69"))
            #expect(!again.output.contains(" NO"), "every SKU's stock is conserved")
        }
    }

    @Test func theSeedsShopSignsUpFillsCartsFromTheCatalogAndChecksThemOut() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            let result = try await run(
                try builtProduct("seed"), ["--base-url", shop.base, "--timeout", "120", "--shop"])
            #expect(result.status == 0, "\(result.output)\n\(result.error)")
            #expect(
                result.output.contains(
                    "shop: 4 orders placed from 2 checked-out carts; the catalog view holds all 8 products"),
                "\(result.output)")
        }
    }

    @Test func theSeedsLifecycleShipsDeliversAndCancelsAtEveryStageConservingStockAndMoney() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            let result = try await run(
                try builtProduct("seed"), ["--base-url", shop.base, "--timeout", "120", "--lifecycle"])
            #expect(result.status == 0, "\(result.output)\n\(result.error)")
            #expect(
                result.output.contains(
                    "lifecycle: 12 shipped, 6 delivered, 14 cancelled (3 after delivery, 3 after payment, "
                        + "3 after shipping, 1 depleted, 3 just placed, 1 payment rejected)"))
            #expect(result.output.contains("ORDER_CANCELED_STATUS            14"))
            #expect(result.output.contains("ORDER_DELIVERED_STATUS           3"))
            #expect(result.output.contains("ORDER_SHIPPED_STATUS             3"))
            #expect(result.output.contains("shipments: CANCELED 3, DELIVERED 3, RETURNED 3, SHIPPED 3"))
            #expect(!result.output.contains(" NO"), "every SKU's stock is conserved")
            #expect(result.output.contains(": conserved"), "money is conserved")
        }
    }
}
