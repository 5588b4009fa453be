import AWSShapes
import Foundation
import Testing

@testable import LambdaRuntime

/// A Runtime API that hands out scripted events and records what the runtime posts.
final class ScriptedRuntimeAPI: RuntimeAPI, @unchecked Sendable {
    var events: [[UInt8]]
    var responses: [(String, [UInt8])] = []
    var errors: [(String, LambdaErrorBody)] = []
    var initErrors: [LambdaErrorBody] = []
    var nextCalls = 0

    init(events: [String]) { self.events = events.map { Array($0.utf8) } }

    func next() throws -> NextInvocation {
        nextCalls += 1
        guard !events.isEmpty else { throw RuntimeAPIError(status: 500, body: "no more events") }
        let event = events.removeFirst()
        let context = LambdaContext(
            requestID: "request-\(nextCalls)", deadlineMilliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 3_000,
            invokedFunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:F", traceID: "Root=1-trace-\(nextCalls)"
        )
        return NextInvocation(event: event, context: context)
    }

    func respond(requestID: String, body: [UInt8]) throws -> Int {
        responses.append((requestID, body))
        return 202
    }

    func reportError(requestID: String, _ error: LambdaErrorBody) throws -> Int {
        errors.append((requestID, error))
        return 202
    }

    func reportInitError(_ error: LambdaErrorBody) throws -> Int {
        initErrors.append(error)
        return 202
    }
}

struct Order: Codable, Equatable {
    var id: String
    var quantity: Int
}

struct Receipt: Codable, Equatable {
    var id: String
    var total: Int
}

struct OrderError: Error, CustomStringConvertible {
    var description: String { "quantity must be positive" }
}

struct OrderHandler: LambdaHandler {
    func handle(_ event: Order, context: LambdaContext) async throws -> Receipt {
        guard event.quantity > 0 else { throw OrderError() }
        return Receipt(id: event.id, total: event.quantity * 5)
    }
}

@Suite struct LambdaRuntimeLoopTests {
    @Test func codableHandlerDecodesEventsAndEncodesResults() async throws {
        let api = ScriptedRuntimeAPI(events: [#"{"id":"a","quantity":2}"#])
        try await Lambda(handler: LambdaCodableAdapter(OrderHandler()), api: api).run(limit: 1)
        #expect(api.responses.count == 1)
        #expect(api.responses.first?.0 == "request-1")
        let receipt = try JSONDecoder().decode(Receipt.self, from: Data(api.responses.first?.1 ?? []))
        #expect(receipt == Receipt(id: "a", total: 10))
    }

    @Test func thrownErrorIsPostedWithTypeAndMessageAndTheLoopGoesOn() async throws {
        let api = ScriptedRuntimeAPI(events: [#"{"id":"a","quantity":0}"#, #"{"id":"b","quantity":1}"#])
        try await Lambda(handler: LambdaCodableAdapter(OrderHandler()), api: api).run(limit: 2)
        #expect(api.errors.count == 1)
        #expect(api.errors.first?.0 == "request-1")
        #expect(api.errors.first?.1.errorType == "OrderError")
        #expect(api.errors.first?.1.errorMessage == "quantity must be positive")
        #expect(api.errors.first?.1.stackTrace == [])
        #expect(api.responses.map(\.0) == ["request-2"])
    }

    @Test func undecodableEventIsAnError() async throws {
        let api = ScriptedRuntimeAPI(events: ["not json"])
        try await Lambda(handler: LambdaCodableAdapter(OrderHandler()), api: api).run(limit: 1)
        #expect(api.errors.first?.1.errorType == "DecodingError")
    }

    @Test func traceIDIsExportedForEachInvocation() async throws {
        let api = ScriptedRuntimeAPI(events: ["{}", "{}"])
        let handler = LambdaByteClosureHandler { _, _ in
            Array((ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"] ?? "").utf8)
        }
        try await Lambda(handler: handler, api: api).run(limit: 2)
        #expect(api.responses.map { String(decoding: $0.1, as: UTF8.self) } == ["Root=1-trace-1", "Root=1-trace-2"])
    }

    @Test func repeatedNextFailuresEndTheLoop() async throws {
        let api = ScriptedRuntimeAPI(events: [])
        await #expect(throws: RuntimeAPIError.self) {
            try await Lambda(handler: LambdaByteClosureHandler { bytes, _ in bytes }, api: api).run()
        }
        #expect(api.nextCalls == 3)
    }

    @Test func remainingTimeCountsDownToTheDeadline() {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let context = LambdaContext(requestID: "r", deadlineMilliseconds: now + 2_000, invokedFunctionARN: "arn")
        let remaining = context.remainingTime
        #expect(remaining <= .seconds(2) && remaining > .milliseconds(1_500))
    }
}

@Suite struct LambdaLoggerTests {
    @Test func textLinesCarryTimeRequestIDAndLevel() {
        let logger = LambdaLogger(minimumLevel: .info, format: .text, requestID: "req-1")
        #expect(
            logger.render(.warn, "careful", timestamp: "2026-01-02T03:04:05.006Z")
                == "2026-01-02T03:04:05.006Z\treq-1\tWARN\tcareful")
    }

    @Test func fieldsFollowEveryLineInOrder() throws {
        let logger = LambdaLogger(minimumLevel: .info, format: .text, requestID: "req-1")
            .with("traceId", "1-6752f0a1-aaaaaaaaaaaaaaaaaaaaaaaa").with("orderId", "O1").with("sku", nil)
            .with("orderId", "O2")
        #expect(
            logger.render(.info, "placed", timestamp: "2026-01-02T03:04:05.006Z")
                == "2026-01-02T03:04:05.006Z\treq-1\tINFO\tplaced\ttraceId=1-6752f0a1-aaaaaaaaaaaaaaaaaaaaaaaa orderId=O2"
        )
        var json = logger
        json.format = .json
        let object =
            try JSONSerialization.jsonObject(
                with: Data(json.render(.info, "placed", timestamp: "t").utf8)) as? [String: String]
        #expect(object?["orderId"] == "O2" && object?["traceId"] == "1-6752f0a1-aaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(object?["message"] == "placed")
    }

    @Test func jsonLinesAreObjects() throws {
        let logger = LambdaLogger(minimumLevel: .info, format: .json, requestID: "req-1")
        let line = logger.render(.error, "bad \"quote\"", timestamp: "2026-01-02T03:04:05.006Z")
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(
            object == [
                "timestamp": "2026-01-02T03:04:05.006Z", "level": "ERROR", "requestId": "req-1",
                "message": "bad \"quote\"",
            ])
    }

    @Test func environmentChoosesFormatAndLevel() {
        let json = LambdaLogger.fromEnvironment(["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "debug"])
        #expect(json.format == .json)
        #expect(json.minimumLevel == .debug)
        let plain = LambdaLogger.fromEnvironment([:])
        #expect(plain.format == .text)
        #expect(plain.minimumLevel == .info)
        #expect(LambdaLogger.fromEnvironment(["AWS_LAMBDA_LOG_LEVEL": "LOUD"]).minimumLevel == .info)
    }

    @Test func timestampIsISO8601WithMilliseconds() {
        let stamp = iso8601Now()
        #expect(stamp.count == 24)
        #expect(stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
    }
}
