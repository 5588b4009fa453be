import AWSShapes
import Foundation
import Logging
import Testing

@testable import EventPatterns
@testable import Host

/// Runs every case in `shared/testdata/eventbridge-patterns/` (LocalStack's AWS-validated templates).
/// Name suffix `_NEG`: must not match; `_EXC`: invalid pattern; otherwise: must match.
struct EventPatternCorpusTests {
    static let directory: URL? = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            let shared = url.deletingLastPathComponent().appendingPathComponent("shared")
            if FileManager.default.fileExists(atPath: shared.path) {
                return shared.appendingPathComponent("testdata/eventbridge-patterns")
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }()

    static let caseNames: [String] = {
        guard let directory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".json5") }.sorted() + ["complex_multi_key_event.json"]
    }()

    /// A host (not running: the API is called directly) for the TestEventPattern checks.
    static let host: HostRuntime = {
        let configuration = HostConfiguration(
            awsPort: 0, apiPort: 0, dataDirectory: NSTemporaryDirectory() + "patterns-\(UUID().uuidString)",
            printFunctionLogs: false)
        return try! HostRuntime(topology: Topology(), configuration: configuration, logger: Logger(label: "patterns"))
    }()

    /// The recorded LocalStack snapshot's contents: (case name, recorded content) pairs.
    static let recordedContents: [(caseName: String, content: JSONValue)] = {
        guard let directory,
            let data = try? Data(
                contentsOf: directory.deletingLastPathComponent()
                    .appendingPathComponent("aws-recorded/test_events_patterns.snapshot.json")),
            let root = try? JSONValue(parsing: data).objectValue
        else { return [] }
        return root.values.flatMap { entry in
            (entry["recorded-content"]?.objectValue ?? [:]).map { (caseName: $0.key, content: $0.value) }
        }
    }()

    /// AWS's InvalidEventPatternException messages (the first line) by case name.
    static let recordedMessages: [String: String] = Dictionary(
        recordedContents.compactMap { entry in
            entry.content["exception_message"]?["Error"]?["Message"]?.stringValue.map { (entry.caseName, $0) }
        },
        uniquingKeysWith: { first, _ in first })

    /// AWS's full messages (with the parser location suffix), by case name. LocalStack's snapshot replaced the
    /// partition and region in one of them; they are put back as AWS saw them.
    static let recordedRawMessages: [String: String] = {
        var messages: [String: String] = [:]
        for (caseName, content) in recordedContents {
            if let message = content["exception_message"]?["Error"]?["MessageRaw"]?.stringValue {
                messages[caseName] = message.replacingOccurrences(of: "<partition>", with: "aws")
                    .replacingOccurrences(of: "<region>", with: "us-east-1")
            } else if caseName == "invalid-pattern", let message = content["Error"]?["Message"]?.stringValue {
                // test_invalid_json_event_pattern: patterns that are not JSON, in Jackson's words.
                messages["invalid JSON \(messages.count)"] = message
            }
        }
        return messages
    }()

    @Test func recordedMessagesArePresent() {
        #expect(Self.recordedMessages.count >= 30)
        #expect(Self.recordedRawMessages.count >= 30)
    }

    /// Every recorded message word for word, location included: the pattern is the text AWS was sent (quoted in
    /// the location), so the columns are comparable.
    @Test(arguments: recordedRawMessages.keys.sorted())
    func recordedMessageWithLocation(_ caseName: String) throws {
        let raw = try #require(Self.recordedRawMessages[caseName])
        let pattern: String
        if let start = raw.range(of: "(String)\""),
            let end = raw.range(of: "\"; line: ", range: start.upperBound..<raw.endIndex)
        {
            pattern = String(raw[start.upperBound..<end.lowerBound])
        } else {
            // Errors AWS finds after reading the pattern carry no location; the corpus file holds the pattern.
            let directory = try #require(Self.directory)
            let text = EventPatternJSON5.toJSON(
                try String(contentsOf: directory.appendingPathComponent(caseName + ".json5"), encoding: .utf8))
            guard case .object(let members) = try EventPatternJSONParser.parse(text),
                let value = members.first(where: { $0.key == "EventPattern" })?.value
            else { throw TestFailure("no pattern in \(caseName)") }
            pattern = EventPatternJSON5.serialise(value)
        }
        let error = #expect(throws: EventPatternError.self) { try EventPattern(parsing: pattern) }
        #expect(error?.message == raw, "\(caseName)")
    }

    @Test func corpusIsPresent() {
        #expect(Self.caseNames.count == 156)
    }

    @Test(arguments: caseNames)
    func corpusCase(_ name: String) async throws {
        let directory = try #require(Self.directory)
        let eventText: String
        let patternText: String
        if name == "complex_multi_key_event.json" {
            eventText = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            patternText = try String(
                contentsOf: directory.appendingPathComponent("complex_multi_key_event_pattern.json"), encoding: .utf8)
        } else {
            let text = EventPatternJSON5.toJSON(
                try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
            // Split the file into its two members without re-serialising (keeps duplicate keys and number text).
            let parsed = try EventPatternJSONParser.parse(text)
            guard case .object(let members) = parsed else { Issue.record("not an object"); return }
            let event = try #require(members.first { $0.key == "Event" }?.value)
            let pattern = try #require(members.first { $0.key == "EventPattern" }?.value)
            eventText = EventPatternJSON5.serialise(event)
            patternText = EventPatternJSON5.serialise(pattern)
        }
        let stem = name.replacingOccurrences(of: ".json5", with: "").replacingOccurrences(of: ".json", with: "")
        // The same case through the TestEventPattern API, as AWS was asked when the case was recorded.
        let body = try JSONSerialization.data(withJSONObject: ["EventPattern": patternText, "Event": eventText])
        let answer = await Self.host.eventBridge.handle(target: "AWSEvents.TestEventPattern", body: body)
        let json = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] ?? [:]
        if stem.hasSuffix("_EXC") {
            #expect(answer.status == 400, "\(name)")
            #expect(json["__type"] as? String == "InvalidEventPatternException", "\(name)")
        } else {
            #expect(answer.status == 200, "\(name)")
            #expect(json["Result"] as? Bool == !stem.hasSuffix("_NEG"), "\(name)")
        }
        if stem.hasSuffix("_EXC") {
            let error = #expect(throws: EventPatternError.self) { try EventPattern(parsing: patternText) }
            if let recorded = Self.recordedMessages[stem] {
                // The first line: the pattern was re-serialised, so the location's columns differ from AWS's.
                #expect(error.map { "Event pattern is not valid. Reason: " + $0.reason } == recorded, "\(name)")
            }
            return
        }
        let pattern = try EventPattern(parsing: patternText)
        #expect(pattern.matches(eventJSON: eventText) == !stem.hasSuffix("_NEG"), "\(name)")
    }
}

