import AWSShapes
import Foundation
import Hummingbird

/// The JSON coding every JSON-protocol API shares: an empty body is `{}`, decoding errors are mapped by the caller to
/// its service's error, and outputs are encoded with sorted keys.
enum AWSJSONCoding {
    /// Decodes a request body; `mapError` turns a decoding failure into the service's own error.
    static func decode<Input: Decodable>(
        _ type: Input.Type, from body: Data, mapError: (any Error) -> any Error
    ) throws -> Input {
        do {
            return try JSONDecoder().decode(type, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch {
            throw mapError(error)
        }
    }

    /// Encodes a response; `escapingSlashes: false` writes URLs as they are (SQS and EventBridge do).
    static func encode<Output: Encodable>(_ output: Output, escapingSlashes: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(output)
    }

    /// A decoding failure in words a client can act on (which key, which value).
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "Missing required key '\(key.stringValue)' in request"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "Unexpected value at '\(path)': \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case let error as AWSShapeError: return error.message
        default: return "\(error)"
        }
    }
}
