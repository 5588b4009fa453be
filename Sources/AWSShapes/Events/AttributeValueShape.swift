#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// DynamoDB's `AttributeValue` for generated shapes (`external` in scripts/shapes.json: the model's shape is
/// recursive, and the host's enum is the one type for it). Read with DynamoDB's own words for a value it refuses
/// (a ValidationException with exactly that message), written without Foundation's coders.
extension AttributeValue: AWSShape {
    /// Stands in for a missing required value (the request then fails validation).
    public static var empty: AttributeValue { .null }

    public init(json: JSONValue, path: String, validation: inout AWSValidation) throws(AWSShapeError) {
        guard case .object(let members) = json else { throw AWSShapeReader.mismatch(path, "an object") }
        guard members.count <= 1 else {
            validation.reject(
                "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
                    + "datatypes")
            self = .null
            return
        }
        guard let (type, content) = members.first,
            ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"].contains(type)
        else {
            validation.reject("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
            self = .null
            return
        }
        let memberPath = path + "." + type
        func string(_ value: JSONValue, _ path: String) throws(AWSShapeError) -> String {
            guard case .string(let text) = value else { throw AWSShapeReader.mismatch(path, "a string") }
            return text
        }
        func strings(_ value: JSONValue) throws(AWSShapeError) -> [String] {
            guard case .array(let elements) = value else { throw AWSShapeReader.mismatch(memberPath, "a list") }
            var result: [String] = []
            result.reserveCapacity(elements.count)
            for element in elements { result.append(try string(element, memberPath)) }
            return result
        }
        func binary(_ text: String) throws(AWSShapeError) -> Data {
            guard let data = Data(base64Encoded: text) else {
                throw AWSShapeError("\(type) holds invalid base64 text \"\(text)\"")
            }
            return data
        }
        switch type {
        case "S": self = .s(try string(content, memberPath))
        case "N": self = .n(try string(content, memberPath))
        case "B": self = .b(try binary(try string(content, memberPath)))
        case "SS": self = .ss(try strings(content))
        case "NS": self = .ns(try strings(content))
        case "BS":
            var values: [Data] = []
            for text in try strings(content) { values.append(try binary(text)) }
            self = .bs(values)
        case "M":
            guard case .object(let map) = content else { throw AWSShapeReader.mismatch(memberPath, "a map") }
            var values: [String: AttributeValue] = [:]
            values.reserveCapacity(map.count)
            for (name, value) in map {
                values[name] = try AttributeValue(json: value, path: memberPath + "." + name, validation: &validation)
            }
            self = .m(values)
        case "L":
            guard case .array(let elements) = content else {
                throw AWSShapeReader.mismatch(memberPath, "a list")
            }
            var values: [AttributeValue] = []
            values.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                values.append(
                    try AttributeValue(
                        json: element, path: memberPath + ".\(index + 1).member", validation: &validation))
            }
            self = .l(values)
        case "NULL":
            guard case .bool(let flag) = content else { throw AWSShapeReader.mismatch(memberPath, "a boolean") }
            if !flag {
                validation.reject(
                    "One or more parameter values were invalid: Null attribute value types must have the value of true")
            }
            self = .null
        default:
            guard case .bool(let flag) = content else { throw AWSShapeReader.mismatch(memberPath, "a boolean") }
            self = .bool(flag)
        }
    }

    public func write(to writer: inout AWSJSONWriter) {
        writer.beginObject()
        switch self {
        case .s(let text):
            writer.key("S")
            writer.string(text)
        case .n(let text):
            writer.key("N")
            writer.string(text)
        case .b(let data):
            writer.key("B")
            writer.blob(data)
        case .ss(let values):
            writer.key("SS")
            writer.beginArray()
            for value in values { writer.string(value) }
            writer.endArray()
        case .ns(let values):
            writer.key("NS")
            writer.beginArray()
            for value in values { writer.string(value) }
            writer.endArray()
        case .bs(let values):
            writer.key("BS")
            writer.beginArray()
            for value in values { writer.blob(value) }
            writer.endArray()
        case .m(let map):
            writer.key("M")
            writer.beginObject()
            for (name, value) in map.sorted(by: { $0.key < $1.key }) {
                writer.key(name)
                value.write(to: &writer)
            }
            writer.endObject()
        case .l(let values):
            writer.key("L")
            writer.beginArray()
            for value in values { value.write(to: &writer) }
            writer.endArray()
        case .null:
            writer.key("NULL")
            writer.bool(true)
        case .bool(let flag):
            writer.key("BOOL")
            writer.bool(flag)
        }
        writer.endObject()
    }
}
