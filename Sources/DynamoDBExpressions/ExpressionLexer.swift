/// A token of a DynamoDB expression.
package struct ExpressionToken: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A run of `[A-Za-z0-9_]` not starting with `_`: a bare attribute name, a keyword, a function name or (all digits) a number.
        case word
        /// `#name`.
        case nameReference
        /// `:value`.
        case valueReference
        /// One of `= <> < <= > >= , ( ) [ ] . + -`.
        case punctuation
        /// A character no token starts with.
        case invalid
        /// The end of the expression.
        case end
    }

    package var kind: Kind
    /// The token's text (`"<EOF>"` for the end).
    package var text: String
    /// Offsets of the token in the expression's Unicode scalars.
    package var start: Int
    package var end: Int

    /// Whether this is the keyword `keyword` (case-insensitive).
    package func isKeyword(_ keyword: String) -> Bool {
        kind == .word && text.uppercased() == keyword
    }

    /// Whether this is the punctuation `symbol`.
    package func isPunctuation(_ symbol: String) -> Bool {
        kind == .punctuation && text == symbol
    }
}

/// Splits an expression into tokens. Whitespace separates tokens and is dropped (its positions survive in the
/// tokens' offsets, for the `near:` of syntax errors).
package enum ExpressionLexer {
    package static func tokens(of expression: String) -> [ExpressionToken] {
        let scalars = Array(expression.unicodeScalars)
        var tokens: [ExpressionToken] = []
        var index = 0
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            // ASCII letters, digits and `_`, by value (Unicode's property tables were 1% of an UpdateItem).
            let value = scalar.value
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x30 && value <= 0x39)
                || value == 0x5F
        }
        func text(_ start: Int, _ end: Int) -> String {
            var result = ""
            result.unicodeScalars.append(contentsOf: scalars[start..<end])
            return result
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let start = index
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                index += 1
                continue
            }
            var kind = ExpressionToken.Kind.punctuation
            if scalar == "_" {
                // A word starts with a letter or a digit: DynamoDB reports a leading `_` as the bad token.
                index += 1
                kind = .invalid
            } else if isWordScalar(scalar) {
                while index < scalars.count, isWordScalar(scalars[index]) { index += 1 }
                kind = .word
            } else if scalar == "#" || scalar == ":" {
                index += 1
                while index < scalars.count, isWordScalar(scalars[index]) { index += 1 }
                kind = index - start > 1 ? (scalar == "#" ? .nameReference : .valueReference) : .invalid
            } else if scalar == "<" {
                index += 1
                if index < scalars.count, scalars[index] == "=" || scalars[index] == ">" { index += 1 }
            } else if scalar == ">" {
                index += 1
                if index < scalars.count, scalars[index] == "=" { index += 1 }
            } else if "=,()[].+-".unicodeScalars.contains(scalar) {
                index += 1
            } else {
                index += 1
                kind = .invalid
            }
            tokens.append(ExpressionToken(kind: kind, text: text(start, index), start: start, end: index))
        }
        tokens.append(ExpressionToken(kind: .end, text: "<EOF>", start: scalars.count, end: scalars.count))
        return tokens
    }

    /// The `near:` text DynamoDB prints for a syntax error at `tokens[position]`: from the previous token through
    /// the next one (with the whitespace between them).
    package static func near(_ tokens: [ExpressionToken], at position: Int, in expression: String) -> String {
        let scalars = Array(expression.unicodeScalars)
        let start = position > 0 ? tokens[position - 1].start : tokens[position].start
        let end: Int
        if tokens[position].kind == .end {
            end = scalars.count
        } else if position + 1 < tokens.count, tokens[position + 1].kind != .end {
            end = tokens[position + 1].end
        } else {
            end = tokens[position].end
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[start..<max(start, end)])
        return result
    }
}
