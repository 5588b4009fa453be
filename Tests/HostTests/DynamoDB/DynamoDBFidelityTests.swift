import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

/// DynamoDB behaviours checked against AWS's own answers (docs/aws-behaviour-notes.md gives each source).
@Suite struct DynamoDBFidelityTests {
    static let topology: Topology = {
        var topology = Topology()
        topology.tables = [
            TableConfiguration(
                name: "items", partitionKey: .init(name: "pk", type: "S"), sortKey: .init(name: "sk", type: "S"),
                stream: "NEW_AND_OLD_IMAGES")
        ]
        return topology
    }()

    /// The validation message of a 400 answer (nil for anything else).
    static func message(_ port: Int, _ operation: String, _ body: String) async throws -> String? {
        let answer = try await awsJSONResponse(port, "DynamoDB_20120810.\(operation)", body)
        guard answer.status == 400 else { return nil }
        return try answer.json()["message"] as? String
    }

    @Test func theLegacyParametersWorkAsDynamoDBsAndAnUnmetExpectedChangesNothing() async throws {
        try await withHost(Self.topology) { _, ports in
            func call(_ operation: String, _ body: String) async throws -> [String: Any] {
                try await awsJSON(ports.aws, "DynamoDB_20120810.\(operation)", body)
            }
            func failure(_ operation: String, _ body: String) async throws -> (type: String, message: String) {
                let answer = try await awsJSONResponse(ports.aws, "DynamoDB_20120810.\(operation)", body)
                let json = try answer.json()
                return (
                    (json["__type"] as? String ?? "").components(separatedBy: "#").last ?? "",
                    json["message"] as? String ?? ""
                )
            }
            let key = #""pk":{"S":"a"},"sk":{"S":"1"}"#
            _ = try await call("PutItem", #"{"TableName":"items","Item":{\#(key),"v":{"N":"1"}}}"#)
            // An Expected that does not hold refuses the write (it used to be skipped: the item was overwritten).
            let unmet = try await failure(
                "PutItem", #"{"TableName":"items","Item":{\#(key),"v":{"N":"2"}},"Expected":{"v":{"Value":{"N":"7"}}}}"#
            )
            #expect(unmet.type == "ConditionalCheckFailedException")
            _ = try await call(
                "PutItem",
                #"{"TableName":"items","Item":{\#(key),"v":{"N":"2"},"s":{"SS":["x","y"]},"l":{"L":[{"N":"1"}]}},"Expected":{"v":{"ComparisonOperator":"LE","AttributeValueList":[{"N":"1"}]},"gone":{"Exists":false}}}"#
            )
            // AttributeUpdates: PUT, ADD to a number, to a list (appended), DELETE of a set's element, of an attribute.
            let updated = try await call(
                "UpdateItem",
                #"{"TableName":"items","Key":{\#(key)},"ReturnValues":"UPDATED_NEW","AttributeUpdates":{"w":{"Value":{"S":"new"}},"v":{"Action":"ADD","Value":{"N":"5"}},"l":{"Action":"ADD","Value":{"L":[{"N":"2"}]}},"s":{"Action":"DELETE","Value":{"SS":["x"]}},"nothing":{"Action":"DELETE"}},"Expected":{"v":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"3"}]}},"ConditionalOperator":"AND"}"#
            )
            #expect(
                NSDictionary(dictionary: updated["Attributes"] as? [String: Any] ?? [:]).isEqual(to: [
                    "w": ["S": "new"], "v": ["N": "7"], "l": ["L": [["N": "1"], ["N": "2"]]], "s": ["SS": ["y"]],
                ]))
            // AttributesToGet: those attributes only (the key only if named).
            let got = try await call(
                "GetItem", #"{"TableName":"items","Key":{\#(key)},"AttributesToGet":["w","missing"]}"#)
            #expect(NSDictionary(dictionary: got["Item"] as? [String: Any] ?? [:]).isEqual(to: ["w": ["S": "new"]]))
            _ = try await call("PutItem", #"{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"S":"2"}}}"#)
            _ = try await call(
                "PutItem", #"{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"S":"3"},"s":{"SS":["x"]}}}"#)
            // KeyConditions with a QueryFilter: NOT_CONTAINS is false on a missing attribute (sk 2), unlike NE.
            let queried = try await call(
                "Query",
                #"{"TableName":"items","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]},"sk":{"ComparisonOperator":"GE","AttributeValueList":[{"S":"1"}]}},"QueryFilter":{"s":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"x"}]}},"AttributesToGet":["sk"]}"#
            )
            #expect(
                (queried["Items"] as? [[String: Any]])?.compactMap { ($0["sk"] as? [String: String])?["S"] } == ["1"])
            #expect(queried["ScannedCount"] as? Int == 3)
            let scanned = try await call(
                "Scan",
                #"{"TableName":"items","ScanFilter":{"s":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"x"}]},"w":{"ComparisonOperator":"NOT_NULL"}},"ConditionalOperator":"OR"}"#
            )
            #expect(scanned["Count"] as? Int == 2)
            // DeleteItem with an unmet Expected keeps the item; a met one deletes it.
            let kept = try await failure(
                "DeleteItem", #"{"TableName":"items","Key":{\#(key)},"Expected":{"w":{"Exists":false}}}"#)
            #expect(kept.type == "ConditionalCheckFailedException")
            _ = try await call(
                "DeleteItem", #"{"TableName":"items","Key":{\#(key)},"Expected":{"w":{"Value":{"S":"new"}}}}"#)
            #expect(try await call("GetItem", #"{"TableName":"items","Key":{\#(key)}}"#)["Item"] == nil)
            // Refusals with DynamoDB's words.
            #expect(
                try await failure(
                    "PutItem",
                    #"{"TableName":"items","Item":{\#(key)},"Expected":{"v":{"Exists":false}},"ConditionExpression":"attribute_exists(v)"}"#
                ).message
                    == "Can not use both expression and non-expression parameters in the same request: "
                    + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
            #expect(
                try await failure(
                    "Query",
                    #"{"TableName":"items","KeyConditions":{"pk":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"a"}]}}}"#
                ).message == "Query key condition not supported")
            #expect(
                try await failure(
                    "Query",
                    #"{"TableName":"items","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]}},"QueryFilter":{"sk":{"ComparisonOperator":"NULL"}}}"#
                ).message == "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk")
            #expect(
                try await failure(
                    "UpdateItem",
                    #"{"TableName":"items","Key":{\#(key)},"AttributeUpdates":{"w":{"Action":"ADD","Value":{"S":"x"}}}}"#
                ).message == "One or more parameter values were invalid: ADD action is not supported for the type S")
        }
    }

    @Test func legacyConditionsAreCheckedAsDynamoDBChecksThem() throws {
        func message(_ body: () throws(DynamoDBValidationError) -> Void) -> String? {
            do throws(DynamoDBValidationError) {
                try body()
                return nil
            } catch {
                return error.message
            }
        }
        let invalid = "One or more parameter values were invalid: "
        let cases: [(DynamoDB.ExpectedAttributeValue, String)] = [
            (.init(exists: true), "Value must be provided when Exists is true for Attribute: a"),
            (.init(), "Value must be provided when Exists is null for Attribute: a"),
            (.init(value: .n("1"), exists: false), "Value cannot be used when Exists is false for Attribute: a"),
            (
                .init(exists: false, comparisonOperator: .eq, attributeValueList: [.n("3")]),
                "Exists and ComparisonOperator cannot be used together for Attribute: a"
            ),
            (
                .init(value: .n("3"), comparisonOperator: .eq, attributeValueList: [.n("3")]),
                "Value and AttributeValueList cannot be used together for Attribute: a"
            ),
            (
                .init(comparisonOperator: .eq, attributeValueList: [.n("2"), .n("3")]),
                "Invalid number of argument(s) for the EQ ComparisonOperator"
            ),
            (
                .init(comparisonOperator: .lt, attributeValueList: [.l([])]),
                "ComparisonOperator LT is not valid for L AttributeValue type"
            ),
            (
                .init(comparisonOperator: .beginsWith, attributeValueList: [.n("3")]),
                "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"
            ),
            (
                .init(comparisonOperator: .in, attributeValueList: [.n("3"), .s("dog")]),
                "AttributeValues inside AttributeValueList must be of same type"
            ),
            (
                .init(comparisonOperator: .notNull, attributeValueList: [.n("2")]),
                "Invalid number of argument(s) for the NOT_NULL ComparisonOperator"
            ),
        ]
        for (condition, expected) in cases {
            #expect(
                message { () throws(DynamoDBValidationError) in
                    _ = try LegacyParameters.expected(["a": condition], conditionalOperator: nil)
                } == invalid + expected)
        }
        #expect(
            message { () throws(DynamoDBValidationError) in
                _ = try LegacyParameters.expected(
                    ["a": .init(comparisonOperator: .between, attributeValueList: [.n("4"), .n("3")])],
                    conditionalOperator: nil)
            } == "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
        // `{ComparisonOperator, Value}` takes Value as the list; NULL needs no list.
        #expect(
            try LegacyParameters.expected(
                ["a": .init(value: .n("1"), comparisonOperator: .ge), "b": .init(comparisonOperator: .null)],
                conditionalOperator: "OR")?.expression
                == "#legacyExpected0 >= :legacyExpected0 OR attribute_not_exists(#legacyExpected1)")
        #expect(
            message { () throws(DynamoDBValidationError) in
                _ = try LegacyParameters.expected([:], conditionalOperator: "OR")
            }?.contains("ConditionalOperator") == true)
        #expect(try LegacyParameters.expected([:], conditionalOperator: nil) == nil)
        #expect(
            message { () throws(DynamoDBValidationError) in
                _ = try LegacyParameters.attributesToGet(["a", "b", "a"])
            } == invalid + "Duplicate value in attribute name: a")
    }

    /// An item that fails its own validation cancels the transaction with a ValidationError in its place and None
    /// elsewhere (Alternator's test_transact.py, run on DynamoDB); nothing is written.
    @Test func anInvalidItemCancelsATransactionWithAValidationErrorReason() async throws {
        try await withHost(Self.topology) { _, ports in
            let answer = try await awsJSONResponse(
                ports.aws, "DynamoDB_20120810.TransactWriteItems",
                #"{"TransactItems":[{"Put":{"TableName":"items","Item":{"pk":{"S":"ok"},"sk":{"S":"1"}}}},{"Put":{"TableName":"items","Item":{"pk":{"N":"7"},"sk":{"S":"1"}}}},{"Put":{"TableName":"items","Item":{"pk":{"S":"later"},"sk":{"S":"1"}}}}]}"#
            )
            let json = try answer.json()
            #expect((json["__type"] as? String)?.hasSuffix("TransactionCanceledException") == true)
            let reasons = try #require(json["CancellationReasons"] as? [[String: Any]])
            #expect(reasons.map { $0["Code"] as? String } == ["None", "ValidationError", "None"])
            #expect(reasons[0]["Message"] == nil)
            #expect((reasons[1]["Message"] as? String)?.contains("Type mismatch") == true)
            let scan = try await awsJSON(ports.aws, "DynamoDB_20120810.Scan", #"{"TableName":"items"}"#)
            #expect(scan["Count"] as? Int == 0)
        }
    }

    /// No attribute is named "" (Alternator's test_limits.py, run on DynamoDB): not in an item, a placeholder,
    /// AttributesToGet or AttributeUpdates.
    @Test func anEmptyAttributeNameIsRefusedWhereverItAppears() async throws {
        try await withHost(Self.topology) { _, ports in
            let key = #""pk":{"S":"e"},"sk":{"S":"1"}"#
            for (operation, body) in [
                ("PutItem", #"{"TableName":"items","Item":{\#(key),"":{"N":"1"}}}"#),
                (
                    "GetItem",
                    ##"{"TableName":"items","Key":{\##(key)},"ProjectionExpression":"#n","ExpressionAttributeNames":{"#n":""}}"##
                ),
                ("GetItem", #"{"TableName":"items","Key":{\#(key)},"AttributesToGet":[""]}"#),
                (
                    "UpdateItem",
                    #"{"TableName":"items","Key":{\#(key)},"AttributeUpdates":{"":{"Value":{"N":"2"},"Action":"PUT"}}}"#
                ),
            ] {
                let message = try await Self.message(ports.aws, operation, body)
                #expect(message?.contains("Empty attribute name") == true, "\(operation): \(message ?? "no error")")
            }
        }
    }

    @Test func anUpdateThatOnlyRemovesCreatesNoItemAndNoStreamRecord() async throws {
        try await withHost(Self.topology) { host, ports in
            let key = #"{"pk":{"S":"a"},"sk":{"S":"1"}}"#
            for update in [
                #""UpdateExpression":"REMOVE x""#,
                #""UpdateExpression":"DELETE s :v","ExpressionAttributeValues":{":v":{"SS":["q"]}}"#,
            ] {
                _ = try await awsJSON(
                    ports.aws, "DynamoDB_20120810.UpdateItem", #"{"TableName":"items","Key":\#(key),\#(update)}"#)
            }
            let found = try await awsJSON(
                ports.aws, "DynamoDB_20120810.GetItem", #"{"TableName":"items","Key":\#(key)}"#)
            #expect(found["Item"] == nil)
            #expect(
                try host.dynamoDB.store.streamRecords(table: "items", label: streamLabel(host), after: nil, limit: 10)
                    .isEmpty)
            // With no update expression at all, DynamoDB creates the key-only item (an INSERT record).
            _ = try await awsJSON(ports.aws, "DynamoDB_20120810.UpdateItem", #"{"TableName":"items","Key":\#(key)}"#)
            let created = try await awsJSON(
                ports.aws, "DynamoDB_20120810.GetItem", #"{"TableName":"items","Key":\#(key)}"#)
            #expect(created["Item"] != nil)
            #expect(
                try host.dynamoDB.store.streamRecords(table: "items", label: streamLabel(host), after: nil, limit: 10)
                    .count == 1)
        }
    }

    func streamLabel(_ host: HostRuntime) throws -> String {
        try #require(try host.dynamoDB.store.table(named: "items")?.streamLabel)
    }

    @Test func listIndexesPastTheEndAppendInIndexOrder() async throws {
        try await withHost(Self.topology) { _, ports in
            let key = #"{"pk":{"S":"l"},"sk":{"S":"1"}}"#
            _ = try await awsJSON(
                ports.aws, "DynamoDB_20120810.PutItem",
                #"{"TableName":"items","Item":{"pk":{"S":"l"},"sk":{"S":"1"},"a":{"L":[{"S":"one"},{"S":"two"},{"S":"three"}]}}}"#
            )
            _ = try await awsJSON(
                ports.aws, "DynamoDB_20120810.UpdateItem",
                #"{"TableName":"items","Key":\#(key),"UpdateExpression":"SET a[84] = :a1, a[37] = :a2, a[17] = :a3, a[50] = :a4","ExpressionAttributeValues":{":a1":{"S":"a1"},":a2":{"S":"a2"},":a3":{"S":"a3"},":a4":{"S":"a4"}}}"#
            )
            let item = try await awsJSON(
                ports.aws, "DynamoDB_20120810.GetItem", #"{"TableName":"items","Key":\#(key)}"#)
            let list = ((item["Item"] as? [String: Any])?["a"] as? [String: Any])?["L"] as? [[String: String]]
            #expect(list?.compactMap { $0["S"] } == ["one", "two", "three", "a3", "a2", "a4", "a1"])
        }
    }

    @Test func queryAndScanLimitsAndSegmentsAnswerAsDynamoDB() async throws {
        try await withHost(Self.topology) { _, ports in
            let query =
                #"{"TableName":"items","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}},"Limit":0}"#
            #expect(
                try await Self.message(ports.aws, "Query", query)
                    == "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
            )
            #expect(
                try await Self.message(ports.aws, "Scan", #"{"TableName":"items","Limit":0}"#)
                    == "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
            )
            let cases: [(String, String)] = [
                (
                    #""Segment":1"#,
                    "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
                ),
                (
                    #""TotalSegments":4"#,
                    "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
                ),
                (
                    #""Segment":5,"TotalSegments":5"#,
                    "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5"
                ),
                (
                    #""Segment":-1,"TotalSegments":5"#,
                    "1 validation error detected: Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0"
                ),
                (
                    #""Segment":0,"TotalSegments":0"#,
                    "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1"
                ),
                (
                    #""Segment":0,"TotalSegments":1000001"#,
                    "1 validation error detected: Value at 'totalSegments' failed to satisfy constraint: Member must have value between 1 and 1000000"
                ),
            ]
            for (segments, expected) in cases {
                #expect(try await Self.message(ports.aws, "Scan", #"{"TableName":"items",\#(segments)}"#) == expected)
            }
            // The most segments there may be, and the last of them: answered at once.
            let last = try await awsJSONResponse(
                ports.aws, "DynamoDB_20120810.Scan", #"{"TableName":"items","Segment":999999,"TotalSegments":1000000}"#)
            #expect(last.status == 200)
        }
    }

    @Test func unknownStreamsDuplicateKeysAndKeyFiltersAnswerAsDynamoDB() async throws {
        try await withHost(Self.topology) { host, ports in
            let label = try streamLabel(host)
            let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/items/stream/"
            let known = try await awsJSONResponse(
                ports.aws, "DynamoDBStreams_20120810.DescribeStream", #"{"StreamArn":"\#(arn)\#(label)"}"#)
            #expect(known.status == 200)
            let unknown = try await awsJSONResponse(
                ports.aws, "DynamoDBStreams_20120810.DescribeStream",
                #"{"StreamArn":"\#(arn)2024-11-18T14:36:44.149"}"#)
            #expect(unknown.status == 400)
            #expect(
                try unknown.json()["__type"] as? String == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
            #expect(
                try unknown.json()["message"] as? String
                    == "Requested resource not found: Stream: \(arn)2024-11-18T14:36:44.149 not found")
            let key = #"{"pk":{"S":"a"},"sk":{"S":"1"}}"#
            #expect(
                try await Self.message(
                    ports.aws, "BatchGetItem", #"{"RequestItems":{"items":{"Keys":[\#(key),\#(key)]}}}"#)
                    == "Provided list of item keys contains duplicates")
            #expect(
                try await Self.message(
                    ports.aws, "Query",
                    #"{"TableName":"items","KeyConditionExpression":"pk = :p","FilterExpression":"sk = :s OR x = :s","ExpressionAttributeValues":{":p":{"S":"a"},":s":{"S":"1"}}}"#
                ) == "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
        }
    }

    /// AttributeValue validation as DynamoDB words it (nubo-db's conformance suite, pinned from real AWS runs).
    @Test(arguments: [
        (#"{}"#, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            #"{"S":"a","N":"1"}"#,
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        ),
        (
            #"{"NULL":false}"#,
            "One or more parameter values were invalid: Null attribute value types must have the value of true"
        ),
        (#"{"SS":[]}"#, "One or more parameter values were invalid: An string set  may not be empty"),
        (#"{"NS":[]}"#, "One or more parameter values were invalid: An number set  may not be empty"),
        (#"{"BS":[]}"#, "One or more parameter values were invalid: Binary sets should not be empty"),
        (
            #"{"SS":["a","a"]}"#,
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
        ),
        (
            #"{"BS":["Yg==","Yg=="]}"#,
            "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."
        ),
        (#"{"NS":["1","1.0"]}"#, "Input collection contains duplicates"),
        (#"{"N":""}"#, "The parameter cannot be converted to a numeric value"),
        (#"{"M":{"a":{}}}"#, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ])
    func attributeValuesAreValidatedWithDynamoDBsTexts(value: String, message: String) async throws {
        try await withHost(Self.topology) { _, ports in
            let item = #"{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"v":\#(value)}}"#
            let answer = try await Self.message(ports.aws, "PutItem", item)
            #expect(answer == message)
        }
    }

    @Test func keysAreBoundedAsDynamoDBBoundsThem() async throws {
        try await withHost(Self.topology) { _, ports in
            let long = String(repeating: "k", count: 2049)
            #expect(
                try await Self.message(
                    ports.aws, "PutItem", #"{"TableName":"items","Item":{"pk":{"S":"\#(long)"},"sk":{"S":"1"}}}"#)
                    == "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
            )
            #expect(
                try await Self.message(
                    ports.aws, "PutItem",
                    #"{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"S":"\#(long.prefix(1025))"}}}"#)
                    == "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
            )
            let atLimit = try await awsJSONResponse(
                ports.aws, "DynamoDB_20120810.PutItem",
                #"{"TableName":"items","Item":{"pk":{"S":"\#(long.prefix(2048))"},"sk":{"S":"\#(long.prefix(1024))"}}}"#
            )
            #expect(atLimit.status == 200)
        }
    }
}
