import CCurl

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The run loop of a custom runtime: `/next` → handler → `/response` or `/error`, forever.
///
/// ```swift
/// // functions/Hello/main.swift
/// import LambdaRuntime
/// await Lambda.run { (event: Greeting, context: LambdaContext) in Reply(text: "Hello \(event.name)") }
/// ```
public struct Lambda<Handler: LambdaByteHandler> {
    public let handler: Handler
    public let api: any RuntimeAPI

    public init(handler: Handler, api: any RuntimeAPI) {
        self.handler = handler
        self.api = api
    }

    /// Serves invocations until the Runtime API fails (or `limit` invocations, for tests).
    /// A thrown handler error is reported with `/error` and the loop goes on.
    public func run(limit: Int? = nil) async throws {
        var served = 0
        var failures = 0
        while limit.map({ served < $0 }) ?? true {
            let invocation: NextInvocation
            do {
                invocation = try api.next()
                failures = 0
            } catch {
                // As aws-lambda-cpp: a few tries, then give up so the platform replaces the environment.
                failures += 1
                if failures >= 3 { throw error }
                continue
            }
            let context = invocation.context
            if let traceID = context.traceID {
                setenv("_X_AMZN_TRACE_ID", traceID, 1)
            } else {
                unsetenv("_X_AMZN_TRACE_ID")
            }
            do {
                let output = try await handler.handle(invocation.event, context: context)
                try api.respond(requestID: context.requestID, body: output)
            } catch {
                context.logger.error("Invocation failed: \(error)")
                try api.reportError(requestID: context.requestID, lambdaErrorBody(for: error))
            }
            served += 1
        }
    }
}

extension Lambda {
    /// Starts a function process: reads `AWS_LAMBDA_RUNTIME_API`, builds the handler, then serves forever.
    /// A failure while building the handler is posted to `/runtime/init/error` and the process exits with 1.
    public static func main(_ makeHandler: (LambdaLogger) async throws -> Handler) async -> Never {
        ccurl_line_buffer_stdout()
        let environment = ProcessInfo.processInfo.environment
        let logger = LambdaLogger.fromEnvironment(environment)
        guard let endpoint = environment["AWS_LAMBDA_RUNTIME_API"], !endpoint.isEmpty else {
            logger.fatal("AWS_LAMBDA_RUNTIME_API is not set: this executable runs inside Lambda or the local host")
            exit(1)
        }
        let api: RuntimeAPIClient
        do {
            api = try RuntimeAPIClient(endpoint: endpoint, logger: logger)
        } catch {
            logger.fatal("Cannot create the Runtime API client: \(error)")
            exit(1)
        }
        let handler: Handler
        do {
            handler = try await makeHandler(logger)
        } catch {
            logger.fatal("Initialisation failed: \(error)")
            _ = try? api.reportInitError(lambdaErrorBody(for: error))
            exit(1)
        }
        do {
            try await Lambda(handler: handler, api: api).run()
        } catch {
            logger.fatal("Runtime API failure: \(error)")
        }
        exit(1)
    }
}

extension Lambda {
    /// Serves a ``LambdaHandler`` (JSON in, JSON out).
    public static func run<H: LambdaHandler>(_ makeHandler: (LambdaLogger) async throws -> H) async -> Never
    where Handler == LambdaCodableAdapter<H> {
        await main { logger in LambdaCodableAdapter(try await makeHandler(logger)) }
    }

    /// Serves a closure of decoded events.
    public static func run<Event: Decodable, Output: Encodable>(
        _ body: @escaping (Event, LambdaContext) async throws -> Output
    ) async -> Never where Handler == LambdaCodableAdapter<LambdaClosureHandler<Event, Output>> {
        await main { _ in LambdaCodableAdapter(LambdaClosureHandler(body)) }
    }
}
