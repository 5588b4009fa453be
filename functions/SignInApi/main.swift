import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/identity/signIn: an HS256 JWT for a user's right password.
// Environment: USERS_TABLE_NAME, JWT_SECRET (at least 32 bytes), JWT_ISSUER, JWT_AUDIENCE.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    let signer = try JWTSigner(environment: environment)
    return APIController(
        SignInApi(database: database, tableName: try environment.required("USERS_TABLE_NAME"), signer: signer))
}
