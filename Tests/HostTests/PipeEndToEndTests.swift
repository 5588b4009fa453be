import Foundation
import Host
import Testing

/// The reference architecture's spine: PutItem → DynamoDB stream → Pipe → event bus → rule → SQS queue.
@Suite struct PipeEndToEndTests {
    @Test func anInsertedEventItemReachesTheQueueOfTheRuleThatRoutesIt() async throws {
        let topologyText = #"""
            {"tables":{"events":{"partitionKey":{"name":"pk"},"sortKey":{"name":"sk"},"stream":"NEW_IMAGE"}},
             "pipes":{"events-to-bus":{"source":{"table":"events","startingPosition":"TRIM_HORIZON"},
               "target":{"eventBus":"default","source":"event-store.dynamodb.stream","detailType":"DynamoDBStreamRecord"}}}}
            """#
        let topology = try Topology.decode(Data(topologyText.utf8), baseDirectory: "/")
        try await withHost(topology) { _, ports in
            func call(_ target: String, _ body: String, trace: String? = nil) async throws -> [String: Any] {
                let version = target.hasPrefix("AWSEvents") ? "1.1" : "1.0"
                var headers = [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-\(version)")]
                if let trace { headers.append(("X-Amzn-Trace-Id", trace)) }
                let response = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/", headers: headers, body: Array(body.utf8))
                guard response.status == 200 else {
                    throw TestFailure("\(target): \(response.status) \(response.text)")
                }
                return try response.json()
            }
            let queueURL =
                try await call("AmazonSQS.CreateQueue", #"{"QueueName":"allocate-queue"}"#)["QueueUrl"] as? String ?? ""
            let pattern =
                #"{\"source\":[\"event-store.dynamodb.stream\"],\"detail-type\":[\"DynamoDBStreamRecord\"],\"detail\":{\"eventName\":[\"INSERT\"],\"eventSource\":[\"aws:dynamodb\"],\"dynamodb\":{\"NewImage\":{\"eventName\":{\"S\":[\"ORDER_CREATED_EVENT\"]}}}}}"#
            _ = try await call("AWSEvents.PutRule", #"{"Name":"allocate","EventPattern":"\#(pattern)"}"#)
            _ = try await call(
                "AWSEvents.PutTargets",
                #"{"Rule":"allocate","Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:allocate-queue"}]}"#
            )

            // The writer's trace header: AWS does not carry it from a write to its stream record; the host links
            // them, so the event, and the message the rule sends, continue the write's trace.
            let trace = "Root=1-6752f0a1-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=bbbbbbbbbbbbbbbb;Sampled=1"
            func put(_ eventName: String, order: String) async throws {
                _ = try await call(
                    "DynamoDB_20120810.PutItem",
                    #"{"TableName":"events","Item":{"pk":{"S":"EVENTS#ORDER_ID#\#(order)"},"sk":{"S":"EVENT#\#(eventName)"},"eventName":{"S":"\#(eventName)"},"eventData":{"M":{"orderId":{"S":"\#(order)"},"units":{"N":"2"}}}},"ConditionExpression":"attribute_not_exists(pk) AND attribute_not_exists(sk)"}"#,
                    trace: trace)
            }
            try await put("ORDER_PLACED_EVENT", order: "o1")  // no rule routes it
            try await put("ORDER_CREATED_EVENT", order: "o1")

            let received = try await call(
                "AmazonSQS.ReceiveMessage",
                #"{"QueueUrl":"\#(queueURL)","WaitTimeSeconds":10,"MaxNumberOfMessages":10,"MessageSystemAttributeNames":["AWSTraceHeader"]}"#
            )
            let messages = received["Messages"] as? [[String: Any]] ?? []
            #expect(messages.count == 1)
            #expect((messages.first?["Attributes"] as? [String: String])?["AWSTraceHeader"] == trace)
            let event =
                try JSONSerialization.jsonObject(with: Data((messages.first?["Body"] as? String ?? "").utf8))
                as? [String: Any] ?? [:]
            #expect(
                Set(event.keys) == [
                    "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail",
                ])
            #expect(event["source"] as? String == "event-store.dynamodb.stream")
            #expect(event["detail-type"] as? String == "DynamoDBStreamRecord")
            let detail = event["detail"] as? [String: Any] ?? [:]
            #expect(detail["eventName"] as? String == "INSERT")
            #expect(
                (detail["eventSourceARN"] as? String)?.hasPrefix(
                    "arn:aws:dynamodb:us-east-1:000000000000:table/events/stream/") == true)
            let newImage = (detail["dynamodb"] as? [String: Any])?["NewImage"] as? [String: Any]
            #expect(newImage?["eventName"] as? [String: String] == ["S": "ORDER_CREATED_EVENT"])
            #expect(
                ((newImage?["eventData"] as? [String: Any])?["M"] as? [String: Any])?["units"] as? [String: String] == [
                    "N": "2"
                ])

            // Nothing is delivered twice: the pipe's checkpoint moved with the events it put.
            let again = try await call("AmazonSQS.ReceiveMessage", #"{"QueueUrl":"\#(queueURL)","WaitTimeSeconds":1}"#)
            #expect((again["Messages"] as? [Any] ?? []).isEmpty)
        }
    }

    @Test func pipesNamingATableWithoutAStreamAreRefused() {
        let text =
            #"{"tables":{"t01":{"partitionKey":{"name":"pk"}}},"pipes":{"p":{"source":{"table":"t01"},"target":{"source":"s","detailType":"d"}}}}"#
        #expect(throws: TopologyError.self) { try Topology.decode(Data(text.utf8), baseDirectory: "/") }
    }

    @Test func theWholeFlowCanBeDeclaredInTheTopology() async throws {
        let text = #"""
            {"tables":{"events":{"partitionKey":{"name":"pk"},"sortKey":{"name":"sk"},"stream":"NEW_IMAGE"}},
             "pipes":{"p":{"source":{"table":"events"},"target":{"source":"event-store.dynamodb.stream","detailType":"DynamoDBStreamRecord"}}},
             "queues":{"restock":{"visibilityTimeout":10}},
             "rules":{"restock-rule":{"pattern":{"detail":{"eventName":["INSERT"],"dynamodb":{"NewImage":{"eventName":{"S":["SKU_RESTOCKED_EVENT"]}}}}},
                                      "targets":[{"queue":"restock"}]}}}
            """#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        #expect(topology.rules.first?.targets.first?.id == "restock")
        try await withHost(topology) { _, ports in
            func call(_ target: String, _ body: String) async throws -> [String: Any] {
                let response = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/",
                    headers: [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.0")],
                    body: Array(body.utf8))
                guard response.status == 200 else { throw TestFailure("\(target): \(response.text)") }
                return try response.json()
            }
            _ = try await call(
                "DynamoDB_20120810.PutItem",
                #"{"TableName":"events","Item":{"pk":{"S":"EVENTS#SKU#s1"},"sk":{"S":"EVENT#SKU_RESTOCKED_EVENT#LOT_ID#l1"},"eventName":{"S":"SKU_RESTOCKED_EVENT"}}}"#
            )
            let received = try await call(
                "AmazonSQS.ReceiveMessage",
                #"{"QueueUrl":"http://127.0.0.1:\#(ports.aws)/000000000000/restock","WaitTimeSeconds":10}"#)
            let messages = received["Messages"] as? [[String: Any]] ?? []
            #expect(messages.count == 1)
            #expect((messages.first?["Body"] as? String)?.contains("SKU_RESTOCKED_EVENT") == true)
        }
    }

    @Test(arguments: [
        (#"{"rules":{"r":{"pattern":{"source":"x"}}}}"#, "rules.r.pattern"),
        (#"{"rules":{"r":{"pattern":{"source":["x"]},"targets":[{"queue":"nope"}]}}}"#, "rules.r.targets[0].queue"),
        (#"{"rules":{"r":{"bus":"other","pattern":{"source":["x"]}}}}"#, "rules.r.bus"),
        (#"{"queues":{"q":{"deadLetterQueue":"dlq"}}}"#, "queues.q.deadLetterQueue"),
        (#"{"eventSourceMappings":[{"function":"F","queue":"q"}]}"#, "eventSourceMappings[0].function"),
    ])
    func crossReferenceMistakesNameTheKey(text: String, path: String) {
        do {
            _ = try Topology.decode(Data(text.utf8), baseDirectory: "/")
            Issue.record("expected an error at \(path)")
        } catch let error as TopologyError {
            #expect(error.path == path, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func anItemPutReachesTheFunctionThroughStreamPipeBusRuleQueueAndMapping() async throws {
        // The worker reports records whose body contains "fail" as failed: only an event that reached it can end up
        // in the DLQ, and only a successful one leaves both queues empty.
        let function = try builtProduct("TestFunction")
        let text = #"""
            {"tables":{"events":{"partitionKey":{"name":"pk"},"sortKey":{"name":"sk"},"stream":"NEW_IMAGE"}},
             "pipes":{"p":{"source":{"table":"events"},"target":{"source":"event-store.dynamodb.stream","detailType":"DynamoDBStreamRecord"}}},
             "functions":{"Worker":{"executable":"\#(function)","timeout":5}},
             "queues":{"work":{"visibilityTimeout":3,"deadLetterQueue":"work-dlq","maxReceiveCount":1},"work-dlq":{}},
             "rules":{"r":{"pattern":{"detail":{"eventName":["INSERT"]}},"targets":[{"queue":"work"}]}},
             "eventSourceMappings":[{"function":"Worker","queue":"work","reportBatchItemFailures":true}]}
            """#
        let topology = try Topology.decode(Data(text.utf8), baseDirectory: "/")
        try await withHost(topology) { _, ports in
            func call(_ target: String, _ body: String) async throws -> [String: Any] {
                let response = try await http(
                    "POST", "http://127.0.0.1:\(ports.aws)/",
                    headers: [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.0")],
                    body: Array(body.utf8))
                guard response.status == 200 else { throw TestFailure("\(target): \(response.text)") }
                return try response.json()
            }
            _ = try await call(
                "DynamoDB_20120810.PutItem", #"{"TableName":"events","Item":{"pk":{"S":"a"},"sk":{"S":"ok"}}}"#)
            _ = try await call(
                "DynamoDB_20120810.PutItem", #"{"TableName":"events","Item":{"pk":{"S":"b"},"sk":{"S":"please-fail"}}}"#
            )
            var dead: [[String: Any]] = []
            for _ in 0..<4 where dead.isEmpty {
                dead =
                    try await call(
                        "AmazonSQS.ReceiveMessage",
                        #"{"QueueUrl":"http://127.0.0.1:\#(ports.aws)/000000000000/work-dlq","WaitTimeSeconds":5}"#
                    )["Messages"] as? [[String: Any]] ?? []
            }
            #expect(dead.count == 1)
            #expect((dead.first?["Body"] as? String)?.contains("please-fail") == true)
            let work = try await call(
                "AmazonSQS.GetQueueAttributes",
                #"{"QueueUrl":"http://127.0.0.1:\#(ports.aws)/000000000000/work","AttributeNames":["ApproximateNumberOfMessages","ApproximateNumberOfMessagesNotVisible"]}"#
            )
            let attributes = work["Attributes"] as? [String: String] ?? [:]
            #expect(attributes["ApproximateNumberOfMessages"] == "0")
            #expect(attributes["ApproximateNumberOfMessagesNotVisible"] == "0", "the successful event was deleted")
        }
    }
}
