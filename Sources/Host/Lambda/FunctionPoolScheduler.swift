import DequeModule

/// Which execution environment runs which invocation: pure, tested alone (as `RuntimeAPIStateMachine` is).
///
/// Invocations wait in arrival order. An environment that can take work is used most-recently-available first (the
/// warmest); with none free, a new environment is started while fewer than `maxConcurrency` exist; otherwise the
/// invocation waits for one to come free. The pool applies each decision to the environment's Runtime API state
/// machine and does the work (spawning, delivering) after its lock.
struct FunctionPoolScheduler<Work> {
    enum Decision {
        /// Give the work to this free environment.
        case assign(slotID: Int, Work)
        /// Start a new environment with this id for the work.
        case spawn(slotID: Int, Work)
    }

    let maxConcurrency: Int
    private(set) var queue = Deque<Work>()
    /// Free environments; the last is the most recently freed.
    private(set) var available: [Int] = []
    private(set) var environments: Set<Int> = []
    private var nextSlotID = 1
    /// Once stopping, no environment is started.
    private(set) var isStopping = false

    init(maxConcurrency: Int) { self.maxConcurrency = maxConcurrency }

    /// New work arrived.
    mutating func enqueue(_ work: Work) -> [Decision] {
        queue.append(work)
        return schedule()
    }

    /// The environment can take work (it finished an invocation, or it just started and has nothing assigned).
    mutating func free(_ slotID: Int) -> [Decision] {
        guard environments.contains(slotID), !available.contains(slotID) else { return [] }
        available.append(slotID)
        return schedule()
    }

    /// The environment is gone (exited, timed out, failed to start); its place may start a new one at the next
    /// `schedule()`.
    mutating func remove(_ slotID: Int) {
        guard environments.remove(slotID) != nil else { return }
        available.removeAll { $0 == slotID }
    }

    /// Stop starting environments; returns the work still waiting, which will not run.
    mutating func stop() -> [Work] {
        isStopping = true
        available = []
        environments = []
        defer { queue = [] }
        return Array(queue)
    }

    /// Hands waiting work to free environments, starting new ones up to the limit.
    mutating func schedule() -> [Decision] {
        var decisions: [Decision] = []
        while let work = queue.first {
            if let slotID = available.popLast() {
                queue.removeFirst()
                decisions.append(.assign(slotID: slotID, work))
            } else if environments.count < maxConcurrency, !isStopping {
                queue.removeFirst()
                let slotID = nextSlotID
                nextSlotID += 1
                environments.insert(slotID)
                decisions.append(.spawn(slotID: slotID, work))
            } else {
                break
            }
        }
        return decisions
    }
}
