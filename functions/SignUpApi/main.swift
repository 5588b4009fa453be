import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// POST /api/v1/identity/signUp: a user with a salted password hash. Environment: USERS_TABLE_NAME.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    return APIController(SignUpApi(database: database, tableName: try environment.required("USERS_TABLE_NAME")))
}
