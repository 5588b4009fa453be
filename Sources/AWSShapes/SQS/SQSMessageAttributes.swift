#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQS.MessageAttributeValue {
    /// A `String` attribute.
    public static func string(_ value: String) -> Self { Self(stringValue: value, dataType: "String") }

    /// A `Number` attribute (its decimal text).
    public static func number(_ value: String) -> Self { Self(stringValue: value, dataType: "Number") }

    /// A `Binary` attribute.
    public static func binary(_ value: Data) -> Self { Self(binaryValue: value, dataType: "Binary") }
}
