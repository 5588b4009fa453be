import AWSShapes

/// One element of a pattern leaf list (the leaf matches when any of its matchers does).
enum EventPatternMatcher: Sendable, Equatable {
    case exactString(String)
    case exactNumber(Double)
    case exactBool(Bool)
    case exactNull
    case prefix(String, ignoreCase: Bool)
    case suffix(String, ignoreCase: Bool)
    case equalsIgnoreCase(String)
    case wildcard(EventPatternWildcard)
    case anythingBut(EventPatternAnythingBut)
    case numeric(EventPatternNumericRange)
    case exists(Bool)
    case cidr(EventPatternCIDR)

    /// Whether the matcher accepts one leaf value of the event (a string, number, bool or null).
    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .exactString(let expected): value == .string(expected)
        case .exactNumber(let expected): value == .number(expected)
        case .exactBool(let expected): value == .bool(expected)
        case .exactNull: value == .null
        case .prefix(let prefix, let ignoreCase):
            value.stringValue.map { ignoreCase ? $0.lowercased().hasPrefix(prefix) : $0.hasPrefix(prefix) } ?? false
        case .suffix(let suffix, let ignoreCase):
            value.stringValue.map { ignoreCase ? $0.lowercased().hasSuffix(suffix) : $0.hasSuffix(suffix) } ?? false
        case .equalsIgnoreCase(let expected): value.stringValue.map { $0.lowercased() == expected } ?? false
        case .wildcard(let wildcard): value.stringValue.map(wildcard.matches) ?? false
        case .anythingBut(let anythingBut): anythingBut.matches(value)
        case .numeric(let range): value.doubleValue.map(range.contains) ?? false
        case .exists(let exists): exists
        case .cidr(let cidr): value.stringValue.map(cidr.contains) ?? false
        }
    }
}

/// `{"anything-but": …}`: matches every present value (null included) that the inner condition rejects.
enum EventPatternAnythingBut: Sendable, Equatable {
    case strings(Set<String>)
    case numbers(Set<Double>)
    case prefixes([String])
    case suffixes([String])
    case equalsIgnoreCase(Set<String>)
    case wildcards([EventPatternWildcard])

    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .strings(let excluded): value.stringValue.map { !excluded.contains($0) } ?? true
        case .numbers(let excluded): value.doubleValue.map { !excluded.contains($0) } ?? true
        case .prefixes(let prefixes): value.stringValue.map { s in !prefixes.contains { s.hasPrefix($0) } } ?? true
        case .suffixes(let suffixes): value.stringValue.map { s in !suffixes.contains { s.hasSuffix($0) } } ?? true
        case .equalsIgnoreCase(let excluded): value.stringValue.map { !excluded.contains($0.lowercased()) } ?? true
        case .wildcards(let wildcards): value.stringValue.map { s in !wildcards.contains { $0.matches(s) } } ?? true
        }
    }
}

/// `{"numeric": [">", 0, "<=", 5]}` or `{"numeric": ["=", 3]}`, compared by value; only JSON numbers match.
struct EventPatternNumericRange: Sendable, Equatable {
    var lower: (value: Double, inclusive: Bool)?
    var upper: (value: Double, inclusive: Bool)?

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.lower?.value == rhs.lower?.value && lhs.lower?.inclusive == rhs.lower?.inclusive
            && lhs.upper?.value == rhs.upper?.value && lhs.upper?.inclusive == rhs.upper?.inclusive
    }

    func contains(_ number: Double) -> Bool {
        if let lower, lower.inclusive ? number < lower.value : number <= lower.value { return false }
        if let upper, upper.inclusive ? number > upper.value : number >= upper.value { return false }
        return true
    }
}

/// `{"wildcard": "a*b"}`: `*` matches any sequence; `\*` and `\\` are literal.
struct EventPatternWildcard: Sendable, Equatable {
    /// Literal pieces between the wildcards (`segments.count == wildcards + 1`).
    var segments: [[Character]]

    /// Maximum number of `*` AWS accepts in one wildcard value.
    ///
    /// Heuristic: AWS rejects `*:*:*:*:*:event-bus/*` (6 wildcards) as "too complex" using event-ruler's NFA
    /// complexity evaluator, which is not reproduced here; more than five wildcards are rejected instead.
    static let maximumWildcards = 5

