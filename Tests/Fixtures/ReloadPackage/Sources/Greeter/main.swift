#if canImport(Glibc)
import Glibc
#endif

// The answer the hot-reload test edits.
let greeting = "hello v1"

/// One HTTP/1.1 exchange with the Runtime API (`AWS_LAMBDA_RUNTIME_API`): its response's headers (lowercased) and body.
func exchange(_ method: String, _ path: String, body: [UInt8] = []) -> (headers: [String: String], body: [UInt8])? {
    guard let api = getenv("AWS_LAMBDA_RUNTIME_API").map({ String(cString: $0) }),
        let colon = api.lastIndex(of: ":"), let port = UInt16(api[api.index(after: colon)...])
    else { return nil }
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return nil }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr(String(api[..<colon]))
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else { return nil }
    let head = "\(method) \(path) HTTP/1.1\r\nHost: \(api)\r\nContent-Length: \(body.count)\r\n\r\n"
    let request = Array(head.utf8) + body
    guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    var headers: [String: String]?
    var bodyStart = 0
    while true {
        if headers == nil, let end = find([13, 10, 13, 10], in: received) {
            headers = [:]
            let lines = String(decoding: received[..<end], as: UTF8.self).split(separator: "\r\n").dropFirst()
            for line in lines {
                guard let separator = line.firstIndex(of: ":") else { continue }
                let value = line[line.index(after: separator)...].drop { $0 == " " }
                headers?[line[..<separator].lowercased()] = String(value)
            }
            bodyStart = end + 4
        }
        if let headers, received.count - bodyStart >= Int(headers["content-length"] ?? "0") ?? 0 {
            return (headers, Array(received[bodyStart...]))
        }
        let count = recv(socket, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        received += buffer[0..<count]
    }
}

func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard bytes.count >= needle.count else { return nil }
    return (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }
}

while let next = exchange("GET", "/2018-06-01/runtime/invocation/next") {
    guard let id = next.headers["lambda-runtime-aws-request-id"] else { continue }
    let response = #"{"statusCode":200,"headers":{"content-type":"text/plain"},"body":"\#(greeting)"}"#
    _ = exchange("POST", "/2018-06-01/runtime/invocation/\(id)/response", body: Array(response.utf8))
}
