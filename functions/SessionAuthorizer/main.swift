import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The signed-in routes' Lambda authorizer (REQUEST, simple responses): a valid `Authorization: Bearer <JWT>`.
// Environment: JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE (as SignInApi's).
await Lambda.main { _ in
    let environment = ProcessInfo.processInfo.environment
    let signer = try JWTSigner(environment: environment)
    return JWTAuthorizer(signer: signer)
}
