import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /_host/clock` reads the host's clock; `POST /_host/clock/advance` with `{"seconds": N}` moves it forward and
/// answers once everything that fell due ran (the schedules, in due order).
struct ClockAPI {
    let clock: HostClock
    let scheduler: EventBridgeScheduler

    func respond(_ request: inout Request) async throws -> Response {
        switch (request.uri.path, request.method) {
        case ("/_host/clock", .get):
            return .json(state)
        case ("/_host/clock/advance", .post):
            let body = try await request.collectBody(limit: 4096)
            guard case .object(let fields)? = try? JSONValue(parsing: Data(body.readableBytesView)),
                case .number(let seconds)? = fields["seconds"], seconds > 0, seconds <= 10 * 366 * 86_400,
                fields.count == 1
            else {
                return .json(
                    #"{"message":"The body is {\"seconds\": N}, N from 0 (excluded) to ten years: the clock only moves forward"}"#,
                    status: .badRequest)
            }
            try clock.advance(seconds: seconds)
            await Task.yield()
            scheduler.fireDue()
            return .json(state)
        default:
            return .json(
                #"{"message":"GET /_host/clock or POST /_host/clock/advance {\"seconds\": N}"}"#, status: .notFound)
        }
    }

    private var state: String {
        let now = clock.now()
        return
            #"{"now":\#(AWSJSONWriter.quoted(ISO8601.milliseconds(now))),"epochSeconds":\#(now.timeIntervalSince1970),"offsetSeconds":\#(clock.offsetSeconds)}"#
    }
}
