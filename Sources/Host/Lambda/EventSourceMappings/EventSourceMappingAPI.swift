import Foundation
import HTTPTypes
import Hummingbird

/// Lambda's event source mapping REST API: `POST` (create) and `GET` (list) on
/// `/2015-03-31/event-source-mappings/`, `GET` / `PUT` / `DELETE` on `/2015-03-31/event-source-mappings/{UUID}`.
struct EventSourceMappingAPI {
    let service: EventSourceMappingService

    /// CreateEventSourceMapping: `POST /2015-03-31/event-source-mappings/`.
    func create(_ request: Request, context: HostRequestContext) async throws -> Response {
        try respond(try service.create(try await decode(request, context)), status: .accepted)
    }

    /// ListEventSourceMappings: `GET /2015-03-31/event-source-mappings/`.
    func list(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        var all = try service.list(
            functionName: query["FunctionName"].map(String.init),
            eventSourceArn: query["EventSourceArn"].map(String.init))
        let size = try Paging.number(
            text: query["MaxItems"].map(String.init), member: "maxItems", 1...10_000, default: 100
        ) { AWSError("InvalidParameterValueException", $0) }
        let start = try Paging.offset(query["Marker"].map(String.init), count: all.count) {
            AWSError("InvalidParameterValueException", "Invalid Marker")
        }
        all = Array(all.dropFirst(start))
        var object: [String: Any] = ["EventSourceMappings": Array(all.prefix(size))]
        if all.count > size { object["NextMarker"] = String(start + size) }
        return try respond(object, status: .ok)
    }

    /// GetEventSourceMapping: `GET /2015-03-31/event-source-mappings/{UUID}`.
    func get(uuid: String) throws -> Response { try respond(try service.get(uuid), status: .ok) }

    /// UpdateEventSourceMapping: `PUT /2015-03-31/event-source-mappings/{UUID}`.
    func update(_ request: Request, uuid: String, context: HostRequestContext) async throws -> Response {
        try respond(try service.update(uuid, try await decode(request, context)), status: .accepted)
    }

    /// DeleteEventSourceMapping: `DELETE /2015-03-31/event-source-mappings/{UUID}`.
    func delete(uuid: String) throws -> Response { try respond(try service.delete(uuid), status: .accepted) }

    private func decode(_ request: Request, _ context: HostRequestContext) async throws -> EventSourceMappingRequest {
        try await AWSJSONCoding.decodeBody(
            EventSourceMappingRequest.self, of: request, context: context, errorType: "InvalidParameterValueException")
    }

    private func respond(_ object: [String: Any], status: HTTPResponse.Status) throws -> Response {
        try .json(object: object, status: status)
    }
}
