import AWSShapes
import Foundation

/// Lambda's event source mapping REST API: `POST` (create) and `GET` (list) on `/2015-03-31/event-source-mappings`,
/// `GET` / `PUT` / `DELETE` on `/2015-03-31/event-source-mappings/{UUID}`. Inputs and outputs are the shapes
/// generated from botocore's model; the routes are `AWSRESTRoutes`'.
struct EventSourceMappingAPI {
    let service: EventSourceMappingService

    /// CreateEventSourceMapping.
    func create(_ input: AWSLambda.CreateEventSourceMappingRequest) throws
        -> AWSLambda.EventSourceMappingConfiguration
    {
        try service.create(EventSourceMappingRequest(input))
    }

    /// ListEventSourceMappings: at most 100 a page, `Marker` the offset of the next.
    func list(_ input: AWSLambda.ListEventSourceMappingsRequest) throws
        -> AWSLambda.ListEventSourceMappingsResponse
    {
        let page = try Paging.page(
            try service.list(functionName: input.functionName, eventSourceArn: input.eventSourceArn),
            token: input.marker, size: min(input.maxItems ?? 100, 100)
        ) { AWSError("InvalidParameterValueException", "Invalid Marker") }
        return AWSLambda.ListEventSourceMappingsResponse(nextMarker: page.next, eventSourceMappings: page.items)
    }

    /// GetEventSourceMapping.
    func get(_ uuid: String) throws -> AWSLambda.EventSourceMappingConfiguration { try service.get(uuid) }

    /// UpdateEventSourceMapping.
    func update(_ input: AWSLambda.UpdateEventSourceMappingRequest) throws
        -> AWSLambda.EventSourceMappingConfiguration
    {
        try service.update(input.uuid, EventSourceMappingRequest(input))
    }

    /// DeleteEventSourceMapping.
    func delete(_ uuid: String) throws -> AWSLambda.EventSourceMappingConfiguration { try service.delete(uuid) }
}
