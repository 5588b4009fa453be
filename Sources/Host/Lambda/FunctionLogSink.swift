import Foundation
import Synchronization

/// Where function output and START / END / REPORT lines go: the host's standard output, one line at a time,
/// each prefixed with the function's name.
public final class FunctionLogSink: Sendable {
    /// False silences function lines (benchmarks, `--log-level warning` and above).
    public let isEnabled: Bool
    private let lock = Mutex(())

    public init(isEnabled: Bool) { self.isEnabled = isEnabled }

    func write(function: String, _ line: String) {
        guard isEnabled else { return }
        var text = "[\(function)] \(line)\n"
        lock.withLock { _ in
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
