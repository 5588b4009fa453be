import Foundation
import Testing

@testable import Host

/// The promises of the seeds, kept under chaos: the commerce system with duplicated and reordered deliveries, lost
/// acknowledgements (SQS deletes and the pipe's checkpoints), and workers that crash (before or after their work),
/// time out or fail to start. Every order reaches a final
/// status, stock is conserved exactly, no order is paid twice, no event has two outcomes.
extension CommerceEndToEndTests {
    static let workers = [
        "SyncOrderWorker", "AllocateOrderStockWorker", "ProcessOrderPaymentWorker",
        "CompleteOrderPaymentAcceptedWorker",
        "DeallocateOrderPaymentRejectedWorker", "RestockSKUWorker",
    ]

    @Test func theCommerceInvariantsHoldUnderChaos() async throws {
        // The pipe puts 10% of its batches on the bus twice, SQS mappings deliver 10% twice. Short visibility timeouts: a lost acknowledgement or a crash brings the work back in two seconds.
        var system = try Self.topology(acceptRate: "0.6")
        for index in system.queues.indices where !system.queues[index].name.hasSuffix("Dlq") {
            system.queues[index].visibilityTimeout = 2
        }
        try await withShop(system) { shop, ports in
            var rules = [
                #"{"service":"sqs","fault":"duplicate","probability":0.1}"#,
                #"{"service":"pipes","fault":"duplicate","probability":0.1}"#,
                #"{"service":"sqs","fault":"reorder","probability":1,"delayMilliseconds":300}"#,
                #"{"service":"sqs","fault":"lostAck","probability":0.05}"#,
                #"{"service":"pipes","fault":"lostAck","probability":0.05}"#,
            ]
            for worker in Self.workers {
                rules.append(#"{"service":"lambda","fault":"crash","function":"\#(worker)","probability":0.05}"#)
                rules.append(#"{"service":"lambda","fault":"crashAfter","function":"\#(worker)","probability":0.05}"#)
                rules.append(#"{"service":"lambda","fault":"timeout","function":"\#(worker)","probability":0.05}"#)
                rules.append(#"{"service":"lambda","fault":"initFailure","function":"\#(worker)","probability":0.05}"#)
            }
            let configured = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/chaos/faults?seed=42",
                headers: [("Content-Type", "application/json")], body: Array("[\(rules.joined(separator: ","))]".utf8))
            #expect(configured.status == 200)

            let restocks = ["APPLES": 40, "GRAPES": 25, "ORANGES": 15]
            for (sku, units) in restocks { #expect(try await shop.restock(sku, units, lot: "\(sku)-LOT1") == 202) }
            try await shop.eventually("the stock is there") {
                for (sku, units) in restocks where try await shop.units(sku) != units { return false }
                return true
            }
            // 30 orders, some beyond the stock.
            var placed: [(id: String, sku: String, units: Int)] = []
            let skus = ["APPLES", "GRAPES", "ORANGES"]
            for index in 0..<30 {
                let order = (id: "CHAOS\(index)", sku: skus[index % 3], units: 1 + (index * 7) % 6)
                #expect(try await shop.order(order.id, order.sku, units: order.units, price: "5.00") == 202)
                placed.append(order)
            }
            let finals: Set<String> = [
                "ORDER_PAYMENT_ACCEPTED_STATUS", "ORDER_PAYMENT_REJECTED_STATUS", "ORDER_STOCK_DEPLETED_STATUS",
            ]
            var statuses: [String: String] = [:]
            try await shop.eventually("every order reaches a final status") {
                for order in placed where statuses[order.id].map({ finals.contains($0) }) != true {
                    statuses[order.id] = try await shop.status(order.id)
                }
                return placed.allSatisfy { statuses[$0.id].map(finals.contains) == true }
            }
            // Let redeliveries in flight settle, then read what the system says.
            _ = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/chaos/faults",
                headers: [("Content-Type", "application/json")],
                body: Array("[]".utf8))
            // The host's clock passes every visibility timeout at once; the system has settled when no work queue
            // holds a message, visible or in flight.
            let advanced = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":10}"#.utf8))
            #expect(advanced.status == 200)
            try await shop.eventually("every work queue is empty") {
                for queue in system.queues where !queue.name.hasSuffix("Dlq") {
                    let answer = try await awsJSON(
                        ports.aws, "AmazonSQS.GetQueueAttributes",
                        #"{"QueueUrl":"http://127.0.0.1:\#(ports.aws)/000000000000/\#(queue.name)","AttributeNames":["All"]}"#
                    )
                    let attributes = answer["Attributes"] as? [String: String] ?? [:]
                    if attributes["ApproximateNumberOfMessages"] != "0"
                        || attributes["ApproximateNumberOfMessagesNotVisible"] != "0"
                        || (attributes["ApproximateNumberOfMessagesDelayed"] ?? "0") != "0"
                    {
                        return false
                    }
                }
                return true
            }
            var violations: [String] = []
            for order in placed {
                let status = try await shop.status(order.id) ?? "none"
                if status != statuses[order.id] {
                    violations.append("\(order.id) changed from \(statuses[order.id] ?? "") to \(status)")
                }
                // Paid once: one payment record per order, whatever was redelivered.
                let listed = try await shop.post("/api/v1/payments/listOrderPayments", #"{"orderId":"\#(order.id)"}"#)
                let payments = listed.json["orderPayments"] as? [[String: Any]] ?? []
                if payments.count > 1 { violations.append("\(order.id) has \(payments.count) payments") }
                let payment = payments.first
                switch status {
                case "ORDER_PAYMENT_ACCEPTED_STATUS":
                    if payment?["paymentStatus"] as? String != "PAYMENT_ACCEPTED" {
                        violations.append("\(order.id) accepted with payment \(payment ?? [:])")
                    }
                case "ORDER_PAYMENT_REJECTED_STATUS":
                    if payment?["paymentStatus"] as? String != "PAYMENT_REJECTED" {
                        violations.append("\(order.id) rejected with payment \(payment ?? [:])")
                    }
                default:
                    if payment != nil { violations.append("\(order.id) depleted but has a payment \(payment ?? [:])") }
                }
            }
            // No event with two outcomes: one payment outcome per order in the event store.
            let scan = try await awsJSON(
                ports.aws, "DynamoDB_20120810.Scan",
                #"{"TableName":"commerce","FilterExpression":"begins_with(pk, :p)","ExpressionAttributeValues":{":p":{"S":"EVENTS#ORDER_ID#CHAOS"}}}"#
            )
            var outcomes: [String: Set<String>] = [:]
            for item in scan["Items"] as? [[String: Any]] ?? [] {
                let pk = (item["pk"] as? [String: String])?["S"] ?? ""
                let sk = (item["sk"] as? [String: String])?["S"] ?? ""
                if sk.contains("PAYMENT_ACCEPTED") || sk.contains("PAYMENT_REJECTED") || sk.contains("STOCK_DEPLETED") {
                    outcomes[pk, default: []].insert(sk)
                }
            }
            for (order, events) in outcomes where events.count > 1 {
                violations.append("\(order) has outcomes \(events)")
            }
            // Stock is conserved: restocked = remaining + the units of accepted orders.
            for (sku, restocked) in restocks {
                let remaining = try await shop.units(sku) ?? -1
                let accepted = placed.filter { $0.sku == sku && statuses[$0.id] == "ORDER_PAYMENT_ACCEPTED_STATUS" }
                    .map(\.units).reduce(0, +)
                if restocked != remaining + accepted {
                    violations.append("\(sku): restocked \(restocked) ≠ remaining \(remaining) + accepted \(accepted)")
                }
            }
            let faults = try await json("http://127.0.0.1:\(ports.aws)/_host/chaos/injected") as? [String: Int] ?? [:]
            let byStatus = Dictionary(grouping: placed) { statuses[$0.id] ?? "" }.mapValues(\.count)
            print(
                "chaos invariants: \(placed.count) orders \(byStatus.sorted { $0.key < $1.key }); faults injected "
                    + "\(faults.sorted { $0.key < $1.key }); violations: \(violations.count)")
            #expect(violations.isEmpty, "\(violations)")
            #expect((faults["crash"] ?? 0) + (faults["crashAfter"] ?? 0) + (faults["timeout"] ?? 0) > 0)
            #expect((faults["duplicate"] ?? 0) > 0 && (faults["reorder"] ?? 0) > 0)
        }
    }

}
