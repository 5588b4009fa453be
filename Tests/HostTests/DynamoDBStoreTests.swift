import AWSShapes
import Foundation
import Logging
import Testing

@testable import Host

@Suite struct DynamoDBKeyEncodingTests {
    @Test(arguments: [
        [
            "-1e3", "-100", "-1.5", "-1", "-0.001", "0", "0.001", "0.5", "1", "1.5", "2", "10", "99.99", "100", "1e3",
            "12345678901234567890123456789012345678",
        ]
    ])
    func numbersSortByValue(ordered: [String]) throws {
        let encoded = try ordered.map { try DynamoDBKeyEncoding.encodeNumber($0) }
        for (a, b) in zip(encoded, encoded.dropFirst()) {
            #expect(a.lexicographicallyPrecedes(b), "\(a as NSData) < \(b as NSData)")
        }
    }

    @Test(arguments: [("1", "1.0"), ("100", "1e2"), ("-0.50", "-.5"), ("0", "-0"), ("007", "7")])
    func equalNumbersEncodeAlike(a: String, b: String) throws {
        #expect(try DynamoDBKeyEncoding.encodeNumber(a) == DynamoDBKeyEncoding.encodeNumber(b))
    }

    @Test(arguments: ["", "abc", "1.2.3", "1e", "--1"])
    func nonNumbersAreRejected(text: String) {
        #expect(throws: DynamoDBKeyEncoding.InvalidKey.self) { try DynamoDBKeyEncoding.encodeNumber(text) }
    }
}

@Suite struct DynamoDBStoreTests {
    static func makeStore(path: String? = nil) throws -> DynamoDBStore {
        let file = path ?? NSTemporaryDirectory() + "ddb-\(UUID().uuidString)/host.sqlite"
        let database = try HostDatabase(path: file, migrations: DynamoDBStore.migrations)
        return DynamoDBStore(database: database, region: "us-east-1", account: "000000000000")
    }

    static let events = DynamoDBTable(
        name: "events",
        partitionKey: .init(name: "pk", type: "S"),
        sortKey: .init(name: "sk", type: "S"),
        indexes: [
            .init(
                name: "gsi1pk-gsi1sk-index", partitionKey: .init(name: "gsi1pk", type: "S"),
                sortKey: .init(name: "gsi1sk", type: "S"), projectionType: "ALL")
        ],
        streamViewType: "NEW_IMAGE",
        streamLabel: "2026-11-21T00:00:00.000",
        createdAt: 0,
        attributeDefinitions: [.init(name: "pk", type: "S"), .init(name: "sk", type: "S")])

    static func item(_ pk: String, _ sk: String, _ extra: DynamoDBItem = [:]) -> DynamoDBItem {
        var item: DynamoDBItem = ["pk": .s(pk), "sk": .s(sk)]
        item.merge(extra) { _, new in new }
        return item
    }

