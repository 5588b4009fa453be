import ArgumentParser
import CurlHTTP
import Foundation

/// The commerce system of `infra/topology.json` end to end, against a `host` process of its own with the gateway
/// accepting every payment: orders completed per second (PlaceOrder → PAYMENT_ACCEPTED), and the latency from
/// PlaceOrder's 202 to the accepted status being visible through ListOrders.
struct CommerceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commerce",
        abstract: "Orders/s completed end to end, and p50/p99 from PlaceOrder's 202 to PAYMENT_ACCEPTED in ListOrders."
    )

    @Option(help: "Sequential orders for the latency figure.")
    var samples = 200

    @Option(help: "Orders placed at once for the throughput figure (at most 1000: one ListOrders page).")
    var orders = 1000

    @Option(help: "Concurrent clients placing orders.")
    var writers = 4

    @Option(help: "The topology to run (its functions are taken from beside this binary).")
    var topology = "infra/topology.json"

    @Flag(help: "Run the host with --no-tracing (to measure what tracing costs).")
    var noTracing = false

    func run() async throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        guard
            var system = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: topology)))
                as? [String: Any], var functions = system["functions"] as? [String: [String: Any]]
        else { throw ValidationError("\(topology) is not a topology") }
        for (name, var function) in functions {
            let executable = folder.appendingPathComponent(name).path
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw ValidationError("\(executable) is missing: swift build -c release")
            }
            function["executable"] = executable
            if name == "ProcessOrderPaymentWorker" {
                var environment = function["environment"] as? [String: String] ?? [:]
                environment["PAYMENT_GATEWAY_ACCEPT_RATE"] = "1"
                function["environment"] = environment
            }
            functions[name] = function
        }
        system["functions"] = functions
        let host = try BenchHost(
            executable: folder.appendingPathComponent("host").path,
            topology: try JSONSerialization.data(withJSONObject: system), name: "commerce-bench",
            arguments: noTracing ? ["--no-tracing"] : [])
        defer { host.stop() }
        let api = host.apiURL
        print(
            "host: pid \(host.pid), \(ProcessInfo.processInfo.activeProcessorCount) cores; gateway accept rate 1; "
                + "tracing \(noTracing ? "off" : "on")"
        )

        @Sendable func post(_ connection: CurlConnection, _ path: String, _ body: String) throws -> [UInt8] {
            let response = try connection.send(
                "POST", api + path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            guard (200..<300).contains(response.status) else {
                throw ValidationError("\(path) → \(response.status) \(response.text)")
            }
            return response.body
        }
        @Sendable func place(_ connection: CurlConnection, _ id: String) throws {
            _ = try post(
                connection, "/api/v1/orders/placeOrder",
                #"{"orderId":"\#(id)","sku":"APPLES","units":1,"price":10.5,"userId":"BENCH"}"#)
        }
        usleep(500_000)  // settled after start: the idle figure
        let idle = host.memory.resident
        let setup = try CurlConnection()
        _ = try post(setup, "/api/v1/inventory/restockSku", #"{"sku":"APPLES","units":100000000,"lotId":"BENCH001"}"#)

        // Latency: one order at a time, polling ListOrders for it from the 202 on.
        let samples = self.samples
        var latencies = try await FabricBench.onThread { () throws -> [Double] in
            let connection = try CurlConnection()
            var latencies: [Double] = []
            for i in 0..<(samples + 10) {
                let id = "LAT\(i)"
                try place(connection, id)
                let accepted = ContinuousClock.now
                while true {
                    let body = try post(connection, "/api/v1/orders/listOrders", #"{"orderId":"\#(id)"}"#)
                    if String(decoding: body, as: UTF8.self).contains("ORDER_PAYMENT_ACCEPTED_STATUS") { break }
                    usleep(1000)
                }
                if i >= 10 { latencies.append(seconds(ContinuousClock.now - accepted) * 1000) }
            }
            return latencies
        }
        latencies.sort()
        print(
            "PlaceOrder 202 → PAYMENT_ACCEPTED visible in ListOrders, \(samples) sequential orders: p50 \(format(percentile(latencies, 0.5))) ms, p99 \(format(percentile(latencies, 0.99))) ms"
        )

        // Throughput: many orders at once, until every one is accepted.
        let total = min(orders, 1000)
        let writers = self.writers
        let cpuBefore = DynamoDBBench.cpuSeconds(pid: host.pid)
        let start = ContinuousClock.now
        let placed = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<writers {
                    group.addTask {
                        try await DynamoDBBench.onThread {
                            let connection = try CurlConnection()
                            for i in stride(from: worker, to: total, by: writers) { try place(connection, "TPUT\(i)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await placed.value
        let placing = seconds(ContinuousClock.now - start)
        let elapsed = try await FabricBench.onThread { () throws -> Double in
            let connection = try CurlConnection()
            while true {
                let body = try post(connection, "/api/v1/orders/listOrders", #"{"limit":1000,"sortDirection":"desc"}"#)
                let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
                let done = (object?["orders"] as? [[String: Any]] ?? []).filter {
                    ($0["orderId"] as? String)?.hasPrefix("TPUT") == true
                        && $0["orderStatus"] as? String == "ORDER_PAYMENT_ACCEPTED_STATUS"
                }.count
                if done == total { return seconds(ContinuousClock.now - start) }
                usleep(250_000)  // a page of 1000 orders is heavy: poll gently, it is not what is measured
            }
        }
        let cpu = DynamoDBBench.cpuSeconds(pid: host.pid) - cpuBefore
        print(
            "\(total) orders from \(writers) clients: placed in \(format(placing)) s, all PAYMENT_ACCEPTED after \(format(elapsed)) s → \(Int(Double(total) / elapsed)) orders/s completed end to end (host CPU \(format(cpu / Double(total) * 1000)) ms per order, function processes not counted)"
        )
        let environments = host.childrenResident.sorted()
        print(
            "memory: host RSS \(format(idle)) MB idle, peak \(format(host.memory.peak)) MB under the load; \(environments.count) function processes, RSS median \(format(percentile(environments, 0.5))) MB, largest \(format(environments.last ?? 0)) MB"
        )
    }
}
