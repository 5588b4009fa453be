import AWSSigV4

/// A payment gateway's answer.
public struct PaymentGatewayResponse: Equatable, Sendable {
    public enum Status: String, Sendable {
        case accepted = "SDK_PAYMENT_ACCEPTED"
        case rejected = "SDK_PAYMENT_REJECTED"
    }

    public var paymentId: String
    public var status: Status

    public init(paymentId: String, status: Status) {
        self.paymentId = paymentId
        self.status = status
    }
}

/// The external payment gateway. A thrown error is a failed attempt (transient: the payment is retried).
public protocol PaymentGateway {
    func submitPayment(_ order: OrderData) throws -> PaymentGatewayResponse
}

public struct PaymentGatewayError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String { "Payment failed because the payment gateway is shaky" }
    public init() {}
}

/// The reference's fake SDK (`SdkPaymentGatewayClient`): a price ≤ 0 or ≥ 100,000 is rejected; otherwise a draw
/// below `acceptRate` (0.3 by default) accepts and anything else throws, so about 70% of attempts fail. The
/// payment id is the first 6 hex digits of MD5(orderId), upper-cased: the same for every attempt of an order.
public struct FakePaymentGateway: PaymentGateway {
    public static let defaultAcceptRate = 0.3
    public static let acceptRateVariable = "PAYMENT_GATEWAY_ACCEPT_RATE"

    public var acceptRate: Double
    /// A uniform draw in [0, 1) (`Math.random()`).
    public var random: () -> Double

    public init(acceptRate: Double = defaultAcceptRate, random: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.acceptRate = acceptRate
        self.random = random
    }

    // DECISIONS: a rate that is not a number from 0 to 1 fails the function's initialisation.
    /// The accept rate from `PAYMENT_GATEWAY_ACCEPT_RATE` (a number from 0 to 1), 0.3 when unset.
    public init(environment: [String: String]) throws(CommerceError) {
        guard let text = environment[Self.acceptRateVariable], !text.isEmpty else {
            self.init()
            return
        }
        guard let rate = Double(text), (0...1).contains(rate) else {
            throw .invalidArguments("\(Self.acceptRateVariable) must be a number from 0 to 1, not \(text)")
        }
        self.init(acceptRate: rate)
    }

    public func submitPayment(_ order: OrderData) throws -> PaymentGatewayResponse {
        let paymentId = Self.paymentId(orderId: order.orderId)
        if order.price <= 0 || order.price >= 100_000 {
            return PaymentGatewayResponse(paymentId: paymentId, status: .rejected)
        }
        guard random() < acceptRate else { throw PaymentGatewayError() }
        return PaymentGatewayResponse(paymentId: paymentId, status: .accepted)
    }

    /// `md5(orderId).substring(0, 6).toUpperCase()`.
    public static func paymentId(orderId: String) -> String {
        String(Crypto.hex(Crypto.md5(Array(orderId.utf8))).prefix(6)).uppercased()
    }
}
