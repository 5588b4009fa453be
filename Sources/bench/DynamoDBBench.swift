import ArgumentParser
import CurlHTTP
import Foundation

/// DynamoDB throughput and the host's CPU per operation: a `host` process of its own (so its CPU time is its
/// alone), driven over keep-alive HTTP by client threads.
struct DynamoDBBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamodb",
        abstract: "PutItem, GetItem, Query and TransactWriteItems: ops/s and host CPU per op at concurrency 1 and 8."
    )

    @Option(help: "Operations per measurement.")
    var operations = 5_000

    @Option(help: "The host executable (default: host beside this binary).")
    var host: String?

    @Flag(help: "Run the host with --no-tracing (to measure what tracing costs).")
    var noTracing = false

    func run() async throws {
        let executable =
            host
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("host")
            .path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("\(executable) is missing: swift build -c release --product host")
        }
        let host = try BenchHost(
            executable: executable,
            topology: Data(
                #"{"tables":{"bench":{"partitionKey":{"name":"pk"},"sortKey":{"name":"sk"},"stream":"NEW_IMAGE"}}}"#
                    .utf8),
            name: "ddb-bench", arguments: noTracing ? ["--no-tracing"] : [])
        defer { host.stop() }
        let url = host.awsURL
        print(
            "host: \(executable) (pid \(host.pid)), \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )

        // Query reads partitions of 10 items written up front.
        let seed = try CurlConnection()
        for partition in 0..<100 {
            for item in 0..<10 {
                _ = try seed.send(
                    "POST", url, headers: Self.headers("PutItem"),
                    body: Array(
                        #"{"TableName":"bench","Item":{"pk":{"S":"q\#(partition)"},"sk":{"S":"\#(item)"},"n":{"N":"\#(item)"}}}"#
                            .utf8))
            }
        }

        let operations: [(String, String, @Sendable (Int, Int) -> String)] = [
            (
                "PutItem", "PutItem",
                { worker, i in
                    #"{"TableName":"bench","Item":{"pk":{"S":"p\#(worker)-\#(i)"},"sk":{"S":"s"},"units":{"N":"\#(i)"},"name":{"S":"item \#(i)"}}}"#
                }
            ),
            (
                "GetItem", "GetItem",
                { worker, i in #"{"TableName":"bench","Key":{"pk":{"S":"p\#(worker)-\#(i)"},"sk":{"S":"s"}}}"# }
            ),
            (
                "Query (10 items)", "Query",
                { _, i in
                    #"{"TableName":"bench","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"q\#(i % 100)"}}}"#
                }
            ),
            (
                "TransactWriteItems (2 writes)", "TransactWriteItems",
                { worker, i in
                    #"{"TransactItems":[{"Put":{"TableName":"bench","Item":{"pk":{"S":"t\#(worker)-\#(i)"},"sk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)"}},{"Update":{"TableName":"bench","Key":{"pk":{"S":"t\#(worker)-\#(i)"},"sk":{"S":"b"}},"UpdateExpression":"SET n = if_not_exists(n, :z) + :one","ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"}}}}]}"#
                }
            ),
        ]
        print("operation                        concurrency      ops/s   host CPU µs/op")
        for (name, target, body) in operations {
            for concurrency in [1, 8] {
                let perWorker = self.operations / concurrency
                let cpuBefore = Self.cpuSeconds(pid: host.pid)
                let start = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<concurrency {
                        group.addTask {
                            try await Self.onThread {
                                let connection = try CurlConnection()
                                for i in 0..<perWorker {
                                    let response = try connection.send(
                                        "POST", url, headers: Self.headers(target),
                                        body: Array(body(concurrency * 1000 + worker, i).utf8))
                                    guard response.status == 200 else {
                                        throw ValidationError("\(target) answered \(response.status): \(response.text)")
                                    }
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let elapsed = seconds(ContinuousClock.now - start)
                let total = Double(perWorker * concurrency)
                let cpu = Self.cpuSeconds(pid: host.pid) - cpuBefore
                print(
                    "\(name.padding(toLength: 33, withPad: " ", startingAt: 0))\(String(concurrency).padding(toLength: 12, withPad: " ", startingAt: 0))\(String(Int(total / elapsed)).padding(toLength: 10, withPad: " ", startingAt: 0))\(format(cpu / total * 1e6))"
                )
            }
        }
    }

    static func headers(_ operation: String) -> [(String, String)] {
        [("X-Amz-Target", "DynamoDB_20120810.\(operation)"), ("Content-Type", "application/x-amz-json-1.0")]
    }

    /// User plus system CPU time of a process, from /proc/<pid>/stat.
    static func cpuSeconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3; utime and stime are fields 14 and 15 (1-based).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Blocking work on a thread of its own (Swift Concurrency runs on the event loops here).
    static func onThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
