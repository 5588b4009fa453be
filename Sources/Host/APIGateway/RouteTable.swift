/// A parsed HTTP API route key: `METHOD /literal/{param}/{proxy+}` or `$default`.
struct RouteKey: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        /// `{name+}`: the rest of the path, one or more segments; only last.
        case greedy(String)
    }

    var key: String
    /// `ANY` matches every method.
    var method: String
    var segments: [Segment]
    var isDefault: Bool { key == "$default" }

    init(_ key: String) throws {
        try Self.validate(key, path: "route")
        self.key = key
        if key == "$default" {
            method = "ANY"
            segments = []
            return
        }
        let parts = key.split(separator: " ", maxSplits: 1)
        method = String(parts[0])
        segments = parts[1].split(separator: "/").map { raw in
            if raw.hasPrefix("{") && raw.hasSuffix("+}") { return .greedy(String(raw.dropFirst().dropLast(2))) }
            if raw.hasPrefix("{") && raw.hasSuffix("}") { return .parameter(String(raw.dropFirst().dropLast())) }
            return .literal(String(raw))
        }
    }

    /// Checks a route key as API Gateway does when the route is created.
    static func validate(_ key: String, path: String) throws {
        if key == "$default" { return }
        let parts = key.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, HTTPAPIConfiguration.methods.contains(String(parts[0])) else {
            throw TopologyError(
                path: path,
                reason: "a route key is '$default' or 'METHOD /path' with METHOD one of "
                    + HTTPAPIConfiguration.methods.sorted().joined(separator: ", "))
        }
        let routePath = parts[1]
        guard routePath.hasPrefix("/"), !routePath.contains(" ") else {
            throw TopologyError(path: path, reason: "the path must start with '/' and contain no spaces")
        }
        let segments = routePath.split(separator: "/")
        var names = Set<String>()
        for (index, segment) in segments.enumerated() where segment.hasPrefix("{") || segment.hasSuffix("}") {
            guard segment.hasPrefix("{"), segment.hasSuffix("}"), segment.count > 2 else {
                throw TopologyError(path: path, reason: "'\(segment)' is not a valid path variable: write {name}")
            }
            let greedy = segment.hasSuffix("+}")
            if greedy && index != segments.count - 1 {
                throw TopologyError(
                    path: path, reason: "a greedy path variable ('\(segment)') must be the last segment")
            }
            let name = String(segment.dropFirst().dropLast(greedy ? 2 : 1))
            guard !name.isEmpty, names.insert(name).inserted else {
                throw TopologyError(path: path, reason: "path variable '\(name)' is empty or repeated")
            }
        }
    }
}

/// The routes of one HTTP API, matched as API Gateway does: the most specific route wins — literal segments beat
/// path variables, path variables beat greedy ones, a method beats `ANY` — and `$default` catches the rest.
struct RouteTable: Sendable {
    struct Match: Equatable {
        var route: RouteConfiguration
        var pathParameters: [String: String]
    }

    private let routes: [(key: RouteKey, route: RouteConfiguration)]

    init(_ routes: [RouteConfiguration]) throws {
        self.routes = try routes.map { (try RouteKey($0.key), $0) }
    }

    /// The route for a request; `path` is the raw path (percent-decoding applies to the parameter values).
    func match(method: String, path: String) -> Match? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        var best: (rank: [Int], match: Match)?
        for (key, route) in routes where !key.isDefault && (key.method == method || key.method == "ANY") {
            guard let (parameters, rank) = Self.match(key.segments, against: segments) else { continue }
            let fullRank = rank + [key.method == "ANY" ? 0 : 1]
            if best.map({ $0.rank.lexicographicallyPrecedes(fullRank) }) ?? true {
                best = (fullRank, Match(route: route, pathParameters: parameters))
            }
        }
        if let best { return best.match }
        if let fallback = routes.first(where: { $0.key.isDefault }) {
            return Match(route: fallback.route, pathParameters: [:])
        }
        return nil
    }

    /// Parameters and a rank per segment (2 literal, 1 variable, 0 greedy) when the route matches.
    private static func match(_ pattern: [RouteKey.Segment], against segments: [String]) -> ([String: String], [Int])? {
        var parameters: [String: String] = [:]
        var rank: [Int] = []
        for (index, segment) in pattern.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < segments.count, segments[index] == text else { return nil }
                rank.append(2)
            case .parameter(let name):
                guard index < segments.count, !segments[index].isEmpty else { return nil }
                parameters[name] = segments[index].removingPercentEncodingLeniently
                rank.append(1)
            case .greedy(let name):
                guard index < segments.count else { return nil }
                let rest = segments[index...].joined(separator: "/")
                guard !rest.isEmpty else { return nil }
                parameters[name] = rest.removingPercentEncodingLeniently
                rank.append(0)
                return (parameters, rank)
            }
        }
        // Without a greedy variable the segment counts must agree; a single trailing slash is tolerated.
        let extra = segments.count - pattern.count
        guard extra == 0 || (extra == 1 && segments.last == "") else { return nil }
        return (parameters, rank)
    }
}

extension String {
    /// Percent-decoding that keeps the text as it is when it is not valid percent-encoding.
    var removingPercentEncodingLeniently: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else if byte == UInt8(ascii: "%") {
                return self
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
