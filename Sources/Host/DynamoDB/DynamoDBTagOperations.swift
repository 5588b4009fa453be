import AWSShapes
import Foundation

// DECISIONS (tags): a table's tags are kept in its definition, so a TagResource is one transaction and two
// concurrent ones both survive. Only a table's ARN is taggable, as in DynamoDB (an index's or a stream's ARN is a
// ValidationException naming the ResourceArn). Keys are 1-128 and values 0-256 Unicode characters of letters,
// digits, whitespace and `_ . : / = + - @` (AWS's tag rules); a key may not start with `aws:`; a table holds at most
// 50 tags. Messages follow DynamoDB's where scylladb's Alternator tests (run against DynamoDB) quote them, including
// its ResourceNotFound text ("ResourcArn", sic); where unquoted they are written to say what is wrong.

/// TagResource, UntagResource and ListTagsOfResource on tables.
struct DynamoDBTagOperations: Sendable {
    let store: DynamoDBStore

    static let maximumTags = 50

    func tagResource(_ input: DynamoDB.TagResourceInput) throws -> AWSEmptyShape {
        let name = try tableName(input.resourceArn)
        guard !input.tags.isEmpty else {
            throw DynamoDBAPIError.validation("One or more parameter values were invalid: no tags were given")
        }
        try Self.validate(input.tags)
        _ = try store.updateTable(named: name) { table in
            var tags = table.tags ?? [:]
            for tag in input.tags { tags[tag.key] = tag.value }
            guard tags.count <= Self.maximumTags else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: The number of tags of a table exceeds the limit of "
                        + "\(Self.maximumTags): it would have \(tags.count)")
            }
            table.tags = tags
        }
        return AWSEmptyShape()
    }

    func untagResource(_ input: DynamoDB.UntagResourceInput) throws -> AWSEmptyShape {
        let name = try tableName(input.resourceArn)
        _ = try store.updateTable(named: name) { table in
            // Removing a key the table does not have is no error.
            for key in input.tagKeys { table.tags?[key] = nil }
        }
        return AWSEmptyShape()
    }

    func listTagsOfResource(_ input: DynamoDB.ListTagsOfResourceInput) throws -> DynamoDB.ListTagsOfResourceOutput {
        let name = try tableName(input.resourceArn)
        guard let table = try store.table(named: name) else { throw notFound(input.resourceArn) }
        // At most 50 tags: one page holds them all.
        return DynamoDB.ListTagsOfResourceOutput(tags: Self.list(table.tags))
    }

    /// A table's tags in key order.
    static func list(_ tags: [String: String]?) -> [Tag] {
        (tags ?? [:]).sorted { $0.key < $1.key }.map { Tag(key: $0.key, value: $0.value) }
    }

    /// Tags given to CreateTable or TagResource, checked as AWS checks them.
    static func validate(_ tags: [Tag]) throws {
        func allowed(_ text: String) -> Bool {
            text.unicodeScalars.allSatisfy { scalar in
                scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                    || scalar.properties.isWhitespace || "_.:/=+-@".unicodeScalars.contains(scalar)
            }
        }
        for tag in tags {
            let keyLength = tag.key.unicodeScalars.count
            let valueLength = tag.value.unicodeScalars.count
            guard (1...128).contains(keyLength), valueLength <= 256 else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: a tag key is 1 to 128 characters and its value at most "
                        + "256 (key of \(keyLength), value of \(valueLength))")
            }
            guard allowed(tag.key), allowed(tag.value) else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: tag keys and values may hold letters, digits, spaces "
                        + "and _ . : / = + - @ only (key \(tag.key))")
            }
            guard !tag.key.hasPrefix("aws:") else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: tag keys starting with 'aws:' are reserved for AWS")
            }
        }
        if tags.count > maximumTags {
            throw DynamoDBAPIError.validation(
                "One or more parameter values were invalid: The number of tags of a table exceeds the limit of "
                    + "\(maximumTags): it would have \(tags.count)")
        }
    }

    /// The table a taggable ARN names: `arn:<partition>:dynamodb:<region>:<account>:table/<name>`. Anything else
    /// is a ValidationException; a well-formed ARN of another region or account, or of no table, is not found.
    func tableName(_ arn: String) throws -> String {
        guard arn.hasPrefix("arn:") else {
            throw DynamoDBAPIError.validation(
                "Invalid ResourceArn provided as input: ARNs must start with 'arn:': \(arn)")
        }
        guard let parts = DynamoDBTable.arnParts(arn), parts.resource.count == 2, parts.resource[0] == "table",
            !parts.resource[1].isEmpty
        else {
            throw DynamoDBAPIError.validation(
                "Invalid TableArn: Invalid ResourceArn provided as input \(arn): only a table's ARN is taggable")
        }
        let name = String(parts.resource[1])
        guard parts.region == store.region, parts.account == store.account, try store.table(named: name) != nil else {
            throw notFound(arn)
        }
        return name
    }

    func notFound(_ arn: String) -> DynamoDBAPIError {
        .resourceNotFound("Requested resource not found: ResourcArn: \(arn) not found")
    }
}
