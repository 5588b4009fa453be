import Foundation
import HTTPTypes
import Hummingbird

/// The EventBridge Pipes REST API (`/v1/pipes`): CreatePipe, DescribePipe, ListPipes, UpdatePipe, StartPipe,
/// StopPipe, DeletePipe. Errors are `NotFoundException` (404), `ConflictException` (409) and `ValidationException`
/// (400) with AWS's `x-amzn-ErrorType` header and `message` body.
struct PipesAPI {
    let service: PipeService

    /// ListPipes: `GET /v1/pipes`.
    func list(_ request: Request) throws -> Response {
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
    }

    /// CreatePipe: `POST /v1/pipes/{name}`.
    func create(_ request: Request, name: String, context: HostRequestContext) async throws -> Response {
        try respond(try service.create(name: name, try await decode(request, context)))
    }

    /// DescribePipe: `GET /v1/pipes/{name}`.
    func describe(name: String) throws -> Response { try respond(try service.describe(name)) }

    /// UpdatePipe: `PUT /v1/pipes/{name}`.
    func update(_ request: Request, name: String, context: HostRequestContext) async throws -> Response {
        try respond(try service.update(name: name, try await decode(request, context)))
    }

    /// DeletePipe: `DELETE /v1/pipes/{name}`.
    func delete(name: String) throws -> Response { try respond(try service.delete(name)) }

    /// StartPipe / StopPipe: `POST /v1/pipes/{name}/start` or `/stop`.
    func setState(name: String, _ state: String) throws -> Response {
        try respond(try service.setState(name: name, state))
    }

    private func decode(_ request: Request, _ context: HostRequestContext) async throws -> PipeRequest {
        try await AWSJSONCoding.decodeBody(
            PipeRequest.self, of: request, context: context, errorType: "ValidationException")
    }

    private func respond(_ object: [String: Any]) throws -> Response { try .json(object: object) }
}
