/// The consolidated order's status. Note `ORDER_CANCELED_STATUS`, one L.
public enum OrderStatus: String, Sendable, CaseIterable {
    case created = "ORDER_CREATED_STATUS"
    case stockDepleted = "ORDER_STOCK_DEPLETED_STATUS"
    case stockAllocated = "ORDER_STOCK_ALLOCATED_STATUS"
    case paymentRejected = "ORDER_PAYMENT_REJECTED_STATUS"
    case paymentAccepted = "ORDER_PAYMENT_ACCEPTED_STATUS"
    case shipped = "ORDER_SHIPPED_STATUS"
    case delivered = "ORDER_DELIVERED_STATUS"
    case canceled = "ORDER_CANCELED_STATUS"
}

/// What an incoming event does to an order in a status (`UpdateOrderCommand.orderStatusTransitionRules`).
public enum OrderStatusTransition: Equatable, Sendable {
    case to(OrderStatus)
    /// StaleOrderStatusTransitionError: the event is behind the order.
    case stale
    /// RedundantOrderStatusTransitionError: the order is already there.
    case redundant
    /// ForbiddenOrderStatusTransitionError: the event contradicts the order.
    case forbidden

    /// The transition table of seed-behaviour.md §5.3.1: rows are the existing status, columns the events in
    /// `OrderEventName.allCases` order (PLACED, CREATED, STOCK_DEPLETED, STOCK_ALLOCATED, PAYMENT_REJECTED,
    /// PAYMENT_ACCEPTED, SHIPPED, DELIVERED, CANCELED).
    public static let table: [OrderStatus: [OrderEventName: OrderStatusTransition]] = {
        let (s, r, f) = (OrderStatusTransition.stale, OrderStatusTransition.redundant, OrderStatusTransition.forbidden)
        let rows: [OrderStatus: [OrderStatusTransition]] = [
            .created: [
                s, r, .to(.stockDepleted), .to(.stockAllocated), .to(.paymentRejected), .to(.paymentAccepted),
                .to(.shipped), .to(.delivered), .to(.canceled),
            ],
            .stockDepleted: [s, s, r, f, f, f, f, f, .to(.canceled)],
            .stockAllocated: [
                s, s, f, r, .to(.paymentRejected), .to(.paymentAccepted), .to(.shipped), .to(.delivered),
                .to(.canceled),
            ],
            .paymentRejected: [s, s, f, s, r, f, f, f, .to(.canceled)],
            .paymentAccepted: [s, s, f, s, f, r, .to(.shipped), .to(.delivered), .to(.canceled)],
            .shipped: [s, s, f, s, f, s, r, .to(.delivered), .to(.canceled)],
            .delivered: [s, s, f, s, f, s, s, r, .to(.canceled)],
            .canceled: [s, s, s, s, s, s, s, s, r],
        ]
        return rows.mapValues { Dictionary(uniqueKeysWithValues: zip(OrderEventName.allCases, $0)) }
    }()

    /// The new status for `event` on an order in `status`, or the non-transient error that drops the event.
    public static func newStatus(from status: OrderStatus, on event: OrderEventName) throws(CommerceError)
        -> OrderStatus
    {
        switch table[status]?[event] {
        case .to(let next): return next
        case .stale:
            throw CommerceError(.staleOrderStatusTransition, "\(event.rawValue) is stale for \(status.rawValue)")
        case .redundant:
            throw CommerceError(
                .redundantOrderStatusTransition, "\(event.rawValue) is redundant for \(status.rawValue)")
        case .forbidden:
            throw CommerceError(
                .forbiddenOrderStatusTransition, "\(event.rawValue) is forbidden for \(status.rawValue)")
        case nil: throw CommerceError(.invalidOperation, "no transition for \(event.rawValue) on \(status.rawValue)")
        }
    }
}
