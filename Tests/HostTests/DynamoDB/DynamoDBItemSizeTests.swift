import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

@Suite("Item size")
struct DynamoDBItemSizeTests {
    @Test(
        "sizes follow DynamoDB's rules",
        arguments: [
            (["id": AttributeValue.s("Fred")], 2 + 4),
            (["é": .s("ü")], 2 + 2),
            (["n": .n("42")], 1 + 2),
            (["n": .n("12345")], 1 + 4),
            (["n": .n("-1.5E+10")], 1 + 2),
            (["n": .n("0")], 1 + 1),
            (["b": .b(Data([1, 2, 3]))], 1 + 3),
            (["t": .bool(false), "z": .null], 2 + 2),
            (["ss": .ss(["ab", "c"])], 2 + 3),
            (["ns": .ns(["1", "123"])], 2 + 2 + 3),
            (["l": .l([.s("ab"), .n("1")])], 1 + 3 + (1 + 2) + (1 + 2)),
            (["m": .m(["k": .s("v"), "kk": .bool(true)])], 1 + 3 + (1 + 1 + 1) + (1 + 2 + 1)),
            (["m": .m([:]), "l": .l([])], 2 + 6),
        ] as [(DynamoDBItem, Int)])
    func sizes(item: DynamoDBItem, expected: Int) {
        #expect(dynamoDBItemSize(item) == expected)
    }

    @Test("stream record SizeBytes recorded from AWS equal the sizes of Keys, NewImage and OldImage")
    func recordedStreamSizes() throws {
        var checked = 0
        for file in ["test_dynamodb.snapshot.json", "test_lambda_integration_dynamodbstreams.snapshot.json"] {
            guard let url = dynamoDBSharedTestData("aws-recorded/\(file)"),
                FileManager.default.fileExists(atPath: url.path)
            else {
                Issue.record("recorded AWS data not found for \(file)")
                return
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            var records: [[String: Any]] = []
            func walk(_ node: Any) {
                if let object = node as? [String: Any] {
                    if object["SizeBytes"] != nil, object["Keys"] != nil { records.append(object) }
                    object.values.forEach(walk)
                } else if let array = node as? [Any] {
                    array.forEach(walk)
                }
            }
            walk(json)
            for record in records {
                var total = 0
                for part in ["Keys", "NewImage", "OldImage"] {
                    guard let image = record[part] else { continue }
                    let data = try JSONSerialization.data(withJSONObject: image)
                    total += dynamoDBItemSize(try JSONDecoder().decode(DynamoDBItem.self, from: data))
                }
                #expect(total == record["SizeBytes"] as? Int, "\(record)")
                checked += 1
            }
        }
        #expect(checked > 20)
    }
}
