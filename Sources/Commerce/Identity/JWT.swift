import AWSShapes
import AWSSigV4

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON Web Tokens signed with HS256 (EventFlowCommerce's sign-in), over OpenSSL's HMAC-SHA256.
public struct JWTSigner: Sendable {
    /// The shared secret: at least 32 bytes (HS256's key should be as long as its hash).
    public var secret: [UInt8]
    public var issuer: String
    public var audience: String

    public init(secret: [UInt8], issuer: String, audience: String) throws(CommerceError) {
        guard secret.count >= 32 else { throw .invalidArguments("the JWT secret must be at least 32 bytes") }
        self.secret = secret
        self.issuer = issuer
        self.audience = audience
    }

    /// The signer of a deployed function: `JWT_SECRET` (required, at least 32 bytes), `JWT_ISSUER` (default
    /// `serverless-commerce`), `JWT_AUDIENCE` (default `commerce-api`).
    public init(environment: [String: String]) throws {
        try self.init(
            secret: Array(try environment.required("JWT_SECRET").utf8),
            issuer: environment["JWT_ISSUER"] ?? "serverless-commerce",
            audience: environment["JWT_AUDIENCE"] ?? "commerce-api")
    }

    /// A signed token for `subject` with `claims` added, valid `lifetime` seconds from `now`.
    public func sign(subject: String, claims: [(String, JSONOutput)] = [], now: Double, lifetime: Int) -> String {
        let header = JSONOutput.object([("alg", .string("HS256")), ("typ", .string("JWT"))]).text
        var payload: [(String, JSONOutput)] = [
            ("sub", .string(subject)), ("iss", .string(issuer)), ("aud", .string(audience)),
            ("iat", .number(now.rounded(.down))), ("exp", .number((now + Double(lifetime)).rounded(.down))),
        ]
        payload += claims
        let signingInput =
            Self.base64URL(Array(header.utf8)) + "." + Self.base64URL(Array(JSONOutput.object(payload).text.utf8))
        return signingInput + "." + Self.base64URL(Crypto.hmacSHA256(key: secret, signingInput))
    }

    /// The claims of a token this signer would have issued and that is valid at `now`; nil otherwise (a bad
    /// signature, another algorithm, expired, not yet valid, another issuer or audience, no subject).
    public func verify(_ token: String, now: Double) -> [String: JSONValue]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 8192,
            let headerBytes = Self.bytes(base64URL: parts[0]), let payloadBytes = Self.bytes(base64URL: parts[1]),
            let signature = Self.bytes(base64URL: parts[2]),
            case .object(let header)? = try? JSONValue(parsing: Data(headerBytes)),
            header["alg"] == .string("HS256"),
            Crypto.constantTimeEqual(signature, Crypto.hmacSHA256(key: secret, "\(parts[0]).\(parts[1])")),
            case .object(let claims)? = try? JSONValue(parsing: Data(payloadBytes)),
            case .string(let subject)? = claims["sub"], !subject.isEmpty,
            claims["iss"] == .string(issuer),
            case .number(let expires)? = claims["exp"], now < expires
        else { return nil }
        if case .number(let notBefore)? = claims["nbf"], now < notBefore { return nil }
        switch claims["aud"] {
        case .string(let audience)? where audience == self.audience: return claims
        case .array(let audiences)? where audiences.contains(.string(audience)): return claims
        default: return nil
        }
    }

    /// Base64 with `-` and `_`, unpadded (RFC 7515's base64url).
    static func base64URL(_ bytes: [UInt8]) -> String {
        String(
            Data(bytes).base64EncodedString().compactMap { character -> Character? in
                switch character {
                case "+": "-"
                case "/": "_"
                case "=": nil
                default: character
                }
            })
    }

    static func bytes(base64URL text: Substring) -> [UInt8]? {
        var base64 = String(
            text.map { character -> Character in
                switch character {
                case "-": "+"
                case "_": "/"
                default: character
                }
            })
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

/// Salted password hashes: `pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>`.
public enum PasswordHash {
    public static let iterations = 100_000

    public static func make(_ password: String, salt: [UInt8]? = nil, iterations: Int = iterations) -> String {
        let salt = salt ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        let hash = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    public static func matches(_ password: String, _ stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]),
            (1...10_000_000).contains(iterations), let salt = Data(base64Encoded: String(parts[2])),
            let hash = Data(base64Encoded: String(parts[3]))
        else { return false }
        let computed = Crypto.pbkdf2SHA256(
            password: Array(password.utf8), salt: Array(salt), iterations: iterations, length: hash.count)
        return Crypto.constantTimeEqual(computed, Array(hash))
    }
}
