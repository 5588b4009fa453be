// DECISIONS (X-Ray API): the host serves the two read operations a user reaches for, GetTraceSummaries and
// BatchGetTraces, from its trace store. Every hop is a segment of its trace (the host's hops carry the ids X-Ray
// segments do: `id`, `trace_id`, `parent_id`, `name`, times, `origin`, `error` / `fault` / `throttle`, `aws.operation`);
// a summary's service ids are the resources the trace reached, its entry point the first hop's. A time range over
// 24 hours or ending before it starts is `InvalidRequestException`, as AWS answers; of filter expressions the host
// understands `service("<name>")` (traces that reached that resource) and refuses others by name. Pages hold 100
// summaries; BatchGetTraces takes at most 5 ids (the model's limit) and lists unknown ones as unprocessed.

import AWSShapes
import Foundation

/// X-Ray's trace reads over the host's trace store.
struct XRayAPI: Sendable {
    let store: TraceStore?
    let account: String

    static let pageSize = 100

    func getTraceSummaries(_ input: XRay.GetTraceSummariesRequest) throws -> XRay.GetTraceSummariesResult {
        guard input.endTime >= input.startTime else {
            throw AWSError("InvalidRequestException", "EndTime must be after StartTime.")
        }
        guard input.endTime - input.startTime <= 86_400 else {
            throw AWSError("InvalidRequestException", "Time range must be less than or equal to 24 hours.")
        }
        var service: String?
        if let filter = input.filterExpression?.trimmingCharacters(in: .whitespaces), !filter.isEmpty {
            guard let name = Self.serviceFilter(filter) else {
                throw AWSError(
                    "InvalidRequestException",
                    "The host understands only the filter expression service(\"<name>\"), not: \(filter.prefix(200))")
            }
            service = name
        }
        guard let store else { return XRay.GetTraceSummariesResult(traceSummaries: [], tracesProcessedCount: 0) }
        let offset =
            try input.nextToken.map { token -> Int in
                guard let offset = Int(token), offset >= 0 else {
                    throw AWSError("InvalidRequestException", "The NextToken is not valid.")
                }
                return offset
            } ?? 0
        var summaries = try store.summaries(
            from: input.startTime, to: input.endTime, limit: Self.pageSize + 1, offset: offset)
        let more = summaries.count > Self.pageSize
        if more { summaries.removeLast() }
        if let service { summaries = summaries.filter { $0.resources.contains { $0.resource == service } } }
        return XRay.GetTraceSummariesResult(
            traceSummaries: summaries.map(summary), approximateTime: Date().timeIntervalSince1970.rounded(.down),
            tracesProcessedCount: summaries.count, nextToken: more ? String(offset + Self.pageSize) : nil)
    }

    func batchGetTraces(_ input: XRay.BatchGetTracesRequest) throws -> XRay.BatchGetTracesResult {
        guard input.traceIds.count <= 5 else {
            throw AWSError(
                "InvalidRequestException",
                "1 validation error detected: Value at 'traceIds' failed to satisfy "
                    + "constraint: Member must have length less than or equal to 5")
        }
        var traces: [XRay.Trace] = []
        var unprocessed: [String] = []
        for id in input.traceIds {
            let hops = try store?.hops(trace: id) ?? []
            guard let summary = TraceStore.Summary(traceID: id, hops: hops) else {
                unprocessed.append(id)
                continue
            }
            traces.append(
                XRay.Trace(
                    id: id, duration: summary.end - summary.start, limitExceeded: false,
                    segments: hops.map { XRay.Segment(id: $0.id, document: $0.segmentDocument) }))
        }
        return XRay.BatchGetTracesResult(traces: traces, unprocessedTraceIds: unprocessed)
    }

    private func summary(_ summary: TraceStore.Summary) -> XRay.TraceSummary {
        func serviceID(_ service: String, _ resource: String) -> XRay.ServiceId {
            XRay.ServiceId(
                name: resource, names: [resource], accountId: account,
                type: TraceHop(
                    traceID: nil, parentID: nil, service: service, operation: "", resource: resource,
                    start: 0, duration: 0
                ).origin)
        }
        return XRay.TraceSummary(
            id: summary.traceID, startTime: summary.start, duration: summary.end - summary.start,
            responseTime: summary.end - summary.start, hasFault: summary.hasFault, hasError: summary.hasError,
            hasThrottle: summary.hasThrottle, isPartial: false,
            serviceIds: summary.resources.map { serviceID($0.service, $0.resource) },
            entryPoint: serviceID(summary.entry.service, summary.entry.resource))
    }

    /// The name in `service("<name>")`.
    static func serviceFilter(_ filter: String) -> String? {
        guard filter.hasPrefix("service(\""), filter.hasSuffix("\")") else { return nil }
        let name = filter.dropFirst(9).dropLast(2)
        return name.contains("\"") ? nil : String(name)
    }
}
