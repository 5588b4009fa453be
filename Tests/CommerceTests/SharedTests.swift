import AWSClients
import AWSShapes
import AWSSigV4
import LambdaRuntime
import Testing

@testable import Commerce

@Suite struct JSONWritingTests {
    @Test(arguments: [
        (20.0, "20"), (33.25, "33.25"), (0.1, "0.1"), (0, "0"), (-0.0, "0"), (-2.5, "-2.5"), (1e21, "1e+21"),
        (1e20, "100000000000000000000"), (123456789012345680000, "123456789012345680000"), (1e-7, "1e-7"),
        (0.000001, "0.000001"), (1.5e-10, "1.5e-10"), (120000.99, "120000.99"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (100, "100"), (5e-324, "5e-324"),
    ])
    func numbersAreWrittenAsJavaScriptWritesThem(value: Double, text: String) {
        #expect(javaScriptNumberText(value) == text)
    }

    @Test func objectsKeepTheirMemberOrderAndStringsAreEscapedAsJSONStringify() {
        let output = JSONOutput.object([
            ("b", .string("quote \" backslash \\ newline \n tab \t bell \u{07} é /")), ("a", .number(1)),
            ("list", .array([.bool(true), .null, .number(2.5)])),
        ])
        #expect(
            output.text
                == #"{"b":"quote \" backslash \\ newline \n tab \t bell \u0007 é /","a":1,"list":[true,null,2.5]}"#)
    }

    @Test func aParsedValueIsWrittenWithSortedKeys() {
        #expect(JSONOutput(json(#"{"z":1,"a":{"y":"x","b":[1,2]}}"#)!).text == #"{"a":{"b":[1,2],"y":"x"},"z":1}"#)
    }

    @Test func trimmingFollowsJavaScript() {
        #expect(javaScriptTrimmed("  ABCD \n\t") == "ABCD")
        #expect(javaScriptTrimmed("\u{FEFF}\u{A0}\u{3000}AB CD\u{2028}") == "AB CD")
        #expect(javaScriptTrimmed(" \n ") == "")
        // NEL (U+0085) is not trimmed by JavaScript.
        #expect(javaScriptTrimmed("\u{85}AB") == "\u{85}AB")
        #expect(javaScriptLength("😀😀") == 4)
    }

    @Test func marshallingAndUnmarshallingAreInverse() {
        let value = json(#"{"s":"x","n":33.25,"i":20,"b":true,"z":null,"l":[1,"a"],"m":{"k":"v"}}"#)!
        let attribute = marshalled(value)
        #expect(
            attribute
                == .m([
                    "s": .s("x"), "n": .n("33.25"), "i": .n("20"), "b": .bool(true), "z": .null,
                    "l": .l([.n("1"), .s("a")]), "m": .m(["k": .s("v")]),
                ]))
        #expect(unmarshalled(attribute) == value)
        #expect(unmarshalled(.ss(["a"])) == .array(["a"]))
        #expect(unmarshalled(.ns(["1.5"])) == .array([1.5]))
    }

    @Test func bodiesThatAreNotJSONParseToNil() {
        #expect(parseJSON(nil) == nil)
        #expect(parseJSON("{") == nil)
        #expect(parseJSON("null") == .null)
    }
}

@Suite struct MD5Tests {
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"), ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"), ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ])
    func rfc1321TestSuite(message: String, digest: String) {
        #expect(Crypto.hex(Crypto.md5(Array(message.utf8))) == digest)
    }

    @Test func paymentIdIsTheUpperCasedFirstSixHexDigitsOfTheOrderIdsMD5() {
        #expect(
            FakePaymentGateway.paymentId(orderId: "ABC001")
                == String(Crypto.hex(Crypto.md5(Array("ABC001".utf8))).prefix(6)).uppercased())
        #expect(FakePaymentGateway.paymentId(orderId: "abc") == "900150")
        #expect(FakePaymentGateway.paymentId(orderId: "") == "D41D8C")
    }
}

