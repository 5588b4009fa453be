import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird

/// `/_host/chaos/faults` and `/_host/chaos/effects`: LocalStack's Chaos API on the host's AWS endpoint (its paths
/// under `/_localstack/chaos/` become `/_host/chaos/`); every answer is the whole configuration after the change.
struct ChaosAPI {
    let injector: FaultInjector

    func respond(_ request: inout Request) async throws -> Response {
        let path = request.uri.path
        let method = request.method
        var body = Data()
        if method == .post || method == .patch || method == .delete {
            body = Data(try await request.collectBody(limit: 1_048_576).readableBytesView)
        }
        switch path {
        case "/_host/chaos/faults":
            if let seed = request.uri.queryParameters["seed"] {
                guard let value = UInt64(seed) else { return Self.error("Error validating query: seed is an integer") }
                injector.reseed(value)
            }
            do throws(FaultRuleError) {
                switch method {
                case .get: break
                case .post: injector.replace(with: try FaultInjector.parse(body))
                case .patch: injector.append(try FaultInjector.parse(body))
                case .delete: injector.remove(try FaultInjector.parse(body))
                default: return Self.error("Method not allowed: GET, POST, PATCH or DELETE", status: .methodNotAllowed)
                }
            } catch {
                return Self.error(error.message)
            }
            return .json(injector.rulesJSON)
        case "/_host/chaos/effects":
            switch method {
            case .get: break
            case .post:
                guard let value = try? JSONValue(parsing: body) else {
                    return Self.error("Error decoding JSON: the body is not JSON")
                }
                guard case .object(let fields) = value else {
                    return Self.error("Error validating JSON schema: the effects are a JSON object")
                }
                if let extra = fields.keys.sorted().first(where: { $0 != "latency" }) {
                    return Self.error(
                        "Error validating JSON schema: Additional properties are not allowed ('\(extra)' was unexpected)"
                    )
                }
                guard case .number(let latency)? = fields["latency"], latency.rounded() == latency,
                    (0...600_000).contains(latency)
                else {
                    return Self.error(
                        "Error validating JSON schema: 'latency' is a whole number of milliseconds from 0 to 600000")
                }
                injector.latencyMilliseconds = Int(latency)
            default: return Self.error("Method not allowed: GET or POST", status: .methodNotAllowed)
            }
            return .json(#"{"latency":\#(injector.latencyMilliseconds)}"#)
        case "/_host/chaos/injected":
            // The host's own: faults injected since the start, by kind.
            var writer = AWSJSONWriter()
            writer.beginObject()
            for (kind, count) in injector.injected.sorted(by: { $0.key < $1.key }) {
                writer.key(kind)
                writer.integer(count)
            }
            writer.endObject()
            return .json(String(decoding: writer.bytes, as: UTF8.self))
        default:
            return Self.error(
                "No chaos API at \(path): /_host/chaos/faults, /_host/chaos/effects or /_host/chaos/injected",
                status: .notFound)
        }
    }

    static func error(_ message: String, status: HTTPResponse.Status = .badRequest) -> Response {
        .json(#"{"message":\#(AWSJSONWriter.quoted(message))}"#, status: status)
    }
}
