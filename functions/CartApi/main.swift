import AWSClients
import Commerce
import LambdaRuntime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The shopping cart (signed in): POST /cart, PUT /cart/{cartId}/add-items, PUT /cart/{cartId}/checkout,
// GET /cart/{cartId}; each change is written with its outbox message in one transaction. Environment:
// CART_TABLE_NAME, OUTBOX_TABLE_NAME, EVENT_SOURCE.
await Lambda.run { _ in
    let environment = ProcessInfo.processInfo.environment
    let database = try DynamoDBClient(environment: environment)
    return CartApi(
        CartService(
            database: database, tableName: try environment.required("CART_TABLE_NAME"),
            outbox: Outbox(
                tableName: try environment.required("OUTBOX_TABLE_NAME"),
                source: environment["EVENT_SOURCE"] ?? "shopping-cart", producer: "CartApi")))
}
