#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AWS Signature Version 4 for services other than S3 (paths are normalised and URI-encoded once more than on the
/// wire), as a pure function of the request, the credentials and an injected date.
///
/// Every header of the request is signed, so pass only the headers that will be sent as given (`Host` included);
/// the signer adds `X-Amz-Date`, `X-Amz-Security-Token` when the credentials have a session token, and
/// `x-amz-content-sha256` when asked.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// The signing name of the service, e.g. "dynamodb".
    public var service: String
    /// Removes `.` and `..` segments and empty segments from the path before signing (every service but S3).
    public var normalizesPath: Bool

    public init(credentials: AWSCredentials, region: String, service: String, normalizesPath: Bool = true) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizesPath = normalizesPath
    }

    /// The request to sign.
    public struct Request: Sendable {
        public var method: String
        /// The path as sent on the wire, e.g. `/` (an empty path signs as `/`).
        public var path: String
        /// The query string as sent, without `?`; empty for none.
        public var query: String
        /// The headers that will be sent; names in any case, repeated names allowed.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(
            method: String,
            path: String = "/",
            query: String = "",
            headers: [(name: String, value: String)],
            body: [UInt8] = []
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// A signature and the intermediate strings of its computation.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        /// 64 lower-case hexadecimal digits.
        public var signature: String
        /// The `Authorization` header value.
        public var authorization: String
        /// The headers to add to the request: `X-Amz-Date`, then `X-Amz-Security-Token` (with a session token),
        /// `x-amz-content-sha256` (when asked for), and `Authorization`.
        public var headers: [(name: String, value: String)]
    }

    /// Signs `request` at `date`.
    /// - Parameter addsContentSHA256Header: also sign and send `x-amz-content-sha256` (S3 needs it; the JSON
    ///   protocol services do not).
    public func sign(_ request: Request, date: Date, addsContentSHA256Header: Bool = false) -> Signature {
        let timestamp = SigV4Signer.timestamp(date)
        let day = String(timestamp.prefix(8))
        let payloadHash = Crypto.hex(Crypto.sha256(request.body))

        var added: [(name: String, value: String)] = [("X-Amz-Date", timestamp)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        if addsContentSHA256Header { added.append(("x-amz-content-sha256", payloadHash)) }

        let (canonicalHeaders, signedHeaders) = SigV4Signer.canonicalHeaders(request.headers + added)
        let canonicalRequest = [
            request.method.uppercased(),
            canonicalURI(request.path),
            SigV4Signer.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", timestamp, scope, Crypto.hex(Crypto.sha256(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        let signature = Crypto.hex(Crypto.hmacSHA256(key: signingKey(day: day), stringToSign))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), "
            + "Signature=\(signature)"
        return Signature(
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signature: signature,
            authorization: authorization,
            headers: added + [("Authorization", authorization)]
        )
    }

    /// The signing key for `day` (`yyyyMMdd`): HMAC chain over the date, region, service and "aws4_request".
    public func signingKey(day: String) -> [UInt8] {
        let dateKey = Crypto.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), day)
        let regionKey = Crypto.hmacSHA256(key: dateKey, region)
        let serviceKey = Crypto.hmacSHA256(key: regionKey, service)
        return Crypto.hmacSHA256(key: serviceKey, "aws4_request")
    }

    // MARK: canonical parts

    /// The canonical URI: the (normalised) path with every byte but unreserved ones and `/` percent-encoded.
    package func canonicalURI(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if normalizesPath { path = SigV4Signer.normalizedPath(path) }
        return SigV4Signer.uriEncode(path, keepingSlashes: true)
    }

    /// Removes empty, `.` and `..` segments; keeps a trailing slash.
    package static func normalizedPath(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var segments: [Substring] = []
        for part in parts {
            switch part {
            case "", ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(part)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        let last = parts.last ?? ""
        if !segments.isEmpty, last.isEmpty || last == "." || last == ".." { result += "/" }
        return result
    }

    /// The canonical query: each name and value percent-decoded then encoded, `name=value` pairs sorted by name
    /// then value, joined with `&`.
    package static func canonicalQuery(_ query: String) -> String {
        var pairs: [(String, String)] = []
        for component in query.split(separator: "&") {
            let name: Substring
            let value: Substring
            if let equals = component.firstIndex(of: "=") {
                name = component[..<equals]
                value = component[component.index(after: equals)...]
            } else {
                name = component
                value = ""
            }
            pairs.append(
                (
                    uriEncode(percentDecoded(name), keepingSlashes: false),
                    uriEncode(percentDecoded(value), keepingSlashes: false)
                ))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// The canonical headers block (each `name:value` line ends with a newline) and the signed headers list.
    /// Names are lower-cased; values trimmed, with runs of whitespace (line folds included) collapsed to one space;
    /// the values of a repeated name are joined with commas in order.
    package static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (String, String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(collapsedWhitespace(value))
        }
        let names = values.keys.sorted()
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    package static func collapsedWhitespace(_ value: String) -> String {
        var out = [UInt8]()
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 percent-encoding of every byte except `A-Z a-z 0-9 - _ . ~` (and `/` when asked), with upper-case
    /// hexadecimal digits.
    package static func uriEncode<S: StringProtocol>(_ text: S, keepingSlashes: Bool) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepingSlashes:
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hexadecimal digits stays as it is.
    package static func percentDecoded<S: StringProtocol>(_ text: S) -> String {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        var index = 0
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, e.g. `20150830T123600Z`.
    public static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(secondOfDay / 3_600, 2)
            + pad(secondOfDay % 3_600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
    }
}
