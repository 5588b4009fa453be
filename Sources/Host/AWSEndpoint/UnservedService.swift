import Foundation
import HTTPTypes
import Hummingbird

/// A request for an AWS service (or protocol) the host does not serve, answered in that service's own protocol so
/// the SDK that sent it shows a readable error naming the service: XML `ErrorResponse` for the query protocol
/// (STS, IAM, SNS, …, and SQS's old query protocol), XML `Error` for S3, JSON `__type` / `message` otherwise. The
/// service is read from the SigV4 credential scope (`Credential=AKID/date/region/<service>/aws4_request`, in the
/// `Authorization` header or a presigned URL's `X-Amz-Credential`).
struct UnservedService {
    enum WireProtocol { case query, restXML, json }

    var service: String
    var action: String?
    var wireProtocol: WireProtocol

    /// The services the host serves, as named in credential scopes.
    static let served = ["dynamodb", "sqs", "events", "logs", "lambda", "pipes", "xray", "sts (GetCallerIdentity)"]
    /// Services that speak the query protocol (form-encoded `Action=…`, XML answers).
    static let queryServices: Set<String> = [
        "sts", "iam", "sns", "ses", "cloudformation", "ec2", "rds", "elasticache", "autoscaling",
        "elasticloadbalancing", "redshift", "sdb", "monitoring", "sqs",
    ]

    init?(_ request: Request) {
        let scope =
            Self.scopeService(request.headers[.authorization])
            ?? Self.scopeService(request.uri.queryParameters["X-Amz-Credential"].map(String.init))
        let isForm = request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
        let action = request.uri.queryParameters["Action"].map(String.init)
        guard let service = scope ?? (isForm || action != nil ? "an AWS query-protocol service" : nil) else {
            return nil
        }
        self.service = service
        self.action = action
        if service == "s3" {
            wireProtocol = .restXML
        } else if isForm || Self.queryServices.contains(service) && request.method == .post && !isJSON(request) {
            wireProtocol = .query
        } else {
            wireProtocol = .json
        }

        func isJSON(_ request: Request) -> Bool {
            request.headers[.contentType]?.contains("json") == true
        }
    }

    /// The service named by a SigV4 credential scope.
    static func scopeService(_ text: String?) -> String? {
        guard let text else { return nil }
        // `AWS4-HMAC-SHA256 Credential=AKID/…, SignedHeaders=…` or a presigned URL's bare credential.
        let start = text.range(of: "Credential=")?.upperBound ?? text.startIndex
        let credential = text[start...].prefix { $0 != "," && $0 != " " }
        let parts = credential.split(separator: "/")
        guard parts.count == 5, parts[4] == "aws4_request" else { return nil }
        let service = parts[3].lowercased()
        guard service.count <= 64, service.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        return service
    }

    var message: String {
        let what = service == "sqs" ? "SQS's query protocol" : service
        let served = Self.served.joined(separator: ", ")
        let advice = service == "sqs" ? " (it speaks SQS's JSON protocol: use a current AWS SDK or CLI)" : ""
        return "The host does not serve \(what)\(action.map { " (\($0))" } ?? "")\(advice); it serves \(served)."
    }

    var response: Response {
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amzn-RequestId")!] = Identifiers.uuid()
        let body: String
        switch wireProtocol {
        case .query:
            headers[.contentType] = "text/xml"
            body =
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>\(Self.xmlEscaped(message))"
                + "</Message></Error><RequestId>\(headers[HTTPField.Name("x-amzn-RequestId")!] ?? "")</RequestId>"
                + "</ErrorResponse>"
        case .restXML:
            headers[.contentType] = "application/xml"
            body =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NotImplemented</Code><Message>"
                + "\(Self.xmlEscaped(message))</Message></Error>"
        case .json:
            return AWSError("UnknownOperationException", message).response
        }
        return Response(status: .badRequest, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func xmlEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
