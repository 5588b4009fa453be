// DECISIONS (signatures, `--verify-signatures`): off by default, as every local emulator. When on, every request
// of the AWS endpoint but `/_host/*` must carry a SigV4 signature (the `Authorization` header, or a presigned URL's
// `X-Amz-*` query) made with credentials the host knows: the topology's, `test`/`test` by default, and the
// session credentials it gives functions (their session token must come with them). The scope must name the
// service the request is for and the topology's region; `X-Amz-Date` must be within 15 minutes of now (a presigned
// URL: within its `X-Amz-Expires`). The payload hash is `x-amz-content-sha256` when sent, else the body's. Errors
// are each service's (docs/aws-behaviour-notes.md §14): DynamoDB, EventBridge and Logs answer 400
// `InvalidSignatureException` / `UnrecognizedClientException` / `MissingAuthenticationTokenException`; Lambda and
// Pipes the same codes with 403; SQS 403 `SignatureDoesNotMatch` / `InvalidClientTokenId` / `MissingAuthenticationToken`
// with `x-amzn-query-error`.

import AWSSigV4
import Foundation
import HTTPTypes

/// Checks SigV4 signatures against the credentials the host knows.
struct SignatureVerifier: Sendable {
    /// The credentials that may sign, by access key id.
    var credentials: [String: AWSCredentials]
    var region: String
    /// How far `X-Amz-Date` may be from now.
    var allowedSkew: TimeInterval = 15 * 60
    var now: @Sendable () -> Date = { Date() }

    init(credentials: [AWSCredentials], region: String) {
        var byKey: [String: AWSCredentials] = [:]
        for credential in credentials { byKey[credential.accessKeyID] = credential }
        self.credentials = byKey
        self.region = region
    }

    /// Why a request is refused.
    enum Failure: Equatable, Sendable {
        case missing
        case incomplete(String)
        case unknownKey
        case mismatch
        case expired(String)
        case wrongScope(String)
    }

    /// The parts of a request a signature covers.
    struct SignedRequest: Sendable {
        var method: String
        /// The path as sent on the wire (percent-encoded as sent).
        var path: String
        /// The query string as sent, without `?`.
        var query: String
        /// Every header, `host` included.
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// nil when `request` is signed right for `service` (the signing name: dynamodb, sqs, events, logs, lambda,
    /// pipes).
    func check(_ request: SignedRequest, service: String) -> Failure? {
        let queryItems = Self.queryItems(request.query)
        let authorization = request.headers.first { $0.name.lowercased() == "authorization" }?.value
        let presigned = queryItems.first { $0.0 == "X-Amz-Algorithm" } != nil
        if authorization != nil && presigned {
            return .incomplete(
                "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
        }
        let parts: (credential: String, signedHeaders: String, signature: String, date: String, expires: Int?)
        if let authorization {
            guard authorization.hasPrefix("AWS4-HMAC-SHA256 ") else {
                return .incomplete("Authorization header requires the AWS4-HMAC-SHA256 algorithm.")
            }
            var fields: [String: String] = [:]
            for field in authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
                let pair = field.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
            }
            let date = header("x-amz-date", in: request)
            var missing: [String] = []
            for name in ["Credential", "Signature", "SignedHeaders"] where fields[name] == nil {
                missing.append("Authorization header requires '\(name)' parameter.")
            }
            if date == nil {
                missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
            }
            guard missing.isEmpty, let date else {
                return .incomplete((missing + ["Authorization=\(authorization.prefix(40))"]).joined(separator: " "))
            }
            parts = (fields["Credential"]!, fields["SignedHeaders"]!, fields["Signature"]!, date, nil)
        } else if presigned {
            func item(_ name: String) -> String? { queryItems.first { $0.0 == name }?.1 }
            guard let credential = item("X-Amz-Credential"), let signedHeaders = item("X-Amz-SignedHeaders"),
                let signature = item("X-Amz-Signature"), let date = item("X-Amz-Date")
            else {
                return .incomplete(
                    "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
                        + "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'.")
            }
            parts = (credential, signedHeaders, signature, date, item("X-Amz-Expires").flatMap { Int($0) })
        } else {
            return .missing
        }

        let scope = parts.credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else {
            return .incomplete("Credential should be scoped to a valid region and service: '\(parts.credential)'")
        }
        guard let known = credentials[scope[0]] else { return .unknownKey }
        if let token = known.sessionToken {
            let sent =
                header("x-amz-security-token", in: request) ?? queryItems.first { $0.0 == "X-Amz-Security-Token" }?.1
            guard sent == token else { return .unknownKey }
        }
        guard scope[3] == service else {
            return .wrongScope("Credential should be scoped to correct service: '\(service)'. ")
        }
        guard scope[2] == region else {
            return .wrongScope("Credential should be scoped to a valid region, not '\(scope[2])'. ")
        }
        guard let signedAt = Self.date(parts.date), parts.date.hasPrefix(scope[1]) else {
            return .incomplete("Date must be in ISO-8601 'basic format'. Got '\(parts.date)'.")
        }
        let current = now()
        if let expires = parts.expires {
            if current > signedAt.addingTimeInterval(TimeInterval(max(0, expires))) {
                return .expired(
                    "Signature expired: \(parts.date) is now earlier than \(SigV4Signer.timestamp(current)).")
            }
        } else if current.timeIntervalSince(signedAt) > allowedSkew {
            let earliest = SigV4Signer.timestamp(current.addingTimeInterval(-allowedSkew))
            return .expired(
                "Signature expired: \(parts.date) is now earlier than \(earliest) (\(SigV4Signer.timestamp(current)) - 15 min.)"
            )
        } else if signedAt.timeIntervalSince(current) > allowedSkew {
            let latest = SigV4Signer.timestamp(current.addingTimeInterval(allowedSkew))
            return .expired(
                "Signature not yet current: \(parts.date) is still later than \(latest) (\(SigV4Signer.timestamp(current)) + 15 min.)"
            )
        }

        // The canonical request, rebuilt from what arrived.
        let signedNames = parts.signedHeaders.split(separator: ";").map { $0.lowercased() }
        var signedHeaders: [(name: String, value: String)] = []
        for name in signedNames {
            let values = request.headers.filter { $0.name.lowercased() == name }
            guard !values.isEmpty else { return .mismatch }
            signedHeaders += values
        }
        let (canonicalHeaders, signedList) = SigV4Signer.canonicalHeaders(signedHeaders)
        let canonicalQuery = SigV4Signer.canonicalQuery(
            presigned
                ? request.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Signature=") }.joined(
                    separator: "&")
                : request.query)
        let signer = SigV4Signer(
            credentials: known, region: scope[2], service: scope[3], normalizesPath: service != "s3")
        var payloadHashes = [header("x-amz-content-sha256", in: request) ?? Crypto.hex(Crypto.sha256(request.body))]
        if presigned { payloadHashes.append("UNSIGNED-PAYLOAD") }
        for payloadHash in payloadHashes {
            let canonicalRequest = [
                request.method.uppercased(), signer.canonicalURI(request.path), canonicalQuery, canonicalHeaders,
                signedList, payloadHash,
            ].joined(separator: "\n")
            let stringToSign = [
                "AWS4-HMAC-SHA256", parts.date, scope[1...].joined(separator: "/"),
                Crypto.hex(Crypto.sha256(Array(canonicalRequest.utf8))),
            ].joined(separator: "\n")
            let expected = Crypto.hex(Crypto.hmacSHA256(key: signer.signingKey(day: scope[1]), stringToSign))
            if Self.constantTimeEqual(expected, parts.signature) { return nil }
        }
        return .mismatch
    }

