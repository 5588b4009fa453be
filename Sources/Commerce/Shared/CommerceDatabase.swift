import AWSClients
import AWSShapes

/// The DynamoDB operations the commerce services use. ``DynamoDBClient`` is the real one; unit tests use fakes
/// that record every input and answer what the test scripts.
public protocol CommerceDatabase {
    func getItem(_ input: GetItemInput) throws(DynamoDBError) -> GetItemOutput
    func putItem(_ input: PutItemInput) throws(DynamoDBError) -> PutItemOutput
    func updateItem(_ input: UpdateItemInput) throws(DynamoDBError) -> UpdateItemOutput
    func query(_ input: QueryInput) throws(DynamoDBError) -> QueryOutput
    func scan(_ input: ScanInput) throws(DynamoDBError) -> ScanOutput
    func transactWriteItems(_ input: TransactWriteItemsInput) throws(DynamoDBError) -> TransactWriteItemsOutput
}

extension DynamoDBClient: CommerceDatabase {}

extension CommerceDatabase {
    /// A transaction of an entity's conditional write and its event: a failed condition is a conflict (the entity
    /// changed meanwhile: `conflict` says so), an item DynamoDB refuses is the caller's 400, anything else transient.
    func writeWithEvent(_ items: [DynamoDB.TransactWriteItem], conflict: String) throws(CommerceError) {
        do throws(DynamoDBError) {
            _ = try transactWriteItems(TransactWriteItemsInput(transactItems: items))
        } catch {
            if error.cancellationCodes?.contains("ConditionalCheckFailed") == true {
                throw CommerceError(.conflict, conflict)
            }
            if case .validation(let message) = error {
                throw .invalidArguments("the item cannot be stored: \(message ?? "invalid item")")
            }
            throw .unrecognized(error)
        }
    }
}

extension DynamoDBError {
    /// The cancellation reason codes of a `TransactionCanceledException`, by index ("None" where DynamoDB gave no
    /// code), or nil for any other error.
    var cancellationCodes: [String]? {
        guard case .transactionCanceled(let reasons, _) = self else { return nil }
        return reasons.map { $0.code ?? "None" }
    }

    var isConditionalCheckFailed: Bool {
        if case .conditionalCheckFailed = self { true } else { false }
    }
}

// DECISIONS: every expression names its attributes through placeholders (`#pk`, `#units`, `#tn` for `_tn`), so no
// attribute can clash with a DynamoDB reserved word; the conditions and updates are otherwise the reference's.

/// The condition that makes every event put idempotent: one event per (pk, sk).
let itemDoesNotExist = "attribute_not_exists(#pk) AND attribute_not_exists(#sk)"
let keyNames = ["#pk": "pk", "#sk": "sk"]

/// The key attribute names of the single table.
func tableKey(pk: String, sk: String) -> DynamoDBItem {
    ["pk": .s(pk), "sk": .s(sk)]
}
