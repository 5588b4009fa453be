import AWSClients
import Foundation
import Testing

@testable import Host

/// `--verify-signatures`: what the CLI, SDKs and functions sign passes; anything else gets the service's error.
@Suite struct SignatureVerifierTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    static let client = AWSCredentials(accessKeyID: "test", secretAccessKey: "test")
    static let function = AWSCredentials(accessKeyID: "ASIAFN", secretAccessKey: "fn-secret", sessionToken: "fn-token")

    var verifier: SignatureVerifier {
        var verifier = SignatureVerifier(credentials: [Self.client, Self.function], region: "us-east-1")
        verifier.now = { Self.now }
        return verifier
    }

    /// A request signed as an SDK signs it.
    static func signed(
        _ credentials: AWSCredentials = client, service: String = "dynamodb", region: String = "us-east-1",
        at date: Date = now, path: String = "/", query: String = "", body: String = #"{"TableName":"t"}"#
    ) -> SignatureVerifier.SignedRequest {
        let headers = [
            (name: "Host", value: "127.0.0.1:4566"), (name: "Content-Type", value: "application/x-amz-json-1.0"),
            (name: "X-Amz-Target", value: "DynamoDB_20120810.DescribeTable"),
        ]
        let signature = SigV4Signer(credentials: credentials, region: region, service: service).sign(
            .init(method: "POST", path: path, query: query, headers: headers, body: Array(body.utf8)), date: date)
        return .init(
            method: "POST", path: path, query: query, headers: headers + signature.headers, body: Array(body.utf8))
    }

    @Test func whatClientsAndFunctionsSignPasses() {
        #expect(verifier.check(Self.signed(), service: "dynamodb") == nil)
        #expect(verifier.check(Self.signed(Self.function), service: "dynamodb") == nil)
        #expect(
            verifier.check(
                Self.signed(
                    service: "lambda", path: "/2015-03-31/functions/F%3A1/invocations", query: "Qualifier=%24LATEST"),
                service: "lambda")
                == nil)
    }

    @Test func anythingElseIsRefusedWithTheReason() {
        var tampered = Self.signed()
        tampered.body = Array(#"{"TableName":"u"}"#.utf8)
        #expect(verifier.check(tampered, service: "dynamodb") == .mismatch)
        let wrongSecret = AWSCredentials(accessKeyID: "test", secretAccessKey: "nope")
        #expect(verifier.check(Self.signed(wrongSecret), service: "dynamodb") == .mismatch)
        let unknown = AWSCredentials(accessKeyID: "AKIDUNKNOWN", secretAccessKey: "x")
        #expect(verifier.check(Self.signed(unknown), service: "dynamodb") == .unknownKey)
        // Session credentials without their token.
        var withoutToken = Self.signed(Self.function)
        withoutToken.headers.removeAll { $0.name == "X-Amz-Security-Token" }
        #expect(verifier.check(withoutToken, service: "dynamodb") == .unknownKey)
        #expect(
            verifier.check(Self.signed(service: "sqs"), service: "dynamodb")
                == .wrongScope("Credential should be scoped to correct service: 'dynamodb'. "))
        if case .expired(let message)? = verifier.check(Self.signed(at: Self.now - 16 * 60), service: "dynamodb") {
            #expect(message.hasPrefix("Signature expired: "))
        } else {
            Issue.record("a signature 16 minutes old passed")
        }
        var unsigned = Self.signed()
        unsigned.headers.removeAll { $0.name == "Authorization" }
        #expect(verifier.check(unsigned, service: "dynamodb") == .missing)
    }

    @Test func eachServiceAnswersInItsOwnWay() {
        let dynamoDB = SignatureVerifier.Failure.mismatch.error(service: "dynamodb")
        #expect(dynamoDB.type == "InvalidSignatureException" && dynamoDB.status.code == 400)
        let sqs = SignatureVerifier.Failure.unknownKey.error(service: "sqs")
        #expect(sqs.type == "InvalidClientTokenId" && sqs.status.code == 403)
        #expect(sqs.headers.first?.1 == "InvalidClientTokenId;Sender")
        let lambda = SignatureVerifier.Failure.unknownKey.error(service: "lambda")
        #expect(lambda.type == "UnrecognizedClientException" && lambda.status.code == 403)
    }

    @Test func theAWSEndpointChecksWhenAskedAndTheCLIPasses() async throws {
        var configuration = testConfiguration()
        configuration.verifySignatures = true
        try await withHost(Topology(functions: []), configuration: configuration) { _, ports in
            // The test helper signs as the CLI does.
            #expect(try await awsJSONResponse(ports.aws, "DynamoDB_20120810.ListTables", "{}").status == 200)
            let unsigned = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/",
                headers: [
                    ("X-Amz-Target", "DynamoDB_20120810.ListTables"), ("Content-Type", "application/x-amz-json-1.0"),
                    ("Host", "127.0.0.1:\(ports.aws)"),
                ], body: Array("{}".utf8))
            #expect(unsigned.status == 400)
            #expect(try unsigned.json()["__type"] as? String == "MissingAuthenticationTokenException")
            #expect(try await http("GET", "http://127.0.0.1:\(ports.aws)/_host/health").status == 200)
        }
    }
}
