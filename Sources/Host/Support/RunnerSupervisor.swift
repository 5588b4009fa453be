import Synchronization

/// Keeps one running task per definition of a set that changes at run time (pipes, event source mappings): after
/// each change, ``reconcile(_:start:)`` stops the tasks whose definition vanished or changed and starts the new
/// ones. A definition's task is cancelled and awaited before its replacement starts, so two runners of one pipe or
/// mapping never overlap.
final class RunnerSupervisor<Definition: Equatable & Sendable>: Sendable {
    private struct Running: Sendable {
        var definition: Definition
        var task: Task<Void, Never>
    }

    private let running = Mutex<[String: Running]>([:])
    /// Bumped by every change to the definitions; ``run(load:start:)`` reconciles after each.
    let changes = CommitSignal()

    /// Reconciles now and after every ``changes`` signal until the task is cancelled, then stops every runner.
    func run(
        load: @Sendable () throws -> [String: Definition], start: @escaping @Sendable (Definition) -> Task<Void, Never>
    )
        async
    {
        while !Task.isCancelled {
            let version = changes.version
            if let desired = try? load() { await reconcile(desired, start: start) }
            await changes.wait(after: version, timeout: .seconds(3600))
        }
        await reconcile([:], start: start)
    }

    /// Stops what is not desired (or desired differently) and starts what is not running.
    func reconcile(_ desired: [String: Definition], start: @Sendable (Definition) -> Task<Void, Never>) async {
        let stale = running.withLock { running -> [Task<Void, Never>] in
            var stale: [Task<Void, Never>] = []
            for (key, entry) in running where desired[key] != entry.definition {
                stale.append(entry.task)
                running.removeValue(forKey: key)
            }
            return stale
        }
        // All are told first, then awaited: stopping many runners takes as long as the slowest, not their sum.
        for task in stale { task.cancel() }
        for task in stale { await task.value }
        running.withLock { running in
            for (key, definition) in desired where running[key] == nil {
                running[key] = Running(definition: definition, task: start(definition))
            }
        }
    }

    /// The keys of the definitions that have a runner.
    var runningKeys: Set<String> { running.withLock { Set($0.keys) } }
}
