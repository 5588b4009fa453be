import AWSShapes
import Foundation
import Testing

/// A value recorded against real AWS (LocalStack's snapshot files in `aws-recorded/`), compared with what the host
/// produced. LocalStack masked what changes from run to run: ids, ARNs' partition and region, times (`<uuid:1>`,
/// `arn:<partition>:…`, `<datetime>`, and a few bare words such as `sent-timestamp`). A masked string matches any
/// value of the same shape (a mask alone matches any scalar: `LastModified` is a datetime to boto3 and a number on the
/// wire); the account `111111111111` matches any account; everything else must be equal, and objects must have
/// exactly the same keys.
enum RecordedSnapshot {
    static func test(_ file: String, _ name: String) throws -> JSONValue {
        let snapshot = try JSONValue(parsing: Data(contentsOf: testData("aws-recorded/\(file)")))
        guard case .object(let tests) = snapshot,
            let entry = tests.first(where: { $0.key.hasSuffix("::\(name)") })?.value,
            let content = entry["recorded-content"]
        else { throw TestFailure("no recorded test \(name) in \(file)") }
        return content
    }

    /// Words LocalStack put in place of values without angle brackets.
    static let bareMasks: Set<String> = ["sent-timestamp", "sender-id", "datetime"]

    /// The differences between `actual` and `recorded`, as `path: why` lines (empty when they match).
    static func differences(_ actual: JSONValue, _ recorded: JSONValue, path: String = "$") -> [String] {
        switch (actual, recorded) {
        case (_, .string(let mask)) where isMask(mask):
            switch actual {
            case .object, .array: return ["\(path): \(describe(actual)) where the recording has a scalar"]
            default: return []
            }
        case (.string(let text), .string(let pattern)) where pattern.contains("<") || pattern.contains("111111111111"):
            return text.range(of: regex(pattern), options: .regularExpression) == nil
                ? ["\(path): \(text) does not match \(pattern)"] : []
        case (.object(let mine), .object(let theirs)):
            var lines: [String] = []
            for key in Set(mine.keys).union(theirs.keys).sorted() {
                switch (mine[key], theirs[key]) {
                case (nil, _): lines.append("\(path).\(key): missing (recorded \(describe(theirs[key]!)))")
                case (_, nil): lines.append("\(path).\(key): not in the recording (\(describe(mine[key]!)))")
                case (let a?, let b?): lines += differences(a, b, path: "\(path).\(key)")
                }
            }
            return lines
        case (.array(let mine), .array(let theirs)):
            guard mine.count == theirs.count else {
                return ["\(path): \(mine.count) elements, recorded \(theirs.count)"]
            }
            return zip(mine, theirs).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
        case (.number(let a), .number(let b)):
            return a == b ? [] : ["\(path): \(a), recorded \(b)"]
        default:
            return actual == recorded ? [] : ["\(path): \(describe(actual)), recorded \(describe(recorded))"]
        }
    }

    static func isMask(_ text: String) -> Bool {
        bareMasks.contains(text) || (text.hasPrefix("<") && text.hasSuffix(">") && !text.dropFirst().contains("<"))
    }

    /// A masked string as a regular expression: each `<…>` matches anything, the test account any account.
    static func regex(_ pattern: String) -> String {
        var output = "^"
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            output += NSRegularExpression.escapedPattern(for: String(rest[..<open])) + ".+"
            rest = rest[rest.index(after: close)...]
        }
        output += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        return output.replacingOccurrences(of: "111111111111", with: "[0-9]{12}")
    }

    static func describe(_ value: JSONValue) -> String {
        (try? value.encoded(sortedKeys: true)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    /// Removes what boto3 adds to every response.
    static func withoutMetadata(_ value: JSONValue) -> JSONValue {
        guard case .object(var object) = value else { return value }
        object.removeValue(forKey: "ResponseMetadata")
        return .object(object)
    }
}

extension JSONValue {
    /// An element of an array value.
    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
