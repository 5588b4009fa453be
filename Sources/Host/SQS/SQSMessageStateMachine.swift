import Foundation

/// The life of one standard-queue message, as pure functions of its stored fields and the clock:
/// delayed → visible → in flight (receive) → visible again (visibility expiry or a visibility change to 0) → …,
/// ending deleted (DeleteMessage, purge, retention) or moved to the dead-letter queue (at receive time, once the
/// receive count is used up).
enum SQSMessageStateMachine {
    enum State: Equatable {
        /// Sent with a delay that has not passed; never received.
        case delayed
        case visible
        /// Received, and its visibility timeout has not passed.
        case inFlight
        /// Older than the queue's retention period: gone at the next look.
        case expired
    }

    /// What a receive does with a message it looks at.
    enum ReceiveDecision: Equatable {
        /// Not visible: leave it.
        case skip
        /// Past retention: delete it.
        case expire
        /// Hand it out: its new receive count and the end of its visibility timeout.
        case deliver(receiveCount: Int, visibleAfter: Date)
        /// Its receive count is used up: move it to the dead-letter queue (same MessageId, count kept).
        case moveToDeadLetterQueue
    }

    struct Message: Equatable {
        var sentAt: Date
        var receiveCount: Int
        var visibleAfter: Date
    }

    struct Policy: Equatable {
        var retentionPeriod: TimeInterval
        var visibilityTimeout: TimeInterval
        /// `maxReceiveCount` of the redrive policy, when the queue has one whose target exists.
        var maxReceiveCount: Int?
    }

    static func state(of message: Message, retentionPeriod: TimeInterval, now: Date) -> State {
        if message.sentAt.addingTimeInterval(retentionPeriod) <= now { return .expired }
        if message.visibleAfter <= now { return .visible }
        return message.receiveCount == 0 ? .delayed : .inFlight
    }

    static func receive(_ message: Message, policy: Policy, now: Date) -> ReceiveDecision {
        switch state(of: message, retentionPeriod: policy.retentionPeriod, now: now) {
        case .expired: return .expire
        case .delayed, .inFlight: return .skip
        case .visible:
            if let maxReceiveCount = policy.maxReceiveCount, message.receiveCount >= maxReceiveCount {
                return .moveToDeadLetterQueue
            }
            return .deliver(
                receiveCount: message.receiveCount + 1, visibleAfter: now.addingTimeInterval(policy.visibilityTimeout))
        }
    }

    /// ChangeMessageVisibility: only an in-flight message changes; the timeout counts from now (0: visible now).
    static func changeVisibility(_ message: Message, timeout: TimeInterval, retentionPeriod: TimeInterval, now: Date)
        -> Date?
    {
        guard state(of: message, retentionPeriod: retentionPeriod, now: now) == .inFlight else { return nil }
        return now.addingTimeInterval(timeout)
    }
}
