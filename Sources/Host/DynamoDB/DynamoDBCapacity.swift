import AWSShapes
import DynamoDBExpressions

// DECISIONS (capacity units, the DynamoDB developer guide's "Capacity unit consumption", and scylladb's Alternator
// tests run against DynamoDB, test_returnconsumedcapacity.py):
// - A read is one unit per 4 KB of the item (at least one unit, a missing item too), half of that when eventually
//   consistent. BatchGetItem and TransactGetItems count each item on its own; Query and Scan count the items they
//   evaluate together. Scan spends at least 4 units (2 eventually consistent): DynamoDB answers so for a table of
//   one tiny item, which the suite records.
// - A write is one unit per 1 KB of the larger of the item before and after (at least one unit). Each secondary
//   index the item was in or goes into costs a write of its projection; an index the item is in neither before
//   nor after costs nothing.
// - A transaction spends twice what its reads and writes would.
// - Query and Scan of an index spend the index's capacity only; everything else spends the table's.
// - TOTAL reports the sum; INDEXES adds the table's part (`Table`) and each index's. Capacity is reported, never
//   enforced, whatever the billing mode.

/// The capacity an operation spends and how it is reported (`ReturnConsumedCapacity`).
struct DynamoDBCapacity: Sendable, Equatable {
    var table: Double = 0
    var globalIndexes: [String: Double] = [:]
    var localIndexes: [String: Double] = [:]

    var total: Double { table + globalIndexes.values.reduce(0, +) + localIndexes.values.reduce(0, +) }

    static func + (lhs: Self, rhs: Self) -> Self {
        Self(
            table: lhs.table + rhs.table,
            globalIndexes: lhs.globalIndexes.merging(rhs.globalIndexes, uniquingKeysWith: +),
            localIndexes: lhs.localIndexes.merging(rhs.localIndexes, uniquingKeysWith: +))
    }

    /// Every part multiplied (a transaction's double cost).
    func scaled(by factor: Double) -> Self {
        Self(
            table: table * factor, globalIndexes: globalIndexes.mapValues { $0 * factor },
            localIndexes: localIndexes.mapValues { $0 * factor })
    }

    static func readUnits(bytes: Int, consistent: Bool) -> Double {
        Double(max(1, (bytes + 4095) / 4096)) * (consistent ? 1 : 0.5)
    }

    static func writeUnits(bytes: Int) -> Double {
        Double(max(1, (bytes + 1023) / 1024))
    }

    /// The read of one item (nil: missing) by key from the table.
    static func read(_ item: DynamoDBItem?, consistent: Bool) -> Self {
        Self(table: readUnits(bytes: item.map(dynamoDBItemSize) ?? 0, consistent: consistent))
    }

    /// Query or Scan: the items evaluated together, from the table or from one index.
    static func scan(
        bytes: Int, consistent: Bool, index: DynamoDBTable.Index?, minimumUnits: Double = 0
    ) -> Self {
        let units = max(readUnits(bytes: bytes, consistent: consistent), minimumUnits * (consistent ? 1 : 0.5))
        guard let index else { return Self(table: units) }
        return index.isLocal ? Self(localIndexes: [index.name: units]) : Self(globalIndexes: [index.name: units])
    }

    /// A write that turned `old` into `new` (either nil: no item), with the indexes it touched.
    static func write(old: DynamoDBItem?, new: DynamoDBItem?, table: DynamoDBTable) -> Self {
        var spent = Self(
            table: writeUnits(bytes: max(old.map(dynamoDBItemSize) ?? 0, new.map(dynamoDBItemSize) ?? 0)))
        for index in table.indexes {
            func projected(_ item: DynamoDBItem?) -> Int? {
                guard let item, item[index.partitionKey.name] != nil,
                    index.sortKey.map({ item[$0.name] != nil }) ?? true
                else { return nil }
                return dynamoDBItemSize(DynamoDBItemOperations.indexProjection(item, index: index, table: table))
            }
            let sizes = [projected(old), projected(new)].compactMap { $0 }
            guard let largest = sizes.max() else { continue }
            let units = writeUnits(bytes: largest)
            if index.isLocal {
                spent.localIndexes[index.name, default: 0] += units
            } else {
                spent.globalIndexes[index.name, default: 0] += units
            }
        }
        return spent
    }

    /// What the response says, for `ReturnConsumedCapacity` (nil for NONE or none given).
    func report(table name: String, mode: ReturnConsumedCapacity?) -> ConsumedCapacity? {
        switch mode?.rawValue {
        case "TOTAL":
            return ConsumedCapacity(tableName: name, capacityUnits: total)
        case "INDEXES":
            let readsIndexOnly = table == 0 && (!globalIndexes.isEmpty || !localIndexes.isEmpty)
            return ConsumedCapacity(
                tableName: name, capacityUnits: total,
                table: readsIndexOnly ? nil : Capacity(capacityUnits: table),
                localSecondaryIndexes: localIndexes.isEmpty
                    ? nil : localIndexes.mapValues { Capacity(capacityUnits: $0) },
                globalSecondaryIndexes: globalIndexes.isEmpty
                    ? nil : globalIndexes.mapValues { Capacity(capacityUnits: $0) })
        default:
            return nil
        }
    }

    /// Whether the caller asked for capacity at all: what it costs is computed only then.
    static func isAsked(_ mode: ReturnConsumedCapacity?) -> Bool {
        mode?.rawValue == "TOTAL" || mode?.rawValue == "INDEXES"
    }

    /// The report of one table's capacity, `spent` evaluated only when the caller asked for it.
    static func report(
        _ spent: @autoclosure () -> Self, table name: String, mode: ReturnConsumedCapacity?
    ) -> ConsumedCapacity? {
        isAsked(mode) ? spent().report(table: name, mode: mode) : nil
    }

    /// Reports per table (batches and transactions), in table-name order; `spent` evaluated only when asked.
    static func report(_ spent: @autoclosure () -> [String: Self], mode: ReturnConsumedCapacity?) -> [ConsumedCapacity]?
    {
        guard isAsked(mode) else { return nil }
        return spent().sorted { $0.key < $1.key }.compactMap { $0.value.report(table: $0.key, mode: mode) }
    }
}
