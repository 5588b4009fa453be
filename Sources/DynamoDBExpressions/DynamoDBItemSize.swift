import AWSShapes

// DECISIONS (the DynamoDB developer guide, "Item sizes and formats"; checked against the `SizeBytes` of recorded
// stream records, which are the sizes of Keys + NewImage + OldImage):
// - An item's size is the sum over its attributes of the UTF-8 length of the name plus the size of the value.
// - S: UTF-8 length. B: byte count. N: one byte per two significant digits (rounded up) plus one; zero is 1.
//   BOOL and NULL: 1. SS/NS/BS: the sum of their elements' sizes.
// - M and L: 3 bytes of overhead plus, per element, 1 byte and the element's size (and, in a map, the key's UTF-8
//   length).

/// The size DynamoDB counts for an item (the 400 KB item limit, 1 MB Query/Scan pages, stream `SizeBytes`).
package func dynamoDBItemSize(_ item: DynamoDBItem) -> Int {
    item.reduce(0) { $0 + $1.key.utf8.count + dynamoDBAttributeValueSize($1.value) }
}

/// The size DynamoDB counts for one attribute value (without its name).
package func dynamoDBAttributeValueSize(_ value: AttributeValue) -> Int {
    switch value {
    case .s(let text): return text.utf8.count
    case .n(let text): return dynamoDBNumberSize(text)
    case .b(let data): return data.count
    case .bool, .null: return 1
    case .ss(let set): return set.reduce(0) { $0 + $1.utf8.count }
    case .ns(let set): return set.reduce(0) { $0 + dynamoDBNumberSize($1) }
    case .bs(let set): return set.reduce(0) { $0 + $1.count }
    case .l(let list): return list.reduce(3) { $0 + 1 + dynamoDBAttributeValueSize($1) }
    case .m(let map): return map.reduce(3) { $0 + 1 + $1.key.utf8.count + dynamoDBAttributeValueSize($1.value) }
    }
}

private func dynamoDBNumberSize(_ text: String) -> Int {
    if let number = try? DynamoDBNumber(text) { return number.storageSize }
    return text.utf8.count  // not a valid number: items are validated before they are sized
}
