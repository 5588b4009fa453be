import Testing

@testable import AWSClients

@Suite("Credentials, region and endpoint from the Lambda environment")
struct ConfigurationTests {
    static let base = [
        "AWS_ACCESS_KEY_ID": "AKID",
        "AWS_SECRET_ACCESS_KEY": "SECRET",
        "AWS_REGION": "eu-central-1",
    ]

    static func environment(_ extra: [String: String], removing: [String] = []) -> [String: String] {
        var environment = base.merging(extra) { $1 }
        for name in removing { environment[name] = nil }
        return environment
    }

    @Test("credentials come from the access key, secret and optional session token variables")
    func credentials() throws {
        let plain = try AWSCredentials(environment: Self.base)
        #expect(plain == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: nil))
        let temporary = try AWSCredentials(environment: Self.environment(["AWS_SESSION_TOKEN": "TOKEN"]))
        #expect(temporary.sessionToken == "TOKEN")
        let emptyToken = try AWSCredentials(environment: Self.environment(["AWS_SESSION_TOKEN": ""]))
        #expect(emptyToken.sessionToken == nil)
    }

    @Test(
        "missing or empty credentials are named in the error",
        arguments: [
            (["AWS_ACCESS_KEY_ID"], ["AWS_ACCESS_KEY_ID"]),
            (["AWS_SECRET_ACCESS_KEY"], ["AWS_SECRET_ACCESS_KEY"]),
            (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]),
        ])
    func missingCredentials(_ removed: [String], _ named: [String]) {
        #expect(throws: AWSConfigurationError.missingCredentials(named)) {
            try AWSCredentials(environment: Self.environment([:], removing: removed))
        }
        #expect(throws: AWSConfigurationError.missingCredentials(["AWS_ACCESS_KEY_ID"])) {
            try AWSCredentials(environment: Self.environment(["AWS_ACCESS_KEY_ID": ""]))
        }
        #expect(AWSConfigurationError.missingCredentials(named).description.contains(named[0]))
    }

    @Test(
        "the region is AWS_REGION, then AWS_DEFAULT_REGION",
        arguments: [
            (["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"], "us-west-2"),
            (["AWS_DEFAULT_REGION": "eu-west-1"], "eu-west-1"),
            (["AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-south-1"], "ap-south-1"),
        ])
    func region(_ variables: [String: String], _ expected: String) throws {
        var environment = Self.environment(variables, removing: ["AWS_REGION"])
        environment.merge(variables) { $1 }
        let configuration = try AWSClientConfiguration(service: .dynamoDB, environment: environment)
        #expect(configuration.region == expected)
    }

    @Test("no region is a clear error")
    func missingRegion() {
        #expect(throws: AWSConfigurationError.missingRegion) {
            try AWSClientConfiguration(service: .sqs, environment: Self.environment([:], removing: ["AWS_REGION"]))
        }
        #expect(AWSConfigurationError.missingRegion.description.contains("AWS_REGION"))
    }

    @Test(
        "the endpoint is AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the regional AWS endpoint",
        arguments: [
            (AWSService.dynamoDB, [String: String](), "https://dynamodb.eu-central-1.amazonaws.com"),
            (.eventBridge, [:], "https://events.eu-central-1.amazonaws.com"),
            (.sqs, [:], "https://sqs.eu-central-1.amazonaws.com"),
            (.dynamoDBStreams, [:], "https://streams.dynamodb.eu-central-1.amazonaws.com"),
            (.dynamoDB, ["AWS_ENDPOINT_URL": "http://localhost:4566"], "http://localhost:4566"),
            (
                .dynamoDB,
                ["AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9000/"],
                "http://127.0.0.1:9000"
            ),
            (.sqs, ["AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9000"], "https://sqs.eu-central-1.amazonaws.com"),
            (
                .eventBridge, ["AWS_ENDPOINT_URL_EVENTBRIDGE": "http://h:1", "AWS_ENDPOINT_URL": "http://x:2"],
                "http://h:1"
            ),
            (.sqs, ["AWS_ENDPOINT_URL_SQS": "", "AWS_ENDPOINT_URL": "http://x:2"], "http://x:2"),
            (.dynamoDBStreams, ["AWS_ENDPOINT_URL_DYNAMODB_STREAMS": "http://s:3"], "http://s:3"),
        ])
    func endpoint(_ service: AWSService, _ variables: [String: String], _ expected: String) throws {
        let configuration = try AWSClientConfiguration(service: service, environment: Self.environment(variables))
        #expect(configuration.endpoint == expected)
        #expect(configuration.credentials.accessKeyID == "AKID")
    }

    @Test("an endpoint that is not an HTTP URL is rejected with the variable's name")
    func invalidEndpoint() {
        #expect(
            throws: AWSConfigurationError.invalidEndpoint(
                variable: "AWS_ENDPOINT_URL_DYNAMODB", value: "localhost:8000")
        ) {
            try AWSClientConfiguration(
                service: .dynamoDB, environment: Self.environment(["AWS_ENDPOINT_URL_DYNAMODB": "localhost:8000"]))
        }
    }

    @Test(
        "the Host header keeps a non-default port only",
        arguments: [
            ("https://dynamodb.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"),
            ("https://example.com:443/", "example.com"),
            ("http://127.0.0.1:8000/path", "127.0.0.1:8000"),
            ("http://Example.com:80", "example.com"),
        ])
    func hostHeader(_ url: String, _ host: String) {
        #expect(EndpointURL(url)?.host == host)
    }
}