    private func header(_ name: String, in request: SignedRequest) -> String? {
        request.headers.first { $0.name.lowercased() == name }?.value
    }

    private static func queryItems(_ query: String) -> [(String, String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (
                SigV4Signer.percentDecoded(parts[0]), parts.count > 1 ? SigV4Signer.percentDecoded(parts[1]) : ""
            )
        }
    }

    /// `yyyyMMdd'T'HHmmss'Z'`.
    static func date(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in digits[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        components.timeZone = TimeZone(identifier: "UTC")
        return Calendar(identifier: .gregorian).date(from: components)
    }

    private static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

extension SignatureVerifier.Failure {
    /// The error as `service` answers it.
    func error(service: String) -> AWSError {
        let badSignature =
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            + "Access Key and signing method. Consult the service documentation for details."
        let badToken = "The security token included in the request is invalid."
        let isSQS = service == "sqs"
        let status: HTTPResponse.Status = isSQS || service == "lambda" || service == "pipes" ? .forbidden : .badRequest
        let (code, message): (String, String)
        switch self {
        case .missing:
            (code, message) = (
                isSQS ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException",
                "Request is missing Authentication Token"
            )
        case .incomplete(let text):
            (code, message) = (isSQS ? "IncompleteSignature" : "IncompleteSignatureException", text)
        case .unknownKey:
            (code, message) = (isSQS ? "InvalidClientTokenId" : "UnrecognizedClientException", badToken)
        case .mismatch:
            (code, message) = (isSQS ? "SignatureDoesNotMatch" : "InvalidSignatureException", badSignature)
        case .expired(let text), .wrongScope(let text):
            (code, message) = (isSQS ? "SignatureDoesNotMatch" : "InvalidSignatureException", text)
        }
        var error = AWSError(code, message, status: status)
        // SQS's JSON protocol names the query protocol's code too (SDKs prefer it).
        if isSQS { error.headers = [("x-amzn-query-error", "\(code);Sender")] }
        return error
    }
}
