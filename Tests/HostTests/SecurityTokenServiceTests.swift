import Foundation
import Host
import Testing

/// STS's GetCallerIdentity, the first call many users make: through the real aws CLI and boto3, signed as they sign.
@Suite struct SecurityTokenServiceTests {
    @Test func getCallerIdentityAnswersWithTheTopologysAccount() async throws {
        var topology = Topology(functions: [])
        topology.accountID = "123456789012"
        try await withHost(topology) { _, ports in
            let identity = try await aws(
                ["sts", "get-caller-identity", "--endpoint-url", "http://127.0.0.1:\(ports.aws)", "--output", "json"])
            #expect(identity.status == 0, "\(identity.error)")
            let answer = try #require(
                try JSONSerialization.jsonObject(with: Data(identity.output.utf8)) as? [String: String])
            #expect(answer["Account"] == "123456789012" && answer["UserId"] == "123456789012")
            #expect(answer["Arn"] == "arn:aws:iam::123456789012:root")
            let boto3 = try await run(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    "import boto3; print(boto3.client('sts', endpoint_url='http://127.0.0.1:\(ports.aws)', "
                        + "region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')"
                        + ".get_caller_identity()['Account'])",
                ])
            #expect(boto3.status == 0 && boto3.output.trimmingCharacters(in: .whitespacesAndNewlines) == "123456789012")
            // Another action of STS is its InvalidAction error, in its own protocol.
            let assume = try await aws([
                "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/x", "--role-session-name",
                "session",
                "--endpoint-url", "http://127.0.0.1:\(ports.aws)",
            ])
            #expect(assume.status != 0 && assume.error.contains("InvalidAction"), "\(assume.error)")
            #expect(assume.error.contains("AssumeRole is not served"), "\(assume.error)")
        }
    }
}
