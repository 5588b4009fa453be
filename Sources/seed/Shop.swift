import CurlHTTP
import Foundation

/// `seed --shop`: the shop around the orders: users (signed up and signed in), a catalog of products, and carts
/// filled from it (two checked out, which places their orders into the flow), then waits until the checked-out
/// carts' orders exist and the orders side's catalog view holds every product.
struct SeedShop {
    let client: CommerceHTTPClient
    let suffix: String

    static let products: [(name: String, category: String, price: Double)] = [
        ("Conference Pears", "fruit", 2.5), ("Gala Apples", "fruit", 1.8), ("Blood Oranges", "fruit", 3.2),
        ("Leeks", "veg", 1.1), ("Chard", "veg", 2.0), ("Goat Cheese", "dairy", 4.5), ("Yoghurt", "dairy", 1.4),
        ("Butter", "dairy", 2.9),
    ]

    func run(timeout: Int) throws {
        say("the shop: 3 users, \(Self.products.count) products, 3 carts (2 checked out)")
        var products: [[String: Any]] = []
        for product in Self.products {
            let body = #"{"name":"\#(product.name)","category":"\#(product.category)","price":\#(product.price)}"#
            products.append(try send("POST", "/catalog/products", body, expecting: 201))
        }
        var checkedOut: [String] = []
        for index in 1...3 {
            let username = "shopper\(suffix.lowercased())-\(index)"
            let credentials = #"{"username":"\#(username)","password":"seed-password-\#(index)"}"#
            _ = try? send("POST", "/api/v1/identity/signUp", credentials, expecting: 201)
            let token = try send("POST", "/api/v1/identity/signIn", credentials, expecting: 200)["token"] as? String
            // Two products of the catalog, at the catalog's price; the first one twice (the quantities merge).
            let chosen = [products[index % products.count], products[(index * 3) % products.count]]
            func line(_ product: [String: Any], _ quantity: Int) -> String {
                #"{"itemId":"\#(product["name"] as? String ?? "")","quantity":\#(quantity),"price":\#(product["price"] ?? 0)}"#
                    .replacingOccurrences(of: " ", with: "-")
            }
            let cart = try send(
                "POST", "/cart", #"{"items":[\#(line(chosen[0], 1))]}"#, token: token, expecting: 201)
            let cartId = cart["cartId"] as? String ?? ""
            _ = try send(
                "PUT", "/cart/\(cartId)/add-items", #"{"items":[\#(line(chosen[0], 1)),\#(line(chosen[1], 2))]}"#,
                token: token, expecting: 200)
            if index < 3 {
                _ = try send("PUT", "/cart/\(cartId)/checkout", nil, token: token, expecting: 200)
                checkedOut.append(cartId)
            }
        }
        let wanted = Set(checkedOut.flatMap { ["\($0)-1", "\($0)-2"] })
        let deadline = Date().addingTimeInterval(Double(timeout))
        while true {
            let orders = try client.list("/api/v1/orders/listOrders", key: "orders")
            let placed = orders.filter { wanted.contains($0["orderId"] as? String ?? "") }.count
            let view = try send("GET", "/catalog-view/products", nil, expecting: 200)["products"] as? [[String: Any]]
            let viewed = Set((view ?? []).compactMap { $0["productId"] as? String })
            let missing = products.compactMap { $0["productId"] as? String }.filter { !viewed.contains($0) }
            if placed == wanted.count && missing.isEmpty {
                say(
                    "shop: \(placed) orders placed from \(checkedOut.count) checked-out carts; the catalog view holds all "
                        + "\(products.count) products")
                return
            }
            if Date() > deadline {
                throw SeedFailure(
                    description: "the shop did not settle: \(placed)/\(wanted.count) cart orders, \(missing.count) "
                        + "products missing from the catalog view")
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    /// A request with an optional bearer token; an answer other than `expecting` fails the seed.
    func send(_ method: String, _ path: String, _ body: String?, token: String? = nil, expecting: Int) throws
        -> [String: Any]
    {
        var headers = [("Content-Type", "application/json"), ("Origin", "https://localhost")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let response = try client.connection.send(
            method, client.baseURL + path, headers: headers, body: body.map { Array($0.utf8) })
        guard response.status == expecting else {
            throw SeedFailure(description: "\(method) \(path) → \(response.status) \(response.text)")
        }
        return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }
}
