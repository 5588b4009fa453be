import AWSClients
import AWSShapes
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The users of the shop: `USERS#USERNAME#<username>` / `USER` with a generated `userId` and a salted password hash.
enum Users {
    static func key(username: String) -> DynamoDBItem {
        tableKey(pk: "USERS#USERNAME#\(username)", sk: "USER")
    }

    /// A username: 4 to 64 lower-case letters, digits, `.`, `_` or `-`.
    static func username(_ fields: Fields) throws(CommerceError) -> String {
        let name = try fields.string("username", trimmed: false)
        guard name.utf8.count <= 64,
            name.utf8.allSatisfy({
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || [0x2E, 0x5F, 0x2D].contains($0)
            })
        else { throw .invalidArguments("username must be 4 to 64 lower-case letters, digits, '.', '_' or '-'") }
        return name
    }

    /// A password: 8 to 128 characters.
    static func password(_ fields: Fields) throws(CommerceError) -> String {
        let password = try fields.string("password", minimum: 8, trimmed: false)
        guard password.count <= 128 else { throw .invalidArguments("password must be at most 128 characters") }
        return password
    }
}

/// POST /api/v1/identity/signUp `{username, password}` → 201 `{userId, username}`: the user is stored with a salted
/// PBKDF2 hash of the password (never the password); a username taken is 409.
public struct SignUpApi: APIService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var now: Clock

    public init(database: any CommerceDatabase, tableName: String, now: @escaping Clock = currentISOTimestamp) {
        self.database = database
        self.tableName = tableName
        self.now = now
    }

    public var successStatusCode: Int { 201 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        let request = try Fields(body)
        let username = try Users.username(request)
        let password = try Users.password(request)
        let userId = newIdentifier()
        let now = now()
        let item = Users.key(username: username)
            .merging(Keys.typeAttributes(typeName: "USERS#USER", serviceName: "USERS", createdAt: now))
            .merging([
                "userId": .s(userId), "username": .s(username), "passwordHash": .s(PasswordHash.make(password)),
                "createdAt": .s(now), "updatedAt": .s(now),
            ])
        do throws(DynamoDBError) {
            _ = try database.putItem(
                PutItemInput(
                    tableName: tableName, item: item, conditionExpression: itemDoesNotExist,
                    expressionAttributeNames: keyNames))
        } catch {
            if error.isConditionalCheckFailed { throw CommerceError(.conflict, "username \(username) is taken") }
            throw .unrecognized(error)
        }
        return .object([("userId", .string(userId)), ("username", .string(username))])
    }
}

/// POST /api/v1/identity/signIn `{username, password}` → 200 `{token, tokenType: "Bearer", expiresIn, userId}`: an
/// HS256 JWT whose subject is the user's id; a wrong username or password is 401 `{"message":"Unauthorized"}` (the
/// same answer for both).
public struct SignInApi: APIService {
    public var database: any CommerceDatabase
    public var tableName: String
    public var signer: JWTSigner
    /// Seconds a token is valid (24 h, as EventFlowCommerce).
    public var lifetime = 86_400
    public var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    public init(database: any CommerceDatabase, tableName: String, signer: JWTSigner) {
        self.database = database
        self.tableName = tableName
        self.signer = signer
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        let request = try Fields(body)
        let username = try Users.username(request)
        let password = try Users.password(request)
        guard let user = try database.consistentItem(Users.key(username: username), tableName: tableName),
            let hash = user.string("passwordHash"), PasswordHash.matches(password, hash),
            let userId = user.string("userId")
        else { throw CommerceError(.unauthorized, "wrong username or password") }
        let token = signer.sign(
            subject: userId, claims: [("username", .string(username))], now: clock(), lifetime: lifetime)
        return .object([
            ("token", .string(token)), ("tokenType", .string("Bearer")), ("expiresIn", .number(Double(lifetime))),
            ("userId", .string(userId)),
        ])
    }
}

/// The Lambda authorizer (REQUEST, simple responses) of the signed-in routes: `Authorization: Bearer <token>` with
/// a valid token of this shop allows the request and passes `{userId, username}` as its context.
public struct JWTAuthorizer: LambdaByteHandler {
    public var signer: JWTSigner
    public var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    public init(signer: JWTSigner) { self.signer = signer }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        Array(decide(event: try? JSONValue(parsing: Data(event))).text.utf8)
    }

    public func decide(event: JSONValue?) -> JSONOutput {
        guard case .array(let sources)? = event?["identitySource"], case .string(let header)? = sources.first,
            header.hasPrefix("Bearer "),
            let claims = signer.verify(String(header.dropFirst("Bearer ".count)), now: clock()),
            case .string(let userId)? = claims["sub"]
        else { return .object([("isAuthorized", .bool(false))]) }
        var context: [(String, JSONOutput)] = [("userId", .string(userId))]
        if case .string(let username)? = claims["username"] { context.append(("username", .string(username))) }
        return .object([("isAuthorized", .bool(true)), ("context", .object(context))])
    }
}

/// POST /api/v1/orders/listMyOrders `{sortDirection?, limit?}` (signed in) → 200 `{"orders": [...]}`: the orders
/// whose `userId` is the signed-in user's, as ListOrders answers them.
public struct ListMyOrdersApi: UserAPIService {
    public var database: any CommerceDatabase
    public var tableName: String

    public init(database: any CommerceDatabase, tableName: String) {
        self.database = database
        self.tableName = tableName
    }

    public var successStatusCode: Int { 200 }

    public func handle(body: JSONValue?, userId: String, logger: LambdaLogger) throws(CommerceError) -> JSONOutput {
        let options = try Fields(body).listOptions()
        let fields = ["orderId", "orderStatus", "sku", "units", "price", "userId", "createdAt", "updatedAt"]
        // DynamoDB limits before it filters: the page is read whole (1 MB) and cut to `limit` after the filter.
        let input = QueryInput(
            tableName: tableName, indexName: Keys.gsi1IndexName,
            scanIndexForward: (options.sortDirection ?? .asc) == .asc, filterExpression: "#userId = :userId",
            keyConditionExpression: "#gsi1pk = :gsi1pk",
            expressionAttributeNames: ["#gsi1pk": "gsi1pk", "#userId": "userId"],
            expressionAttributeValues: [":gsi1pk": .s("ORDERS#ORDER"), ":userId": .s(userId)])
        let output: QueryOutput
        do throws(DynamoDBError) {
            output = try database.query(input)
        } catch {
            throw .unrecognized(error)
        }
        let items = (output.items ?? []).prefix(options.limit ?? ListQuery.defaultLimit).map { item in
            JSONOutput.object(fields.compactMap { name in item[name].map { (name, JSONOutput(unmarshalled($0))) } })
        }
        return .object([("orders", .array(items))])
    }
}
