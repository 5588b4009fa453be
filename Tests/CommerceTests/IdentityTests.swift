import AWSClients
import AWSShapes
import LambdaRuntime
import Testing

@testable import Commerce

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sign-in: salted password hashes, HS256 tokens, the authorizer and the signed-in list.
@Suite struct IdentityTests {
    let signer = try! JWTSigner(
        secret: Array("a-test-secret-that-is-long-enough-0123".utf8), issuer: "shop", audience: "api")

    @Test func aTokenVerifiesUntilItExpiresAndOnlyForItsIssuerAndAudience() throws {
        let token = signer.sign(subject: "user-1", claims: [("username", .string("maria"))], now: 1000, lifetime: 60)
        let claims = try #require(signer.verify(token, now: 1059))
        #expect(claims["sub"] == .string("user-1") && claims["username"] == .string("maria"))
        #expect(signer.verify(token, now: 1060) == nil, "expired")
        var other = signer
        other.issuer = "elsewhere"
        #expect(other.verify(token, now: 1001) == nil)
        other = signer
        other.audience = "another-api"
        #expect(other.verify(token, now: 1001) == nil)
        other = signer
        other.secret = Array("another-secret-that-is-long-enough-012".utf8)
        #expect(other.verify(token, now: 1001) == nil, "signed with another secret")
    }

    @Test func aTamperedOrUnsignedTokenIsRefused() {
        let token = signer.sign(subject: "user-1", now: 1000, lifetime: 60)
        let parts = token.split(separator: ".").map(String.init)
        let forged = JWTSigner.base64URL(Array(#"{"sub":"admin","iss":"shop","aud":"api","exp":9999}"#.utf8))
        #expect(signer.verify("\(parts[0]).\(forged).\(parts[2])", now: 1001) == nil)
        let none = JWTSigner.base64URL(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        #expect(signer.verify("\(none).\(parts[1]).", now: 1001) == nil)
        #expect(signer.verify("not.a.token", now: 1001) == nil)
        #expect(signer.verify("", now: 1001) == nil)
        #expect(throws: CommerceError.self) { try JWTSigner(secret: Array("short".utf8), issuer: "a", audience: "b") }
    }

    @Test func passwordsAreStoredSaltedAndCheckedExactly() {
        let first = PasswordHash.make("correct horse", iterations: 1000)
        let second = PasswordHash.make("correct horse", iterations: 1000)
        #expect(first != second, "each hash has its own salt")
        #expect(!first.contains("correct horse"))
        #expect(PasswordHash.matches("correct horse", first))
        #expect(!PasswordHash.matches("correct horsE", first))
        #expect(!PasswordHash.matches("correct horse", "plain"))
        // PBKDF2-HMAC-SHA256 of RFC 7914's test vector ("passwd", "salt", 1 iteration).
        let known = PasswordHash.make("passwd", salt: Array("salt".utf8), iterations: 1)
        #expect(known.hasSuffix("$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw="))  // 55ac046e… (RFC 7914 §11)
    }

    @Test func signUpStoresTheHashNotThePasswordAndAUsernameOnce() throws {
        let database = FakeDatabase()
        let api = APIController(SignUpApi(database: database, tableName: "commerce", now: { fixedNow }))
        let response = api.respond(toBody: #"{"username":"maria","password":"s3cret-pass"}"#, logger: quietLogger)
        #expect(response.statusCode == 201)
        let item = try #require(database.puts.first?.item)
        #expect(item.string("pk") == "USERS#USERNAME#maria")
        #expect(item.string("passwordHash").map { PasswordHash.matches("s3cret-pass", $0) } == true)
        #expect(!item.values.contains(.s("s3cret-pass")))
        database.failPutsAsDuplicates()
        #expect(
            api.respond(toBody: #"{"username":"maria","password":"s3cret-pass"}"#, logger: quietLogger).statusCode
                == 409)
        for body in [#"{"username":"Maria!","password":"s3cret-pass"}"#, #"{"username":"maria","password":"short"}"#] {
            #expect(api.respond(toBody: body, logger: quietLogger).statusCode == 400, "\(body)")
        }
    }

    @Test func signInGivesATokenForTheRightPasswordOnly() throws {
        let database = FakeDatabase()
        database.stored([
            "pk": .s("USERS#USERNAME#maria"), "sk": .s("USER"), "userId": .s("u-42"), "username": .s("maria"),
            "passwordHash": .s(PasswordHash.make("s3cret-pass", iterations: 1000)),
        ])
        var service = SignInApi(database: database, tableName: "commerce", signer: signer)
        service.clock = { 5000 }
        let api = APIController(service)
        let wrong = api.respond(toBody: #"{"username":"maria","password":"s3cret-pasS"}"#, logger: quietLogger)
        #expect(wrong == .init(statusCode: 401, body: #"{"message":"Unauthorized"}"#))
        let unknown = api.respond(toBody: #"{"username":"nobody","password":"s3cret-pass"}"#, logger: quietLogger)
        #expect(unknown.statusCode == 401)
        let right = api.respond(toBody: #"{"username":"maria","password":"s3cret-pass"}"#, logger: quietLogger)
        #expect(right.statusCode == 200)
        let body = try #require(try JSONValue(parsing: Data((right.body ?? "").utf8)).objectValue)
        let token = try #require(body["token"]?.stringValue)
        #expect(signer.verify(token, now: 5001)?["sub"] == .string("u-42"))
        #expect(body["tokenType"] == .string("Bearer") && body["expiresIn"] == .number(86400))
    }

    @Test func theAuthorizerAllowsAValidBearerTokenWithItsUser() {
        var authorizer = JWTAuthorizer(signer: signer)
        authorizer.clock = { 2000 }
        let token = signer.sign(subject: "u-42", claims: [("username", .string("maria"))], now: 1990, lifetime: 60)
        func decide(_ header: String) -> String {
            authorizer.decide(event: .object(["identitySource": .array([.string(header)])])).text
        }
        #expect(decide("Bearer \(token)") == #"{"isAuthorized":true,"context":{"userId":"u-42","username":"maria"}}"#)
        #expect(decide(token) == #"{"isAuthorized":false}"#, "not a bearer token")
        #expect(decide("Bearer x.y.z") == #"{"isAuthorized":false}"#)
        #expect(authorizer.decide(event: nil).text == #"{"isAuthorized":false}"#)
    }

    @Test func myOrdersAreTheSignedInUsersOnly() throws {
        let database = FakeDatabase()
        database.queryResult = .success(QueryOutput(items: [storedOrder(.created)]))
        let api = APIController(ListMyOrdersApi(database: database, tableName: "commerce"))
        let mine = api.respond(toBody: "{}", headers: [:], userId: "MARIA", logger: quietLogger)
        #expect(mine.statusCode == 200)
        let query = try #require(database.queries.first)
        #expect(
            query.filterExpression == "#userId = :userId" && query.expressionAttributeValues?[":userId"] == .s("MARIA"))
        #expect(query.indexName == "gsi1pk-gsi1sk-index" && query.limit == nil)
        #expect(api.respond(toBody: "{}", logger: quietLogger).statusCode == 401, "no authorizer in front: refused")
    }
}
