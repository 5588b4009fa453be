import Dispatch
import Foundation

/// Where function output and START / END / REPORT lines go: the host's standard output, one line at a time,
/// each prefixed with the function's name. One serial queue writes them in order, so a slow terminal or pipe
/// never blocks an event loop.
public final class FunctionLogSink: Sendable {
    /// False silences function lines (benchmarks, `--log-level warning` and above).
    public let isEnabled: Bool
    private let queue = DispatchQueue(label: "function-logs")

    public init(isEnabled: Bool) { self.isEnabled = isEnabled }

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
