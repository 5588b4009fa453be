import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A request the test server received.
struct ReceivedRequest: Sendable {
    var requestLine: String
    /// Names as sent.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func headerCount(_ name: String) -> Int {
        headers.filter { $0.name.lowercased() == name.lowercased() }.count
    }
}

/// A canned response.
struct CannedResponse: Sendable {
    var status: Int
    var body: String
    var headers: [(String, String)] = []
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (POSIX sockets, one background thread, keep-alive) that answers requests
/// with canned responses in order and records what it received.
final class TestHTTPServer: Sendable {
    let port: Int
    private let listener: Int32
    private let state: Mutex<State>

    private struct State {
        var responses: [CannedResponse]
        var requests: [ReceivedRequest] = []
        var connections = 0
    }

    init(responses: [CannedResponse]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.state = Mutex(State(responses: responses))
        let thread = Thread { [self] in self.acceptLoop() }
        thread.start()
    }

    /// The endpoint URL for a client.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    var requests: [ReceivedRequest] { state.withLock { $0.requests } }
    var connections: Int { state.withLock { $0.connections } }

    /// Stops accepting connections. The accept thread closes the socket itself when `accept` fails, so that its
    /// descriptor cannot be reused by another test's socket while the thread still uses it.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                close(listener)
                return
            }
            state.withLock { $0.connections += 1 }
            serve(connection)
            close(connection)
        }
    }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer += chunk[..<count]
            return true
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            var headerEnd: Int?
            while headerEnd == nil {
                if buffer.count >= 4 {
                    headerEnd = (0...(buffer.count - 4)).first { Array(buffer[$0..<($0 + 4)]) == separator }
                }
                if headerEnd == nil, !fill() { return }
            }
            let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
            buffer.removeFirst(headerEnd! + 4)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst()
            let headers = lines.map { line -> (name: String, value: String) in
                let colon = line.firstIndex(of: ":")!
                return (
                    String(line[..<colon]),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            }
            let length =
                headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            while buffer.count < length {
                if !fill() { return }
            }
            let body = Array(buffer[..<length])
            buffer.removeFirst(length)
            let response = state.withLock { state -> CannedResponse in
                state.requests.append(ReceivedRequest(requestLine: requestLine, headers: headers, body: body))
                return state.responses.isEmpty
                    ? CannedResponse(status: 500, body: #"{"__type":"NoMoreCannedResponses"}"#)
                    : state.responses.removeFirst()
            }
            let bodyBytes = Array(response.body.utf8)
            var text = "HTTP/1.1 \(response.status) Canned\r\nContent-Type: application/x-amz-json-1.0\r\n"
            for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
            text += "Content-Length: \(bodyBytes.count)\r\n\r\n"
            let bytes = Array(text.utf8) + bodyBytes
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                sent += count
            }
        }
    }
}

/// A port on 127.0.0.1 with nothing listening (bound, then closed).
func closedPort() throws -> Int {
    let server = try TestHTTPServer(responses: [])
    let port = server.port
    server.stop()
    return port
}
