import Foundation
import Testing

/// What a function binary asks of the system it runs on: `provided.al2023` has glibc 2.34, so no function may need a
/// newer symbol version (the static Swift runtime's `hypotf` did, until CLambdaCompat).
@Suite struct FunctionBinaryTests {
    @Test(arguments: CommerceEndToEndTests.functions)
    func needsNoGlibcNewerThanAmazonLinux2023s(function: String) async throws {
        let result = try await run("/usr/bin/env", ["objdump", "-T", try builtProduct(function)])
        #expect(result.status == 0, "\(result.error)")
        let versions = result.output.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "GLIBC_2.") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(!versions.isEmpty, "a dynamically linked binary names glibc versions")
        #expect(versions.max() ?? 0 <= 34, "\(function) needs GLIBC_2.\(versions.max() ?? 0)")
    }
}
