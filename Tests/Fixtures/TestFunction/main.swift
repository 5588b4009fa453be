import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

// A function for tests and benchmarks; the event says what to do:
//   {"action":"echo"}                       returns the event bytes unchanged (also any event without "action")
// An API Gateway event carries the command in its body.
//   {"action":"sleep","ms":N}               sleeps, then returns {"slept":N}
//   {"action":"crash","code":N}             exits the process with status N
//   {"action":"throw","message":"…"}        throws (the runtime posts /error)
//   {"action":"big","bytes":N}              returns a JSON string of N bytes
//   {"action":"print","lines":["…"]}        prints each line to stdout and returns {"printed":N}
//   {"action":"env"}                        returns the process environment as an object
//   {"action":"context"}                    returns the invocation context
// Init: TEST_INIT_FAIL=message throws during init; TEST_INIT_EXIT=N exits during init.
// TEST_EVENT_LOG=path appends every event received, one per line, to that file (or a FIFO); with
// TEST_EVENT_LOG_COUNTS=1 only the event's number of records. TEST_DELAY_MS=N then sleeps N ms.
// An SQS batch reports the records whose body contains "fail" as batch item failures. A DynamoDB stream batch
// throws when a record contains "throw", and reports the first record containing "fail" by its SequenceNumber.

struct Command: Decodable {
    var action: String?
    var ms: Int?
    var code: Int32?
    var message: String?
    var bytes: Int?
    var lines: [String]?
}

struct Envelope: Decodable {
    var body: String?
}

struct Failure: Error, CustomStringConvertible {
    var description: String
}

struct ContextReport: Encodable {
    var requestID: String
    var deadlineMilliseconds: Int64
    var remainingMilliseconds: Int64
    var invokedFunctionARN: String
    var traceID: String?
    var traceEnvironment: String?
    var clientContext: String?
    var cognitoIdentity: String?
    var tenantID: String?
}

struct TestHandler: LambdaByteHandler {
    func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        if let path = getenv("TEST_EVENT_LOG") {
            // One write(2) on an O_APPEND file: lines of concurrent environments never interleave.
            let file = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            if file >= 0 {
                var line = event + [0x0A]
                if getenv("TEST_EVENT_LOG_COUNTS") != nil {
                    let records = event.count > 12 ? count(event, "\"eventSource\"") : 0
                    line = Array("\(records)\n".utf8)
                }
                _ = line.withUnsafeBufferPointer { write(file, $0.baseAddress, $0.count) }
                close(file)
            }
            if let delay = getenv("TEST_DELAY_MS").flatMap({ Int(String(cString: $0)) }) {
                usleep(UInt32(delay) * 1000)
            }
        }
        if contains(event, "\"aws:dynamodb\""),
            let batch = try? JSONDecoder().decode(DynamoDBEvent.self, from: Data(event))
        {
            var failures: [SQSBatchResponse.BatchItemFailure] = []
            for record in batch.records {
                let text = Array(try JSONEncoder().encode(record))
                if contains(text, "throw") { throw Failure(description: "record asked to throw") }
                if failures.isEmpty, contains(text, "fail") {
                    failures.append(.init(itemIdentifier: record.dynamodb.sequenceNumber ?? ""))
                }
            }
            return Array(try JSONEncoder().encode(SQSBatchResponse(batchItemFailures: failures)))
        }
        // An SQS batch: every record whose body contains "fail" is reported as a batch item failure.
        if contains(event, "\"aws:sqs\""), let batch = try? JSONDecoder().decode(SQSEvent.self, from: Data(event)) {
            let failures = batch.records.filter { contains(Array($0.body.utf8), "fail") }.map {
                SQSBatchResponse.BatchItemFailure(itemIdentifier: $0.messageId)
            }
            for record in batch.records { print("received \(record.body)") }
            return Array(try JSONEncoder().encode(SQSBatchResponse(batchItemFailures: failures)))
        }
        // The benchmark's echo: no command, no JSON decoding.
        if !contains(event, "\"action\"") && !contains(event, "\"body\"") { return event }
        var command = try? JSONDecoder().decode(Command.self, from: Data(event))
        // Through API Gateway, the command is the request body.
        if command?.action == nil, let body = (try? JSONDecoder().decode(Envelope.self, from: Data(event)))?.body {
            command = try? JSONDecoder().decode(Command.self, from: Data(body.utf8))
        }
        switch command?.action ?? "echo" {
        case "echo":
            return event
        case "sleep":
            let ms = command?.ms ?? 0
            usleep(UInt32(ms) * 1000)
            return Array(#"{"slept":\#(ms),"pid":\#(getpid())}"#.utf8)
        case "crash":
            exit(command?.code ?? 1)
        case "throw":
            throw Failure(description: command?.message ?? "failure requested")
        case "big":
            return [UInt8(ascii: "\"")]
                + [UInt8](repeating: UInt8(ascii: "x"), count: max(0, (command?.bytes ?? 2) - 2))
                + [UInt8(ascii: "\"")]
        case "print":
            for line in command?.lines ?? [] { print(line) }
            return Array(#"{"printed":\#(command?.lines?.count ?? 0)}"#.utf8)
        case "env":
            return Array(try JSONEncoder().encode(ProcessInfo.processInfo.environment))
        case "context":
            let report = ContextReport(
                requestID: context.requestID,
                deadlineMilliseconds: context.deadlineMilliseconds,
                remainingMilliseconds: context.remainingTime.components.seconds * 1000
                    + context.remainingTime.components.attoseconds / 1_000_000_000_000_000,
                invokedFunctionARN: context.invokedFunctionARN,
                traceID: context.traceID,
                traceEnvironment: ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"],
                clientContext: context.clientContext,
                cognitoIdentity: context.cognitoIdentity,
                tenantID: context.tenantID
            )
            return Array(try JSONEncoder().encode(report))
        default:
            throw Failure(description: "unknown action")
        }
    }
}

func contains(_ bytes: [UInt8], _ text: String) -> Bool {
    let needle = Array(text.utf8)
    guard bytes.count >= needle.count else { return false }
    return (0...(bytes.count - needle.count)).contains { start in
        bytes[start..<(start + needle.count)].elementsEqual(needle)
    }
}

/// How many times `text` occurs in `bytes`.
func count(_ bytes: [UInt8], _ text: String) -> Int {
    let needle = Array(text.utf8)
    guard bytes.count >= needle.count else { return 0 }
    return (0...(bytes.count - needle.count)).filter { start in
        bytes[start..<(start + needle.count)].elementsEqual(needle)
    }.count
}

await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    if let code = environment["TEST_INIT_EXIT"].flatMap(Int32.init) { exit(code) }
    if let message = environment["TEST_INIT_FAIL"] { throw Failure(description: message) }
    return TestHandler()
}
