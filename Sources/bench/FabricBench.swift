import ArgumentParser
import CurlHTTP
import Foundation
import Synchronization

/// The event fabric's figures, against a `host` process of its own (its CPU time is its alone): SQS SendMessage and
/// Receive+Delete throughput and host CPU per operation; PutEvents → message receivable latency; and PutItem →
/// function invoked through stream, pipe, bus, rule, queue and mapping: latency and events per second.
struct FabricBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fabric",
        abstract: "SQS ops/s and CPU per op, PutEvents → receivable latency, PutItem → function latency and events/s."
    )

    @Option(help: "SQS operations per measurement.")
    var operations = 5_000

    @Option(help: "Sequential round trips for each latency figure.")
    var samples = 500

    @Option(help: "Items written for the end-to-end events/s figure.")
    var items = 3_000

    @Option(help: "The host executable (default: host beside this binary).")
    var host: String?

    @Option(help: "The function executable (default: TestFunction beside this binary).")
    var function: String?

    func run() async throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let hostPath = host ?? folder.appendingPathComponent("host").path
        let functionPath = function ?? folder.appendingPathComponent("TestFunction").path
        for path in [hostPath, functionPath] where !FileManager.default.isExecutableFile(atPath: path) {
            throw ValidationError("\(path) is missing: swift build -c release --product host --product TestFunction")
        }
        let directory = NSTemporaryDirectory() + "fabric-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = "\(directory)/invocations"
        guard mkfifo(fifo, 0o600) == 0 else { throw ValidationError("mkfifo failed") }
        let topology = #"""
            {"functions":{"Sink":{"executable":"\#(functionPath)","timeout":10,"maxConcurrency":4,
                                  "environment":{"TEST_EVENT_LOG":"\#(fifo)","TEST_EVENT_LOG_COUNTS":"1"}}},
             "tables":{"items":{"partitionKey":{"name":"id"},"stream":"NEW_IMAGE"}},
             "pipes":{"p":{"source":{"table":"items","batchSize":10},"target":{}}},
             "queues":{"bench":{},"events":{},"flow":{}},
             "rules":{"events":{"pattern":{"source":["bench"]},"targets":[{"queue":"events"}]},
                      "flow":{"pattern":{"source":["Pipe p"]},"targets":[{"queue":"flow"}]}},
             "eventSourceMappings":[{"function":"Sink","queue":"flow","batchSize":10,"maximumConcurrency":2}]}
            """#
        let host = try BenchHost(executable: hostPath, topology: Data(topology.utf8), name: "fabric-bench")
        defer { host.stop() }
        let url = host.awsURL
        let port = host.awsPort
        let pid = host.pid
        print("host: \(hostPath) (pid \(pid)), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let queueURL: @Sendable (String) -> String = { name in "http://127.0.0.1:\(port)/000000000000/\(name)" }

        // SQS throughput and CPU per operation.
        print("SQS operation                    concurrency      ops/s   host CPU µs/op")
        for concurrency in [1, 8] {
            let figure = try await measure(concurrency: concurrency, pid: pid) { connection, worker, i in
                try Self.sqs(
                    connection, url, "SendMessage",
                    #"{"QueueUrl":"\#(queueURL("bench"))","MessageBody":"message \#(worker)-\#(i) of the benchmark"}"#)
            }
            print(Self.row("SendMessage", concurrency, figure))
        }
        for concurrency in [1, 8] {
            let figure = try await measure(concurrency: concurrency, pid: pid) { connection, _, _ in
                let received = try Self.sqs(
                    connection, url, "ReceiveMessage", #"{"QueueUrl":"\#(queueURL("bench"))","MaxNumberOfMessages":1}"#)
                guard let handle = Self.receiptHandles(received).first else {
                    throw ValidationError("the queue ran dry")
                }
                _ = try Self.sqs(
                    connection, url, "DeleteMessage",
                    #"{"QueueUrl":"\#(queueURL("bench"))","ReceiptHandle":"\#(handle)"}"#)
            }
            print(Self.row("ReceiveMessage + DeleteMessage", concurrency, figure))
        }

        // PutEvents → the rule's queue: a long poll waits while PutEvents is sent; the time is from just before the
        // PutEvents request to the long poll's answer.
        let samples = self.samples
        var latencies = try await Self.onThread { () throws -> [Double] in
            var latencies: [Double] = []
            nonisolated(unsafe) let consumer = try CurlConnection()
            let producer = try CurlConnection()
            for i in 0..<samples {
                let received = Mutex<ContinuousClock.Instant?>(nil)
                let handle = Mutex<String?>(nil)
                let poll = Thread {
                    let answer = try? Self.sqs(
                        consumer, url, "ReceiveMessage", #"{"QueueUrl":"\#(queueURL("events"))","WaitTimeSeconds":5}"#)
                    received.withLock { $0 = ContinuousClock.now }
                    handle.withLock { $0 = answer.flatMap { Self.receiptHandles($0).first } }
                }
                poll.start()
                usleep(300)  // let the long poll reach the host first
                let sent = ContinuousClock.now
                _ = try producer.send(
                    "POST", url,
                    headers: [("X-Amz-Target", "AWSEvents.PutEvents"), ("Content-Type", "application/x-amz-json-1.1")],
                    body: Array(
                        #"{"Entries":[{"Source":"bench","DetailType":"tick","Detail":"{\"i\":\#(i)}"}]}"#.utf8))
                while received.withLock({ $0 }) == nil { usleep(50) }
                guard let at = received.withLock({ $0 }), let receipt = handle.withLock({ $0 }) else {
                    throw ValidationError("the event did not arrive")
                }
                latencies.append(seconds(at - sent) * 1000)
                _ = try Self.sqs(
                    producer, url, "DeleteMessage",
                    #"{"QueueUrl":"\#(queueURL("events"))","ReceiptHandle":"\#(receipt)"}"#)
            }
            return latencies
        }
        latencies.sort()
        print(
            "PutEvents → message receivable (long poll waiting), \(samples) sequential: p50 \(format(percentile(latencies, 0.5))) ms, p99 \(format(percentile(latencies, 0.99))) ms"
        )

        // PutItem → the function, through stream, pipe, bus, rule, queue and mapping.
        let invocations = try FIFOReader(path: fifo)
        @Sendable func put(_ connection: CurlConnection, _ id: String) throws {
            let response = try connection.send(
                "POST", url,
                headers: [
                    ("X-Amz-Target", "DynamoDB_20120810.PutItem"), ("Content-Type", "application/x-amz-json-1.0"),
                ],
                body: Array(#"{"TableName":"items","Item":{"id":{"S":"\#(id)"},"note":{"S":"benchmark item"}}}"#.utf8))
            guard response.status == 200 else { throw ValidationError("PutItem: \(response.text)") }
        }
        latencies = try await Self.onThread { () throws -> [Double] in
            var latencies: [Double] = []
            let writer = try CurlConnection()
            for i in 0..<(samples + 20) {
                let start = ContinuousClock.now
                try put(writer, "latency-\(i)")
                var records = 0
                while records < 1 { records += try invocations.nextCount() }
                if i >= 20 { latencies.append(seconds(ContinuousClock.now - start) * 1000) }  // after warm-up
            }
            return latencies
        }
        latencies.sort()
        print(
            "PutItem → function invoked (stream → pipe → bus → rule → SQS → mapping), \(samples) sequential: p50 \(format(percentile(latencies, 0.5))) ms, p99 \(format(percentile(latencies, 0.99))) ms"
        )

        let total = items
        let writers = 4
        let cpuBefore = DynamoDBBench.cpuSeconds(pid: pid)
        let start = ContinuousClock.now
        let writing = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<writers {
                    group.addTask {
                        try await DynamoDBBench.onThread {
                            let connection = try CurlConnection()
                            for i in stride(from: worker, to: total, by: writers) { try put(connection, "flow-\(i)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let elapsed = try await Self.onThread { () throws -> Double in
            var delivered = 0
            while delivered < total { delivered += try invocations.nextCount() }
            return seconds(ContinuousClock.now - start)
        }
        try await writing.value
        let cpu = DynamoDBBench.cpuSeconds(pid: pid) - cpuBefore
        print(
            "PutItem → function, \(total) items from \(writers) writers: \(Int(Double(total) / elapsed)) events/s end to end, host CPU \(format(cpu / Double(total) * 1e6)) µs per item"
        )
    }

    /// Runs `operations` calls of `body` from `concurrency` threads with a keep-alive connection each.
    func measure(
        concurrency: Int, pid: Int32, _ body: @escaping @Sendable (CurlConnection, Int, Int) throws -> Void
    ) async throws -> (opsPerSecond: Double, cpuMicroseconds: Double) {
        let perWorker = operations / concurrency
        let cpuBefore = DynamoDBBench.cpuSeconds(pid: pid)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    try await DynamoDBBench.onThread {
                        let connection = try CurlConnection()
                        for i in 0..<perWorker { try body(connection, worker, i) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = seconds(ContinuousClock.now - start)
        let count = Double(perWorker * concurrency)
        return (count / elapsed, (DynamoDBBench.cpuSeconds(pid: pid) - cpuBefore) / count * 1e6)
    }

    static func row(_ name: String, _ concurrency: Int, _ figure: (opsPerSecond: Double, cpuMicroseconds: Double))
        -> String
    {
        "\(name.padding(toLength: 33, withPad: " ", startingAt: 0))\(String(concurrency).padding(toLength: 12, withPad: " ", startingAt: 0))\(String(Int(figure.opsPerSecond)).padding(toLength: 10, withPad: " ", startingAt: 0))\(format(figure.cpuMicroseconds))"
    }

    /// Blocking work on a thread of its own (Swift Concurrency runs on the event loops here).
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static func sqs(_ connection: CurlConnection, _ url: String, _ operation: String, _ body: String) throws -> [UInt8]
    {
        let response = try connection.send(
            "POST", url,
            headers: [("X-Amz-Target", "AmazonSQS.\(operation)"), ("Content-Type", "application/x-amz-json-1.0")],
            body: Array(body.utf8))
        guard response.status == 200 else { throw ValidationError("\(operation): \(response.text)") }
        return response.body
    }

    static func receiptHandles(_ body: [UInt8]) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let messages = object["Messages"] as? [[String: Any]]
        else { return [] }
        return messages.compactMap { $0["ReceiptHandle"] as? String }
    }
}

/// Lines from a FIFO the function writes one number to per invocation (its batch's record count).
final class FIFOReader: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        // Opened read-write so the open does not wait for a writer, and so the FIFO never reads end-of-file.
        let fd = open(path, O_RDWR)
        guard fd >= 0 else { throw ValidationError("cannot open \(path)") }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// The next line's number (blocks until a line arrives).
    func nextCount() throws -> Int {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return Int(line) ?? 0
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(handle.fileDescriptor, &chunk, chunk.count)
            guard count > 0 else { throw ValidationError("the FIFO closed") }
            buffer += chunk[..<count]
        }
    }
}
