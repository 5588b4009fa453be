import AWSShapes
import Foundation

/// The answer of one operation of a JSON-protocol service: status, body and the headers the service adds.
struct AWSJSONResponse: Sendable, Equatable {
    var status: Int
    var body: Data
    var headers: [String: String] = [:]
}

/// The skeleton of an AWS JSON-protocol service (JSON 1.0/1.1, selected by `X-Amz-Target`): its operation table,
/// its body limit, decoding, encoding, and one error protocol. A service is then its operations and its store:
/// it registers each operation's handler, says how its errors look (`AWSServiceError`) and how to word an input
/// it cannot decode; everything else happens here, and the operation hook sees every call.
struct AWSJSONRouter: Sendable {
    typealias Handler = @Sendable (_ body: Data, _ call: AWSOperationCall.Context) async throws -> Data

    /// The service's name in logs, traces and faults (its SigV4 signing name: `dynamodb`, `sqs`, `events`, `logs`).
    let service: String
    /// `X-Amz-Target` prefixes served, e.g. `DynamoDB_20120810.`.
    let targetPrefixes: [String]
    /// `1.0` or `1.1`: the response's `application/x-amz-json-<version>`.
    let jsonVersion: String
    /// The largest request body accepted; larger ones get `tooLarge` without being read.
    let maximumRequestSize: Int
    /// The answer to a body over `maximumRequestSize`.
    let tooLarge: any AWSServiceError
    /// The service's error for an input it cannot decode (which key, which value).
    let decodingFailure: @Sendable (any Error) -> any AWSServiceError
    /// The service's error for an input that breaks a constraint of the model (AWS's `N validation errors
    /// detected: …` message).
    let validationFailure: @Sendable (_ operation: String, AWSValidationError) -> any AWSServiceError
    /// The service's error for an unknown operation.
    let unknownOperation: @Sendable (String) -> any AWSServiceError
    /// The service's rendering of an error thrown by its store or by another service (never a Swift dump); nil for
    /// a failure of the host, answered 500.
    let translate: @Sendable (any Error) -> (any AWSServiceError)?
    /// The service's error for a failure of the host.
    let internalFailure: @Sendable (String) -> any AWSServiceError
    /// Whether responses write `/` unescaped (SQS, EventBridge and Logs do; DynamoDB escapes).
    let escapingSlashes: Bool
    private var handlers: [String: Handler] = [:]

    init(
        service: String, targetPrefixes: [String], jsonVersion: String, maximumRequestSize: Int,
        escapingSlashes: Bool = false, tooLarge: any AWSServiceError,
        decodingFailure: @escaping @Sendable (any Error) -> any AWSServiceError,
        validationFailure: (@Sendable (_ operation: String, AWSValidationError) -> any AWSServiceError)? = nil,
        unknownOperation: @escaping @Sendable (String) -> any AWSServiceError,
        translate: @escaping @Sendable (any Error) -> (any AWSServiceError)? = { _ in nil },
        internalFailure: @escaping @Sendable (String) -> any AWSServiceError
    ) {
        self.service = service
        self.targetPrefixes = targetPrefixes
        self.jsonVersion = jsonVersion
        self.maximumRequestSize = maximumRequestSize
        self.escapingSlashes = escapingSlashes
        self.tooLarge = tooLarge
        self.decodingFailure = decodingFailure
        self.validationFailure = validationFailure ?? { decodingFailure(AWSShapeError($1.message)) }
        self.unknownOperation = unknownOperation
        self.translate = translate
        self.internalFailure = internalFailure
    }

    /// Registers a typed operation.
    mutating func on<Operation: AWSJSONOperation>(
        _ operation: Operation.Type, _ handle: @escaping @Sendable (Operation.Input) async throws -> Operation.Output
    ) where Operation.Input: Decodable, Operation.Output: Encodable {
        on(target: Operation.target, Operation.Input.self, handle)
    }

    /// Registers an operation by its full target, for shapes without an operation type yet.
    mutating func on<Input: Decodable & Sendable, Output: Encodable>(
        target: String, _ input: Input.Type, _ handle: @escaping @Sendable (Input) async throws -> Output
    ) {
        let escapingSlashes = self.escapingSlashes
        register(target: target, input, handle) { try AWSJSONCoding.encode($0, escapingSlashes: escapingSlashes) }
    }

    private mutating func register<Input: Decodable & Sendable, Output>(
        target: String, _ input: Input.Type, _ handle: @escaping @Sendable (Input) async throws -> Output,
        encode: @escaping @Sendable (Output) throws -> Data
    ) {
        let decodingFailure = self.decodingFailure
        handlers[target] = { body, context in
            let input: Input
            do {
                input = try JSONDecoder().decode(Input.self, from: body.isEmpty ? Data("{}".utf8) : body)
            } catch {
                throw decodingFailure(error)
            }
            try context.willRun(input: input)
            return try encode(try await handle(input))
        }
    }

    /// Registers an operation of a service whose shapes are generated from botocore's model: the input is read and
    /// checked against the model's constraints (failures answered with `validationFailure`), the output written
    /// without Foundation's coders. `emptyBody`: the answer has no body at all (DynamoDB's TagResource and
    /// UntagResource answer so), not `{}`.
    mutating func on<Operation: AWSGeneratedOperation>(
        _ operation: Operation.Type, emptyBody: Bool = false,
        _ handle: @escaping @Sendable (Operation.Input) async throws -> Operation.Output
    ) {
        let decodingFailure = self.decodingFailure
        let validationFailure = self.validationFailure
        handlers[Operation.target] = { body, context in
            let input: Operation.Input
            do throws(AWSShapeReadError) {
                input = try Operation.Input(body: body)
            } catch {
                switch error {
                case .malformed(let error): throw decodingFailure(error)
                case .invalid(let error): throw validationFailure(context.operation, error)
                }
            }
            try context.willRun(input: input)
            let output = try await handle(input)
            context.didProduce(output)
            return emptyBody ? Data() : Data(output.jsonBytes)
        }
    }

    func serves(_ target: String) -> Bool { targetPrefixes.contains { target.hasPrefix($0) } }

    /// Runs one operation, reporting it to `hook`.
    func respond(target: String, body: Data, hook: (any AWSOperationHook)? = nil) async -> AWSJSONResponse {
        let operation = target.split(separator: ".", maxSplits: 1).last.map(String.init) ?? target
        let context = AWSOperationCall.Context(service: service, operation: operation, hook: hook, body: body)
        let started = ContinuousClock.now
        let response: AWSJSONResponse
        var failure: (any AWSServiceError)?
        if let handler = handlers[target] {
            do {
                response = AWSJSONResponse(status: 200, body: try await handler(body, context))
            } catch {
                // The service words what it knows (its store's errors, another service's); its own errors pass.
                let rendered = translate(error) ?? error as? any AWSServiceError ?? internalFailure("\(error)")
                failure = rendered
                response = Self.render(rendered)
            }
        } else {
            let rendered = unknownOperation(target)
            failure = rendered
            response = Self.render(rendered)
        }
        context.didRun(status: response.status, error: failure, duration: ContinuousClock.now - started)
        return response
    }

    static func render(_ error: any AWSServiceError) -> AWSJSONResponse {
        AWSJSONResponse(
            status: error.httpStatus, body: error.jsonBody,
            headers: Dictionary(error.extraHeaders.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))
    }
}

/// An output that writes its own JSON when it can, else encodes through `Codable`.
