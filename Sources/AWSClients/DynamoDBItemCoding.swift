import AWSShapes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The mapping between Swift values and DynamoDB attribute values, both ways:
//
// | Swift                                           | DynamoDB                                          |
// |-------------------------------------------------|---------------------------------------------------|
// | `String`                                        | `S`                                               |
// | integers, `Float`, `Double`, `Decimal`          | `N`, the number's exact decimal text               |
// | `Bool`                                          | `BOOL`                                            |
// | `Data`                                          | `B`                                               |
// | `Date`                                          | `N`, seconds since 1970 (the TTL convention)      |
// | `AttributeValue`                                | itself                                            |
// | arrays, sets                                    | `L` (decoding also reads `SS`, `NS` and `BS`)     |
// | structs, `[String: T]` dictionaries             | `M`                                               |
// | `nil` property                                  | omitted (decoding also reads `NULL` as `nil`)     |
// | `nil` in an array or a single value             | `NULL`                                            |
//
// Infinite and NaN floating-point values cannot be encoded. The top-level value must encode as a map (an item).

/// Encodes an `Encodable` value as a DynamoDB item (see the mapping above).
public struct DynamoDBItemEncoder: Sendable {
    public init() {}

    /// The item for `value`, which must encode as a map (a struct or a `[String: T]` dictionary).
    public func encode<Value: Encodable>(_ value: Value) throws -> DynamoDBItem {
        guard case .m(let item) = try encodeAttribute(value) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(Value.self) does not encode as a map (an item)"))
        }
        return item
    }

    /// The attribute value for `value`.
    public func encodeAttribute<Value: Encodable>(_ value: Value) throws -> AttributeValue {
        try ItemEncoder.box(value, codingPath: [])
    }
}

/// Decodes a `Decodable` value from a DynamoDB item (see the mapping above).
public struct DynamoDBItemDecoder: Sendable {
    public init() {}

    public func decode<Value: Decodable>(_ type: Value.Type, from item: DynamoDBItem) throws -> Value {
        try decode(type, from: AttributeValue.m(item))
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from value: AttributeValue) throws -> Value {
        try ItemDecoder.unbox(type, from: value, codingPath: [])
    }
}

// MARK: encoding

/// A value under construction: containers hand out references so that nested containers can fill them later.
private final class EncodingNode {
    enum Content {
        case empty
        case value(AttributeValue)
        case map([String: EncodingNode])
        case list([EncodingNode])
    }

    var content: Content = .empty

    func resolved() -> AttributeValue {
        switch content {
        case .empty: return .m([:])
        case .value(let value): return value
        case .map(let children): return .m(children.mapValues { $0.resolved() })
        case .list(let children): return .l(children.map { $0.resolved() })
        }
    }
}

