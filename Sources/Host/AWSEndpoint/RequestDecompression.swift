import CZlib
import Foundation

/// Request bodies a client compressed (`Content-Encoding: gzip`, the SDKs' request compression), inflated as AWS
/// does before the operation reads them. The inflated size is bounded by the API's own request limit, so a small
/// compressed body cannot become an unbounded one.
enum RequestDecompression {
    enum Failure: Error, Equatable {
        /// The body is not gzip (or deflate) data: DynamoDB answers a SerializationException then.
        case corrupt
        /// Inflated, the body is larger than the API accepts.
        case tooLarge
    }

    /// The encodings named by a `Content-Encoding` header, in the order they were applied (`identity` dropped),
    /// or nil when one of them is not gzip or deflate.
    static func encodings(_ header: String) -> [String]? {
        let names = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        return names.allSatisfy { $0 == "gzip" || $0 == "deflate" } ? names : nil
    }

    /// The body with the encodings undone, last applied first.
    static func decode(_ body: [UInt8], encodings: [String], limit: Int) throws(Failure) -> [UInt8] {
        var bytes = body
        for encoding in encodings.reversed() {
            bytes = try inflate(bytes, gzip: encoding == "gzip", limit: limit)
        }
        return bytes
    }

    /// Inflates gzip (several members in a row too) or zlib-wrapped deflate data.
    static func inflate(_ input: [UInt8], gzip: Bool, limit: Int) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt }
        var output: [UInt8] = []
        var offset = 0
        repeat {
            var stream = z_stream()
            // 16 + 15: a gzip header and trailer; 15: a zlib one (a window of 2^15 bytes either way).
            guard inflateInit2_(&stream, gzip ? 31 : 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
            else { throw .corrupt }
            defer { inflateEnd(&stream) }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            var status: Int32 = Z_OK
            let consumed: Int = try input.withUnsafeBufferPointer { (source) throws(Failure) -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + offset)
                stream.avail_in = UInt32(source.count - offset)
                while status != Z_STREAM_END {
                    let produced = chunk.withUnsafeMutableBufferPointer { target -> Int in
                        stream.next_out = target.baseAddress
                        stream.avail_out = UInt32(target.count)
                        status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        return target.count - Int(stream.avail_out)
                    }
                    guard status == Z_OK || status == Z_STREAM_END else { throw .corrupt }
                    output.append(contentsOf: chunk[0..<produced])
                    guard output.count <= limit else { throw .tooLarge }
                    // Input ended before the stream did: truncated.
                    if status == Z_OK, stream.avail_in == 0, produced == 0 { throw .corrupt }
                }
                return source.count - offset - Int(stream.avail_in)
            }
            offset += consumed
        } while gzip && offset < input.count
        return output
    }
}