/// A tiny JSON5 subset reader for the test data: strips comments outside strings and drops trailing commas.
enum EventPatternJSON5 {
    static func toJSON(_ text: String) -> String {
        var output: [Character] = []
        let characters = Array(text)
        var index = 0
        var inString = false
        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            if inString {
                output.append(character)
                if character == "\\", let next {
                    output.append(next)
                    index += 2
                    continue
                }
                if character == "\"" { inString = false }
                index += 1
            } else if character == "\"" {
                inString = true
                output.append(character)
                index += 1
            } else if character == "/", next == "/" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
            } else if character == "/", next == "*" {
                index += 2
                while index + 1 < characters.count, !(characters[index] == "*" && characters[index + 1] == "/") {
                    index += 1
                }
                index += 2
            } else if character == "}" || character == "]" {
                // Drop a trailing comma before the closing bracket.
                var back = output.count - 1
                while back >= 0, output[back].isWhitespace { back -= 1 }
                if back >= 0, output[back] == "," { output.remove(at: back) }
                output.append(character)
                index += 1
            } else {
                output.append(character)
                index += 1
            }
        }
        return String(output)
    }

    /// Writes pattern JSON back out, keeping duplicate keys and number text.
    static func serialise(_ json: EventPatternJSON) -> String {
        switch json {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let text, _): return text
        case .string(let value): return quote(value)
        case .array(let values): return "[" + values.map(serialise).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { quote($0.key) + ":" + serialise($0.value) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
