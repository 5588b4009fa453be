/// The Runtime API state of one execution environment, as RIE keeps it: pure, so every transition is tested alone.
///
/// `Waiter` is whatever answers a parked `GET /next` later (a channel in the host, a number in tests).
/// The machine never answers `/next` with an error while it waits, because runtimes such as awslambdaric exit on a
/// 5xx; it answers 403 `InvalidStateTransition` when a runtime calls `/next` with an invocation outstanding, and
/// 400 `InvalidRequestID` to a post for an id that is not the outstanding one.
struct RuntimeAPIStateMachine<Waiter> {
    enum State {
        /// The process runs its init code; `pending` waits for the first `/next`.
        case initializing(pending: Invocation?)
        /// An invocation was answered; the runtime has not asked for the next one yet.
        case betweenInvocations(pending: Invocation?)
        /// The runtime waits in `/next`.
        case parked(Waiter)
        /// The runtime holds `invocation` and owes a response or an error.
        case invoking(Invocation)
        /// The environment is finished (init error, timeout, exit); it takes no more work.
        case terminated
    }

    private(set) var state: State = .initializing(pending: nil)

    /// True while the environment can take an invocation without queueing it behind another.
    var isAvailable: Bool {
        switch state {
        case .initializing(nil), .betweenInvocations(nil), .parked: true
        default: false
        }
    }

    var isTerminated: Bool {
        if case .terminated = state { return true }
        return false
    }

    /// The invocation the environment holds or will be handed next, if any.
    var currentInvocation: Invocation? {
        switch state {
        case .initializing(let pending), .betweenInvocations(let pending): pending
        case .invoking(let invocation): invocation
        case .parked, .terminated: nil
        }
    }

    // MARK: GET /next

    enum NextAction {
        /// Answer this `/next` with the invocation now.
        case deliver(Invocation, initCompleted: Bool)
        /// Hold the request open until an invocation arrives.
        case park(initCompleted: Bool)
        case reject(RuntimeAPIRejection)
        /// The environment is being torn down: leave the request unanswered.
        case ignore
    }

    mutating func nextRequested(by waiter: Waiter) -> NextAction {
        switch state {
        case .initializing(let pending), .betweenInvocations(let pending):
            let initCompleted = if case .initializing = state { true } else { false }
            if let pending {
                state = .invoking(pending)
                return .deliver(pending, initCompleted: initCompleted)
            }
            state = .parked(waiter)
            return .park(initCompleted: initCompleted)
        case .parked, .invoking:
            return .reject(.invalidStateTransition)
        case .terminated:
            return .ignore
        }
    }

    // MARK: the platform assigns work

    enum AssignAction {
        case deliver(Invocation, to: Waiter)
        /// Stored; it goes out with the runtime's next `/next`.
        case held
    }

    /// Gives the environment an invocation. Only valid while ``isAvailable``.
    mutating func assign(_ invocation: Invocation) -> AssignAction? {
        switch state {
        case .initializing(nil):
            state = .initializing(pending: invocation)
            return .held
        case .betweenInvocations(nil):
            state = .betweenInvocations(pending: invocation)
            return .held
        case .parked(let waiter):
            state = .invoking(invocation)
            return .deliver(invocation, to: waiter)
        default:
            return nil
        }
    }

    /// The connection of the parked `/next` closed: the runtime will ask again on a new one.
    mutating func waiterGone() {
        if case .parked = state { state = .betweenInvocations(pending: nil) }
    }

    /// The invocation could not be written to the runtime (its `/next` connection had closed): it waits for the
    /// runtime's next `/next`. Returns false unless `requestID` is the invocation being delivered.
    mutating func deliveryFailed(requestID: String) -> Bool {
        guard case .invoking(let invocation) = state, invocation.requestID == requestID else { return false }
        state = .betweenInvocations(pending: invocation)
        return true
    }

    /// True while the runtime waits in `/next` with nothing to do.
    var isParked: Bool {
        if case .parked = state { return true }
        return false
    }

    // MARK: POST /response, /error, /init/error

    enum PostAction {
        /// 202 to the runtime; the invocation ends with the outcome.
        case complete(Invocation, InvocationOutcome)
        case reject(RuntimeAPIRejection)
    }

    /// `POST /runtime/invocation/{id}/response` (or `/error`); `outcome` is what the post means for the caller.
    mutating func posted(requestID: String, outcome: InvocationOutcome) -> PostAction {
        guard case .invoking(let invocation) = state, invocation.requestID == requestID else {
            return .reject(.invalidRequestID)
        }
        state = .betweenInvocations(pending: nil)
        return .complete(invocation, outcome)
    }

    enum InitErrorAction {
        /// 202 to the runtime; the environment is finished. `pending`, if any, fails with the error.
        case terminate(pending: Invocation?)
        case reject(RuntimeAPIRejection)
    }

    mutating func initErrorPosted() -> InitErrorAction {
        guard case .initializing(let pending) = state else { return .reject(.invalidStateTransition) }
        state = .terminated
        return .terminate(pending: pending)
    }

    // MARK: the platform ends the environment

    /// The invocation's deadline passed, or the init limit: returns what to fail, and the environment is finished.
    mutating func deadlinePassed(requestID: String) -> Invocation? {
        switch state {
        case .invoking(let invocation) where invocation.requestID == requestID,
            .initializing(let invocation?) where invocation.requestID == requestID,
            .betweenInvocations(let invocation?) where invocation.requestID == requestID:
            state = .terminated
            return invocation
        default:
            return nil
        }
    }

    /// The process exited (or is being stopped): the environment is finished; returns the invocation it owed.
    mutating func terminate() -> Invocation? {
        let owed = currentInvocation
        state = .terminated
        return owed
    }
}

/// A Runtime API status and error body (`{"errorType", "errorMessage"}`).
struct RuntimeAPIRejection: Equatable, Error {
    var status: Int
    var errorType: String
    var errorMessage: String

    static let invalidStateTransition = RuntimeAPIRejection(
        status: 403, errorType: "InvalidStateTransition", errorMessage: "State transition is not allowed")
    static let invalidRequestID = RuntimeAPIRejection(
        status: 400, errorType: "InvalidRequestID", errorMessage: "Invalid request ID")
    static let tooLarge = RuntimeAPIRejection(
        status: 413, errorType: "RequestEntityTooLarge",
        errorMessage: "Exceeded maximum allowed payload size (6291556 bytes).")
}
