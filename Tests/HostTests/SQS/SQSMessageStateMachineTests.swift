import Foundation
import Testing

@testable import Host

struct SQSMessageStateMachineTests {
    let sent = Date(timeIntervalSince1970: 1000)
    let policy = SQSMessageStateMachine.Policy(retentionPeriod: 600, visibilityTimeout: 30, maxReceiveCount: nil)

    @Test func lifeOfAMessage() {
        typealias Machine = SQSMessageStateMachine
        var message = Machine.Message(sentAt: sent, receiveCount: 0, visibleAfter: sent.addingTimeInterval(5))
        #expect(Machine.state(of: message, retentionPeriod: 600, now: sent) == .delayed)
        #expect(Machine.receive(message, policy: policy, now: sent) == .skip)
        let at = sent.addingTimeInterval(5)
        #expect(Machine.state(of: message, retentionPeriod: 600, now: at) == .visible)
        #expect(
            Machine.receive(message, policy: policy, now: at)
                == .deliver(receiveCount: 1, visibleAfter: at.addingTimeInterval(30)))
        message.receiveCount = 1
        message.visibleAfter = at.addingTimeInterval(30)
        #expect(Machine.state(of: message, retentionPeriod: 600, now: at.addingTimeInterval(29)) == .inFlight)
        #expect(Machine.state(of: message, retentionPeriod: 600, now: at.addingTimeInterval(30)) == .visible)
        #expect(Machine.changeVisibility(message, timeout: 0, retentionPeriod: 600, now: at) == at)
        #expect(
            Machine.changeVisibility(message, timeout: 0, retentionPeriod: 600, now: at.addingTimeInterval(31)) == nil)
        #expect(Machine.receive(message, policy: policy, now: sent.addingTimeInterval(600)) == .expire)
    }

    @Test func redriveWhenTheReceiveCountIsUsedUp() {
        let redrive = SQSMessageStateMachine.Policy(retentionPeriod: 600, visibilityTimeout: 30, maxReceiveCount: 2)
        let once = SQSMessageStateMachine.Message(sentAt: sent, receiveCount: 1, visibleAfter: sent)
        #expect(
            SQSMessageStateMachine.receive(once, policy: redrive, now: sent)
                == .deliver(receiveCount: 2, visibleAfter: sent.addingTimeInterval(30)))
        let twice = SQSMessageStateMachine.Message(sentAt: sent, receiveCount: 2, visibleAfter: sent)
        #expect(SQSMessageStateMachine.receive(twice, policy: redrive, now: sent) == .moveToDeadLetterQueue)
    }
}
