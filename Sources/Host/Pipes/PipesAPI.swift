import Foundation
import HTTPTypes
import Hummingbird

/// The EventBridge Pipes REST API (`/v1/pipes`): CreatePipe, DescribePipe, ListPipes, UpdatePipe, StartPipe,
/// StopPipe, DeletePipe. Errors are `NotFoundException` (404), `ConflictException` (409) and `ValidationException`
/// (400) with AWS's `x-amzn-ErrorType` header and `message` body.
struct PipesAPI {
    let service: PipeService

    /// `segments` follow `/v1/pipes`.
    func handle(_ request: Request, segments: [String], context: HostRequestContext) async throws -> Response {
        switch (request.method, segments.count) {
        case (.get, 0):
            let query = request.uri.queryParameters
            func parameter(_ name: String) -> String? { query[Substring(name)].map(String.init) }
            let all = try service.list(
                namePrefix: parameter("NamePrefix"), desiredState: parameter("DesiredState"),
                currentState: parameter("CurrentState"), sourcePrefix: parameter("SourcePrefix"),
                targetPrefix: parameter("TargetPrefix"))
            let limit = try Paging.number(text: parameter("Limit"), member: "limit", 1...100, default: 100) {
                AWSError("ValidationException", $0)
            }
            let start = try Paging.offset(parameter("NextToken"), count: all.count) {
                AWSError("ValidationException", "Invalid NextToken")
            }
            var object: [String: Any] = ["Pipes": Array(all.dropFirst(start).prefix(limit))]
            if all.count > start + limit { object["NextToken"] = String(start + limit) }
            return try respond(object)
        case (.post, 1):
            return try respond(try service.create(name: segments[0], try await decode(request, context)))
        case (.get, 1):
            return try respond(try service.describe(segments[0]))
        case (.put, 1):
            return try respond(try service.update(name: segments[0], try await decode(request, context)))
        case (.delete, 1):
            return try respond(try service.delete(segments[0]))
        case (.post, 2) where segments[1] == "start":
            return try respond(try service.setState(name: segments[0], "RUNNING"))
        case (.post, 2) where segments[1] == "stop":
            return try respond(try service.setState(name: segments[0], "STOPPED"))
        default:
            throw AWSError(
                "UnknownOperationException", "No Pipes operation at \(request.method) \(request.uri.path)",
                status: .notFound)
        }
    }

    private func decode(_ request: Request, _ context: HostRequestContext) async throws -> PipeRequest {
        try await AWSJSONCoding.decodeBody(
            PipeRequest.self, of: request, context: context, errorType: "ValidationException")
    }

    private func respond(_ object: [String: Any]) throws -> Response { try .json(object: object) }
}