@Suite struct ValidationTests {
    @Test(arguments: [
        (#"{"v":"ABCD"}"#, "ABCD"), (#"{"v":"  ABCD  "}"#, "  ABCD  "),
    ])
    func stringsOfTrimmedLengthFourAreStoredUntrimmedByAPIs(body: String, stored: String) throws {
        #expect(try Fields(json(body)).string("v", trimmed: false) == stored)
        #expect(try Fields(json(body)).string("v", trimmed: true) == "ABCD")
    }

    @Test(arguments: [#"{}"#, #"{"v":null}"#, #"{"v":""}"#, #"{"v":"    "}"#, #"{"v":" ABC "}"#, #"{"v":1234}"#])
    func invalidStringsAreInvalidArguments(body: String) {
        #expect(failure { _ = try Fields(json(body)).string("v", trimmed: false) }?.kind == .invalidArguments)
    }

    @Test(arguments: [(#"{"units":1}"#, 1), (#"{"units":2.0}"#, 2), (#"{"units":1500000}"#, 1_500_000)])
    func unitsAreIntegersFromOne(body: String, units: Int) throws {
        #expect(try Fields(json(body)).units() == units)
    }

    @Test(arguments: [
        #"{"units":0}"#, #"{"units":-1}"#, #"{"units":1.5}"#, #"{"units":"1"}"#, #"{"units":null}"#, "{}",
        #"{"units":1e300}"#,
    ])
    func invalidUnits(body: String) {
        #expect(failure { _ = try Fields(json(body)).units() }?.kind == .invalidArguments)
    }

    @Test(arguments: [(#"{"price":0}"#, 0.0), (#"{"price":33.25}"#, 33.25), (#"{"price":120000.99}"#, 120000.99)])
    func pricesAreNumbersFromZeroWithoutUpperBound(body: String, price: Double) throws {
        #expect(try Fields(json(body)).price() == price)
    }

    @Test(arguments: [#"{"price":-0.01}"#, #"{"price":"1"}"#, #"{"price":null}"#, "{}"])
    func invalidPrices(body: String) {
        #expect(failure { _ = try Fields(json(body)).price() }?.kind == .invalidArguments)
    }

    @Test func listOptions() throws {
        #expect(try Fields(json("{}")).listOptions() == ListOptions())
        #expect(
            try Fields(json(#"{"limit":1000,"sortDirection":"desc"}"#)).listOptions()
                == ListOptions(sortDirection: .desc, limit: 1000))
        for body in [
            #"{"limit":0}"#, #"{"limit":1001}"#, #"{"limit":1.5}"#, #"{"limit":"5"}"#, #"{"limit":null}"#,
            #"{"sortDirection":"ASC"}"#, #"{"sortDirection":null}"#,
        ] {
            #expect(failure { _ = try Fields(json(body)).listOptions() }?.kind == .invalidArguments, "\(body)")
        }
    }

    @Test(arguments: ["null", "[]", "\"text\"", "5"])
    func aBodyThatIsNotAnObjectIsInvalid(body: String) {
        #expect(failure { _ = try Fields(json(body)) }?.kind == .invalidArguments)
        #expect(failure { _ = try Fields(nil) }?.kind == .invalidArguments)
    }
}

@Suite struct SharedPartsTests {
    @Test func timestampsAreISO8601WithMillisecondsInUTC() {
        let now = currentISOTimestamp()
        #expect(now.count == 24)
        #expect(now.hasSuffix("Z"))
        #expect(Array(now)[10] == "T")
        #expect(Array(now)[19] == ".")
    }

    @Test func requiredEnvironmentVariables() throws {
        #expect(try ["A": "x"].required("A") == "x")
        #expect(throws: MissingEnvironmentVariable(name: "B")) { try ["B": ""].required("B") }
        #expect(throws: MissingEnvironmentVariable(name: "C")) { try [:].required("C") }
    }

    @Test func onlyUnrecognizedAndPaymentFailedAreTransientByDefault() {
        for kind in CommerceError.Kind.allCases {
            #expect(CommerceError(kind).transient == (kind == .unrecognized || kind == .paymentFailed))
        }
    }

    @Test func eventPutsAreConditionalAndTyped() throws {
        let database = FakeDatabase()
        try eventStore(database).raiseOrderEvent(.orderPlaced, sampleOrder)
        #expect(
            database.puts == [
                PutItemInput(
                    tableName: "events", item: orderEventItem(.orderPlaced),
                    conditionExpression: "attribute_not_exists(#pk) AND attribute_not_exists(#sk)",
                    expressionAttributeNames: ["#pk": "pk", "#sk": "sk"])
            ])
    }

    @Test func aDuplicateEventIsNonTransientAndAnyOtherFailureTransient() {
        let database = FakeDatabase()
        database.failPutsAsDuplicates()
        let duplicate = failure { try eventStore(database).raiseOrderEvent(.orderPlaced, sampleOrder) }
        #expect(duplicate?.kind == .duplicateEventRaised)
        #expect(duplicate?.transient == false)
        database.putResult = .failure(transientError)
        let other = failure { try eventStore(database).raiseOrderEvent(.orderPlaced, sampleOrder) }
        #expect(other?.kind == .unrecognized)
        #expect(other?.transient == true)
    }
}

/// A worker service that fails as each message's body says.
struct ScriptedWorker: WorkerService {
    final class Log { var images: [DynamoDBItem] = [] }
    let log = Log()

    func process(newImage: DynamoDBItem, logger: LambdaLogger) throws(CommerceError) {
        log.images.append(newImage)
        switch newImage.string("outcome") {
        case "transient": throw CommerceError(.unrecognized, "transient")
        case "final": throw CommerceError(.duplicateEventRaised, "final")
        default: return
        }
    }
}

@Suite struct WorkerControllerTests {
    @Test func onlyTransientFailuresAreReportedByMessageId() {
        let worker = ScriptedWorker()
        let response = WorkerController(worker).handle(
            event: sqsEvent([
                ("m1", messageBody(newImage: ["outcome": .s("ok")])),
                ("m2", messageBody(newImage: ["outcome": .s("transient")])),
                ("m3", messageBody(newImage: ["outcome": .s("final")])),
                ("m4", messageBody(newImage: ["outcome": .s("transient")])),
            ]), logger: quietLogger)
        #expect(
            response == SQSBatchResponse(batchItemFailures: [.init(itemIdentifier: "m2"), .init(itemIdentifier: "m4")]))
        #expect(worker.log.images.count == 4)
        #expect(worker.log.images[0] == ["outcome": .s("ok")])
    }

    @Test(arguments: [
        "not json", "{}", #"{"detail":{}}"#, #"{"detail":{"dynamodb":{}}}"#,
        #"{"detail":{"dynamodb":{"NewImage":{"a":{"X":"1"}}}}}"#,
    ])
    func unreadableBodiesAreDroppedWithoutCallingTheService(body: String) {
        let worker = ScriptedWorker()
        let response = WorkerController(worker).handle(event: sqsEvent([("m1", body)]), logger: quietLogger)
        #expect(response.batchItemFailures.isEmpty)
        #expect(worker.log.images.isEmpty)
    }

    @Test(arguments: [nil, JSONValue.null, json("{}"), json(#"{"Records":null}"#), json(#"{"Records":5}"#)])
    func aMissingEventOrRecordsAnswersNoFailures(event: JSONValue?) {
        let worker = ScriptedWorker()
        #expect(WorkerController(worker).handle(event: event, logger: quietLogger).batchItemFailures.isEmpty)
        #expect(worker.log.images.isEmpty)
    }

    @Test func aMessageWithoutBodyIsDropped() {
        let worker = ScriptedWorker()
        let event = JSONValue.object(["Records": [.object(["messageId": "m1"])]])
        #expect(WorkerController(worker).handle(event: event, logger: quietLogger).batchItemFailures.isEmpty)
    }

    @Test func theByteHandlerAnswersTheBatchResponseAsJSON() async throws {
        let body = messageBody(newImage: ["outcome": .s("transient")])
        let event = try sqsEvent([("m9", body)]).encoded()
        let context = LambdaContext(
            requestID: "r", deadlineMilliseconds: 0, invokedFunctionARN: "a", logger: quietLogger)
        let output = try await WorkerController(ScriptedWorker()).handle(Array(event), context: context)
        #expect(String(decoding: output, as: UTF8.self) == #"{"batchItemFailures":[{"itemIdentifier":"m9"}]}"#)
        let nothing = try await WorkerController(ScriptedWorker()).handle(Array("null".utf8), context: context)
        #expect(String(decoding: nothing, as: UTF8.self) == #"{"batchItemFailures":[]}"#)
    }
}

/// An API service that answers as the body says.
struct ScriptedAPI: APIService {
    var successStatusCode: Int { 202 }

    func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        switch body?["outcome"]?.stringValue {
        case "invalid": throw .invalidArguments("bad")
        case "transient": throw CommerceError(.unrecognized)
        case "final": throw CommerceError(.duplicateEventRaised)
        default: return .object([("ok", .bool(true))])
        }
    }
}

@Suite struct APIControllerTests {
    @Test func responsesAndBodies() {
        let controller = APIController(ScriptedAPI())
        #expect(
            controller.respond(toBody: #"{"outcome":"ok"}"#)
                == APIGatewayV2Response(statusCode: 202, body: #"{"ok":true}"#))
        #expect(
            controller.respond(toBody: #"{"outcome":"invalid"}"#, logger: quietLogger)
                == APIGatewayV2Response(statusCode: 400, body: #"{"message":"Bad Request"}"#))
        for outcome in ["transient", "final"] {
            #expect(
                controller.respond(toBody: #"{"outcome":"\#(outcome)"}"#, logger: quietLogger)
                    == APIGatewayV2Response(statusCode: 500, body: #"{"message":"Internal Server Error"}"#))
        }
    }
}
