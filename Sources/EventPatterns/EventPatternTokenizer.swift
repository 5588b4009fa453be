/// A pull tokenizer over event pattern text that keeps the reading position the way AWS's pattern compiler sees it.
///
/// AWS compiles patterns with event-ruler, which reads them token by token through Jackson's streaming parser and
/// reports every error "at" the parser's current location: the position just after the last token read. Jackson
/// reads ahead in two places, and the tokenizer does the same so the columns agree with AWS's answers (recorded in
/// `test_events_patterns.snapshot.json`):
/// - a field name is read together with the first token of its value (`"a": [` stops after the `[`);
/// - a string value stops just after its opening quote until its text is asked for (`text()`), after which the
///   position is after the closing quote.
/// Reading stops with the root object: like event-ruler, what follows it is never read.
struct EventPatternTokenizer {
    enum Token: Equatable {
        case startObject, endObject, startArray, endArray
        case fieldName(String)
        case string(String)
        case number(String)
        case bool(Bool)
        case null

        var isNumber: Bool {
            if case .number = self { return true }
            return false
        }

        /// Jackson's text for the token, as event-ruler quotes it in "Invalid member in numeric match: …".
        var text: String {
            switch self {
            case .startObject: "{"
            case .endObject: "}"
            case .startArray: "["
            case .endArray: "]"
            case .fieldName(let name): name
            case .string(let text), .number(let text): text
            case .bool(let value): value ? "true" : "false"
            case .null: "null"
            }
        }
    }

    /// Jackson's default nesting limit is 1,000; the compiler recurses per level, so the host stops earlier.
    static let maximumDepth = 512

    private enum Context {
        case array(first: Bool)
        case object(first: Bool)
    }

    private let source: String
    private let bytes: [UInt8]
    private var index = 0
    private var contexts: [Context] = []
    private var finished = false
    /// The value token read together with a field name, handed out by the next `next()`.
    private var pending: (token: Token, location: Int, end: Int)?
    /// Jackson's current location (a byte offset into `bytes`).
    private(set) var location = 0
    /// Where the current string token's text ends (after its closing quote).
    private var stringEnd = 0

    init(_ text: String) {
        source = text
        bytes = Array(text.utf8)
    }

    /// Whether only whitespace follows the root value.
    var isAtEndOfText: Bool {
        var position = index
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        return finished && position == bytes.count
    }

    /// The current string token's text was read: the location moves past its closing quote.
    mutating func markTextRead() { location = max(location, stringEnd) }

