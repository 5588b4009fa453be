import AWSShapes
import Foundation
import Testing

@testable import AWSClients

@Suite("Codable values to DynamoDB items and back")
struct ItemCodingTests {
    struct Address: Codable, Equatable {
        var street: String
        var zip: String?
    }

    struct Customer: Codable, Equatable {
        var id: String
        var age: Int
        var balance: Decimal
        var ratio: Double
        var active: Bool
        var avatar: Data
        var tags: [String]
        var address: Address
        var scores: [String: Int]
        var nickname: String?
        var expiresAt: Date
        var big: UInt64
        var small: Int8
        var raw: AttributeValue
    }

    static let customer = Customer(
        id: "c#1", age: 42, balance: Decimal(string: "12345678901234567890.123456789")!, ratio: 0.25, active: true,
        avatar: Data([0, 1, 2, 255]), tags: ["a", "b"], address: Address(street: "Main St", zip: nil),
        scores: ["x": 1, "y": -2], nickname: nil, expiresAt: Date(timeIntervalSince1970: 1_700_000_000), big: .max,
        small: -128, raw: .ss(["p", "q"]))

    @Test("each Swift type encodes as the documented attribute type, with numbers as exact text")
    func encodesTheDocumentedTypes() throws {
        let item = try DynamoDBItemEncoder().encode(Self.customer)
        #expect(item["id"] == .s("c#1"))
        #expect(item["age"] == .n("42"))
        #expect(item["balance"] == .n("12345678901234567890.123456789"))
        #expect(item["ratio"] == .n("0.25"))
        #expect(item["active"] == .bool(true))
        #expect(item["avatar"] == .b(Data([0, 1, 2, 255])))
        #expect(item["tags"] == .l([.s("a"), .s("b")]))
        #expect(item["address"] == .m(["street": .s("Main St")]))
        #expect(item["scores"] == .m(["x": .n("1"), "y": .n("-2")]))
        #expect(item["nickname"] == nil, "nil properties are omitted")
        #expect(item["expiresAt"] == .n("1700000000"))
        #expect(item["big"] == .n("18446744073709551615"))
        #expect(item["small"] == .n("-128"))
        #expect(item["raw"] == .ss(["p", "q"]))
        #expect(item.count == 13)
    }

    @Test("decoding the encoded item gives the value back")
    func roundTrip() throws {
        let item = try DynamoDBItemEncoder().encode(Self.customer)
        #expect(try DynamoDBItemDecoder().decode(Customer.self, from: item) == Self.customer)
        let json = try JSONEncoder().encode(item)
        let overTheWire = try JSONDecoder().decode(DynamoDBItem.self, from: json)
        #expect(try DynamoDBItemDecoder().decode(Customer.self, from: overTheWire) == Self.customer)
    }

    @Test("nil in a list is NULL, and NULL decodes as nil")
    func nulls() throws {
        struct Holder: Codable, Equatable {
            var values: [Int?]
            var note: String?
        }
        let item = try DynamoDBItemEncoder().encode(Holder(values: [1, nil, 3], note: nil))
        #expect(item == ["values": .l([.n("1"), .null, .n("3")])])
        let decoded = try DynamoDBItemDecoder().decode(
            Holder.self, from: ["values": .l([.null]), "note": .null])
        #expect(decoded == Holder(values: [nil], note: nil))
    }

    @Test(
        "sets decode into arrays",
        arguments: [
            (AttributeValue.ss(["a", "b"]), ["a", "b"]),
            (.l([.s("c")]), ["c"]),
        ])
    func sets(_ value: AttributeValue, _ expected: [String]) throws {
        struct Holder: Codable { var values: [String] }
        #expect(try DynamoDBItemDecoder().decode(Holder.self, from: ["values": value]).values == expected)
        struct Numbers: Codable { var values: [Int] }
        #expect(try DynamoDBItemDecoder().decode(Numbers.self, from: ["values": .ns(["1", "20"])]).values == [1, 20])
    }

    @Test("a type mismatch or an out-of-range number is a decoding error naming the attribute")
    func mismatches() {
        struct Holder: Codable { var count: Int8 }
        #expect(throws: DecodingError.self) {
            try DynamoDBItemDecoder().decode(Holder.self, from: ["count": .s("1")])
        }
        #expect(throws: DecodingError.self) {
            try DynamoDBItemDecoder().decode(Holder.self, from: ["count": .n("300")])
        }
        #expect(throws: DecodingError.self) {
            try DynamoDBItemDecoder().decode(Holder.self, from: [:])
        }
    }

    @Test("values that are not items, and non-finite numbers, cannot be encoded")
    func encodingErrors() {
        #expect(throws: EncodingError.self) { try DynamoDBItemEncoder().encode("just a string") }
        #expect(throws: EncodingError.self) { try DynamoDBItemEncoder().encode(["x": Double.nan]) }
        #expect(throws: EncodingError.self) { try DynamoDBItemEncoder().encode([1, 2]) }
    }
}
