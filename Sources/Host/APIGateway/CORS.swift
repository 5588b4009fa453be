/// API Gateway HTTP API CORS: preflight answered by the API itself, headers added to other responses.
extension CORSConfiguration {
    func allows(origin: String) -> Bool {
        allowOrigins.contains("*") || allowOrigins.contains(origin)
    }

    private func originHeader(_ origin: String) -> String {
        allowOrigins.contains("*") && !allowCredentials ? "*" : origin
    }

    /// Headers for the answer to a preflight `OPTIONS` request from `origin`, or nil when the origin is not allowed.
    func preflightHeaders(origin: String, requestHeaders: String?) -> [(String, String)]? {
        guard allows(origin: origin) else { return nil }
        var headers = [("access-control-allow-origin", originHeader(origin))]
        if !allowMethods.isEmpty {
            headers.append(("access-control-allow-methods", allowMethods.joined(separator: ",")))
        }
        if allowHeaders.contains("*"), let requestHeaders {
            headers.append(("access-control-allow-headers", requestHeaders.lowercased()))
        } else if !allowHeaders.isEmpty {
            headers.append(("access-control-allow-headers", allowHeaders.joined(separator: ",")))
        }
        if let maxAge { headers.append(("access-control-max-age", String(maxAge))) }
        if allowCredentials { headers.append(("access-control-allow-credentials", "true")) }
        return headers
    }

    /// Headers added to an ordinary response for a request from `origin`.
    func responseHeaders(origin: String) -> [(String, String)] {
        guard allows(origin: origin) else { return [] }
        var headers = [("access-control-allow-origin", originHeader(origin))]
        if !exposeHeaders.isEmpty {
            headers.append(("access-control-expose-headers", exposeHeaders.joined(separator: ",")))
        }
        if allowCredentials { headers.append(("access-control-allow-credentials", "true")) }
        return headers
    }
}
