import Foundation
import Testing

@testable import Host

/// Request compression (`Content-Encoding: gzip`, as botocore and other SDKs send it): inflated before the API
/// reads the body, its inflated size bounded, a corrupt body refused with nothing written.
@Suite struct RequestDecompressionTests {
    /// `{"TableName":"t"}`, gzip-compressed (Python's gzip, mtime 0) and zlib-wrapped.
    static let gzipped = Array(Data(base64Encoded: "H4sIAAAAAAACA6tWCklMykn1S8xNVbJSKlGqBQB8cjbXEQAAAA==")!)
    static let deflated = Array(Data(base64Encoded: "eJyrVgpJTMpJ9UvMTVWyUipRqgUANCoFmA==")!)
    static let plain = Array(#"{"TableName":"t"}"#.utf8)

    @Test func gzipDeflateAndSeveralMembersInflate() throws {
        #expect(try RequestDecompression.decode(Self.gzipped, encodings: ["gzip"], limit: 100) == Self.plain)
        #expect(try RequestDecompression.decode(Self.deflated, encodings: ["deflate"], limit: 100) == Self.plain)
        // Two gzip members in a row are one body (gzip's own rule).
        #expect(
            try RequestDecompression.decode(Self.gzipped + Self.gzipped, encodings: ["gzip"], limit: 100)
                == Self.plain + Self.plain)
        #expect(RequestDecompression.encodings("gzip, identity") == ["gzip"])
        #expect(RequestDecompression.encodings("garbage") == nil)
    }

    @Test func corruptTruncatedTrailingJunkEmptyAndOversizedAreRefused() {
        #expect(throws: RequestDecompression.Failure.corrupt) {
            try RequestDecompression.decode(Array(Self.gzipped.dropLast()), encodings: ["gzip"], limit: 100)
        }
        #expect(throws: RequestDecompression.Failure.corrupt) {
            try RequestDecompression.decode(Self.gzipped + Array("junk".utf8), encodings: ["gzip"], limit: 100)
        }
        #expect(throws: RequestDecompression.Failure.corrupt) {
            try RequestDecompression.decode(Self.plain, encodings: ["gzip"], limit: 100)
        }
        #expect(throws: RequestDecompression.Failure.corrupt) {
            try RequestDecompression.decode([], encodings: ["gzip"], limit: 100)
        }
        // The bound holds on what comes out, not on what was sent.
        #expect(throws: RequestDecompression.Failure.tooLarge) {
            try RequestDecompression.decode(Self.gzipped, encodings: ["gzip"], limit: 10)
        }
    }

    @Test func aCompressedRequestIsServedAndABrokenOneWritesNothing() async throws {
        var topology = Topology()
        topology.tables = [TableConfiguration(name: "items", partitionKey: .init(name: "pk", type: "S"))]
        try await withHost(topology) { _, ports in
            func put(_ body: [UInt8], encoding: String) async throws -> Int {
                try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/",
                    headers: [
                        ("X-Amz-Target", "DynamoDB_20120810.PutItem"), ("Content-Type", "application/x-amz-json-1.0"),
                        ("Content-Encoding", encoding),
                    ],
                    body: body
                ).status
            }
            let item = #"{"TableName":"items","Item":{"pk":{"S":"zipped"}}}"#
            let compressed = try #require(Self.gzip(Array(item.utf8)))
            #expect(try RequestDecompression.decode(compressed, encodings: ["gzip"], limit: 1000) == Array(item.utf8))
            #expect(try await put(compressed, encoding: "gzip") == 200)
            #expect(try await put(Array(compressed.dropLast(2)), encoding: "gzip") == 500)
            #expect(
                try await put(Array(#"{"TableName":"items","Item":{"pk":{"S":"other"}}}"#.utf8), encoding: "br") == 500)
            let read = try await awsJSON(
                ports.aws, "DynamoDB_20120810.Scan", #"{"TableName":"items"}"#)
            #expect(read["Count"] as? Int == 1)
        }
    }

    /// A gzip member holding `bytes` in one stored (uncompressed) deflate block: valid gzip the test builds itself.
    static func gzip(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count < 65_536 else { return nil }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        func little(_ value: UInt32, _ count: Int) -> [UInt8] { (0..<count).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        let length = UInt32(bytes.count)
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0x01] + little(length, 2) + little(~length & 0xFFFF, 2) + bytes
            + little(crc, 4) + little(length, 4)
    }
}
