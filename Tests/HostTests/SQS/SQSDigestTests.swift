import AWSShapes
import Foundation
import Testing

@testable import Host

/// Digests checked against AWS responses recorded in test_sqs.snapshot.json.
struct SQSDigestTests {
    @Test func md5OfBody() {
        #expect(SQSDigest.md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(SQSDigest.md5Hex("test") == "098f6bcd4621d373cade4e832627b4f6")
        #expect(SQSDigest.md5Hex("message-1") == "3d6b824fd8c1520e9a047d21fee6fb1f")
        #expect(SQSDigest.md5Hex("msg") == "6e2baaf3b97dbeef01c0043275f9a0e7")
        // More than one 64-byte block.
        #expect(
            SQSDigest.md5Hex(String(repeating: "a", count: 1000)) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }

    /// ContentBasedDeduplication's deduplication id (FIPS 180-4 test vectors, and a body longer than one block).
    @Test func sha256OfBody() {
        #expect(SQSDigest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SQSDigest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SQSDigest.sha256Hex(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func md5OfStringAttributes() {
        #expect(SQSDigest.md5OfAttributes(nil) == nil)
        #expect(SQSDigest.md5OfAttributes([:]) == nil)
        #expect(SQSDigest.md5OfAttributes(["MyAttribute": .string("foobar")]) == "adb59cd4678ea5a855436b949cd07ab6")
        #expect(SQSDigest.md5OfAttributes(["Foo": .string("Bar")]) == "ae7155c6026991b6d54b11589678bf9c")
        let three: [String: SQS.MessageAttributeValue] = [
            "General": .string("Kenobi"), "Hello": .string("There"), "Help.Me": .string("Me"),
        ]
        #expect(SQSDigest.md5OfAttributes(three) == "4c360f3fdafd970e05fae2f149d997f5")
        #expect(
            SQSDigest.md5OfAttributes(three.filter { $0.key != "Help.Me" }) == "fca026605781cb4126a1e9044df24232")
        #expect(SQSDigest.md5OfAttributes(["Hello": .string("There")]) == "a311262e065454b75da111d535b8dacd")
        #expect(
            SQSDigest.md5OfAttributes(three.filter { $0.key != "General" }) == "83fee93c1bcd8b9a5a923ffacdc636c7")
    }

    @Test func md5OfBinaryAttribute() {
        let value =
            Data("traceparent".utf8) + Data([0x1E])
            + Data("00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01".utf8)
        #expect(SQSDigest.md5OfAttributes(["attr1": .binary(value)]) == "8cbe4db156db8a94db8b801b7addb984")
    }
}
