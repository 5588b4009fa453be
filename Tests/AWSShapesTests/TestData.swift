import AWSShapes
import Foundation
import Testing

/// Errors of the test helpers themselves (missing golden data, a fixture of the wrong shape).
struct TestDataError: Error, CustomStringConvertible {
    var description: String
}

/// Locates and reads the shared golden data (`../shared/testdata/` beside the package root).
enum TestData {
    /// The `shared/testdata` folder: `$SHARED_TESTDATA` if set, otherwise the nearest `shared/testdata` found by
    /// walking up from this source file (as written, then with symlinks resolved, so that a throwaway package whose
    /// `Tests/` folder is a symlink finds it too). Throws, so that tests fail rather than skip, when there is none.
    static func directory(filePath: String = #filePath) throws -> URL {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["SHARED_TESTDATA"], !override.isEmpty {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: override, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TestDataError(description: "SHARED_TESTDATA=\(override) is not a directory")
            }
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        let source = URL(fileURLWithPath: filePath)
        for start in [source, source.resolvingSymlinksInPath()] {
            var directory = start.deletingLastPathComponent()
            while directory.path != "/" && !directory.path.isEmpty {
                let candidate = directory.appendingPathComponent("shared/testdata", isDirectory: true)
                var isDirectory: ObjCBool = false
                if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw TestDataError(
            description: "No shared/testdata folder above \(filePath); set SHARED_TESTDATA to its path"
        )
    }

    /// The bytes of a file under the testdata folder, e.g. `data("lambda-events/sqs-event.json")`.
    static func data(_ relativePath: String) throws -> Data {
        let url = try directory().appendingPathComponent(relativePath)
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TestDataError(description: "Cannot read golden file \(url.path): \(error)")
        }
    }

    /// The names of the files in a testdata sub-folder with the given extension, sorted.
    static func fileNames(in folder: String, withExtension fileExtension: String) throws -> [String] {
        let url = try directory().appendingPathComponent(folder, isDirectory: true)
        return try FileManager.default.contentsOfDirectory(atPath: url.path)
            .filter { $0.hasSuffix(".\(fileExtension)") }
            .sorted()
    }
}

/// The outcome of decoding a JSON payload as `T` and encoding the result again.
struct RoundTrip {
    var original: JSONValue
    var reencoded: JSONValue
    /// Whether decoding the re-encoded JSON gives a value equal to the first decoded one.
    var decodesToSameValue: Bool

    /// Decodes `data` as `T`, encodes it, and decodes that again.
    init<T: Codable & Equatable>(_ type: T.Type, data: Data) throws {
        let decoded = try JSONDecoder().decode(T.self, from: data)
        let encoded = try JSONEncoder().encode(decoded)
        original = try JSONValue(parsing: data)
        reencoded = try JSONValue(parsing: encoded)
        decodesToSameValue = try JSONDecoder().decode(T.self, from: encoded) == decoded
    }

    /// Same, starting from a JSON value.
    init<T: Codable & Equatable>(_ type: T.Type, value: JSONValue) throws {
        try self.init(type, data: value.encoded())
    }

    /// Whether the re-encoded JSON equals the original as a JSON value (key order aside).
    var isExact: Bool {
        reencoded == original
    }

    /// Where the re-encoded JSON differs from the original, as readable paths; empty when they are equal.
    var differences: [String] {
        Self.differences(original, reencoded, path: "$")
    }

    private static func differences(_ lhs: JSONValue, _ rhs: JSONValue, path: String) -> [String] {
        switch (lhs, rhs) {
        case (.object(let left), .object(let right)):
            var result: [String] = []
            for key in Set(left.keys).union(right.keys).sorted() {
                switch (left[key], right[key]) {
                case (let leftValue?, let rightValue?):
                    result += differences(leftValue, rightValue, path: "\(path).\(key)")
                case (_?, nil):
                    result.append("\(path).\(key): missing after the round trip")
                case (nil, _?):
                    result.append("\(path).\(key): added by the round trip")
                case (nil, nil):
                    break
                }
            }
            return result
        case (.array(let left), .array(let right)) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { index, pair in
                differences(pair.0, pair.1, path: "\(path)[\(index)]")
            }
        default:
            return lhs == rhs ? [] : ["\(path): \(describe(lhs)) became \(describe(rhs))"]
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        (try? value.encoded()).flatMap { String(data: $0, encoding: .utf8) } ?? "\(value)"
    }
}

/// Generic searches through a recorded snapshot file.
enum Snapshot {
    /// Every object, at any depth, that satisfies `matches`, with its path; matched objects are not searched further.
    /// Strings holding a JSON object (as recorded for SQS message bodies or log lines) are searched too.
    static func objects(
        in value: JSONValue,
        path: String = "$",
        where matches: ([String: JSONValue]) -> Bool
    ) -> [(path: String, object: [String: JSONValue])] {
        switch value {
        case .object(let object):
            if matches(object) {
                return [(path, object)]
            }
            return object.keys.sorted().flatMap { key in
                objects(in: object[key] ?? .null, path: "\(path).\(key)", where: matches)
            }
        case .array(let array):
            return array.enumerated().flatMap { index, element in
                objects(in: element, path: "\(path)[\(index)]", where: matches)
            }
        case .string(let text) where text.hasPrefix("{"):
            guard let parsed = try? JSONValue(parsing: Data(text.utf8)) else {
                return []
            }
            return objects(in: parsed, path: "\(path)<json>", where: matches)
        default:
            return []
        }
    }

    /// Objects holding a non-empty `Records` array whose elements all have the given `eventSource`.
    static func recordsPayloads(
        in value: JSONValue,
        eventSource: String
    ) -> [(path: String, object: [String: JSONValue])] {
        objects(in: value) { object in
            guard let records = object["Records"]?.arrayValue, !records.isEmpty else {
                return false
            }
            return records.allSatisfy { $0["eventSource"]?.stringValue == eventSource }
        }
    }
}