private struct ItemEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Encodes `value`, treating the types with a DynamoDB meaning specially.
    static func box<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws -> AttributeValue {
        if let special = try special(value, codingPath: codingPath) { return special }
        let node = EncodingNode()
        try value.encode(to: ItemEncoder(node: node, codingPath: codingPath))
        return node.resolved()
    }

    static func special<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws -> AttributeValue? {
        switch value {
        case let value as AttributeValue: return value
        case let value as Data: return .b(value)
        case let value as Date: return try number(value.timeIntervalSince1970, codingPath: codingPath)
        case let value as Decimal: return .n(value.description)
        case let value as URL: return .s(value.absoluteString)
        default: return nil
        }
    }

    static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: F,
        codingPath: [any CodingKey]
    ) throws -> AttributeValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "DynamoDB numbers must be finite"))
        }
        if value == value.rounded(), abs(value) < 1e15 { return .n(String(Int64(value))) }
        return .n(value.description)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .map = node.content {} else { node.content = .map([:]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .list = node.content {} else { node.content = .list([]) }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: EncodingNode
        let codingPath: [any CodingKey]

        private func set(_ child: EncodingNode, for key: Key) {
            guard case .map(var children) = node.content else { return }
            children[key.stringValue] = child
            node.content = .map(children)
        }

        private func set(_ value: AttributeValue, for key: Key) {
            let child = EncodingNode()
            child.content = .value(value)
            set(child, for: key)
        }

        /// A nil property is omitted.
        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), for: key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.s(value), for: key) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            set(try ItemEncoder.number(value, codingPath: codingPath + [key]), for: key)
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            set(try ItemEncoder.number(value, codingPath: codingPath + [key]), for: key)
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.n(String(value)), for: key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            set(try ItemEncoder.box(value, codingPath: codingPath + [key]), for: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = EncodingNode()
            set(child, for: key)
            return ItemEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = EncodingNode()
            set(child, for: key)
            return ItemEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = EncodingNode()
            set(child, for: key)
            return ItemEncoder(node: child, codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: EncodingNode
        let codingPath: [any CodingKey]
        var count: Int {
            guard case .list(let children) = node.content else { return 0 }
            return children.count
        }

        private var indexKey: IndexKey { IndexKey(intValue: count) }

        private func append(_ child: EncodingNode) {
            guard case .list(var children) = node.content else { return }
            children.append(child)
            node.content = .list(children)
        }

        private func append(_ value: AttributeValue) {
            let child = EncodingNode()
            child.content = .value(value)
            append(child)
        }

        mutating func encodeNil() throws { append(.null) }
        mutating func encode(_ value: Bool) throws { append(.bool(value)) }
        mutating func encode(_ value: String) throws { append(.s(value)) }
        mutating func encode(_ value: Double) throws {
            append(try ItemEncoder.number(value, codingPath: codingPath + [indexKey]))
        }
        mutating func encode(_ value: Float) throws {
            append(try ItemEncoder.number(value, codingPath: codingPath + [indexKey]))
        }
        mutating func encode(_ value: Int) throws { append(.n(String(value))) }
        mutating func encode(_ value: Int8) throws { append(.n(String(value))) }
        mutating func encode(_ value: Int16) throws { append(.n(String(value))) }
        mutating func encode(_ value: Int32) throws { append(.n(String(value))) }
        mutating func encode(_ value: Int64) throws { append(.n(String(value))) }
        mutating func encode(_ value: UInt) throws { append(.n(String(value))) }
        mutating func encode(_ value: UInt8) throws { append(.n(String(value))) }
        mutating func encode(_ value: UInt16) throws { append(.n(String(value))) }
        mutating func encode(_ value: UInt32) throws { append(.n(String(value))) }
        mutating func encode(_ value: UInt64) throws { append(.n(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            append(try ItemEncoder.box(value, codingPath: codingPath + [indexKey]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = EncodingNode()
            let path = codingPath + [indexKey]
            append(child)
            return ItemEncoder(node: child, codingPath: path).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = EncodingNode()
            let path = codingPath + [indexKey]
            append(child)
            return ItemEncoder(node: child, codingPath: path).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = EncodingNode()
            let path = codingPath + [indexKey]
            append(child)
            return ItemEncoder(node: child, codingPath: path)
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let node: EncodingNode
        let codingPath: [any CodingKey]

        private func set(_ value: AttributeValue) { node.content = .value(value) }

        mutating func encodeNil() throws { set(.null) }
        mutating func encode(_ value: Bool) throws { set(.bool(value)) }
        mutating func encode(_ value: String) throws { set(.s(value)) }
        mutating func encode(_ value: Double) throws { set(try ItemEncoder.number(value, codingPath: codingPath)) }
        mutating func encode(_ value: Float) throws { set(try ItemEncoder.number(value, codingPath: codingPath)) }
        mutating func encode(_ value: Int) throws { set(.n(String(value))) }
        mutating func encode(_ value: Int8) throws { set(.n(String(value))) }
        mutating func encode(_ value: Int16) throws { set(.n(String(value))) }
        mutating func encode(_ value: Int32) throws { set(.n(String(value))) }
        mutating func encode(_ value: Int64) throws { set(.n(String(value))) }
        mutating func encode(_ value: UInt) throws { set(.n(String(value))) }
        mutating func encode(_ value: UInt8) throws { set(.n(String(value))) }
        mutating func encode(_ value: UInt16) throws { set(.n(String(value))) }
        mutating func encode(_ value: UInt32) throws { set(.n(String(value))) }
        mutating func encode(_ value: UInt64) throws { set(.n(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            set(try ItemEncoder.box(value, codingPath: codingPath))
        }
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

// MARK: decoding

private struct ItemDecoder: Decoder {
    let value: AttributeValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func unbox<Value: Decodable>(
        _ type: Value.Type,
        from value: AttributeValue,
        codingPath: [any CodingKey]
    ) throws -> Value {
        func mismatch(_ expected: String) -> DecodingError {
            .typeMismatch(
                type, .init(codingPath: codingPath, debugDescription: "Expected \(expected), found \(value)"))
        }
        switch type {
        case is AttributeValue.Type:
            return value as! Value
        case is Data.Type:
            guard case .b(let data) = value else { throw mismatch("B") }
            return data as! Value
        case is Date.Type:
            guard case .n(let text) = value, let seconds = Double(text) else { throw mismatch("N") }
            return Date(timeIntervalSince1970: seconds) as! Value
        case is Decimal.Type:
            guard case .n(let text) = value, let decimal = Decimal(string: text) else { throw mismatch("N") }
            return decimal as! Value
        case is URL.Type:
            guard case .s(let text) = value, let url = URL(string: text) else { throw mismatch("S holding a URL") }
            return url as! Value
        default:
            return try Value(from: ItemDecoder(value: value, codingPath: codingPath))
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .m(let map) = value else {
            throw DecodingError.typeMismatch(
                [String: AttributeValue].self,
                .init(codingPath: codingPath, debugDescription: "Expected M, found \(value)"))
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(map: map, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let elements: [AttributeValue]
        switch value {
        case .l(let list): elements = list
        case .ss(let strings): elements = strings.map(AttributeValue.s)
        case .ns(let numbers): elements = numbers.map(AttributeValue.n)
        case .bs(let data): elements = data.map(AttributeValue.b)
        default:
            throw DecodingError.typeMismatch(
                [AttributeValue].self,
                .init(codingPath: codingPath, debugDescription: "Expected L, SS, NS or BS, found \(value)"))
        }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }

    /// Shared scalar decoding.
    static func scalar<T>(
        _ type: T.Type,
        from value: AttributeValue,
        codingPath: [any CodingKey]
    ) throws -> T {
        func mismatch(_ expected: String) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected \(expected), found \(value)"))
        }
        func number<N: LosslessStringConvertible>(_: N.Type) throws -> N {
            guard case .n(let text) = value else { throw mismatch("N") }
            guard let number = N(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath, debugDescription: "N \"\(text)\" does not fit \(N.self)"))
            }
            return number
        }
        switch type {
        case is Bool.Type:
            guard case .bool(let bool) = value else { throw mismatch("BOOL") }
            return bool as! T
        case is String.Type:
            guard case .s(let string) = value else { throw mismatch("S") }
            return string as! T
        case is Double.Type: return try number(Double.self) as! T
        case is Float.Type: return try number(Float.self) as! T
        case is Int.Type: return try number(Int.self) as! T
        case is Int8.Type: return try number(Int8.self) as! T
        case is Int16.Type: return try number(Int16.self) as! T
        case is Int32.Type: return try number(Int32.self) as! T
        case is Int64.Type: return try number(Int64.self) as! T
        case is UInt.Type: return try number(UInt.self) as! T
        case is UInt8.Type: return try number(UInt8.self) as! T
        case is UInt16.Type: return try number(UInt16.self) as! T
        case is UInt32.Type: return try number(UInt32.self) as! T
        case is UInt64.Type: return try number(UInt64.self) as! T
        default: throw mismatch("a scalar")
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let map: [String: AttributeValue]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { map.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { map[key.stringValue] != nil }

        private func value(_ key: Key) throws -> AttributeValue {
            guard let value = map[key.stringValue] else {
                throw DecodingError.keyNotFound(
                    key, .init(codingPath: codingPath, debugDescription: "No attribute \"\(key.stringValue)\""))
            }
            return value
        }

        func decodeNil(forKey key: Key) throws -> Bool { map[key.stringValue] == nil || map[key.stringValue] == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalar(type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try scalar(type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try scalar(type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalar(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalar(type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try scalar(type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try scalar(type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try scalar(type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalar(type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalar(type, key) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try ItemDecoder.unbox(type, from: value(key), codingPath: codingPath + [key])
        }

        private func scalar<T>(_ type: T.Type, _ key: Key) throws -> T {
            try ItemDecoder.scalar(type, from: value(key), codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type,
            forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try ItemDecoder(value: value(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try ItemDecoder(value: value(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { try superDecoder(forKey: Key(stringValue: "super")!) }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            ItemDecoder(value: map[key.stringValue] ?? .null, codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let elements: [AttributeValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        init(elements: [AttributeValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        private mutating func next<T>(_ type: T.Type) throws -> (AttributeValue, [any CodingKey]) {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    type, .init(codingPath: codingPath, debugDescription: "The list has no more elements"))
            }
            defer { currentIndex += 1 }
            return (elements[currentIndex], codingPath + [IndexKey(intValue: currentIndex)])
        }

        private mutating func scalar<T>(_ type: T.Type) throws -> T {
            let (value, path) = try next(type)
            return try ItemDecoder.scalar(type, from: value, codingPath: path)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try scalar(type) }
        mutating func decode(_ type: String.Type) throws -> String { try scalar(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try scalar(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try scalar(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try scalar(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try scalar(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (value, path) = try next(type)
            return try ItemDecoder.unbox(type, from: value, codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            let (value, path) = try next([String: AttributeValue].self)
            return try ItemDecoder(value: value, codingPath: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (value, path) = try next([AttributeValue].self)
            return try ItemDecoder(value: value, codingPath: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let (value, path) = try next(AttributeValue.self)
            return ItemDecoder(value: value, codingPath: path)
        }
    }

    struct SingleValueContainer: SingleValueDecodingContainer {
        let value: AttributeValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value == .null }
        func decode(_ type: Bool.Type) throws -> Bool { try scalar(type) }
        func decode(_ type: String.Type) throws -> String { try scalar(type) }
        func decode(_ type: Double.Type) throws -> Double { try scalar(type) }
        func decode(_ type: Float.Type) throws -> Float { try scalar(type) }
        func decode(_ type: Int.Type) throws -> Int { try scalar(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try scalar(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try ItemDecoder.unbox(type, from: value, codingPath: codingPath)
        }

        private func scalar<T>(_ type: T.Type) throws -> T {
            try ItemDecoder.scalar(type, from: value, codingPath: codingPath)
        }
    }
}
