import Foundation

/// The machine's loopback floor: one TCP round trip of 200 bytes between two threads with TCP_NODELAY, the least
/// any Runtime API exchange can cost here. A warm invocation needs two (POST /response → 202, GET /next → event).
func loopbackRoundTripMicroseconds(roundTrips: Int) throws -> Double {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { throw POSIXError(.EBADF) }
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
    }
    listen(listener, 1)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    let port = address.sin_port
    var noDelay: Int32 = 1

    let echo = Thread {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        target.sin_port = port
        _ = withUnsafeMutablePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var flag: Int32 = 1
        setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &flag, socklen_t(MemoryLayout<Int32>.size))
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { break }
            _ = write(client, buffer, count)
        }
        close(client)
    }
    echo.start()
    let server = accept(listener, nil, nil)
    defer { close(server) }
    setsockopt(server, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
    var buffer = [UInt8](repeating: 1, count: 512)
    let start = ContinuousClock.now
    for _ in 0..<roundTrips {
        _ = write(server, buffer, 200)
        var received = 0
        while received < 200 {
            let count = read(server, &buffer, 512)
            if count <= 0 { break }
            received += count
        }
    }
    let elapsed = ContinuousClock.now - start
    return seconds(elapsed) / Double(roundTrips) * 1e6
}