    init(parsing pattern: String) throws(EventPatternError) {
        var segments: [[Character]] = [[]]
        var characters = Array(pattern).makeIterator()
        var position = 0
        var previousWasWildcard = false
        while let character = characters.next() {
            defer { position += 1 }
            switch character {
            case "*":
                if previousWasWildcard {
                    throw EventPatternError(reason: "Consecutive wildcard characters at pos \(position)")
                }
                segments.append([])
                previousWasWildcard = true
            case "\\":
                guard let escaped = characters.next(), escaped == "*" || escaped == "\\" else {
                    throw EventPatternError(reason: "Invalid escape character at pos \(position)")
                }
                position += 1
                segments[segments.count - 1].append(escaped)
                previousWasWildcard = false
            default:
                segments[segments.count - 1].append(character)
                previousWasWildcard = false
            }
        }
        self.segments = segments
    }

    /// AWS refuses wildcards too complex for its matcher when it adds the rule, after reading the whole pattern
    /// (so this message carries no parser location).
    func checkComplexity() throws(EventPatternError) {
        if segments.count - 1 > Self.maximumWildcards {
            throw EventPatternError(
                reason: "Rule is too complex - try using fewer wildcard characters or fewer repeating character "
                    + "sequences after a wildcard character")
        }
    }

    func matches(_ string: String) -> Bool {
        let text = Array(string)
        guard segments.count > 1 else { return text == segments[0] }
        let first = segments[0]
        let last = segments[segments.count - 1]
        guard text.count >= first.count + last.count, text.starts(with: first),
            text.suffix(last.count).elementsEqual(last)
        else { return false }
        var position = first.count
        let end = text.count - last.count
        for segment in segments.dropFirst().dropLast() where !segment.isEmpty {
            guard let found = Self.find(segment, in: text, from: position, end: end) else { return false }
            position = found + segment.count
        }
        return true
    }

    private static func find(_ needle: [Character], in text: [Character], from start: Int, end: Int) -> Int? {
        guard end - start >= needle.count else { return nil }
        for offset in start...(end - needle.count) where text[offset..<(offset + needle.count)].elementsEqual(needle) {
            return offset
        }
        return nil
    }
}

/// `{"cidr": "10.0.0.0/24"}` or an IPv6 prefix; matches event strings holding an address inside the block.
struct EventPatternCIDR: Sendable, Equatable {
    var network: [UInt8]
    var maskBits: Int

    init(parsing text: String) throws(EventPatternError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw EventPatternError(reason: "Malformed CIDR, one '/' required") }
        guard let bits = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else {
            throw EventPatternError(reason: "Malformed CIDR, mask bits must be an integer")
        }
        guard let address = Self.parseAddress(String(parts[0])) else {
            throw EventPatternError(reason: "Nonstandard IP address: \(parts[0])")
        }
        // event-ruler's checks (CIDR.java), which AWS runs: a full-length mask is refused too (an exact address
        // is matched by value instead).
        guard bits >= 0 else { throw EventPatternError(reason: "Malformed CIDR, mask bits must not be negative") }
        guard bits < address.count * 8 else {
            throw EventPatternError(
                reason: address.count == 4 ? "IPv4 mask bits must be < 32" : "IPv6 mask bits must be < 128")
        }
        network = address
        maskBits = bits
    }

    func contains(_ string: String) -> Bool {
        guard let address = Self.parseAddress(string), address.count == network.count else { return false }
        var remaining = maskBits
        for index in 0..<address.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            guard address[index] & mask == network[index] & mask else { return false }
            remaining -= bits
        }
        return true
    }

    /// Parses a dotted IPv4 address (4 bytes) or an IPv6 address (16 bytes, `::` and a trailing IPv4 allowed).
    static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(text) }
        return parseIPv4(Substring(text))
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                    let value = UInt16(piece, radix: 16)
                else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0], allowIPv4: true), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0], allowIPv4: false), let tail = groups(halves[1], allowIPv4: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
