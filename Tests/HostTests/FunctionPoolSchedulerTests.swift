import Testing

@testable import Host

/// The function pool's scheduling decisions, without processes or sockets.
struct FunctionPoolSchedulerTests {
    typealias Scheduler = FunctionPoolScheduler<String>

    func describe(_ decisions: [Scheduler.Decision]) -> [String] {
        decisions.map {
            switch $0 {
            case .assign(let slotID, let work): "assign \(work) → \(slotID)"
            case .spawn(let slotID, let work): "spawn \(slotID) for \(work)"
            }
        }
    }

    @Test func startsEnvironmentsUpToTheLimitThenQueuesInArrivalOrder() {
        var scheduler = Scheduler(maxConcurrency: 2)
        #expect(describe(scheduler.enqueue("a")) == ["spawn 1 for a"])
        #expect(describe(scheduler.enqueue("b")) == ["spawn 2 for b"])
        #expect(scheduler.enqueue("c").isEmpty)
        #expect(scheduler.enqueue("d").isEmpty)
        #expect(Array(scheduler.queue) == ["c", "d"])
        #expect(describe(scheduler.free(2)) == ["assign c → 2"])
        #expect(describe(scheduler.free(1)) == ["assign d → 1"])
        #expect(scheduler.queue.isEmpty)
    }

    @Test func theMostRecentlyFreedEnvironmentIsReusedFirst() {
        var scheduler = Scheduler(maxConcurrency: 3)
        _ = scheduler.enqueue("a")
        _ = scheduler.enqueue("b")
        _ = scheduler.enqueue("c")
        #expect(scheduler.free(1).isEmpty)
        #expect(scheduler.free(3).isEmpty)
        #expect(scheduler.free(2).isEmpty)
        #expect(describe(scheduler.enqueue("d")) == ["assign d → 2"])
        #expect(describe(scheduler.enqueue("e")) == ["assign e → 3"])
        // Freeing twice does not offer the environment twice.
        #expect(scheduler.free(2).isEmpty)
        #expect(scheduler.free(2).isEmpty)
        #expect(scheduler.available == [1, 2])
    }

    @Test func aRemovedEnvironmentMakesRoomForANewOne() {
        var scheduler = Scheduler(maxConcurrency: 1)
        _ = scheduler.enqueue("a")
        #expect(scheduler.enqueue("b").isEmpty)
        scheduler.remove(1)
        #expect(describe(scheduler.schedule()) == ["spawn 2 for b"])
        // Removing an unknown or already removed environment changes nothing.
        scheduler.remove(1)
        scheduler.remove(99)
        #expect(scheduler.environments == [2])
        #expect(scheduler.free(1).isEmpty)
    }

    @Test func stoppingHandsBackTheQueueAndStartsNothingMore() {
        var scheduler = Scheduler(maxConcurrency: 1)
        _ = scheduler.enqueue("a")
        _ = scheduler.enqueue("b")
        _ = scheduler.enqueue("c")
        #expect(scheduler.stop() == ["b", "c"])
        #expect(scheduler.isStopping)
        #expect(scheduler.enqueue("d").isEmpty)
        #expect(scheduler.schedule().isEmpty)
    }
}
