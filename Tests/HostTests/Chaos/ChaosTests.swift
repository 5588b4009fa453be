import AWSShapes
import Foundation
import Testing

@testable import Host

/// LocalStack's Chaos API, as its documentation's and samples' scripts drive it, with only the path changed
/// (`/_localstack/chaos/` → `/_host/chaos/`), and the host's own faults in the event flow.
@Suite struct ChaosTests {
    func chaos(_ port: Int, _ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, String) {
        let response = try await http(
            method, "http://127.0.0.1:\(port)/_host/chaos/\(path)", headers: [("Content-Type", "application/json")],
            body: body.map { Array($0.utf8) })
        return (response.status, response.text)
    }

    func json(_ text: String) -> JSONValue? { try? JSONValue(parsing: Data(text.utf8)) }

    @Test func aLocalStackChaosScriptWorksWithThePathChanged() async throws {
        let text = #"{"tables":{"orders":{"partitionKey":{"name":"pk","type":"S"}}}}"#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { _, ports in
            let endpoint = "http://127.0.0.1:\(ports.aws)"
            let putItem = [
                "dynamodb", "put-item", "--table-name", "orders", "--item", #"{"pk":{"S":"o1"}}"#, "--endpoint-url",
                endpoint, "--cli-read-timeout", "5",
            ]
            // The documentation's first script: faults for S3 in two regions and for every Lambda call.
            var (status, body) = try await chaos(
                ports.aws, "POST", "faults",
                #"[{"service": "s3","region": "us-east-1"},{"service": "s3","region": "ap-south-1"},{"service": "lambda"}]"#
            )
            #expect(status == 200)
            #expect(
                json(body)
                    == json(
                        #"[{"service":"s3","region":"us-east-1"},{"service":"s3","region":"ap-south-1"},{"service":"lambda"}]"#
                    ))
            #expect(try await aws(putItem).status == 0)  // DynamoDB is not faulted

