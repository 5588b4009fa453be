// DECISIONS (local endpoints): the AWS endpoint and the Runtime API ports run code (Invoke) and read every
// resource, with no real authentication. A web page must not reach them: a browser sends `Origin` on every
// cross-origin POST (even a "simple" text/plain one, which needs no preflight), and DNS rebinding makes a page's own
// domain resolve to 127.0.0.1, so its requests carry that domain in `Host`. The aws CLI, SDKs and functions send no
// `Origin` and a `Host` that is an address or localhost. So: `Host` must be an IP literal (a rebinding attack needs
// a name), `localhost`, a name under `.localhost`, the bind address, or a name the user allowed; `Origin`, when
// present, must name a loopback address, localhost, the bind address or an allowed name (`null`, sent by sandboxed
// and file: pages, is refused). The API port is the user's own HTTP API and answers CORS as the topology says.

/// Decides whether a request to a local endpoint may come from where its `Host` and `Origin` say.
public struct LocalRequestPolicy: Sendable {
    /// Lower-cased names accepted besides the built-in ones (`--allow-host`).
    public var allowedNames: Set<String>
    /// The listen address, accepted in `Host` and `Origin` (unless it is a wildcard).
    public var bindAddress: String

    public init(bindAddress: String = "127.0.0.1", allowedNames: [String] = []) {
        self.bindAddress = bindAddress.lowercased()
        self.allowedNames = Set(allowedNames.map { $0.lowercased() })
    }

    /// nil when the request may proceed, otherwise why not (for the error message).
    public func refusal(host: String?, origin: String?) -> String? {
        if let host, !host.isEmpty, !Self.isPlainLoopback(host), !acceptsHost(Self.hostName(of: host)) {
            return "Host '\(host.prefix(200))' is not one of this host's names"
        }
        if let origin, !acceptsOrigin(origin) {
            return "requests from web pages (Origin '\(origin.prefix(200))') are refused"
        }
        return nil
    }

    func acceptsHost(_ name: String) -> Bool {
        Self.isIPLiteral(name) || isLocalName(name)
    }

    func acceptsOrigin(_ origin: String) -> Bool {
        guard let schemeEnd = origin.range(of: "://") else { return false }
        let scheme = origin[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return false }
        let authority = origin[schemeEnd.upperBound...].split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        let name = Self.hostName(of: authority)
        return Self.isLoopback(name) || isLocalName(name)
            || (name == bindAddress && bindAddress != "0.0.0.0" && bindAddress != "::")
    }

    private func isLocalName(_ name: String) -> Bool {
        name == "localhost" || name.hasSuffix(".localhost") || name == bindAddress || allowedNames.contains(name)
    }

    /// The name of a `Host` value or an origin's authority, lower-cased, without port or IPv6 brackets.
    static func hostName(of authority: String) -> String {
        let text = authority.lowercased()
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return text }
            return String(text[text.index(after: text.startIndex)..<close])
        }
        // One colon: name:port. More: an unbracketed IPv6 address, taken whole.
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }

    /// `127.0.0.1` or `localhost`, with or without a port: what nearly every request carries, accepted without
    /// parsing (this check runs on every request).
    static func isPlainLoopback(_ host: String) -> Bool {
        var utf8 = Substring(host).utf8
        if utf8.starts(with: "127.0.0.1".utf8) {
            utf8 = utf8.dropFirst(9)
        } else if utf8.starts(with: "localhost".utf8) {
            utf8 = utf8.dropFirst(9)
        } else {
            return false
        }
        guard let colon = utf8.first else { return true }
        let port = utf8.dropFirst()
        return colon == UInt8(ascii: ":") && (1...5).contains(port.count)
            && port.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func isIPLiteral(_ name: String) -> Bool {
        isIPv4(name) != nil || isIPv6(name)
    }

    static func isLoopback(_ name: String) -> Bool {
        if let octets = isIPv4(name) { return octets[0] == 127 }
        return name == "::1" || name == "0:0:0:0:0:0:0:1"
    }

    private static func isIPv4(_ name: String) -> [Int]? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    private static func isIPv6(_ name: String) -> Bool {
        guard name.contains(":"), name.count <= 45 else { return false }
        return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
