import AWSClients
import AWSShapes
import Testing

@testable import Commerce

@Suite struct SimulateRawEventApiTests {
    func api(_ database: FakeDatabase) -> APIController<SimulateRawEventApi> {
        APIController(SimulateRawEventApi(eventStore: eventStore(database)))
    }

    @Test func putsTheRawEventWithForcedTypeAttributesAndEchoes() {
        let database = FakeDatabase()
        let body =
            #"{"pk":"EVENTS#ORDER_ID#ORD001","sk":"EVENT#ORDER_CANCELED_EVENT","eventName":"ORDER_CANCELED_EVENT","#
            + #""eventData":{"orderId":"ORD001","sku":"ORANGES","units":2,"price":22.99,"userId":"123456"}}"#
        let response = api(database).respond(toBody: body)
        #expect(
            response
                == .init(
                    statusCode: 202,
                    body:
                        #"{"pk":"EVENTS#ORDER_ID#ORD001","sk":"EVENT#ORDER_CANCELED_EVENT","eventName":"ORDER_CANCELED_EVENT","#
                        + #""eventData":{"orderId":"ORD001","price":22.99,"sku":"ORANGES","units":2,"userId":"123456"}}"#
                ))
        #expect(
            database.puts == [
                PutItemInput(
                    tableName: "events",
                    item: [
                        "pk": .s("EVENTS#ORDER_ID#ORD001"), "sk": .s("EVENT#ORDER_CANCELED_EVENT"),
                        "eventName": .s("ORDER_CANCELED_EVENT"),
                        "eventData": .m([
                            "orderId": .s("ORD001"), "sku": .s("ORANGES"), "units": .n("2"), "price": .n("22.99"),
                            "userId": .s("123456"),
                        ]),
                        "createdAt": .s(fixedNow), "updatedAt": .s(fixedNow), "_tn": .s("EVENTS#EVENT"),
                        "_sn": .s("EVENTS"), "gsi1pk": .s("EVENTS#EVENT"), "gsi1sk": .s("CREATED_AT#\(fixedNow)"),
                    ],
                    conditionExpression: "attribute_not_exists(#pk) AND attribute_not_exists(#sk)",
                    expressionAttributeNames: ["#pk": "pk", "#sk": "sk"])
            ])
    }

    @Test func datesAreKeptWhenGivenAndDefaultToNowWhenBlankAndTypeAttributesCannotBeSet() {
        let database = FakeDatabase()
        let response = api(database).respond(
            toBody: #"{"pk":" p ","sk":"s","eventName":"ANY","createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"  "}"#)
        #expect(
            response.body
                == #"{"pk":" p ","sk":"s","eventName":"ANY","createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"  "}"#)
        let item = database.puts.first?.item
        #expect(item?["pk"] == .s(" p "))
        #expect(item?["createdAt"] == .s("2020-01-01T00:00:00.000Z"))
        #expect(item?["gsi1sk"] == .s("CREATED_AT#2020-01-01T00:00:00.000Z"))
        #expect(item?["updatedAt"] == .s(fixedNow))
        #expect(item?["eventData"] == nil)
        #expect(
            api(FakeDatabase()).respond(toBody: #"{"pk":"p","sk":"s","eventName":"E","_tn":"X"}"#, logger: quietLogger)
                .statusCode == 400)
    }

    @Test func eventDataMayBeAnyJSON() {
        let database = FakeDatabase()
        _ = api(database).respond(toBody: #"{"pk":"p","sk":"s","eventName":"E","eventData":[1,null,"x"]}"#)
        #expect(database.puts.first?.item["eventData"] == .l([.n("1"), .null, .s("x")]))
        _ = api(database).respond(toBody: #"{"pk":"p","sk":"s","eventName":"E","eventData":null}"#)
        #expect(database.puts.last?.item["eventData"] == .null)
    }

    @Test func aDuplicateIsAcceptedAndAFailureIs500() {
        let database = FakeDatabase()
        database.failPutsAsDuplicates()
        let body = #"{"pk":"p","sk":"s","eventName":"E"}"#
        #expect(api(database).respond(toBody: body, logger: quietLogger).statusCode == 202)
        database.putResult = .failure(transientError)
        #expect(api(database).respond(toBody: body, logger: quietLogger).statusCode == 500)
    }

    @Test(arguments: [
        nil, "", "null", "{}", #"{"pk":"p","sk":"s"}"#, #"{"pk":" ","sk":"s","eventName":"E"}"#,
        #"{"pk":"p","sk":"","eventName":"E"}"#, #"{"pk":"p","sk":"s","eventName":1}"#,
        #"{"pk":"p","sk":"s","eventName":"E","createdAt":null}"#, #"{"pk":"p","sk":"s","eventName":"E","createdAt":5}"#,
        #"{"pk":"p","sk":"s","eventName":"E","extra":1}"#,
    ])
    func strictValidation(body: String?) {
        let database = FakeDatabase()
        #expect(
            api(database).respond(toBody: body, logger: quietLogger)
                == .init(statusCode: 400, body: #"{"message":"Bad Request"}"#))
        #expect(database.callCount == 0)
    }
}