    /// The next token; `nil` after the root value ends.
    mutating func next() throws(EventPatternError) -> Token? {
        if let pending {
            self.pending = nil
            location = pending.location
            stringEnd = pending.end
            return pending.token
        }
        if finished { return nil }
        skipWhitespace()
        guard let context = contexts.last else {
            return current == nil ? nil : try readValue()
        }
        switch context {
        case .array(let first):
            if current == UInt8(ascii: "]") {
                return close(.endArray)
            }
            if !first {
                guard current == UInt8(ascii: ",") else {
                    throw unexpected("was expecting comma to separate Array entries")
                }
                index += 1
                skipWhitespace()
            }
            contexts[contexts.count - 1] = .array(first: false)
            return try readValue()
        case .object(let first):
            if current == UInt8(ascii: "}") {
                return close(.endObject)
            }
            if !first {
                guard current == UInt8(ascii: ",") else {
                    throw unexpected("was expecting comma to separate Object entries")
                }
                index += 1
                skipWhitespace()
            }
            contexts[contexts.count - 1] = .object(first: false)
            guard current == UInt8(ascii: "\"") else {
                throw unexpected("was expecting double-quote to start field name")
            }
            index += 1
            let name = try readStringBody()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw unexpected("was expecting a colon to separate field name and value")
            }
            index += 1
            skipWhitespace()
            let value = try readValue()
            pending = (value, location, stringEnd)
            return .fieldName(name)
        }
    }

    /// An error at the current location, with the location suffix AWS appends.
    func fail(_ reason: String, repeated: Bool = false) -> EventPatternError {
        failure(at: location, reason: reason, repeated: repeated)
    }

    // MARK: Reading

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func close(_ token: Token) -> Token {
        index += 1
        location = index
        contexts.removeLast()
        if contexts.isEmpty { finished = true }
        return token
    }

    private mutating func readValue() throws(EventPatternError) -> Token {
        guard let byte = current else {
            throw failure(at: index, reason: endOfInputReason)
        }
        let token: Token
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard contexts.count < Self.maximumDepth else {
                throw failure(
                    at: index + 1,
                    reason: "Document nesting depth (\(contexts.count + 1)) exceeds the maximum allowed "
                        + "(\(Self.maximumDepth))")
            }
            index += 1
            contexts.append(byte == UInt8(ascii: "{") ? .object(first: true) : .array(first: true))
            location = index
            return byte == UInt8(ascii: "{") ? .startObject : .startArray
        case UInt8(ascii: "\""):
            index += 1
            let opened = index
            token = .string(try readStringBody())
            stringEnd = index
            location = opened
            if contexts.isEmpty { finished = true }
            return token
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
            UInt8(ascii: "$"), 0x80...:
            // `true`, `false`, `null`, or a word Jackson names whole ("Unrecognized token 'closed'").
            token = try readLiteral()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            token = .number(try readNumber())
        default:
            throw unexpected("expected a value")
        }
        location = index
        if contexts.isEmpty { finished = true }
        return token
    }

    private mutating func readLiteral() throws(EventPatternError) -> Token {
        let start = index
        while let byte = current, Self.isWordByte(byte) { index += 1 }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            throw failure(
                at: index,
                reason: "Unrecognized token '\(word)': was expecting (JSON String, Number, Array, Object or token "
                    + "'null', 'true' or 'false')")
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...:
            true
        default: false
        }
    }

    private mutating func readNumber() throws(EventPatternError) -> String {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        func digits(_ tokenizer: inout EventPatternTokenizer) -> Int {
            let begin = tokenizer.index
            while let byte = tokenizer.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                tokenizer.index += 1
            }
            return tokenizer.index - begin
        }
        if current == UInt8(ascii: "0") {
            index += 1
            if let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                throw failure(at: index, reason: "Invalid numeric value: Leading zeroes not allowed")
            }
        } else if digits(&self) == 0 {
            throw unexpected("expected digit (0-9) to follow minus sign, for valid numeric value", inNumber: true)
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw unexpected("Decimal point not followed by a digit", inNumber: true) }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else {
                throw unexpected("Exponent indicator not followed by a digit", inNumber: true)
            }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func hex(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func readHex4() throws(EventPatternError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw failure(at: index, reason: endOfInputReason) }
            index += 1
            guard let digit = hex(byte) else {
                throw failure(
                    at: index,
                    reason: "Unexpected character (\(describe(byte))): expected a hex-digit for character escape "
                        + "sequence")
            }
            value = value * 16 + digit
        }
        return value
    }

    /// Reads a string after its opening quote, up to and including the closing quote.
    private mutating func readStringBody() throws(EventPatternError) -> String {
        var out: [UInt8] = []
        while true {
            guard let byte = current else {
                throw failure(
                    at: index, reason: "Unexpected end-of-input: was expecting closing quote for a string value")
            }
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = current else { throw failure(at: index, reason: endOfInputReason) }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar), current == UInt8(ascii: "\\"), index + 1 < bytes.count,
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try readHex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8))
                default:
                    throw failure(at: index, reason: "Unrecognized character escape \(describe(escaped))")
                }
            case 0x00..<0x20:
                throw failure(
                    at: index,
                    reason: "Illegal unquoted character (\(describe(byte))): has to be escaped using backslash to be "
                        + "included in string value")
            default: out.append(byte)
            }
        }
    }

    // MARK: Errors in Jackson's words

    private var endOfInputReason: String {
        switch contexts.last {
        case .array: "Unexpected end-of-input: expected close marker for Array"
        case .object: "Unexpected end-of-input: expected close marker for Object"
        case nil: "Unexpected end-of-input: expected a value"
        }
    }

    /// The character at the reading position is not what the grammar allows there; AWS's column is the
    /// character's own (recorded: `{'bad': 'quotation'}` → column 2).
    private func unexpected(_ expectation: String, inNumber: Bool = false) -> EventPatternError {
        guard let byte = current else { return failure(at: index, reason: endOfInputReason) }
        let place = inNumber ? " in numeric value" : ""
        return failure(at: index, reason: "Unexpected character (\(describe(byte)))\(place): \(expectation)")
    }

    /// Jackson's `'x' (code 120)` / `(CTRL-CHAR, code 10)`; a multi-byte character is named by its lead byte's
    /// scalar where it decodes.
    private func describe(_ byte: UInt8) -> String {
        if byte < 0x20 || byte == 0x7F { return "CTRL-CHAR, code \(byte)" }
        if byte < 0x80 { return "'\(Character(Unicode.Scalar(byte)))' (code \(byte))" }
        let start = max(0, index - 1)
        if let scalar = String(decoding: bytes[start..<min(bytes.count, start + 4)], as: UTF8.self).unicodeScalars
            .first,
            scalar != "\u{FFFD}"
        {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "'\(Character(scalar))' (code \(scalar.value) / 0x\(hex))"
        }
        return "(code \(byte))"
    }

    /// Jackson's location suffix: `\n at [Source: (String)"…"; line: L, column: C]`, the column counted in UTF-16
    /// code units from the start of the line, the source cut after 500 characters.
    private func failure(at offset: Int, reason: String, repeated: Bool = false) -> EventPatternError {
        let offset = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        var position = 0
        while position < offset {
            let byte = bytes[position]
            if byte == 0x0A || (byte == 0x0D && (position + 1 >= bytes.count || bytes[position + 1] != 0x0A)) {
                line += 1
                lineStart = position + 1
            }
            position += 1
        }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).utf16.count + 1
        let units = Array(source.utf16)
        let shown: String
        if units.count > Self.sourceSnippetLimit {
            let cut = String(decoding: units[0..<Self.sourceSnippetLimit], as: UTF16.self)
            shown = "\"\(cut)\"[truncated \(units.count - Self.sourceSnippetLimit) chars]"
        } else {
            shown = "\"\(source)\""
        }
        let suffix = "\n at [Source: (String)\(shown); line: \(line), column: \(column)]"
        return EventPatternError(reason: reason, location: repeated ? suffix + suffix : suffix)
    }

    /// Jackson's `ErrorReportConfiguration` default for the source shown in a location.
    static let sourceSnippetLimit = 500
}