            // The samples' DynamoDB outage: PATCH adds it, every DynamoDB call fails as LocalStack's do.
            let outage =
                #"[{"service": "dynamodb","probability": 1.0,"error": {"statusCode": 500,"code": "DatacentreNotFound"}}]"#
            (status, body) = try await chaos(ports.aws, "PATCH", "faults", outage)
            #expect(status == 200 && (json(body).flatMap { if case .array(let a) = $0 { a.count } else { nil } }) == 4)
            var environment = ProcessInfo.processInfo.environment
            environment["AWS_ACCESS_KEY_ID"] = "test"
            environment["AWS_SECRET_ACCESS_KEY"] = "test"
            environment["AWS_DEFAULT_REGION"] = "us-east-1"
            environment["AWS_MAX_ATTEMPTS"] = "1"  // the CLI would retry a 500 four times with backoff
            let failed = try await run("/usr/bin/env", ["aws"] + putItem, environment: environment)
            #expect(failed.status != 0)
            #expect(
                failed.error.contains("(DatacentreNotFound)") && failed.error.contains("PutItem"), "\(failed.error)")
            #expect(failed.error.contains("Operation failed due to a simulated fault"))

            // DELETE with the same body ends the outage; the rest stays.
            (status, body) = try await chaos(ports.aws, "DELETE", "faults", outage)
            #expect(status == 200 && !body.contains("dynamodb") && body.contains("lambda"))
            #expect(try await aws(putItem).status == 0)

            // Defaults (503 ServiceUnavailable), an operation rule, and probability 0.
            (status, _) = try await chaos(
                ports.aws, "POST", "faults", #"[{"service":"dynamodb","operation":"GetItem"}]"#)
            let get = try await awsJSONResponse(
                ports.aws, "DynamoDB_20120810.GetItem", #"{"TableName":"orders","Key":{"pk":{"S":"o1"}}}"#)
            #expect(get.status == 503 && get.text.contains("ServiceUnavailable"))
            #expect(try await aws(putItem).status == 0)  // another operation of the service
            (status, _) = try await chaos(ports.aws, "POST", "faults", #"[{"service":"dynamodb","probability":0}]"#)
            #expect(try await aws(putItem).status == 0)

            // A body outside the schema is refused and changes nothing.
            for bad in [
                #"[{"service":"dynamodb","foo":1}]"#, #"[{"region":""}]"#, #"[{"operation":"Put42Items"}]"#,
                #"[{"probability":1.1}]"#, #"[{"error":{"statusCode":300}}]"#, #"[{"error":{"code":"A.B"}}]"#,
                #"{"service":"s3"}"#, "not json", #"[{"service":"lambda","fault":"explode"}]"#,
            ] {
                (status, body) = try await chaos(ports.aws, "POST", "faults", bad)
                #expect(status == 400 && body.contains(#""message":"Error"#), "\(bad): \(body)")
            }
            (_, body) = try await chaos(ports.aws, "GET", "faults")
            #expect(json(body) == json(#"[{"service":"dynamodb","probability":0}]"#))
            (status, body) = try await chaos(ports.aws, "POST", "faults", "[]")
            #expect(status == 200 && body == "[]")

            // Effects: latency on every AWS call.
            (status, body) = try await chaos(ports.aws, "GET", "effects")
            #expect(status == 200 && body == #"{"latency":0}"#)
            (status, body) = try await chaos(ports.aws, "POST", "effects", #"{"latency": 300}"#)
            #expect(status == 200 && body == #"{"latency":300}"#)
            let started = ContinuousClock.now
            _ = try await awsJSON(ports.aws, "DynamoDB_20120810.ListTables", "{}")
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            (status, _) = try await chaos(ports.aws, "POST", "effects", #"{"latency":64,"jitter":32}"#)
            #expect(status == 400)
            (status, _) = try await chaos(ports.aws, "POST", "effects", #"{"latency": 0}"#)
            #expect(status == 200)
        }
    }

    @Test func functionFaultsAreInjectedAsDrawnAndTraced() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, ports in
            func outcomes() async throws -> [String] {
                var result: [String] = []
                for _ in 0..<24 {
                    let answer = try await host.lambda.invoke("Fn", payload: Array(#"{"action":"echo"}"#.utf8))
                    result.append(answer.error?.errorType ?? "ok")
                }
                return result
            }
            _ = try await chaos(
                ports.aws, "POST", "faults?seed=7",
                #"[{"service":"lambda","fault":"error","function":"Fn","probability":0.5}]"#)
            let first = try await outcomes()
            #expect(first.contains("InjectedFault") && first.contains("ok"))
            _ = try await chaos(ports.aws, "GET", "faults?seed=7")  // the same seed draws the same faults again
            #expect(try await outcomes() == first)

            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"lambda","fault":"crashAfter"}]"#)
            let crashed = try await host.lambda.invoke("Fn", payload: Array(#"{"action":"echo"}"#.utf8))
            #expect(crashed.error?.errorType == "Runtime.ExitError")
            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"lambda","fault":"timeout"}]"#)
            #expect(
                try await host.lambda.invoke("Fn", payload: Array("{}".utf8)).error?.errorType == "Sandbox.Timedout")
            _ = try await chaos(ports.aws, "POST", "faults", "[]")
            #expect(try await host.lambda.invoke("Fn", payload: Array("{}".utf8)).functionError == nil)

            // Each injected fault is a hop of the traces, on the timeline.
            let tracer = try #require(host.tracer)
            tracer.flush()
            let injected = try tracer.store.recent(limit: 100, service: "chaos")
            #expect(injected.count == first.filter { $0 != "ok" }.count * 2 + 2)
            #expect(injected.allSatisfy { $0.status == .fault && $0.resource == "Fn" })
        }
    }

    @Test func functionFaultsActOnTheExecutionEnvironment() async throws {
        try await withHost(topology(executable: try builtProduct("TestFunction"))) { host, ports in
            let tail = InvokeOptions(wantsLogTail: true)
            func invoke() async throws -> InvocationResult {
                try await host.lambda.invoke("Fn", payload: Array(#"{"action":"echo"}"#.utf8), options: tail)
            }
            func initDuration(_ result: InvocationResult) -> Double? {
                guard let report = result.logLines.last(where: { $0.hasPrefix("REPORT") }),
                    let range = report.range(of: "Init Duration: ")
                else { return nil }
                return Double(report[range.upperBound...].prefix { $0 == "." || $0.isNumber })
            }
            func environments() -> Int { host.lambda.environmentCount(of: "Fn") }
            #expect(try await invoke().functionError == nil)
            #expect(environments() == 1)

            // A crash kills the runtime before the work: the environment is gone, the next call starts a new one.
            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"lambda","fault":"crash"}]"#)
            let crashed = try await invoke()
            #expect(crashed.error?.errorType == "Runtime.ExitError")
            #expect(crashed.error?.errorMessage.contains("signal") == true)
            try await eventually("the crashed environment is gone") { environments() == 0 }

            // A slow start makes the cold start (only it) slower, in its Init Duration.
            _ = try await chaos(
                ports.aws, "POST", "faults", #"[{"service":"lambda","fault":"slowStart","delayMilliseconds":400}]"#)
            let slow = try await invoke()
            #expect(slow.functionError == nil)
            #expect((initDuration(slow) ?? 0) >= 400)
            let warm = try await invoke()
            #expect(warm.functionError == nil && initDuration(warm) == nil)

            // A timeout ends the call as the deadline does and resets the environment.
            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"lambda","fault":"timeout"}]"#)
            #expect(try await invoke().error?.errorType == "Sandbox.Timedout")
            try await eventually("the timed-out environment is gone") { environments() == 0 }

            // An init failure fails the cold start's invocation and discards the environment.
            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"lambda","fault":"initFailure"}]"#)
            let failed = try await invoke()
            #expect(failed.error?.errorType == "InjectedFault")
            #expect(failed.error?.errorMessage == "Injected fault: init failed")
            #expect(environments() == 0)
            _ = try await chaos(ports.aws, "POST", "faults", "[]")
            let recovered = try await invoke()
            #expect(recovered.functionError == nil && initDuration(recovered) != nil)
            let injected = json(try await chaos(ports.aws, "GET", "injected").1)
            #expect(
                injected
                    == json(#"{"crash":1,"slowStart":1,"timeout":1,"initFailure":1}"#))
        }
    }

    @Test func reorderKeepsAFifoGroupsOrderAndDrawsAsSeeded() throws {
        struct Message: Equatable {
            var id: Int
            var group: String?
        }
        let messages = (0..<40).map { Message(id: $0, group: ["a", "b", nil][$0 % 3]) }
        let injector = FaultInjector(seed: 3, region: "us-east-1", tracer: nil)
        let shuffled = injector.shuffled(messages) { $0.group }
        #expect(shuffled.count == 40 && Set(shuffled.map(\.id)) == Set(0..<40))
        #expect(shuffled != messages)
        for group in ["a", "b"] {
            let ids = shuffled.filter { $0.group == group }.map(\.id)
            #expect(ids == ids.sorted(), "group \(group) keeps its order")
        }
        let ungrouped = shuffled.filter { $0.group == nil }.map(\.id)
        #expect(ungrouped != ungrouped.sorted())
        // The same seed shuffles the same way.
        #expect(FaultInjector(seed: 3, region: "us-east-1", tracer: nil).shuffled(messages) { $0.group } == shuffled)
    }

    @Test func aTopologyDeclaresTheFaultsOfARun() async throws {
        let text =
            #"{"chaos":{"seed":5,"faults":[{"service":"dynamodb","operation":"Scan","error":{"statusCode":429,"code":"ThrottlingException"}}]}}"#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        #expect(topology.chaosSeed == 5)
        try await withHost(topology) { _, ports in
            #expect(
                json(try await chaos(ports.aws, "GET", "faults").1)
                    == json(
                        #"[{"service":"dynamodb","operation":"Scan","error":{"statusCode":429,"code":"ThrottlingException"}}]"#
                    ))
            let scan = try await awsJSONResponse(ports.aws, "DynamoDB_20120810.ListTables", "{}")
            #expect(scan.status == 200)
        }
        #expect(throws: TopologyError.self) {
            try Topology.decode(Data(#"{"chaos":{"faults":[{"probability":2}]}}"#.utf8), baseDirectory: "/")
        }
        #expect(throws: TopologyError.self) {
            try Topology.decode(Data(#"{"chaos":{"fault":[]}}"#.utf8), baseDirectory: "/")
        }
    }

    @Test func aPipesBatchPutOnTheBusTwiceReachesTheQueueTwice() async throws {
        let text = #"""
            {"tables":{"items":{"partitionKey":{"name":"id"},"stream":"NEW_IMAGE"}},
             "pipes":{"p":{"source":{"table":"items"},"target":{}}},
             "queues":{"work":{}},
             "rules":{"r":{"pattern":{"source":["Pipe p"]},"targets":[{"queue":"work"}]}},
             "chaos":{"faults":[{"service":"pipes","fault":"duplicate","pipe":"p"}]}}
            """#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { _, ports in
            _ = try await awsJSON(
                ports.aws, "DynamoDB_20120810.PutItem", #"{"TableName":"items","Item":{"id":{"S":"a"}}}"#)
            var bodies: [String] = []
            for _ in 0..<4 where bodies.count < 2 {
                bodies += try await receive(ports.aws, queue: "work", wait: 2).compactMap { $0["Body"] as? String }
            }
            #expect(bodies.count == 2)
            let details = bodies.compactMap { try? JSONValue(parsing: Data($0.utf8)) }.compactMap {
                event -> JSONValue? in
                if case .object(let fields) = event { return fields["detail"] }
                return nil
            }
            #expect(details.count == 2 && details[0] == details[1])  // the same record, two events
            let injected = try await chaos(ports.aws, "GET", "injected")
            #expect(injected.1 == #"{"duplicate":1}"#)
        }
    }

    @Test func theConsoleSwitchesFaultsOnAndOff() async throws {
        try await withHost(Topology()) { _, ports in
            let console = "http://127.0.0.1:\(ports.aws)/_host/console/chaos"
            func post(_ form: String) async throws -> Int {
                try await http(
                    "POST", console, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    body: Array(form.utf8)
                ).status
            }
            let rules = #"[{"service":"sqs","fault":"duplicate"}]"#
            #expect(
                try await post("rules=" + (rules.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                    == 303)
            #expect(json(try await chaos(ports.aws, "GET", "faults").1) == json(rules))
            #expect(try await post("rules=%5B%7B%22bad%22%3A1%7D%5D") == 303)  // refused: the rules stay
            #expect(json(try await chaos(ports.aws, "GET", "faults").1) == json(rules))
            let page = try await http("GET", console)
            #expect(page.status == 200 && page.text.contains("duplicate") && page.text.contains("switch off"))
            // One rule switched off and on again: the Chaos API sees only the rules that are on, in their order.
            let two = #"[{"service":"sqs","fault":"duplicate"},{"service":"lambda","fault":"crash"}]"#
            // A rule is switched by its text as the page shows it (keys sorted).
            func rule(_ text: String) -> String {
                text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            }
            let duplicate = rule(#"{"fault":"duplicate","service":"sqs"}"#)
            _ = try await chaos(ports.aws, "POST", "faults", two)
            #expect(try await post("off=" + duplicate) == 303)
            #expect(
                json(try await chaos(ports.aws, "GET", "faults").1) == json(#"[{"service":"lambda","fault":"crash"}]"#))
            let switchedOff = try await http("GET", console)
            #expect(switchedOff.text.contains("<tr class=\"off\">") && switchedOff.text.contains("switch on"))
            // Editing the rules that are on keeps the one switched off.
            #expect(try await post("rules=%5B%5D") == 303)
            #expect(try await chaos(ports.aws, "GET", "faults").1 == "[]")
            #expect(try await post("on=" + duplicate) == 303)
            #expect(
                json(try await chaos(ports.aws, "GET", "faults").1) == json(#"[{"service":"sqs","fault":"duplicate"}]"#)
            )
            // No such rule switched off: nothing changes.
            #expect(try await post("on=" + rule(#"{"fault":"crash","service":"lambda"}"#)) == 303)
            #expect(
                json(try await chaos(ports.aws, "GET", "faults").1) == json(#"[{"service":"sqs","fault":"duplicate"}]"#)
            )
            // All off keeps the rules, switched off; all on brings them back; the API's POST replaces them all.
            _ = try await chaos(ports.aws, "POST", "faults", two)
            #expect(try await post("all=off") == 303)
            #expect(try await chaos(ports.aws, "GET", "faults").1 == "[]")
            #expect(try await post("all=on") == 303)
            #expect(json(try await chaos(ports.aws, "GET", "faults").1) == json(two))
            _ = try await chaos(ports.aws, "POST", "faults", "[]")
            #expect(try await post("all=on") == 303)
            #expect(try await chaos(ports.aws, "GET", "faults").1 == "[]")
            #expect(try await post("latency=250") == 303)
            #expect(try await chaos(ports.aws, "GET", "effects").1 == #"{"latency":250}"#)
            // The latency is an injected fault too: counted, and a hop of the calls it slowed.
            _ = try await awsJSON(ports.aws, "DynamoDB_20120810.ListTables", "{}")
            #expect(try await chaos(ports.aws, "GET", "injected").1.contains(#""latency":"#))
        }
    }

    /// A client's own ReceiveMessage and DeleteMessage get the queue's faults too: a message received twice, a
    /// delete answered but not done.
    @Test func anAPIConsumerGetsDuplicatesAndLosesDeletes() async throws {
        try await withHost(Topology()) { _, ports in
            let url = try #require(
                try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"jobs"}"#)["QueueUrl"] as? String)
            func send(_ body: String) async throws {
                _ = try await awsJSON(
                    ports.aws, "AmazonSQS.SendMessage", #"{"QueueUrl":"\#(url)","MessageBody":"\#(body)"}"#)
            }
            func receive() async throws -> [(id: String, handle: String)] {
                let received = try await awsJSON(
                    ports.aws, "AmazonSQS.ReceiveMessage", #"{"QueueUrl":"\#(url)","MaxNumberOfMessages":10}"#)
                return (received["Messages"] as? [[String: Any]] ?? []).map {
                    ($0["MessageId"] as? String ?? "", $0["ReceiptHandle"] as? String ?? "")
                }
            }
            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"sqs","fault":"duplicate","queue":"jobs"}]"#)
            try await send("one")
            let first = try await receive()
            _ = try await chaos(ports.aws, "POST", "faults", "[]")
            let again = try await receive()  // within its visibility timeout: only a duplicate delivers it again
            #expect(first.count == 1 && again.map(\.id) == first.map(\.id))
            #expect(again.first?.handle != first.first?.handle)

            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"sqs","fault":"lostAck"}]"#)
            _ = try await awsJSON(
                ports.aws, "AmazonSQS.DeleteMessage",
                #"{"QueueUrl":"\#(url)","ReceiptHandle":"\#(again.first?.handle ?? "")"}"#)
            _ = try await chaos(ports.aws, "POST", "faults", "[]")
            #expect(try await receive().isEmpty)  // in flight still: the delete answered but did not happen
            try await advanceClock(ports.aws, seconds: 31)
            let back = try await receive()
            #expect(back.map(\.id) == first.map(\.id))
            _ = try await awsJSON(
                ports.aws, "AmazonSQS.DeleteMessage",
                #"{"QueueUrl":"\#(url)","ReceiptHandle":"\#(back.first?.handle ?? "")"}"#)
            try await advanceClock(ports.aws, seconds: 31)
            #expect(try await receive().isEmpty)  // deleted this time
            let injected = try await chaos(ports.aws, "GET", "injected")
            #expect(injected.1 == #"{"duplicate":1,"lostAck":1}"#)
        }
    }

    @Test func aMappingsBatchIsDeliveredTwiceOrComesBackWhenItsAckIsLost() async throws {
        let function = try builtProduct("TestFunction")
        let text = #"""
            {"functions":{"Worker":{"executable":"\#(function)","timeout":5}},
             "queues":{"work":{"visibilityTimeout":600}},
             "eventSourceMappings":[{"function":"Worker","queue":"work","batchSize":1}]}
            """#
        try await withHost(try Topology.decode(Data(text.utf8), baseDirectory: "/")) { host, ports in
            let tracer = try #require(host.tracer)
            func invocations() throws -> Int {
                tracer.flush()
                return try tracer.store.recent(limit: 1000, resource: "Worker", service: "lambda").count
            }
            func send(_ body: String) async throws {
                _ = try await awsJSON(
                    ports.aws, "AmazonSQS.SendMessage",
                    #"{"QueueUrl":"http://127.0.0.1:\#(ports.aws)/000000000000/work","MessageBody":"\#(body)"}"#)
            }
            func advance(_ seconds: Int) async throws {
                let response = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                    headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":\#(seconds)}"#.utf8))
                #expect(response.status == 200)
            }
            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"sqs","fault":"duplicate","queue":"work"}]"#)
            try await send("one")
            try await eventually("two invocations of one message") { try invocations() == 2 }

            _ = try await chaos(ports.aws, "POST", "faults", #"[{"service":"sqs","fault":"lostAck"}]"#)
            try await send("two")
            try await eventually("the message was processed") { try invocations() == 3 }
            _ = try await chaos(ports.aws, "POST", "faults", "[]")
            // Its delete was lost: it is back once its visibility timeout (ten minutes on the host's clock) passes.
            try await advance(601)
            try await eventually("the message is back after its visibility timeout") { try invocations() == 4 }
            // Acknowledged this time: after another timeout only a new message is processed.
            try await advance(601)
            try await send("three")
            try await eventually("the new message was processed") { try invocations() >= 5 }
            #expect(try invocations() == 5)
            let kinds = try tracer.store.recent(limit: 100, service: "chaos").map(\.operation)
            #expect(kinds.contains("duplicate") && kinds.contains("lostAck"))
        }
    }
}

/// Waits (up to `seconds`: a bound for a hang, not a measure) until `condition` holds.
func eventually(_ what: String, seconds: Int = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(25))
    }
}
