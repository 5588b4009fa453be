// DECISIONS (schedules firing): each enabled rule with a ScheduleExpression fires at its times on the host's clock
// (`HostClock`: the wall clock, or later after `POST /_host/clock/advance`), delivering AWS's scheduled event
// (`source: aws.events`, `detail-type: Scheduled Event`, `resources: [rule ARN]`, `detail: {}`, `time` the time it
// was due) to the rule's targets, in the transaction that records the firing, so a firing is neither lost nor
// doubled by a crash. The scheduler sleeps until the next time due or until a rule or the clock changes, never
// polls. Times that passed while the host was down fire once at start (AWS delivers a late event, not every missed
// one); times that an advance of the clock passes all fire, in order (at most 10,000 per pass).

import AWSShapes
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Fires scheduled rules on the host's clock.
final class EventBridgeScheduler: Service, Sendable {
    let store: EventBridgeStore
    let targets: EventBridgeTargets
    let clock: HostClock
    let logger: Logger
    /// One pass at a time (the loop's and an advance's): the lock is held for the pass (synchronous work).
    private let passing = Mutex(())

    init(store: EventBridgeStore, targets: EventBridgeTargets, clock: HostClock, logger: Logger) {
        self.store = store
        self.targets = targets
        self.clock = clock
        self.logger = logger
    }

    /// Fires every schedule due by now; returns the next time one is due. With `catchingUp`, a schedule fires once
    /// however many of its times passed (the host was down).
    @discardableResult
    func fireDue(catchingUp: Bool = false) -> Date? {
        passing.withLock { _ in pass(catchingUp: catchingUp) }
    }

    private func pass(catchingUp: Bool) -> Date? {
        let now = clock.now()
        var next: Date?
        let rules: [EventBridgeStore.ScheduledRule]
        do {
            rules = try store.scheduledRules()
        } catch {
            logger.warning("schedules: \(error)")
            return nil
        }
        var firings = 0
        for rule in rules {
            guard let expression = try? ScheduleExpression(parsing: rule.schedule) else { continue }
            var last = rule.lastFired ?? rule.start
            while let due = expression.next(after: last, start: rule.start), due <= now, firings < 10_000 {
                let time = catchingUp ? now : due
                do {
                    try fire(rule, at: time)
                } catch {
                    logger.warning("schedule of rule \(rule.name): \(error)")
                    break
                }
                firings += 1
                last = catchingUp ? now : due
                if catchingUp { break }
            }
            if let due = expression.next(after: max(last, now), start: rule.start) {
                next = min(next ?? due, due)
            }
        }
        return next
    }

    private func fire(_ rule: EventBridgeStore.ScheduledRule, at time: Date) throws {
        let ruleARN = store.ruleARN(bus: rule.bus, name: rule.name)
        let id = Identifiers.uuid()
        let event = EventBridgeInput.eventJSON(
            id: id, detailType: "Scheduled Event", source: "aws.events", account: store.account, time: time,
            region: store.region, resources: [ruleARN], detail: "{}")
        let parsed = EventBridgeInput.eventValue(
            id: id, detailType: "Scheduled Event", source: "aws.events", account: store.account, time: time,
            region: store.region, resources: [ruleARN], detail: .object([:]))
        try store.database.write { db in
            for target in try EventBridgeStore.targets(db, bus: rule.bus, rule: rule.name) {
                guard
                    let body = try EventBridgeInput.body(
                        for: target, event: event, parsed: parsed, ruleName: rule.name, ruleARN: ruleARN)
                else { continue }
                try targets.deliver(
                    db,
                    TargetDelivery(
                        ruleARN: ruleARN, target: target, body: body,
                        traceHeader: TraceSegment.starting(at: time).header, eventID: id, time: time))
            }
            try EventBridgeStore.markFired(db, bus: rule.bus, name: rule.name, at: time)
        }
    }

    func run() async throws {
        let signal = store.database.topics.signal(for: .clock)
        await cancelWhenGracefulShutdown {
            var catchingUp = true
            while !Task.isCancelled {
                let version = signal.version
                let next = self.fireDue(catchingUp: catchingUp)
                catchingUp = false
                let wait = next.map { max(0.001, $0.timeIntervalSince(self.clock.now())) } ?? 3600
                await signal.wait(after: version, timeout: .milliseconds(Int64(min(wait, 3600) * 1000)))
            }
        }
    }
}
