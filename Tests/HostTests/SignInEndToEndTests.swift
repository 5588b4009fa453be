import Foundation
import Testing

/// Sign-in through the host with the real binaries: users, JWTs, the Lambda authorizer in front of the signed-in
/// route, and API Gateway's refusals.
extension CommerceEndToEndTests {
    @Test func aSignedInUserListsOnlyTheirOrdersAndUnsignedRequestsAreRefused() async throws {
        try await withShop(try Self.topology(acceptRate: "1")) { shop, _ in
            func post(_ path: String, _ body: String, token: String? = nil) async throws -> (Int, [String: Any], String)
            {
                var headers = [("Content-Type", "application/json")]
                if let token { headers.append(("Authorization", token)) }
                let response = try await http("POST", shop.base + path, headers: headers, body: Array(body.utf8))
                let json = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
                return (response.status, json, response.text)
            }
            let signedUp = try await post("/api/v1/identity/signUp", #"{"username":"maria","password":"s3cret-pass"}"#)
            #expect(signedUp.0 == 201)
            let userId = try #require(signedUp.1["userId"] as? String)
            #expect(
                try await post("/api/v1/identity/signUp", #"{"username":"maria","password":"other-pass"}"#).0 == 409)
            #expect(
                try await post("/api/v1/identity/signIn", #"{"username":"maria","password":"wrong-pass"}"#).0 == 401)
            let signedIn = try await post("/api/v1/identity/signIn", #"{"username":"maria","password":"s3cret-pass"}"#)
            #expect(signedIn.0 == 200)
            let token = try #require(signedIn.1["token"] as? String)

            // API Gateway's refusals: no token, a bad one.
            let none = try await post("/api/v1/orders/listMyOrders", "{}")
            #expect(none.0 == 401 && none.2 == #"{"message":"Unauthorized"}"#)
            let bad = try await post("/api/v1/orders/listMyOrders", "{}", token: "Bearer not-a-token")
            #expect(bad.0 == 403 && bad.2 == #"{"message":"Forbidden"}"#)

            _ = try await shop.restock("KIWIS", 10, lot: "KIWI01")
            try await shop.eventually("the stock is there") { try await shop.units("KIWIS") == 10 }
            _ = try await post(
                "/api/v1/orders/placeOrder",
                #"{"orderId":"MINE01","sku":"KIWIS","units":1,"price":2,"userId":"\#(userId)"}"#)
            _ = try await post(
                "/api/v1/orders/placeOrder",
                #"{"orderId":"THEIRS","sku":"KIWIS","units":1,"price":2,"userId":"SOMEONE"}"#)
            try await shop.eventually("both orders exist") {
                let mine = try await shop.order("MINE01")
                let theirs = try await shop.order("THEIRS")
                return mine != nil && theirs != nil
            }
            let mine = try await post("/api/v1/orders/listMyOrders", "{}", token: "Bearer \(token)")
            #expect(mine.0 == 200)
            #expect((mine.1["orders"] as? [[String: Any]])?.compactMap { $0["orderId"] as? String } == ["MINE01"])
        }
    }
}
