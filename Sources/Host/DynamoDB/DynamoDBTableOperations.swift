import AWSShapes
import Foundation

/// CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable and the TTL calls.
struct DynamoDBTableOperations: Sendable {
    let store: DynamoDBStore

    func createTable(_ input: CreateTableInput) throws -> CreateTableOutput {
        try Self.validateName(input.tableName)
        // The model lets both be absent (for restores); CreateTable does not.
        var missing = AWSValidation()
        if input.attributeDefinitions == nil { missing.missing("AttributeDefinitions", at: "attributeDefinitions") }
        if input.keySchema == nil { missing.missing("KeySchema", at: "keySchema") }
        if let message = missing.message { throw DynamoDBAPIError.validation(message) }
        let attributeDefinitions = input.attributeDefinitions ?? []
        var defined = Set<String>()
        if let duplicate = attributeDefinitions.first(where: { !defined.insert($0.attributeName).inserted }) {
            throw DynamoDBAPIError.validation("Attribute Name is duplicated: \(duplicate.attributeName)")
        }
        let provisioned = try Self.billing(input.billingMode, input.provisionedThroughput)
        try Self.refuseUnimplemented(
            "CreateTable",
            [
                "ResourcePolicy": input.resourcePolicy != nil, "OnDemandThroughput": input.onDemandThroughput != nil,
                "WarmThroughput": input.warmThroughput != nil,
                "GlobalTableSourceArn": input.globalTableSourceArn != nil,
                "GlobalTableSettingsReplicationMode": input.globalTableSettingsReplicationMode != nil,
                "SSESpecification": input.sseSpecification?.enabled == true,
            ])
        let definitions = Dictionary(
            attributeDefinitions.map { ($0.attributeName, $0.attributeType.rawValue) },
            uniquingKeysWith: { a, _ in a })
        func keys(_ schema: [KeySchemaElement], for what: String) throws -> (DynamoDBTable.Key, DynamoDBTable.Key?) {
            guard schema.count <= 2 else {
                throw DynamoDBAPIError.validation(
                    "1 validation error detected: Value at '\(what)keySchema' failed to satisfy constraint: Member "
                        + "must have length less than or equal to 2")
            }
            guard let hash = schema.first(where: { $0.keyType == .hash }),
                schema.filter({ $0.keyType == .hash }).count == 1,
                schema.filter({ $0.keyType == .range }).count == schema.count - 1
            else {
                throw DynamoDBAPIError.validation(
                    "Invalid KeySchema: \(what.isEmpty ? "the table" : what) needs exactly one HASH key and at most "
                        + "one RANGE key")
            }
            if schema.count == 2, schema[0].attributeName == schema[1].attributeName {
                throw DynamoDBAPIError.validation(
                    "Invalid KeySchema: Both the Hash Key and the Range Key element in the KeySchema have the same name"
                )
            }
            func key(_ element: KeySchemaElement) throws -> DynamoDBTable.Key {
                guard let type = definitions[element.attributeName] else {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [\(element.attributeName)], AttributeDefinitions: [\(definitions.keys.sorted().joined(separator: ", "))]"
                    )
                }
                guard ["S", "N", "B"].contains(type) else {
                    throw DynamoDBAPIError.validation("Member must satisfy enum value set: [B, N, S]")
                }
                return DynamoDBTable.Key(name: element.attributeName, type: type)
            }
            return (try key(hash), try schema.first(where: { $0.keyType == .range }).map(key))
        }
        let (partition, sort) = try keys(input.keySchema ?? [], for: "")
        var indexes: [DynamoDBTable.Index] = []
        func add(_ index: DynamoDBTable.Index) throws {
            try Self.validateName(index.name, member: "indexName")
            guard !indexes.contains(where: { $0.name == index.name }) else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Duplicate index name: \(index.name)")
            }
            indexes.append(index)
        }
        for index in input.globalSecondaryIndexes ?? [] {
            let (indexPartition, indexSort) = try keys(index.keySchema, for: "index \(index.indexName) ")
            try add(
                .init(
                    name: index.indexName, partitionKey: indexPartition, sortKey: indexSort,
                    projectionType: try Self.projectionType(index.projection),
                    nonKeyAttributes: index.projection.nonKeyAttributes))
        }
        let localIndexes = input.localSecondaryIndexes ?? []
        if !localIndexes.isEmpty {
            guard sort != nil else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Table KeySchema does not have a range key, which is "
                        + "required when specifying a LocalSecondaryIndex")
            }
            guard localIndexes.count <= 5 else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table "
                        + "limit of 5")
            }
        }
        for index in localIndexes {
            let (indexPartition, indexSort) = try keys(index.keySchema, for: "index \(index.indexName) ")
            guard indexPartition == partition else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Index KeySchema does not have the same leading hash "
                        + "key as table KeySchema for index: \(index.indexName). index hash key: "
                        + "\(indexPartition.name), table hash key: \(partition.name)")
            }
            guard let indexSort else {
                throw DynamoDBAPIError.validation(
                    "One or more parameter values were invalid: Index KeySchema does not have a range key for index: "
                        + index.indexName)
            }
            try add(
                .init(
                    name: index.indexName, partitionKey: indexPartition, sortKey: indexSort,
                    projectionType: try Self.projectionType(index.projection),
                    nonKeyAttributes: index.projection.nonKeyAttributes, local: true))
        }
        if let tags = input.tags { try DynamoDBTagOperations.validate(tags) }
        let used = Set(
            [partition.name, sort?.name].compactMap { $0 }
                + indexes.flatMap { [$0.partitionKey.name, $0.sortKey?.name].compactMap { $0 } })
        if let unused = definitions.keys.sorted().first(where: { !used.contains($0) }) {
            throw DynamoDBAPIError.validation(
                "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions (unused: \(unused))"
            )
        }
        let now = Date().timeIntervalSince1970
        var table = DynamoDBTable(
            name: input.tableName, partitionKey: partition, sortKey: sort, indexes: indexes, createdAt: now,
            attributeDefinitions: attributeDefinitions.map {
                .init(name: $0.attributeName, type: $0.attributeType.rawValue)
            })
        table.provisioned = provisioned.map { .init(read: $0.readCapacityUnits, write: $0.writeCapacityUnits) }
        table.deletionProtection = input.deletionProtectionEnabled == true ? true : nil
        table.tableClass = input.tableClass?.rawValue
        if let tags = input.tags, !tags.isEmpty {
            table.tags = Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        }
        if let stream = input.streamSpecification, stream.streamEnabled {
            guard let viewType = stream.streamViewType else {
                throw DynamoDBAPIError.validation("StreamViewType is required when the stream is enabled")
            }
            table.streamViewType = viewType.rawValue
            table.streamLabel = Self.streamLabel(now)
        }
        do {
            table = try store.createTable(table)
        } catch let error as DynamoDBTableError {
            throw DynamoDBAPIError.resourceInUse(error.message)
        }
        return CreateTableOutput(tableDescription: try describe(table, status: .active))
    }

    func describeTable(_ input: DescribeTableInput) throws -> DescribeTableOutput {
        DescribeTableOutput(table: try describe(try existing(input.tableName), status: .active))
    }

    func listTables(_ input: ListTablesInput) throws -> ListTablesOutput {
        var names = try store.tableNames()
        if let start = input.exclusiveStartTableName { names = names.filter { $0 > start } }
        let limit = try Paging.number(input.limit, member: "limit", 1...100, default: 100) {
            DynamoDBAPIError.validation($0)
        }
        let page = Array(names.prefix(limit))
        return ListTablesOutput(tableNames: page, lastEvaluatedTableName: names.count > limit ? page.last : nil)
    }

    func deleteTable(_ input: DeleteTableInput) throws -> DeleteTableOutput {
        let table = try existing(input.tableName)
        if table.deletionProtection == true {
            throw DynamoDBAPIError.validation(
                "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
                    + "protection first.")
        }
        let full = try describe(table, status: .deleting)
        _ = try store.deleteTable(named: table.name)
        // DeleteTable describes less than DescribeTable: no creation time, key schema, attributes or indexes.
        return DeleteTableOutput(
            tableDescription: TableDescription(
                tableName: full.tableName, tableStatus: .deleting,
                provisionedThroughput: full.provisionedThroughput, tableSizeBytes: full.tableSizeBytes,
                itemCount: full.itemCount, tableArn: full.tableArn, tableId: full.tableId,
                billingModeSummary: full.billingModeSummary))
    }

    func updateTable(_ input: UpdateTableInput) throws -> UpdateTableOutput {
        _ = try existing(input.tableName)
        let indexUpdates = input.globalSecondaryIndexUpdates ?? []
        let changes: [Any?] = [
            input.billingMode, input.provisionedThroughput, indexUpdates.isEmpty ? nil : indexUpdates,
            input.streamSpecification, input.sseSpecification, input.replicaUpdates, input.tableClass,
            input.deletionProtectionEnabled, input.onDemandThroughput, input.warmThroughput,
            input.multiRegionConsistency, input.globalTableWitnessUpdates,
        ]
        guard changes.contains(where: { $0 != nil }) else {
            throw DynamoDBAPIError.validation(
                "UpdateTable needs a change: at least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                    + "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
        }
        try Self.refuseUnimplemented(
            "UpdateTable",
            [
                "ReplicaUpdates": input.replicaUpdates != nil, "OnDemandThroughput": input.onDemandThroughput != nil,
                "WarmThroughput": input.warmThroughput != nil,
                "MultiRegionConsistency": input.multiRegionConsistency != nil,
                "GlobalTableWitnessUpdates": input.globalTableWitnessUpdates != nil,
                "GlobalTableSettingsReplicationMode": input.globalTableSettingsReplicationMode != nil,
                "SSESpecification": input.sseSpecification?.enabled == true,
            ])
        for update in indexUpdates
        where [update.create != nil, update.update != nil, update.delete != nil]
            .filter({ $0 }).count != 1
        {
            throw DynamoDBAPIError.validation(
                "One or more parameter values were invalid: a GlobalSecondaryIndexUpdate holds exactly one of Create, "
                    + "Update or Delete")
        }
        if indexUpdates.filter({ $0.create != nil || $0.delete != nil }).count > 1 {
            throw DynamoDBAPIError(
                code: "LimitExceededException",
                message:
                    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
        }
        let table = try store.updateTable(named: input.tableName) { table in
            if let protection = input.deletionProtectionEnabled { table.deletionProtection = protection ? true : nil }
            if let tableClass = input.tableClass { table.tableClass = tableClass.rawValue }
            if input.billingMode != nil || input.provisionedThroughput != nil {
                let mode = input.billingMode ?? (table.provisioned == nil ? .payPerRequest : .provisioned)
                let throughput =
                    input.provisionedThroughput
                    ?? (mode.rawValue == "PROVISIONED"
                        ? table.provisioned.map { .init(readCapacityUnits: $0.read, writeCapacityUnits: $0.write) }
                        : nil)
                table.provisioned = try Self.billing(mode, throughput).map {
                    .init(read: $0.readCapacityUnits, write: $0.writeCapacityUnits)
                }
            }
            if let stream = input.streamSpecification {
                if stream.streamEnabled {
                    guard table.streamViewType == nil else {
                        throw DynamoDBAPIError.validation("Table already has an enabled stream: \(table.name)")
                    }
                    guard let viewType = stream.streamViewType else {
                        throw DynamoDBAPIError.validation("StreamViewType is required when the stream is enabled")
                    }
                    table.streamViewType = viewType.rawValue
                    table.streamLabel = Self.streamLabel(Date().timeIntervalSince1970)
                } else {
                    guard table.streamViewType != nil else {
                        throw DynamoDBAPIError.validation("Table \(table.name) has no enabled stream to disable")
                    }
                    table.disableStream()
                }
            }
            for definition in input.attributeDefinitions ?? [] {
                if let existing = table.attributeDefinitions.first(where: { $0.name == definition.attributeName }),
                    existing.type != definition.attributeType.rawValue
                {
                    throw DynamoDBAPIError.validation(
                        "One or more parameter values were invalid: Attributes cannot be redefined. Please check that "
                            + "your attribute has the same type as previously defined. Attribute \(existing.name) is "
                            + "\(existing.type), not \(definition.attributeType.rawValue)")
                }
            }
            // A new index's key attributes are declared in this request, even those the table knows (DynamoDB
            // requires it; a type other than the known one was refused above).
            let definitions = Dictionary(
                (input.attributeDefinitions ?? []).map { ($0.attributeName, $0.attributeType.rawValue) },
                uniquingKeysWith: { a, _ in a })
            for update in input.globalSecondaryIndexUpdates ?? [] {
                if let create = update.create {
                    guard !table.indexes.contains(where: { $0.name == create.indexName }) else {
                        throw DynamoDBAPIError.validation(
                            "One or more parameter values were invalid: Index \(create.indexName) already exists")
                    }
                    func key(_ role: KeyType) throws -> DynamoDBTable.Key? {
                        guard let element = create.keySchema.first(where: { $0.keyType == role }) else { return nil }
                        guard let type = definitions[element.attributeName] else {
                            throw DynamoDBAPIError.validation(
                                "One or more parameter values were invalid: Some index key attributes are not defined "
                                    + "in AttributeDefinitions. Keys: [\(element.attributeName)], AttributeDefinitions: "
                                    + "[\(definitions.keys.sorted().joined(separator: ", "))]")
                        }
                        return .init(name: element.attributeName, type: type)
                    }
                    guard let partition = try key(.hash) else {
                        throw DynamoDBAPIError.validation("Index needs a HASH key")
                    }
                    table.indexes.append(
                        .init(
                            name: create.indexName, partitionKey: partition, sortKey: try key(.range),
                            projectionType: try Self.projectionType(create.projection),
                            nonKeyAttributes: create.projection.nonKeyAttributes))
                    for definition in input.attributeDefinitions ?? []
                    where !table.attributeDefinitions.contains(where: { $0.name == definition.attributeName }) {
                        table.attributeDefinitions.append(
                            .init(name: definition.attributeName, type: definition.attributeType.rawValue))
                    }
                }
                if let delete = update.delete {
                    guard table.indexes.contains(where: { $0.name == delete.indexName && !$0.isLocal }) else {
                        throw DynamoDBAPIError.resourceNotFound(
                            "Requested resource not found: Index: \(delete.indexName)")
                    }
                    table.indexes.removeAll { $0.name == delete.indexName }
                }
            }
        }
        return UpdateTableOutput(tableDescription: try describe(table, status: .active))
    }

    func updateTimeToLive(_ input: UpdateTimeToLiveInput) throws -> UpdateTimeToLiveOutput {
        _ = try existing(input.tableName)
        let specification = input.timeToLiveSpecification
        _ = try store.updateTable(named: input.tableName) { table in
            if specification.enabled {
                guard table.timeToLiveAttribute == nil else {
                    throw DynamoDBAPIError.validation("TimeToLive is already enabled")
                }
                table.timeToLiveAttribute = specification.attributeName
            } else {
                guard let current = table.timeToLiveAttribute else {
                    throw DynamoDBAPIError.validation("TimeToLive is already disabled")
                }
                guard current == specification.attributeName else {
                    throw DynamoDBAPIError.validation(
                        "TimeToLive is active on a different AttributeName: current AttributeName is \(current)")
                }
                table.timeToLiveAttribute = nil
            }
        }
        return UpdateTimeToLiveOutput(timeToLiveSpecification: specification)
    }

    func describeTimeToLive(_ input: DescribeTimeToLiveInput) throws -> DescribeTimeToLiveOutput {
        let table = try existing(input.tableName)
        return DescribeTimeToLiveOutput(
            timeToLiveDescription: TimeToLiveDescription(
                timeToLiveStatus: table.timeToLiveAttribute == nil ? .disabled : .enabled,
                attributeName: table.timeToLiveAttribute))
    }

    // MARK: helpers

    func existing(_ name: String) throws -> DynamoDBTable {
        guard let table = try store.table(named: name) else {
            throw DynamoDBAPIError.resourceNotFound("Requested resource not found: Table: \(name) not found")
        }
        return table
    }

    func describe(_ table: DynamoDBTable, status: TableStatus) throws -> TableDescription {
        let statistics = try store.statistics(of: table.name)
        let arn = table.arn(region: store.region, account: store.account)
        func schema(_ partition: DynamoDBTable.Key, _ sort: DynamoDBTable.Key?) -> [KeySchemaElement] {
            [KeySchemaElement(attributeName: partition.name, keyType: .hash)]
                + (sort.map { [KeySchemaElement(attributeName: $0.name, keyType: .range)] } ?? [])
        }
        func projection(_ index: DynamoDBTable.Index) -> Projection {
            Projection(
                projectionType: ProjectionType(rawValue: index.projectionType),
                nonKeyAttributes: index.nonKeyAttributes)
        }
        let localIndexes = table.indexes.filter(\.isLocal)
        let globalIndexes = table.indexes.filter { !$0.isLocal }
        return TableDescription(
            attributeDefinitions: table.attributeDefinitions.map {
                AttributeDefinition(attributeName: $0.name, attributeType: ScalarAttributeType(rawValue: $0.type))
            },
            tableName: table.name,
            keySchema: schema(table.partitionKey, table.sortKey),
            tableStatus: status,
            creationDateTime: table.createdAt,
            provisionedThroughput: ProvisionedThroughputDescription(
                numberOfDecreasesToday: 0, readCapacityUnits: table.provisioned?.read ?? 0,
                writeCapacityUnits: table.provisioned?.write ?? 0),
            tableSizeBytes: statistics.bytes,
            itemCount: statistics.count,
            tableArn: arn,
            tableId: Self.tableID(table),
            billingModeSummary: table.provisioned == nil
                ? BillingModeSummary(billingMode: .payPerRequest, lastUpdateToPayPerRequestDateTime: table.createdAt)
                : BillingModeSummary(billingMode: .provisioned),
            localSecondaryIndexes: localIndexes.isEmpty
                ? nil
                : localIndexes.map { index in
                    // No IndexStatus: a local index exists from the table's creation on (as DynamoDB describes it).
                    LocalSecondaryIndexDescription(
                        indexName: index.name, keySchema: schema(index.partitionKey, index.sortKey),
                        projection: projection(index), indexSizeBytes: 0, itemCount: 0,
                        indexArn: "\(arn)/index/\(index.name)")
                },
            globalSecondaryIndexes: globalIndexes.isEmpty
                ? nil
                : globalIndexes.map { index in
                    GlobalSecondaryIndexDescription(
                        indexName: index.name, keySchema: schema(index.partitionKey, index.sortKey),
                        projection: projection(index),
                        indexStatus: .active, indexSizeBytes: 0, itemCount: 0, indexArn: "\(arn)/index/\(index.name)")
                },
            streamSpecification: table.streamViewType.map {
                StreamSpecification(streamEnabled: true, streamViewType: StreamViewType(rawValue: $0))
            },
            latestStreamLabel: table.streamLabel,
            latestStreamArn: table.streamARN(region: store.region, account: store.account),
            tableClassSummary: table.tableClass.map { DynamoDB.TableClassSummary(tableClass: .init(rawValue: $0)) },
            deletionProtectionEnabled: table.deletionProtection == true)
    }

    /// Members of the model the host does not implement are refused by name rather than dropped unseen (a request
    /// that relies on one would otherwise run as if it had not been sent).
    static func refuseUnimplemented(_ operation: String, _ given: [String: Bool]) throws {
        guard let member = given.filter(\.value).keys.sorted().first else { return }
        throw DynamoDBAPIError.validation(
            "The host does not implement \(member) of \(operation); leave it out (the README lists what the host "
                + "does not emulate)")
    }

    /// CreateTable's billing: on demand (no throughput) or provisioned (its throughput), the default when no
    /// BillingMode is given, as in DynamoDB. Returns the provisioned throughput, nil on demand.
    static func billing(
        _ mode: BillingMode?, _ throughput: ProvisionedThroughput?
    ) throws -> ProvisionedThroughput? {
        let invalid = "One or more parameter values were invalid: "
        switch mode?.rawValue ?? "PROVISIONED" {
        case "PAY_PER_REQUEST":
            guard throughput == nil else {
                throw DynamoDBAPIError.validation(
                    invalid + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                        + "PAY_PER_REQUEST")
            }
            return nil
        case "PROVISIONED":
            guard let throughput else {
                throw DynamoDBAPIError.validation(
                    invalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is "
                        + "PROVISIONED")
            }
            return throughput
        case let other:
            throw DynamoDBAPIError.validation(
                "1 validation error detected: Value '\(other)' at 'billingMode' failed to satisfy constraint: Member "
                    + "must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
        }
    }

    /// An index's projection type, its NonKeyAttributes checked against it (DynamoDB's texts): only INCLUDE
    /// names attributes, and names each once.
    static func projectionType(_ projection: Projection) throws -> String {
        let invalid = "One or more parameter values were invalid: "
        guard let type = projection.projectionType?.rawValue else {
            throw DynamoDBAPIError.validation(invalid + "Unknown ProjectionType: null")
        }
        switch (type, projection.nonKeyAttributes) {
        case ("INCLUDE", nil):
            throw DynamoDBAPIError.validation(
                invalid + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
        case ("INCLUDE", let names?):
            var seen = Set<String>()
            if let duplicate = names.first(where: { !seen.insert($0).inserted }) {
                throw DynamoDBAPIError.validation(invalid + "Duplicate element in NonKeyAttributes: \(duplicate)")
            }
        case (_, _?):
            throw DynamoDBAPIError.validation(invalid + "ProjectionType is \(type), but NonKeyAttributes is specified")
        default: break
        }
        return type
    }

    /// A table's or an index's name: its length and characters, each failure in the model's words (a name of 1 character is a length
    /// failure, not a pattern one).
    static func validateName(_ name: String, member: String = "tableName") throws {
        var validation = AWSValidation()
        validation.length(name, at: member, min: 3, max: 255)
        validation.pattern(name, at: member, "[a-zA-Z0-9_.-]+") {
            $0.range(of: #"^[a-zA-Z0-9_.-]+$"#, options: .regularExpression) != nil
        }
        if let message = validation.message { throw DynamoDBAPIError.validation(message) }
    }

    /// `2026-11-21T15:53:00.123`, the form of AWS's stream labels.
    static func streamLabel(_ time: Double) -> String {
        let date = Date(timeIntervalSince1970: time)
        var text = ISO8601.milliseconds(date)
        if text.hasSuffix("Z") { text.removeLast() }
        return text
    }

    /// A stable UUID-shaped id derived from the table's name and creation time.
    static func tableID(_ table: DynamoDBTable) -> String {
        let seed = "\(table.name)/\(table.createdAt)".utf8.reduce(UInt64(14_695_981_039_346_656_037)) {
            ($0 ^ UInt64($1)) &* 1_099_511_628_211
        }
        let hex = String(seed, radix: 16).leftPadding(to: 16) + String(seed &* 31, radix: 16).leftPadding(to: 16)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}

extension String {
    func leftPadding(to length: Int) -> String {
        count >= length ? String(suffix(length)) : String(repeating: "0", count: length - count) + self
    }
}
