#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A structured logger that honours Lambda's advanced logging controls: `AWS_LAMBDA_LOG_FORMAT` (`Text` or
/// `JSON`) and `AWS_LAMBDA_LOG_LEVEL` (`TRACE` … `FATAL`, default `INFO`). Lines go to standard error unbuffered, so
/// they reach the log stream before the invocation's response.
public struct LambdaLogger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case trace, debug, info, warn, error, fatal

        public var name: String {
            switch self {
            case .trace: "TRACE"
            case .debug: "DEBUG"
            case .info: "INFO"
            case .warn: "WARN"
            case .error: "ERROR"
            case .fatal: "FATAL"
            }
        }

        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
            self = level
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public enum Format: Sendable { case text, json }

    public var minimumLevel: Level
    public var format: Format
    /// Attached to every line: the current invocation's request id.
    public var requestID: String?
    /// Attached to every line after the message: the invocation's X-Ray trace id (`traceId`, set by the runtime)
    /// and what the handler adds (an `orderId`), in order. Text lines end with `\ttraceId=… orderId=…`; JSON lines
    /// carry them as members.
    public var fields: [(name: String, value: String)] = []

    /// A copy that adds (or replaces) a field.
    public func with(_ name: String, _ value: String?) -> LambdaLogger {
        guard let value else { return self }
        var copy = self
        copy.fields.removeAll { $0.name == name }
        copy.fields.append((name, value))
        return copy
    }

    public init(minimumLevel: Level = .info, format: Format = .text, requestID: String? = nil) {
        self.minimumLevel = minimumLevel
        self.format = format
        self.requestID = requestID
    }

    /// The logger configured from `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL`.
    public static func fromEnvironment(_ environment: [String: String]) -> LambdaLogger {
        let format: Format = environment["AWS_LAMBDA_LOG_FORMAT"]?.uppercased() == "JSON" ? .json : .text
        let level = environment["AWS_LAMBDA_LOG_LEVEL"].flatMap(Level.init(name:)) ?? .info
        return LambdaLogger(minimumLevel: level, format: format)
    }

    public func trace(_ message: @autoclosure () -> String) { log(.trace, message()) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func warn(_ message: @autoclosure () -> String) { log(.warn, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    public func fatal(_ message: @autoclosure () -> String) { log(.fatal, message()) }

    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel else { return }
        var line = render(level, message(), timestamp: iso8601Now())
        line.append("\n")
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }

    /// One log line without its newline: `time\trequestId\tLEVEL\tmessage` or a JSON object.
    public func render(_ level: Level, _ message: String, timestamp: String) -> String {
        switch format {
        case .text:
            let suffix = fields.isEmpty ? "" : "\t" + fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            return "\(timestamp)\t\(requestID ?? "undefined")\t\(level.name)\t\(message)\(suffix)"
        case .json:
            struct Line: Encodable {
                var timestamp: String
                var level: String
                var requestId: String?
                var message: String
            }
            let line = Line(timestamp: timestamp, level: level.name, requestId: requestID, message: message)
            var text = String(decoding: (try? JSONEncoder().encode(line)) ?? Data(), as: UTF8.self)
            if !fields.isEmpty, text.hasSuffix("}") {
                text.removeLast()
                for field in fields {
                    let name = String(decoding: (try? JSONEncoder().encode(field.name)) ?? Data(), as: UTF8.self)
                    let value = String(decoding: (try? JSONEncoder().encode(field.value)) ?? Data(), as: UTF8.self)
                    text += ",\(name):\(value)"
                }
                text += "}"
            }
            return text
        }
    }
}

/// The current UTC time as `2024-01-31T12:34:56.789Z`.
func iso8601Now() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var parts = tm()
    var seconds = now.tv_sec
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
        + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
        + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
}
