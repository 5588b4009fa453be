import Dispatch
import Foundation

/// Where function output and START / END / REPORT lines go: the host's standard output, one line at a time,
/// each prefixed with the function's name, and the function's log group in CloudWatch Logs. One serial queue writes them in order, so a slow terminal or pipe
/// never blocks an event loop.
public final class FunctionLogSink: Sendable {
    /// False silences function lines (benchmarks, `--log-level warning` and above).
    public let isEnabled: Bool
    /// Where the lines are stored as CloudWatch Logs events (every function's `/aws/lambda/<name>`), when set.
    let shipper: FunctionLogShipper?
    private let queue = DispatchQueue(label: "function-logs")

    public convenience init(isEnabled: Bool) { self.init(isEnabled: isEnabled, shipper: nil) }

    init(isEnabled: Bool, shipper: FunctionLogShipper?) {
        self.isEnabled = isEnabled
        self.shipper = shipper
    }

    /// The time function lines are stamped with: the host's clock when they go to CloudWatch Logs.
    var now: Date { shipper?.now() ?? Date() }

    /// Whether anyone reads function lines (the terminal or CloudWatch Logs).
    var isReading: Bool { isEnabled || shipper != nil }

    func write(function: String, _ line: String) {
        guard isEnabled else { return }
        let text = "[\(function)] \(line)\n"
        queue.async {
            var text = text
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }

    /// Returns once every line written so far is out.
    public func flush() {
        queue.sync {}
    }
}
