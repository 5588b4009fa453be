import Foundation
import Testing

@testable import Host

@Suite struct TopologyTests {
    func decode(_ text: String) throws -> Topology {
        try Topology.decode(Data(text.utf8), baseDirectory: "/base")
    }

    @Test func defaultsAndResolvedPaths() throws {
        let topology = try decode(#"{"functions":{"B":{"executable":"bin/b","environment":{"K":"V"}},"A":{}}}"#)
        #expect(topology.region == "us-east-1")
        #expect(topology.functions.map(\.name) == ["A", "B"])
        let a = try #require(topology.function(named: "A"))
        #expect(a.executable == nil)
        #expect(a.timeout == 3)
        #expect(a.memorySize == 128)
        #expect(a.handler == "bootstrap")
        #expect(topology.function(named: "B")?.executable == "/base/bin/b")
        #expect(topology.function(named: "B")?.environment == ["K": "V"])
    }

    @Test(arguments: [
        (#"{"functions":{"A":{"timeout":0}}}"#, "functions.A.timeout", "from 1 to 900"),
        (#"{"functions":{"A":{"timeout":"3"}}}"#, "functions.A.timeout", "integer"),
        (#"{"functions":{"A":{"memory":128}}}"#, "functions.A.memory", "unknown key"),
        (#"{"functionz":{}}"#, "functionz", "unknown key"),
        (
            #"{"queues":{"a.fifo":{"deadLetterQueue":"d"},"d":{}}}"#, "queues.a.fifo.deadLetterQueue",
            "dead-letter queue of a FIFO queue is FIFO"
        ),
        (#"{"queues":{"a":{"contentBasedDeduplication":true}}}"#, "queues.a.contentBasedDeduplication", "FIFO"),
        (
            #"{"functions":{"A":{}},"queues":{"q":{}},"eventSourceMappings":[{"function":"A","queue":"q","table":"t"}]}"#,
            "eventSourceMappings[0]", "exactly one source"
        ),
        (
            #"{"functions":{"A":{}},"queues":{"q":{}},"eventSourceMappings":[{"function":"A","queue":"q","maximumRetryAttempts":2}]}"#,
            "eventSourceMappings[0].maximumRetryAttempts", "table (stream) sources only"
        ),
        (#"{"functions":{"A":{"environment":{"AWS_REGION":"x"}}}}"#, "functions.A.environment.AWS_REGION", "reserved"),
        (#"{"functions":{"A":{"environment":{"_X":"x"}}}}"#, "functions.A.environment._X", "starts with a letter"),
        (#"{"functions":{"A":{"logFormat":"XML"}}}"#, "functions.A.logFormat", "one of"),
        (
            #"{"functions":{"A":{}},"httpApis":{"api":{"routes":{"GET /a":"B"}}}}"#, "httpApis.api.routes.GET /a",
            "not in functions"
        ),
        (
            #"{"functions":{"A":{}},"httpApis":{"api":{"routes":{"GET a":"A"}}}}"#, "httpApis.api.routes.GET a",
            "start with '/'"
        ),
        (#"{"functions":{"A":{}},"httpApis":{"api":{}}}"#, "httpApis.api.routes", "is required"),
        (
            #"{"functions":{"A":{}},"httpApis":{"a":{"routes":{"GET /x":"A"}},"b":{"routes":{"GET /x":"A"}}}}"#,
            "httpApis.b.routes.GET /x", "also a route of httpApis.a"
        ),
        (#"{"functions":{"A b":{}}}"#, "functions.A b", "function name"),
        (#"{"accountId":"12"}"#, "accountId", "not valid"),
        (#"{"functions":[]}"#, "functions", "must be an object"),
        (#"{"tables":{"t1":{}}}"#, "tables.t1", "table name"),
        (#"{"tables":{"orders":{}}}"#, "tables.orders.partitionKey", "is required"),
        (
            #"{"tables":{"orders":{"partitionKey":{"name":"pk","type":"X"}}}}"#, "tables.orders.partitionKey.type",
            "one of"
        ),
        (#"{"tables":{"orders":{"partitionKey":{"name":"pk"},"stream":"ALL"}}}"#, "tables.orders.stream", "one of"),
        (
            #"{"tables":{"orders":{"partitionKey":{"name":"pk"},"globalSecondaryIndexes":{"i":{"projection":"ALL"}}}}}"#,
            "tables.orders.globalSecondaryIndexes.i.partitionKey", "is required"
        ),
        (
            #"{"queues":{"q.fifo":{"contentBasedDeduplication":true}},"rules":{"r":{"pattern":{"source":["s"]},"targets":[{"queue":"q.fifo"}]}}}"#,
            "rules.r.targets[0].messageGroupId", "is required"
        ),
        (
            #"{"queues":{"q.fifo":{}},"rules":{"r":{"pattern":{"source":["s"]},"targets":[{"queue":"q.fifo","messageGroupId":"g"}]}}}"#,
            "queues.q.fifo.contentBasedDeduplication", "must be true"
        ),
        (
            #"{"queues":{"q":{}},"rules":{"r":{"pattern":{"source":["s"]},"targets":[{"queue":"q","messageGroupId":"g"}]}}}"#,
            "rules.r.targets[0].messageGroupId", "FIFO queue target only"
        ),
        (
            #"{"tables":{"orders":{"partitionKey":{"name":"pk"},"stream":"NEW_IMAGE"}},"pipes":{"p":{"source":{"table":"orders","batchSize":11},"target":{}}}}"#,
            "pipes.p.source.batchSize", "at most 10"
        ),
    ])
    func errorsNameTheKeyAndWhy(text: String, path: String, reason: String) {
        do {
            _ = try decode(text)
            Issue.record("expected an error for \(text)")
        } catch let error as TopologyError {
            #expect(error.path == path)
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.hasPrefix(path))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func tablesDecodeWithTheirIndexesAndStream() throws {
        let topology = try decode(
            #"{"tables":{"orders":{"partitionKey":{"name":"pk"},"sortKey":{"name":"n","type":"N"},"stream":"NEW_IMAGE","timeToLiveAttribute":"ttl","globalSecondaryIndexes":{"byUser":{"partitionKey":{"name":"user"},"projection":"KEYS_ONLY"}}}}}"#
        )
        let table = try #require(topology.tables.first)
        #expect(table.name == "orders")
        #expect(table.partitionKey == .init(name: "pk", type: "S"))
        #expect(table.sortKey == .init(name: "n", type: "N"))
        #expect(table.stream == "NEW_IMAGE")
        #expect(table.timeToLiveAttribute == "ttl")
        #expect(
            table.globalSecondaryIndexes == [
                .init(name: "byUser", partitionKey: .init(name: "user", type: "S"), projection: "KEYS_ONLY")
            ])
    }

    @Test func everyMistakeIsReportedAtOnceWithDidYouMean() {
        let text = #"""
            {"functions":{"Worker":{"timout":3},"Other":{"timeout":901}},
             "queues":{"work":{}},
             "rules":{"r":{"pattern":{"source":["x"]},"targets":[{"queue":"wrok"}]}},
             "eventSourceMappings":[{"function":"Workr","queue":"work"}]}
            """#
        do {
            _ = try decode(text)
            Issue.record("a broken topology decoded")
        } catch let error as TopologyError {
            let lines: [String] = error.description.split(separator: "\n").map(String.init)
            let expected: [String] = [
                "functions.Other.timeout: must be an integer from 1 to 900 (got 901)",
                "functions.Worker.timout: unknown key (did you mean 'timeout'?) (allowed: architecture, arguments, "
                    + "deadLetterQueue, description, environment, executable, handler, logFormat, logGroup, logLevel, "
                    + "logRetentionInDays, maxConcurrency, maximumEventAgeInSeconds, maximumRetryAttempts, memorySize, "
                    + "timeout)",
                "rules.r.targets[0].queue: names queue 'wrok', which is not in queues (did you mean 'work'?)",
                "eventSourceMappings[0].function: names function 'Workr', which is not in functions (did you mean "
                    + "'Worker'?)",
            ]
            #expect(lines == expected)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func pipesTakeARetryPolicyAndADeadLetterQueue() throws {
        let text = #"""
            {"tables":{"events":{"partitionKey":{"name":"pk"},"stream":"NEW_IMAGE"}},"queues":{"dlq":{}},
             "pipes":{"p":{"source":{"table":"events","maximumRetryAttempts":3,"maximumRecordAgeInSeconds":3600,
                                     "deadLetterQueue":"dlq"},"target":{}}}}
            """#
        let pipe = try #require(try decode(text).pipes.first)
        #expect(pipe.maximumRetryAttempts == 3)
        #expect(pipe.maximumRecordAgeInSeconds == 3600)
        #expect(pipe.deadLetterQueue == "dlq")
        let plain = try #require(
            try decode(
                #"{"tables":{"events":{"partitionKey":{"name":"pk"},"stream":"NEW_IMAGE"}},"pipes":{"p":{"source":{"table":"events"},"target":{}}}}"#
            )
            .pipes.first)
        #expect(plain.maximumRetryAttempts == nil && plain.maximumRecordAgeInSeconds == nil)
        #expect(plain.deadLetterQueue == nil)
        for (setting, mistake, path) in [
            (#""deadLetterQueue":"dlq""#, #""deadLetterQueue":"dql""#, "pipes.p.source.deadLetterQueue"),
            (#""maximumRetryAttempts":3"#, #""maximumRetryAttempts":-2"#, "pipes.p.source.maximumRetryAttempts"),
            (
                #""maximumRecordAgeInSeconds":3600"#, #""maximumRecordAgeInSeconds":604801"#,
                "pipes.p.source.maximumRecordAgeInSeconds"
            ),
        ] {
            let broken = text.replacingOccurrences(of: setting, with: mistake)
            do {
                _ = try decode(broken)
                Issue.record("\(mistake) decoded")
            } catch let error as TopologyError {
                #expect(error.path == path, "\(error)")
            }
        }
    }

    @Test func invalidJSONSaysSo() {
        #expect(throws: TopologyError.self) { try decode("{") }
    }

    /// Terraform's fixtures hold together for the host as they do for Terraform: the rich one decodes, the broken
    /// one is refused.
    @Test func terraformFixturesAgreeWithTheHost() throws {
        let fixtures = packageRoot().appendingPathComponent("terraform/tests/fixtures")
        let rich = try Topology.load(path: fixtures.appendingPathComponent("rich-topology.json").path)
        #expect(rich.rules.flatMap(\.targets).contains { $0.messageGroupId == "orders" })
        let events = try #require(rich.tables.first { $0.name == "events" })
        #expect(
            events.localSecondaryIndexes == [
                .init(
                    name: "by-time", partitionKey: events.partitionKey, sortKey: .init(name: "at", type: "N"),
                    projection: "KEYS_ONLY")
            ])
        #expect(throws: TopologyError.self) {
            try Topology.load(path: fixtures.appendingPathComponent("broken-topology.json").path)
        }
    }

    /// A local index takes the table's partition key, so the table needs a sort key; its name is not a global
    /// index's.
    @Test func localIndexesAreCheckedAgainstTheirTable() throws {
        let noSortKey =
            #"{"tables":{"t1x":{"partitionKey":{"name":"p"},"localSecondaryIndexes":{"byA":{"sortKey":{"name":"a"}}}}}}"#
        #expect(throws: TopologyError.self) { try decode(noSortKey) }
        let clash = #"""
            {"tables":{"t1x":{"partitionKey":{"name":"p"},"sortKey":{"name":"s"},
              "globalSecondaryIndexes":{"byA":{"partitionKey":{"name":"a"}}},
              "localSecondaryIndexes":{"byA":{"sortKey":{"name":"a"}}}}}}
            """#
        #expect(throws: TopologyError.self) { try decode(clash) }
        let extraKey =
            #"{"tables":{"t1x":{"partitionKey":{"name":"p"},"sortKey":{"name":"s"},"localSecondaryIndexes":{"byA":{"partitionKey":{"name":"a"},"sortKey":{"name":"a"}}}}}}"#
        #expect(throws: TopologyError.self) { try decode(extraKey) }
        // NonKeyAttributes go with INCLUDE, and INCLUDE names them.
        let includeNothing =
            #"{"tables":{"t1x":{"partitionKey":{"name":"p"},"sortKey":{"name":"s"},"localSecondaryIndexes":{"byA":{"sortKey":{"name":"a"},"projection":"INCLUDE"}}}}}"#
        #expect(throws: TopologyError.self) { try decode(includeNothing) }
        let keysWithNames =
            #"{"tables":{"t1x":{"partitionKey":{"name":"p"},"globalSecondaryIndexes":{"byA":{"partitionKey":{"name":"a"},"projection":"KEYS_ONLY","nonKeyAttributes":["b"]}}}}}"#
        #expect(throws: TopologyError.self) { try decode(keysWithNames) }
        let good =
            #"{"tables":{"t1x":{"partitionKey":{"name":"p"},"sortKey":{"name":"s"},"localSecondaryIndexes":{"byA":{"sortKey":{"name":"a","type":"N"}}}}}}"#
        let table = try #require(try decode(good).tables.first)
        #expect(table.localSecondaryIndexes.map(\.name) == ["byA"])
        #expect(table.localSecondaryIndexes.first?.partitionKey == table.partitionKey)
    }

    @Test func projectTopologyIsValid() throws {
        let topology = try Topology.load(path: packageRoot().appendingPathComponent("infra/topology.json").path)
        #expect(!topology.functions.isEmpty)
        #expect(topology.httpAPIs.first?.routes.isEmpty == false)
    }
}