    @Test func putGetDeleteWithOneStreamRecordPerChange() throws {
        let store = try Self.makeStore()
        _ = try store.createTable(Self.events)
        let key = Self.item("A", "1")
        let first = try store.write(table: "events", key: key) { _ in .put(Self.item("A", "1", ["n": .n("1")])) }
        #expect(first.old == nil)
        #expect(try store.getItem(table: "events", key: key)?["n"] == .n("1"))
        _ = try store.write(table: "events", key: key) { _ in .put(Self.item("A", "1", ["n": .n("2")])) }
        // The same item again changes nothing and appends no record.
        _ = try store.write(table: "events", key: key) { _ in .put(Self.item("A", "1", ["n": .n("2")])) }
        _ = try store.write(table: "events", key: key) { _ in .keep }
        _ = try store.write(table: "events", key: key) { _ in .delete }
        _ = try store.write(table: "events", key: key) { _ in .delete }  // already gone: no record
        #expect(try store.getItem(table: "events", key: key) == nil)
        let records = try store.streamRecords(table: "events", label: Self.events.streamLabel!, after: nil, limit: 100)
        #expect(records.map(\.record.eventName) == ["INSERT", "MODIFY", "REMOVE"])
        #expect(records.map(\.sequence) == records.map(\.sequence).sorted())
        #expect(records[0].record.dynamodb.sequenceNumber?.count == 21)
        #expect(
            records.compactMap { DynamoDBStore.sequence(of: $0.record.dynamodb.sequenceNumber ?? "") }
                == records.map(\.sequence))
        #expect(records[0].record.dynamodb.newImage?["n"] == .n("1"))
        #expect(records[0].record.dynamodb.oldImage == nil, "NEW_IMAGE streams carry no old image")
        #expect(records[2].record.dynamodb.newImage == nil)
        #expect(records[2].record.dynamodb.keys == key)
        #expect(
            records[0].record.eventSourceARN
                == "arn:aws:dynamodb:us-east-1:000000000000:table/events/stream/2026-11-21T00:00:00.000")
        #expect(records[0].record.eventID.count == 32)
    }

    @Test func failedDecisionWritesNothing() throws {
        struct Refused: Error {}
        let store = try Self.makeStore()
        _ = try store.createTable(Self.events)
        #expect(throws: Refused.self) {
            try store.write(table: "events", key: Self.item("A", "1")) { _ in throw Refused() }
        }
        #expect(try store.statistics(of: "events").count == 0)
        #expect(
            try store.streamRecords(table: "events", label: Self.events.streamLabel!, after: nil, limit: 10).isEmpty)
    }

    @Test func transactionIsAllOrNothingWithAReasonPerWrite() throws {
        struct Refused: Error {}
        let store = try Self.makeStore()
        _ = try store.createTable(Self.events)
        let writes = [
            DynamoDBTransactWrite(table: "events", key: Self.item("A", "1")) { _ in .put(Self.item("A", "1")) },
            DynamoDBTransactWrite(table: "events", key: Self.item("B", "1")) { _ in throw Refused() },
        ]
        do {
            _ = try store.transact(writes)
            Issue.record("the transaction must be canceled")
        } catch let canceled as DynamoDBTransactionCanceled {
            #expect(canceled.reasons.count == 2)
            #expect(canceled.reasons[0] == nil)
            #expect(canceled.reasons[1] is Refused)
        }
        #expect(try store.getItem(table: "events", key: Self.item("A", "1")) == nil)
        let results = try store.transact([writes[0]])
        #expect(results.first?.new == Self.item("A", "1"))
    }

    @Test func queryOrdersBySortKeyAndPagesFromTheLastKey() throws {
        let store = try Self.makeStore()
        let scores = DynamoDBTable(
            name: "scores", partitionKey: .init(name: "game", type: "S"), sortKey: .init(name: "score", type: "N"),
            createdAt: 0, attributeDefinitions: [])
        _ = try store.createTable(scores)
        for score in ["10", "9", "100", "-5", "2.5"] {
            let item: DynamoDBItem = ["game": .s("g"), "score": .n(score)]
            _ = try store.write(table: "scores", key: item) { _ in .put(item) }
        }
        let all = try store.query(
            table: "scores", index: nil, partition: .s("g"), sort: nil, forward: true, exclusiveStart: nil, limit: 10)
        #expect(
            all.compactMap { if case .n(let n) = $0["score"] { n } else { nil } } == ["-5", "2.5", "9", "10", "100"])
        let page = try store.query(
            table: "scores", index: nil, partition: .s("g"), sort: .greater(.n("2.5"), orEqual: false), forward: false,
            exclusiveStart: ["game": .s("g"), "score": .n("100")], limit: 2)
        #expect(page.map { $0["score"] } == [.n("10"), .n("9")])
        let between = try store.query(
            table: "scores", index: nil, partition: .s("g"), sort: .between(.n("0"), .n("10")), forward: true,
            exclusiveStart: nil, limit: 10)
        #expect(between.count == 3)
    }

    @Test func globalSecondaryIndexFollowsEveryWrite() throws {
        let store = try Self.makeStore()
        _ = try store.createTable(Self.events)
        for (sku, time) in [("S1", "2026-01-02"), ("S2", "2026-01-01"), ("S3", "2026-01-03")] {
            let item = Self.item(
                "INVENTORY#SKU#\(sku)", "SKU#\(sku)", ["gsi1pk": .s("INVENTORY#SKU"), "gsi1sk": .s(time)])
            _ = try store.write(table: "events", key: item) { _ in .put(item) }
        }
        // Moving an item in the index (a new gsi1sk) and taking one out of it (no gsi1pk).
        let moved = Self.item(
            "INVENTORY#SKU#S1", "SKU#S1", ["gsi1pk": .s("INVENTORY#SKU"), "gsi1sk": .s("2026-01-04")])
        _ = try store.write(table: "events", key: moved) { _ in .put(moved) }
        _ = try store.write(table: "events", key: Self.item("INVENTORY#SKU#S3", "SKU#S3")) { _ in
            .put(Self.item("INVENTORY#SKU#S3", "SKU#S3"))
        }
        let listed = try store.query(
            table: "events", index: "gsi1pk-gsi1sk-index", partition: .s("INVENTORY#SKU"), sort: nil, forward: true,
            exclusiveStart: nil, limit: 50)
        #expect(listed.map { $0["pk"] } == [.s("INVENTORY#SKU#S2"), .s("INVENTORY#SKU#S1")])
        let prefix = try store.query(
            table: "events", index: nil, partition: .s("INVENTORY#SKU#S1"), sort: .beginsWith(.s("SKU#")),
            forward: true,
            exclusiveStart: nil, limit: 5)
        #expect(prefix.count == 1)
    }

    @Test func tablesItemsAndStreamsSurviveReopening() throws {
        let path = NSTemporaryDirectory() + "ddb-\(UUID().uuidString)/host.sqlite"
        do {
            let store = try Self.makeStore(path: path)
            _ = try store.createTable(Self.events)
            _ = try store.write(table: "events", key: Self.item("A", "1")) { _ in .put(Self.item("A", "1")) }
        }
        let reopened = try Self.makeStore(path: path)
        #expect(try reopened.tableNames() == ["events"])
        #expect(try reopened.getItem(table: "events", key: Self.item("A", "1")) != nil)
        let records = try reopened.streamRecords(
            table: "events", label: Self.events.streamLabel!, after: nil, limit: 10)
        #expect(records.count == 1)
        _ = try reopened.write(table: "events", key: Self.item("B", "1")) { _ in .put(Self.item("B", "1")) }
        let after = try reopened.streamRecords(
            table: "events", label: Self.events.streamLabel!, after: records[0].sequence, limit: 10)
        #expect(after.count == 1)
        #expect(after[0].sequence > records[0].sequence, "sequence numbers keep increasing across restarts")
    }

    @Test func creatingAnExistingTableIsRefused() throws {
        let store = try Self.makeStore()
        _ = try store.createTable(Self.events)
        #expect(throws: DynamoDBTableError.self) { try store.createTable(Self.events) }
        _ = try store.deleteTable(named: "events")
        #expect(try store.tableNames().isEmpty)
    }

    @Test func expiredItemsAreRemovedWithTheServiceIdentity() throws {
        let store = try Self.makeStore()
        var table = Self.events
        table.timeToLiveAttribute = "expiresAt"
        _ = try store.createTable(table)
        let old = Self.item("A", "1", ["expiresAt": .n("1000")])
        let fresh = Self.item("B", "1", ["expiresAt": .n("99999999999")])
        for item in [old, fresh] { _ = try store.write(table: "events", key: item) { _ in .put(item) } }
        #expect(try store.expireItems(table: "events", now: Date()) == 1)
        let records = try store.streamRecords(table: "events", label: table.streamLabel!, after: nil, limit: 10)
        #expect(records.last?.record.eventName == "REMOVE")
        #expect(records.last?.record.userIdentity == .init(type: "Service", principalId: "dynamodb.amazonaws.com"))
    }

    @Test func aStreamRecordWakesTheReadersOfThatStreamOnly() async throws {
        let store = try Self.makeStore()
        _ = try store.createTable(Self.events)
        var other = Self.events
        other.name = "others"
        _ = try store.createTable(other)
        let stream = store.database.topics.signal(for: .stream("events"))
        let elsewhere = store.database.topics.signal(for: .stream("others"))
        let version = stream.version
        let untouched = elsewhere.version
        let waiter = Task { await stream.wait(after: version, timeout: .seconds(30)) }
        _ = try store.write(table: "events", key: Self.item("A", "1")) { _ in .put(Self.item("A", "1")) }
        await waiter.value
        #expect(stream.version > version)
        #expect(elsewhere.version == untouched, "a write to one table does not wake the readers of another")
    }

    /// A wait ends when its task is cancelled, whenever the cancellation comes: before the wait began (the race that
    /// kept a stopping service waiting for a commit that never came), or while it waits.
    @Test func aCancelledWaitEndsWithoutACommit() async throws {
        let signal = CommitSignal()
        for round in 0..<200 {
            let version = signal.version
            let started = ContinuousClock.now
            let waiter = Task {
                if round % 2 == 0 { withUnsafeCurrentTask { $0?.cancel() } }
                await signal.wait(after: version, timeout: .seconds(3600))
            }
            if round % 2 == 1 { waiter.cancel() }
            try await within(30, "a cancelled wait (round \(round))") { await waiter.value }
            #expect(ContinuousClock.now - started < .seconds(30), "round \(round)")
        }
        #expect(signal.version == 0, "no commit woke them")
    }

    @Test func sweeperExpiresItemsInEveryTable() throws {
        let store = try Self.makeStore()
        var table = Self.events
        table.timeToLiveAttribute = "ttl"
        _ = try store.createTable(table)
        let item = Self.item("A", "1", ["ttl": .n("10")])
        _ = try store.write(table: "events", key: item) { _ in .put(item) }
        let sweeper = DynamoDBSweeper(store: store, logger: Logger(label: "test"))
        #expect(try sweeper.sweep() == 1)
        #expect(try store.getItem(table: "events", key: item) == nil)
        #expect(try sweeper.sweep() == 0)
    }

    @Test func scanPagesVisitEveryItemOnceInTablesAndIndexes() throws {
        let store = try Self.makeStore()
        _ = try store.createTable(Self.events)
        for n in 0..<25 {
            let item = Self.item("P\(n % 7)", "S\(n)", ["gsi1pk": .s("G\(n % 3)"), "gsi1sk": .s("\(100 - n)")])
            _ = try store.write(table: "events", key: item) { _ in .put(item) }
        }
        for index in [nil, "gsi1pk-gsi1sk-index"] {
            var seen: [String] = []
            var start: DynamoDBItem?
            repeat {
                let page = try store.scan(table: "events", index: index, exclusiveStart: start, limit: 4)
                seen += page.compactMap { if case .s(let sk) = $0["sk"] { sk } else { nil } }
                start = page.count == 4 ? page.last : nil
            } while start != nil
            #expect(seen.count == 25, "index \(index ?? "none")")
            #expect(Set(seen).count == 25, "index \(index ?? "none")")
        }
        // Segments split the items without overlap.
        let segments = try (0..<3).map {
            try store.scan(table: "events", index: nil, exclusiveStart: nil, limit: 100, segment: $0, totalSegments: 3)
        }
        #expect(segments.map(\.count).reduce(0, +) == 25)
    }
}
