/// A failure of a commerce operation, as the reference's error kinds (seed-behaviour.md §6.1).
///
/// Only ``transient`` failures are retried: an API answers 500 instead of 400, a worker reports the message in
/// `batchItemFailures` so SQS redelivers it. Every other failure is final (400, or the message is dropped).
public struct CommerceError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case invalidArguments = "InvalidArgumentsError"
        case unrecognized = "UnrecognizedError"
        case duplicateEventRaised = "DuplicateEventRaisedError"
        case invalidOperation = "InvalidOperationError"
        case staleOrderStatusTransition = "StaleOrderStatusTransitionError"
        case redundantOrderStatusTransition = "RedundantOrderStatusTransitionError"
        case forbiddenOrderStatusTransition = "ForbiddenOrderStatusTransitionError"
        case duplicateRestockOperation = "DuplicateRestockOperationError"
        case duplicateStockAllocation = "DuplicateStockAllocationError"
        case depletedStockAllocation = "DepletedStockAllocationError"
        case invalidStockCompletion = "InvalidStockCompletionError"
        case invalidStockDeallocation = "InvalidStockDeallocationError"
        case paymentFailed = "PaymentFailedError"
        case paymentAlreadyAccepted = "PaymentAlreadyAcceptedError"
        case paymentAlreadyRejected = "PaymentAlreadyRejectedError"
        /// The caller is not signed in, or gave wrong credentials (401).
        case unauthorized = "UnauthorizedError"
        /// What a request names does not exist (an API answers 404).
        case notFound = "NotFoundError"
        /// The request conflicts with the order's state, such as delivering a cancelled shipment (409).
        case conflict = "ConflictError"

        /// Whether a failure of this kind is retried when nothing else is said.
        public var isTransientByDefault: Bool { self == .unrecognized || self == .paymentFailed }
    }

    public var kind: Kind
    public var transient: Bool
    public var message: String

    public init(_ kind: Kind, _ message: String = "", transient: Bool? = nil) {
        self.kind = kind
        self.message = message
        self.transient = transient ?? kind.isTransientByDefault
    }

    public var description: String {
        "\(kind.rawValue)\(transient ? " (transient)" : ""): \(message)"
    }

    static func invalidArguments(_ message: String) -> CommerceError { CommerceError(.invalidArguments, message) }

    /// Any unexpected database or SDK failure: transient.
    static func unrecognized(_ error: any Error) -> CommerceError {
        CommerceError(.unrecognized, String(describing: error))
    }
}

/// Optimistic concurrency, as the cart and the catalog change their items: `prepare` reads the item and decides the
/// change (its errors end the loop, a conflict among them: a checked-out cart stays refused); `commit` writes it on
/// the condition that the item did not change since it was read. When another change came first (`commit` throws a
/// conflict), the item is read again and the change decided again on top of it, up to `attempts` times.
func withOptimisticRetries<Change>(
    attempts: Int, exhausted: @autoclosure () -> String, prepare: () throws(CommerceError) -> Change,
    commit: (Change) throws(CommerceError) -> Void
) throws(CommerceError) -> Change {
    for _ in 0..<attempts {
        let change = try prepare()
        do throws(CommerceError) {
            try commit(change)
            return change
        } catch  where error.kind == .conflict {
            continue
        }
    }
    throw CommerceError(.conflict, exhausted())
}
