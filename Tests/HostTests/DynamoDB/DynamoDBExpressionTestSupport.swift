import AWSShapes
import Foundation
import Testing

@testable import DynamoDBExpressions
@testable import Host

/// Runs `body` and checks it throws a `DynamoDBValidationError` with exactly `message`.
func expectDynamoDBValidationError(
    _ message: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected ValidationException \"\(message)\", nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DynamoDBValidationError {
        #expect(error.message == message, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected DynamoDBValidationError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// A file of the shared recorded test data (`../shared/testdata/<path>` beside the checkout, or under
/// `$SHARED_TESTDATA`): found by walking up from this source file (symlinks resolved) to the folder beside
/// `shared`.
func dynamoDBSharedTestData(_ path: String) -> URL? {
    if let root = ProcessInfo.processInfo.environment["SHARED_TESTDATA"] {
        return URL(fileURLWithPath: root).appendingPathComponent(path)
    }
    var folder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path != "/" {
        let candidate = folder.deletingLastPathComponent().appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: candidate.path) {
            return candidate.appendingPathComponent("testdata").appendingPathComponent(path)
        }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}

/// A request with only `#name`/`:value` maps and one condition, for short tests.
func dynamoDBCondition(
    _ expression: String, names: [String: String]? = nil, values: [String: AttributeValue]? = nil
) throws -> ExpressionRequest {
    try ExpressionRequest(
        conditionExpression: expression, expressionAttributeNames: names, expressionAttributeValues: values)
}
