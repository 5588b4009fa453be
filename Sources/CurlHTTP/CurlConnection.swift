import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP response read by ``CurlConnection``.
public struct HTTPClientResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields in arrival order; names as the server sent them.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.utf8.elementsEqual(name.utf8, by: { asciiLower($0) == asciiLower($1) }) }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A transport failure (connection refused, timeout, …); HTTP error statuses are responses, not errors.
public struct CurlError: Error, CustomStringConvertible, Sendable {
    /// libcurl's `CURLcode`.
    public var code: Int
    public var message: String
    public var description: String { "curl error \(code): \(message)" }
    /// True when the request timed out.
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }
}

/// libcurl must be initialised once per process before any handle exists; a global's initialiser runs once.
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// One HTTP/1.1 connection over a single reused libcurl easy handle: `curl_easy_reset` between requests keeps the
/// connection cache, so consecutive requests to the same host reuse one TCP connection (keep-alive).
///
/// Not thread-safe: use one connection per thread or task.
public final class CurlConnection {
    private let handle: UnsafeMutableRawPointer
    /// Applied to every request: at most this long to establish the TCP connection.
    public var connectTimeoutMilliseconds: Int

    public init(connectTimeoutMilliseconds: Int = 1_000) throws {
        guard curlGlobalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw CurlError(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.handle = handle
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends one request and reads the whole response.
    /// - Parameters:
    ///   - timeoutMilliseconds: the limit for the whole exchange; `nil` waits forever (the Runtime API's `/next`).
    ///   - body: sent with an explicit `Content-Length`; `Expect: 100-continue` is never used.
    public func send(
        _ method: String,
        _ url: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        timeoutMilliseconds: Int? = nil
    ) throws -> HTTPClientResponse {
        curl_easy_reset(handle)
        let collector = ResponseCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()

        var list: UnsafeMutablePointer<curl_slist>? = nil
        // Disable the 100-continue handshake (a 1 s stall on some servers) and chunked uploads.
        for line in ["Expect:", "Transfer-Encoding:"] + headers.map({ "\($0.0): \($0.1)" }) {
            list = curl_slist_append(list, line)
        }
        defer { curl_slist_free_all(list) }

        var code = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            if code == CURLE_OK { code = ccurl_setopt_long(handle, option, value) }
        }
        func set(_ option: CURLoption, _ value: String) {
            if code == CURLE_OK { code = ccurl_setopt_string(handle, option, value) }
        }

        set(CURLOPT_URL, url)
        set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TCP_NODELAY, 1)
        set(CURLOPT_PROXY, "")  // ignore http_proxy from the environment: these are loopback or AWS endpoints
        set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMilliseconds)
        set(CURLOPT_TIMEOUT_MS, timeoutMilliseconds ?? 0)
        if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list)) }
        if code == CURLE_OK { code = ccurl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback) }
        if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context) }
        if code == CURLE_OK { code = ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback) }
        if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context) }
        switch method {
        case "GET" where body == nil: set(CURLOPT_HTTPGET, 1)
        case "HEAD": set(CURLOPT_NOBODY, 1)
        case "POST": set(CURLOPT_POST, 1)
        default: set(CURLOPT_CUSTOMREQUEST, method)
        }

        let payload = body ?? []
        let result: CURLcode = payload.withUnsafeBytes { bytes in
            if body != nil, code == CURLE_OK {
                code = ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                // libcurl reads POSTFIELDS during perform without copying: the pointer is valid for this closure.
                let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                if code == CURLE_OK {
                    code = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                }
            }
            guard code == CURLE_OK else { return code }
            return curl_easy_perform(handle)
        }
        guard result == CURLE_OK else {
            throw CurlError(code: Int(result.rawValue), message: String(cString: curl_easy_strerror(result)))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPClientResponse(status: status, headers: collector.headers, body: collector.body)
    }
}

@available(*, unavailable)
extension CurlConnection: Sendable {}

private final class ResponseCollector {
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
}

private func curlHeaderCallback(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let buffer, let context else { return length }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    let line = UnsafeRawBufferPointer(start: buffer, count: length)
    if line.starts(with: "HTTP/".utf8) {
        collector.headers.removeAll()  // a new status line (after a 100 Continue): start over
        return length
    }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return length }
    let name = String(decoding: line[..<colon], as: UTF8.self)
    var value = line[(colon + 1)...]
    while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
    while let last = value.last, last == 0x20 || last == 0x09 || last == 0x0D || last == 0x0A {
        value = value.dropLast()
    }
    collector.headers.append((name, String(decoding: value, as: UTF8.self)))
    return length
}

private func curlWriteCallback(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let buffer, let context else { return length }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    collector.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

/// ASCII case folding without allocating (header names are ASCII).
@inline(__always)
private func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}
