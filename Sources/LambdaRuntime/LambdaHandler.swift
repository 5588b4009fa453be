import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The lowest layer: event bytes in, response bytes out. A thrown error becomes the invocation's error.
public protocol LambdaByteHandler {
    func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8]
}

/// A handler of decoded JSON events that returns an encodable result.
public protocol LambdaHandler {
    associatedtype Event: Decodable
    associatedtype Output: Encodable
    func handle(_ event: Event, context: LambdaContext) async throws -> Output
}

/// Adapts a ``LambdaHandler`` to bytes: the event is decoded from JSON, the output encoded as JSON.
public struct LambdaCodableAdapter<Handler: LambdaHandler>: LambdaByteHandler {
    public var handler: Handler
    public var decoder = JSONDecoder()
    public var encoder = JSONEncoder()

    public init(_ handler: Handler) { self.handler = handler }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let decoded = try decoder.decode(Handler.Event.self, from: Data(event))
        let output = try await handler.handle(decoded, context: context)
        return Array(try encoder.encode(output))
    }
}

/// A handler written as a closure: `LambdaClosureHandler { (event: Order, context) in ... }`.
public struct LambdaClosureHandler<Event: Decodable, Output: Encodable>: LambdaHandler {
    public let body: (Event, LambdaContext) async throws -> Output

    public init(_ body: @escaping (Event, LambdaContext) async throws -> Output) { self.body = body }

    public func handle(_ event: Event, context: LambdaContext) async throws -> Output {
        try await body(event, context)
    }
}

/// A byte handler written as a closure.
public struct LambdaByteClosureHandler: LambdaByteHandler {
    public let body: ([UInt8], LambdaContext) async throws -> [UInt8]

    public init(_ body: @escaping ([UInt8], LambdaContext) async throws -> [UInt8]) { self.body = body }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        try await body(event, context)
    }
}

/// The error document for a thrown Swift error: its type name and description.
public func lambdaErrorBody(for error: any Error) -> LambdaErrorBody {
    LambdaErrorBody(
        errorMessage: String(describing: error), errorType: String(describing: type(of: error)), stackTrace: [])
}
