import Testing

@testable import Host

@Suite struct RuntimeAPIStateMachineTests {
    typealias Machine = RuntimeAPIStateMachine<Int>

    func invocation(_ id: String) -> Invocation {
        Invocation(requestID: id, payload: Array("{}".utf8), traceID: "Root=1-00000000-000000000000000000000000")
    }

    @Test func firstNextCompletesInitAndParksWithoutWork() {
        var machine = Machine()
        guard case .park(initCompleted: true) = machine.nextRequested(by: 1) else {
            Issue.record("expected park")
            return
        }
        #expect(machine.isAvailable)
        guard case .deliver(let invocation, to: 1) = machine.assign(invocation("a")) else {
            Issue.record("a parked runtime gets the invocation at once")
            return
        }
        #expect(invocation.requestID == "a")
        #expect(!machine.isAvailable)
    }

    @Test func invocationAssignedDuringInitGoesOutWithTheFirstNext() {
        var machine = Machine()
        guard case .held = machine.assign(invocation("a")) else {
            Issue.record("held during init")
            return
        }
        #expect(!machine.isAvailable)
        guard case .deliver(let invocation, initCompleted: true) = machine.nextRequested(by: 7) else {
            Issue.record("expected delivery")
            return
        }
        #expect(invocation.requestID == "a")
    }

    @Test func secondNextWhileInvokingIsAnInvalidStateTransition() {
        var machine = Machine()
        _ = machine.assign(invocation("a"))
        _ = machine.nextRequested(by: 1)
        guard case .reject(let rejection) = machine.nextRequested(by: 2) else {
            Issue.record("expected 403")
            return
        }
        #expect(rejection == .invalidStateTransition)
        #expect(rejection.status == 403)
    }

    @Test func anUndeliveredInvocationGoesOutWithTheNextNext() {
        var machine = Machine()
        _ = machine.nextRequested(by: 1)
        #expect(machine.isParked)
        guard case .deliver = machine.assign(invocation("a")) else {
            Issue.record("expected delivery to the parked runtime")
            return
        }
        #expect(!machine.isParked)
        // Another id changes nothing; the delivered one returns to waiting.
        let other = machine.deliveryFailed(requestID: "b")
        let first = machine.deliveryFailed(requestID: "a")
        let twice = machine.deliveryFailed(requestID: "a")
        #expect(!other && first && !twice)
        #expect(!machine.isAvailable)
        #expect(machine.currentInvocation?.requestID == "a")
        guard case .deliver(let again, initCompleted: false) = machine.nextRequested(by: 2) else {
            Issue.record("the next /next gets the invocation")
            return
        }
        #expect(again.requestID == "a")
        guard case .complete = machine.posted(requestID: "a", outcome: .response(Array("{}".utf8))) else {
            Issue.record("its response completes it")
            return
        }
    }

    @Test func secondNextWhileParkedIsRejected() {
        var machine = Machine()
        _ = machine.nextRequested(by: 1)
        guard case .reject(let rejection) = machine.nextRequested(by: 2) else {
            Issue.record("expected 403")
            return
        }
        #expect(rejection.status == 403)
    }

    @Test func responseForAnotherIDIsInvalidRequestID() {
        var machine = Machine()
        _ = machine.assign(invocation("a"))
        _ = machine.nextRequested(by: 1)
        guard case .reject(let rejection) = machine.posted(requestID: "b", outcome: .response([])) else {
            Issue.record("expected 400")
            return
        }
        #expect(rejection == .invalidRequestID)
        #expect(rejection.status == 400)
    }

    @Test func responseEndsTheInvocationOnceAndADuplicateIsRejected() {
        var machine = Machine()
        _ = machine.assign(invocation("a"))
        _ = machine.nextRequested(by: 1)
        guard
            case .complete(let done, .response(let body)) = machine.posted(requestID: "a", outcome: .response([1, 2]))
        else {
            Issue.record("expected completion")
            return
        }
        #expect(done.requestID == "a")
        #expect(body == [1, 2])
        #expect(machine.isAvailable)
        guard case .reject(let rejection) = machine.posted(requestID: "a", outcome: .response([])) else {
            Issue.record("a second response is refused")
            return
        }
        #expect(rejection == .invalidRequestID)
    }

    @Test func responseBeforeAnyInvocationIsInvalidRequestID() {
        var machine = Machine()
        guard case .reject(let rejection) = machine.posted(requestID: "x", outcome: .response([])) else {
            Issue.record("expected 400")
            return
        }
        #expect(rejection.status == 400)
    }

    @Test func initErrorDuringInitTerminatesAndFailsThePendingInvocation() {
        var machine = Machine()
        _ = machine.assign(invocation("a"))
        guard case .terminate(let pending) = machine.initErrorPosted() else {
            Issue.record("expected termination")
            return
        }
        #expect(pending?.requestID == "a")
        #expect(machine.isTerminated)
        #expect(!machine.isAvailable)
    }

    @Test func initErrorAfterInitIsAnInvalidStateTransition() {
        var machine = Machine()
        _ = machine.nextRequested(by: 1)
        guard case .reject(let rejection) = machine.initErrorPosted() else {
            Issue.record("expected 403")
            return
        }
        #expect(rejection.status == 403)
    }

    @Test func deadlineTerminatesOnlyForTheCurrentInvocation() {
        var machine = Machine()
        _ = machine.assign(invocation("a"))
        _ = machine.nextRequested(by: 1)
        #expect(machine.deadlinePassed(requestID: "old") == nil)
        #expect(!machine.isTerminated)
        #expect(machine.deadlinePassed(requestID: "a")?.requestID == "a")
        #expect(machine.isTerminated)
        guard case .reject(let rejection) = machine.posted(requestID: "a", outcome: .response([])) else {
            Issue.record("a late response after a timeout is refused")
            return
        }
        #expect(rejection == .invalidRequestID)
    }

    @Test func terminatedEnvironmentIgnoresNextAndTakesNoWork() {
        var machine = Machine()
        _ = machine.terminate()
        guard case .ignore = machine.nextRequested(by: 1) else {
            Issue.record("expected ignore")
            return
        }
        let assigned = machine.assign(invocation("a"))
        #expect(assigned == nil)
    }

    @Test func exitReturnsTheOwedInvocation() {
        var machine = Machine()
        _ = machine.assign(invocation("a"))
        _ = machine.nextRequested(by: 1)
        #expect(machine.terminate()?.requestID == "a")
        var idle = Machine()
        _ = idle.nextRequested(by: 1)
        #expect(idle.terminate() == nil)
    }
}
