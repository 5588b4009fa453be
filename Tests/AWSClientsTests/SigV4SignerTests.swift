import Testing

@testable import AWSClients

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("SigV4 signer")
struct SigV4SignerTests {
    /// 2015-08-30T12:36:00Z, the test suite's date.
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)

    static func signer(_ vector: SigV4Vector) -> SigV4Signer {
        SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: vector.sessionToken
            ),
            region: "us-east-1",
            service: "service",
            normalizesPath: vector.normalizesPath
        )
    }

    static func sign(_ vector: SigV4Vector) -> SigV4Signer.Signature {
        let request = SigV4Signer.Request(
            method: vector.method,
            path: vector.path,
            query: vector.query,
            headers: vector.headers.map { (name: $0.0, value: $0.1) },
            body: Array(vector.body.utf8)
        )
        return signer(vector).sign(request, date: suiteDate, addsContentSHA256Header: vector.signsBody)
    }

    @Test("the canonical request matches the test suite", arguments: sigV4TestSuite)
    func canonicalRequest(_ vector: SigV4Vector) {
        #expect(Self.sign(vector).canonicalRequest == vector.canonicalRequest)
    }

    @Test("the string to sign matches the test suite", arguments: sigV4TestSuite)
    func stringToSign(_ vector: SigV4Vector) {
        #expect(Self.sign(vector).stringToSign == vector.stringToSign)
    }

    @Test("the Authorization header matches the test suite", arguments: sigV4TestSuite)
    func authorization(_ vector: SigV4Vector) {
        let signature = Self.sign(vector)
        #expect(signature.authorization == vector.authorization)
        #expect(signature.headers.last?.name == "Authorization")
        #expect(signature.headers.last?.value == vector.authorization)
    }

    @Test("the suite covers the cases the brief names")
    func suiteCoverage() {
        let names = Set(sigV4TestSuite.map(\.name))
        for name in [
            "get-vanilla", "get-vanilla-query-order-key-case", "get-header-value-trim", "get-utf8",
            "get-space-normalized", "get-slash-normalized", "get-slashes-normalized", "post-vanilla",
            "post-x-www-form-urlencoded", "post-header-key-sort", "post-sts-header-before",
        ] {
            #expect(names.contains(name), "missing \(name)")
        }
    }

    @Test("X-Amz-Date is always added; X-Amz-Security-Token only with a session token")
    func addedHeaders() {
        let request = SigV4Signer.Request(method: "POST", headers: [("Host", "example.amazonaws.com")])
        var signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"),
            region: "eu-west-1",
            service: "dynamodb"
        )
        let plain = signer.sign(request, date: Self.suiteDate)
        #expect(plain.headers.map(\.name) == ["X-Amz-Date", "Authorization"])
        #expect(plain.headers.first?.value == "20150830T123600Z")
        #expect(
            plain.authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/20150830/eu-west-1/dynamodb/aws4_request, ")
        )

        signer.credentials.sessionToken = "token/with+chars="
        let withToken = signer.sign(request, date: Self.suiteDate, addsContentSHA256Header: true)
        #expect(
            withToken.headers.map(\.name) == [
                "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256", "Authorization",
            ])
        #expect(withToken.headers[1].value == "token/with+chars=")
        #expect(withToken.headers[2].value == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            withToken.authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,")
        )
        #expect(withToken.signature != plain.signature)
    }

    /// The worked example of "Deriving the signing key" in the AWS General Reference (IAM, us-east-1, 2012-02-15).
    @Test("the signing key derivation matches the AWS documentation's example")
    func signingKey() {
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1",
            service: "iam"
        )
        #expect(
            Crypto.hex(signer.signingKey(day: "20120215"))
                == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test(
        "timestamps are UTC in the basic ISO 8601 form",
        arguments: [
            (0.0, "19700101T000000Z"),
            (1_440_938_160.0, "20150830T123600Z"),
            (951_825_599.9, "20000229T115959Z"),
            (4_107_542_400.0, "21000301T000000Z"),
            (-1.0, "19691231T235959Z"),
        ])
    func timestamp(_ seconds: Double, _ expected: String) {
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("SHA-256 and HMAC-SHA256 match RFC 4231 test case 2 and the FIPS 180-2 'abc' example")
    func primitives() {
        #expect(
            Crypto.hex(Crypto.sha256(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Crypto.hex(Crypto.hmacSHA256(key: Array("Jefe".utf8), "what do ya want for nothing?"))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
