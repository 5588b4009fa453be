import Foundation
import HTTPTypes
import Hummingbird

/// Lambda's event source mapping REST API: `POST` (create) and `GET` (list) on
/// `/2015-03-31/event-source-mappings/`, `GET` / `PUT` / `DELETE` on `/2015-03-31/event-source-mappings/{UUID}`.
struct EventSourceMappingAPI {
    let service: EventSourceMappingService

    /// `segments` follow `/2015-03-31/event-source-mappings`.
    func handle(_ request: Request, segments: [String], context: HostRequestContext) async throws -> Response {
        switch (request.method, segments.count) {
        case (.post, 0):
            return try respond(try service.create(try await decode(request, context)), status: .accepted)
        case (.get, 0):
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
        case (.get, 1):
            return try respond(try service.get(segments[0]), status: .ok)
        case (.put, 1):
            return try respond(try service.update(segments[0], try await decode(request, context)), status: .accepted)
        case (.delete, 1):
            return try respond(try service.delete(segments[0]), status: .accepted)
        default:
            throw AWSError(
                "UnknownOperationException", "No Lambda operation at \(request.method) \(request.uri.path)",
                status: .notFound)
        }
    }

    private func decode(_ request: Request, _ context: HostRequestContext) async throws -> EventSourceMappingRequest {
        try await AWSJSONCoding.decodeBody(
            EventSourceMappingRequest.self, of: request, context: context, errorType: "InvalidParameterValueException")
    }

    private func respond(_ object: [String: Any], status: HTTPResponse.Status) throws -> Response {
        try .json(object: object, status: status)
    }
}
