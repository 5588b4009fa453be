import Foundation
import HTTPTypes
import Hummingbird

/// AWS STS, as far as a local account goes: `GetCallerIdentity` (the query protocol: a form-encoded `Action=…`
/// body, an XML answer), the first call many users make to see that the endpoint answers (`aws sts
/// get-caller-identity`). The caller is the account's root user: `Account` is the topology's account, `UserId` the
/// account id and `Arn` `arn:aws:iam::<account>:root`, as AWS answers for root credentials. Any other action is
/// STS's `InvalidAction` error.
// DECISIONS: the host has one identity (every credential it accepts is the account's), so the answer does not
// depend on the access key; AssumeRole and the session-token actions are not served.
struct SecurityTokenService {
    let account: String
    static let namespace = "https://sts.amazonaws.com/doc/2011-06-15/"
    /// A query-protocol body is a few form fields; a larger one is refused unread.
    static let maximumRequestSize = 16_384

    /// Whether the request is for STS: signed for it (its credential scope), or a form naming one of its actions.
    static func serves(_ request: Request) -> Bool {
        UnservedService.scopeService(request.headers[.authorization]) == "sts"
            || UnservedService.scopeService(request.uri.queryParameters["X-Amz-Credential"].map(String.init)) == "sts"
    }

    /// The action of a query-protocol request: from its form body, or from its URL.
    static func action(of request: Request, body: ByteBuffer) -> String? {
        if let action = request.uri.queryParameters["Action"] { return String(action) }
        let form = String(buffer: body)
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "Action" else { continue }
            return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    func respond(to request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(limit: Self.maximumRequestSize)
        let requestID = Identifiers.uuid()
        var headers = HTTPFields()
        headers[.contentType] = "text/xml"
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestID
        let action = Self.action(of: request, body: body)
        guard action == "GetCallerIdentity" else {
            let message =
                "The host's STS serves GetCallerIdentity only"
                + (action.map { "; \(UnservedService.xmlEscaped($0)) is not served" } ?? ": the request names no Action")
            let error =
                "<ErrorResponse xmlns=\"\(Self.namespace)\"><Error><Type>Sender</Type><Code>InvalidAction</Code>"
                + "<Message>\(message)</Message></Error><RequestId>\(requestID)</RequestId></ErrorResponse>"
            return Response(status: .badRequest, headers: headers, body: .init(byteBuffer: ByteBuffer(string: error)))
        }
        let answer =
            "<GetCallerIdentityResponse xmlns=\"\(Self.namespace)\"><GetCallerIdentityResult>"
            + "<Arn>arn:aws:iam::\(account):root</Arn><UserId>\(account)</UserId><Account>\(account)</Account>"
            + "</GetCallerIdentityResult><ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata>"
            + "</GetCallerIdentityResponse>"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer)))
    }
}
