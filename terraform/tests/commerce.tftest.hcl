# The commerce deployment of ../infra/topology.json, planned and "applied" against a mocked AWS provider: every
# resource's arguments are checked against the topology they come from. Run by scripts/terraform-check, which
# passes artifacts_dir (a directory of dummy zips it creates; a subdirectory x86_64/ adds a manifest.json).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "wiring_follows_the_topology" {
  command = apply

  # Tables: keys, index, stream.
  assert {
    condition = (
      module.table["commerce"].table.name == "commerce-dev-commerce" &&
      module.table["commerce"].table.hash_key == "pk" && module.table["commerce"].table.range_key == "sk" &&
      module.table["commerce"].table.billing_mode == "PAY_PER_REQUEST" &&
      module.table["commerce"].table.stream_enabled && module.table["commerce"].table.stream_view_type == "NEW_IMAGE" &&
      [for index in module.table["commerce"].table.global_secondary_index : [index.name, index.hash_key, index.range_key, index.projection_type]] == [["gsi1pk-gsi1sk-index", "gsi1pk", "gsi1sk", "ALL"]]
    )
    error_message = "The table is not the topology's (pk/sk, gsi1pk-gsi1sk-index, NEW_IMAGE stream)."
  }
  # The cart's tables: the carts, and the outbox with its stream and TTL.
  assert {
    condition = (
      module.table["shopping-cart"].table.hash_key == "PK" && !module.table["shopping-cart"].table.stream_enabled &&
      module.table["shopping-cart-outbox"].table.name == "commerce-dev-shopping-cart-outbox" &&
      module.table["shopping-cart-outbox"].table.hash_key == "messageId" &&
      module.table["shopping-cart-outbox"].table.stream_enabled && module.table["shopping-cart-outbox"].table.stream_view_type == "NEW_IMAGE" &&
      [for ttl in module.table["shopping-cart-outbox"].table.ttl : [ttl.attribute_name, ttl.enabled]] == [["ttl", true]]
    )
    error_message = "The cart's tables are not the topology's (the outbox: messageId, NEW_IMAGE stream, TTL on ttl)."
  }
  # The catalog's tables: the products with their index by category, the compacted log with its stream, the view.
  assert {
    condition = (
      [for index in module.table["catalog"].table.global_secondary_index : [index.name, index.hash_key, index.range_key, index.projection_type]] == [["category-index", "category", "productId", "ALL"]] &&
      module.table["catalog-events"].table.hash_key == "productId" && module.table["catalog-events"].table.stream_view_type == "NEW_IMAGE" &&
      module.table["orders-catalog-view"].table.hash_key == "productId" && !module.table["orders-catalog-view"].table.stream_enabled
    )
    error_message = "The catalog's tables are not the topology's (category-index; the log's NEW_IMAGE stream)."
  }

  # Rules: one per topology rule, on its bus, with exactly the topology's pattern, targeting its queue or log group.
  assert {
    condition     = length(module.rules.rules) == length(jsondecode(file("../infra/topology.json")).rules) && length(module.rules.targets) == length(jsondecode(file("../infra/topology.json")).rules)
    error_message = "Expected one rule and one target per topology rule."
  }
  assert {
    condition = alltrue([
      for name, rule in jsondecode(file("../infra/topology.json")).rules :
      jsondecode(module.rules.rules[name].event_pattern) == rule.pattern &&
      module.rules.rules[name].event_bus_name == "commerce-dev-${rule.bus}" &&
      module.rules.rules[name].state == "ENABLED" &&
      (can(rule.targets[0].queue) ? module.rules.targets["${name}/${rule.targets[0].id}"].arn == module.queues.arns[rule.targets[0].queue] : module.rules.targets["${name}/${rule.targets[0].id}"].arn != "")
    ])
    error_message = "A rule's pattern, bus or target differs from the topology."
  }
  assert {
    condition = alltrue([
      for name, rule in jsondecode(file("../infra/topology.json")).rules :
      module.queues.queues[rule.targets[0].queue].name != "" &&
      module.rules.queue_policies[rule.targets[0].queue].Statement[0].Principal.Service == "events.amazonaws.com" &&
      module.rules.queue_policies[rule.targets[0].queue].Statement[0].Action == "sqs:SendMessage" &&
      module.rules.queue_policies[rule.targets[0].queue].Statement[0].Condition.ArnEquals["aws:SourceArn"] == module.rules.rules[name].arn &&
      length(module.rules.queue_policies[rule.targets[0].queue].Statement) == 1
      if can(rule.targets[0].queue)
    ])
    error_message = "A target queue's policy does not let exactly its rule send."
  }

  # Queues: the topology's, each worker queue redriven to its DLQ after its maxReceiveCount (360 for the reference's
  # workers); visibility 10 s, long polling 20 s.
  assert {
    condition = (
      length(module.queues.queues) == length(jsondecode(file("../infra/topology.json")).queues) &&
      length(module.queues.redrive_policies) == length([for name, q in jsondecode(file("../infra/topology.json")).queues : name if can(q.deadLetterQueue)])
    )
    error_message = "Expected the topology's queues, those with a deadLetterQueue with a redrive policy."
  }
  assert {
    condition = alltrue([
      for name, policy in module.queues.redrive_policies :
      policy.maxReceiveCount == jsondecode(file("../infra/topology.json")).queues[name].maxReceiveCount && policy.deadLetterTargetArn == module.queues.arns[replace(name, "-Queue", "-Dlq")] &&
      module.queues.queues[name].visibility_timeout_seconds == 10 && module.queues.queues[name].receive_wait_time_seconds == 20
    ])
    error_message = "A worker queue is not redriven to its DLQ with its maxReceiveCount (or its timeouts differ)."
  }
  assert {
    condition = alltrue([
      for name, queue in module.queues.queues : queue.message_retention_seconds == 1209600 if endswith(name, "-Dlq")
    ])
    error_message = "DLQs keep messages 14 days."
  }
  assert {
    condition = alltrue([
      for name, policy in module.queues.redrive_allow_policies :
      policy.redrivePermission == "byQueue" && policy.sourceQueueArns == [module.queues.arns[replace(name, "-Dlq", "-Queue")]]
    ]) && length(module.queues.redrive_allow_policies) == length(module.queues.redrive_policies)
    error_message = "Each DLQ allows redrive from its own queue only."
  }

  # Event source mappings: ReportBatchItemFailures, batch 10, no window, maximum concurrency 2, on the right queue.
  assert {
    condition = alltrue([
      for mapping in jsondecode(file("../infra/topology.json")).eventSourceMappings :
      module.function[mapping.function].sqs_mappings["${mapping.function}:${mapping.queue}"].function_response_types == toset(["ReportBatchItemFailures"]) &&
      module.function[mapping.function].sqs_mappings["${mapping.function}:${mapping.queue}"].scaling_config[0].maximum_concurrency == 2 &&
      module.function[mapping.function].sqs_mappings["${mapping.function}:${mapping.queue}"].batch_size == 10 &&
      module.function[mapping.function].sqs_mappings["${mapping.function}:${mapping.queue}"].maximum_batching_window_in_seconds == 0 &&
      module.function[mapping.function].sqs_mappings["${mapping.function}:${mapping.queue}"].event_source_arn == module.queues.arns[mapping.queue] &&
      module.function[mapping.function].sqs_mappings["${mapping.function}:${mapping.queue}"].function_name == module.function[mapping.function].arn
      if can(mapping.queue)
    ]) && length(flatten([for f in module.function : concat(values(f.sqs_mappings), values(f.stream_mappings))])) == length(jsondecode(file("../infra/topology.json")).eventSourceMappings)
    error_message = "An event source mapping differs from the topology (one per mapping, ReportBatchItemFailures, batch 10, window 0, concurrency 2)."
  }
  # The Outbox Forwarder's stream mapping: the outbox's stream from its start, only INSERT records, batches of 10,
  # failures reported by sequence number, retried until the record's age (a day), then recorded in its queue.
  assert {
    condition = (
      module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].event_source_arn == module.table["shopping-cart-outbox"].stream_arn &&
      module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].starting_position == "TRIM_HORIZON" &&
      module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].batch_size == 10 &&
      module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].maximum_retry_attempts == -1 &&
      module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].maximum_record_age_in_seconds == 86400 &&
      module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].function_response_types == toset(["ReportBatchItemFailures"]) &&
      module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].destination_config[0].on_failure[0].destination_arn == module.queues.arns["OutboxForwarder-Dlq"] &&
      jsonencode([for f in module.function["OutboxForwarder"].stream_mappings["OutboxForwarder:shopping-cart-outbox"].filter_criteria[0].filter : jsondecode(f.pattern)]) == jsonencode([{ eventName = ["INSERT"] }])
    )
    error_message = "The Outbox Forwarder's stream mapping differs from the topology."
  }

  # Pipe: table stream → bus, TRIM_HORIZON, batch 10, detail type and source as the reference's.
  assert {
    condition = (
      module.bus_pipe.pipes["commerce-stream-to-bus"].name == "commerce-dev-commerce-stream-to-bus" &&
      module.bus_pipe.pipes["commerce-stream-to-bus"].source == module.table["commerce"].stream_arn &&
      module.bus_pipe.pipes["commerce-stream-to-bus"].target == module.bus_pipe.bus_arns["commerce-bus"] &&
      module.bus_pipe.pipes["commerce-stream-to-bus"].source_parameters[0].dynamodb_stream_parameters[0].starting_position == "TRIM_HORIZON" &&
      module.bus_pipe.pipes["commerce-stream-to-bus"].source_parameters[0].dynamodb_stream_parameters[0].batch_size == 10 &&
      length(module.bus_pipe.pipes["commerce-stream-to-bus"].source_parameters[0].filter_criteria) == 0 &&
      module.bus_pipe.pipes["commerce-stream-to-bus"].target_parameters[0].eventbridge_event_bus_parameters[0].detail_type == "DynamoDBStreamRecord" &&
      module.bus_pipe.pipes["commerce-stream-to-bus"].target_parameters[0].eventbridge_event_bus_parameters[0].source == "event-store.dynamodb.stream" &&
      module.bus_pipe.pipes["commerce-stream-to-bus"].target_parameters[0].input_template == null
    )
    error_message = "The pipe's source or target parameters differ from the topology."
  }
  assert {
    condition = (
      [for s in module.bus_pipe.pipe_policies["commerce-stream-to-bus"].Statement : s.Resource] ==
      [module.table["commerce"].stream_arn, "*", module.bus_pipe.bus_arns["commerce-bus"]]
    )
    error_message = "The pipe's role may read its stream and put on its bus, nothing else."
  }

  # Functions: provided.al2023, bootstrap, 128 MB, 10 s, environment with the deployed table name.
  assert {
    condition = length(module.function) == length(jsondecode(file("../infra/topology.json")).functions) && alltrue([
      for name, f in jsondecode(file("../infra/topology.json")).functions :
      module.function[name].function.function_name == "commerce-dev-${name}" &&
      module.function[name].function.runtime == "provided.al2023" &&
      module.function[name].function.handler == "bootstrap"
    ])
    error_message = "Every topology function is a provided.al2023 function with handler bootstrap, named commerce-dev-<name>."
  }
  assert {
    condition = alltrue([
      for name, f in jsondecode(file("../infra/topology.json")).functions :
      module.function[name].function.memory_size == f.memorySize && module.function[name].function.timeout == f.timeout
    ])
    error_message = "A function's memory size or timeout differs from the topology."
  }
  assert {
    condition = alltrue([
      for name, f in jsondecode(file("../infra/topology.json")).functions :
      one(module.function[name].function.architectures) == "arm64"
    ])
    error_message = "Without a manifest, functions deploy as the topology's architecture (default arm64)."
  }
  assert {
    condition = alltrue([
      for name, f in jsondecode(file("../infra/topology.json")).functions :
      jsonencode(module.function[name].function.environment[0].variables) == jsonencode({
        for k, v in f.environment : k => contains(concat(keys(jsondecode(file("../infra/topology.json")).tables), keys(jsondecode(file("../infra/topology.json")).buses)), v) ? "commerce-dev-${v}" : v
      })
    ])
    error_message = "A function's environment is not the topology's with table and bus names rewritten to the deployed ones."
  }
  assert {
    condition     = module.function["ProcessOrderPaymentWorker"].function.environment[0].variables.PAYMENT_GATEWAY_ACCEPT_RATE == "0.3"
    error_message = "Variables that name no table pass through unchanged."
  }
  assert {
    condition = alltrue([
      for name, f in module.function :
      f.policy.Statement[0].Sid == "OwnLogGroup" && f.policy.Statement[0].Resource == "arn:aws:logs:us-east-1:123456789012:log-group:mock:*" &&
      jsonencode(f.policy.Statement[0].Action) == jsonencode(["logs:CreateLogStream", "logs:PutLogEvents"]) &&
      f.function.logging_config[0].log_group == "/aws/lambda/commerce-dev-${name}"
    ])
    error_message = "A function may write to its own log group only (streams of <log group ARN>:*)."
  }
  # Least privilege: a function's policy has exactly the statements its topology entry calls for.
  assert {
    condition = alltrue([
      for name, f in jsondecode(file("../infra/topology.json")).functions :
      jsonencode([for s in module.function[name].policy.Statement : s.Sid]) == jsonencode(concat(
        ["OwnLogGroup"],
        length([for v in values(f.environment) : v if contains(keys(jsondecode(file("../infra/topology.json")).tables), v)]) > 0 ? ["ReadWriteItsTables"] : [],
        length([for v in values(f.environment) : v if contains(keys(jsondecode(file("../infra/topology.json")).buses), v)]) > 0 ? ["PutEventsOnItsBuses"] : [],
        length([for m in jsondecode(file("../infra/topology.json")).eventSourceMappings : m if m.function == name && can(m.queue)]) > 0 ? ["ConsumeItsQueues"] : [],
        length([for m in jsondecode(file("../infra/topology.json")).eventSourceMappings : m if m.function == name && can(m.table)]) > 0 ? ["ReadItsStreams"] : [],
        length([for m in jsondecode(file("../infra/topology.json")).eventSourceMappings : m if m.function == name && can(m.onFailure)]) > 0 || can(f.deadLetterQueue) ? ["SendFailuresToQueues"] : [],
      ))
    ])
    error_message = "A function's policy has statements its topology entry does not call for, or lacks one."
  }
  assert {
    condition = alltrue([
      for name, f in jsondecode(file("../infra/topology.json")).functions :
      jsonencode(flatten([for s in module.function[name].policy.Statement : s.Resource if s.Sid == "ReadWriteItsTables"])) == jsonencode(flatten([
        for table in distinct([for v in values(f.environment) : v if contains(keys(jsondecode(file("../infra/topology.json")).tables), v)]) :
        [module.table[table].arn, "${module.table[table].arn}/index/*"]
      ]))
    ])
    error_message = "A function may use the tables its environment names (and their indexes), no other."
  }
  assert {
    condition = (
      jsonencode([for s in module.function["OutboxForwarder"].policy.Statement : s.Resource if s.Sid == "PutEventsOnItsBuses"]) == jsonencode([[module.bus_pipe.bus_arns["shopping-cart-stream"]]]) &&
      jsonencode([for s in module.function["OutboxForwarder"].policy.Statement : s.Action if s.Sid == "PutEventsOnItsBuses"]) == jsonencode(["events:PutEvents"])
    )
    error_message = "The Outbox Forwarder may put events on its bus only."
  }

  assert {
    condition = alltrue([
      for mapping in jsondecode(file("../infra/topology.json")).eventSourceMappings :
      can(mapping.queue)
      ? jsonencode([for s in module.function[mapping.function].policy.Statement : s.Resource if s.Sid == "ConsumeItsQueues"]) == jsonencode([[module.queues.arns[mapping.queue]]])
      : jsonencode([for s in module.function[mapping.function].policy.Statement : s.Resource if s.Sid == "ReadItsStreams"]) == jsonencode([[module.table[mapping.table].stream_arn]])
    ])
    error_message = "A worker may consume its own queue (or stream) only."
  }

  # HTTP APIs: the topology's, their routes, payload 2.0 integrations, per-route permissions, CORS, $default stage with access logs.
  assert {
    condition = alltrue([
      for name, api in jsondecode(file("../infra/topology.json")).httpApis :
      module.http_api[name].api.name == "commerce-dev-${name}" &&
      module.http_api[name].api.protocol_type == "HTTP" &&
      toset(keys(module.http_api[name].routes)) == toset(keys(api.routes)) &&
      alltrue([for key, route in api.routes :
        module.http_api[name].routes[key].target == "integrations/${module.http_api[name].integrations["commerce-dev-${try(route.function, route)}"].id}" &&
        module.http_api[name].integrations["commerce-dev-${try(route.function, route)}"].integration_uri == module.function[try(route.function, route)].invoke_arn &&
        module.http_api[name].integrations["commerce-dev-${try(route.function, route)}"].payload_format_version == "2.0" &&
        module.http_api[name].permissions[key].function_name == "commerce-dev-${try(route.function, route)}" &&
        module.http_api[name].permissions[key].principal == "apigateway.amazonaws.com" &&
        module.http_api[name].permissions[key].source_arn == "${module.http_api[name].api.execution_arn}/*/${replace(replace(key, " ", ""), "/\\{[^}]*\\}/", "*")}"
      ]) &&
      module.http_api[name].api.cors_configuration[0].allow_origins == toset(api.cors.allowOrigins) &&
      module.http_api[name].api.cors_configuration[0].allow_methods == toset(api.cors.allowMethods) &&
      module.http_api[name].api.cors_configuration[0].allow_headers == toset(api.cors.allowHeaders) &&
      module.http_api[name].api.cors_configuration[0].expose_headers == toset(api.cors.exposeHeaders) &&
      module.http_api[name].stage.name == "$default" && module.http_api[name].stage.auto_deploy &&
      length(module.http_api[name].stage.access_log_settings) == 1
    ]) && length(module.http_api) == length(jsondecode(file("../infra/topology.json")).httpApis)
    error_message = "An HTTP API's routes, integrations, permissions, CORS or stage differ from the topology."
  }
  # Sign-in: listMyOrders is guarded by the session authorizer (the SessionAuthorizer function), nothing else is.
  assert {
    condition = (
      module.http_api["orders-api"].routes["POST /api/v1/orders/listMyOrders"].authorization_type == "CUSTOM" &&
      module.http_api["orders-api"].routes["POST /api/v1/orders/listMyOrders"].authorizer_id == module.http_api["orders-api"].authorizers.resources["session"].id &&
      module.http_api["orders-api"].authorizers.resources["session"].authorizer_uri == module.function["SessionAuthorizer"].invoke_arn &&
      module.http_api["orders-api"].routes["POST /api/v1/orders/placeOrder"].authorization_type == "NONE" &&
      alltrue([
        for key, route in module.http_api["cart-api"].routes :
        route.authorization_type == "CUSTOM" && route.authorizer_id == module.http_api["cart-api"].authorizers.resources["session"].id
      ])
    )
    error_message = "The signed-in route is not guarded by its authorizer, or another route is."
  }
  assert {
    condition = (
      jsonencode(sort(keys(output.api_urls))) == jsonencode(["cart-api", "catalog-api", "identity-api", "inventory-api", "notifications-api", "orders-api", "payments-api", "shipping-api", "testing-api"]) &&
      jsonencode(sort(flatten([for api in module.http_api : keys(api.routes)]))) == jsonencode(sort([
        "POST /api/v1/inventory/listSkus", "POST /api/v1/inventory/restockSku", "POST /api/v1/orders/listOrders",
        "POST /api/v1/orders/placeOrder", "POST /api/v1/payments/listOrderPayments", "POST /api/v1/testing/simulateRawEvent",
        "POST /api/v1/orders/cancelOrder", "POST /api/v1/payments/listRefunds", "POST /api/v1/shipping/shipOrder",
        "POST /api/v1/shipping/deliverShipment", "POST /api/v1/shipping/listShipments",
        "POST /api/v1/notifications/listNotifications", "POST /api/v1/identity/signUp", "POST /api/v1/identity/signIn",
        "POST /api/v1/orders/listMyOrders", "POST /cart", "PUT /cart/{cartId}/add-items", "PUT /cart/{cartId}/checkout",
        "GET /cart/{cartId}", "POST /catalog/products", "PUT /catalog/products/{productId}",
        "DELETE /catalog/products/{productId}", "GET /catalog/products/{productId}",
        "GET /catalog/categories/{category}/products", "GET /catalog-view/products", "POST /catalog-view/rebuild",
      ]))
    )
    error_message = "The APIs and their routes are the reference's six, the order lifecycle's six, sign-in's three, the cart's four and the catalog's seven."
  }

  # Names: prefixed, within AWS's limits, unique.
  assert {
    condition = (
      alltrue([for name in concat(values(output.function_names), [for f in module.function : f.role_name], values(module.rules.rule_names)) : length(name) <= 64 && startswith(name, "commerce-dev-")]) &&
      alltrue([for name in values(module.queues.names) : length(name) <= 80 && startswith(name, "commerce-dev-")]) &&
      length(distinct(values(module.rules.rule_names))) == length(jsondecode(file("../infra/topology.json")).rules) &&
      module.rules.rule_names["DeallocateOrderPaymentRejectedWorker-EventBridgeRoutingRule"] == "commerce-dev-DeallocateOrderPaymentRejectedWorker-Event-${substr(sha1("commerce-dev-DeallocateOrderPaymentRejectedWorker-EventBridgeRoutingRule"), 0, 8)}"
    )
    error_message = "A name is unprefixed, too long or not unique."
  }
}

run "zips_built_for_x86_64_deploy_as_x86_64" {
  command = plan
  variables {
    artifacts_dir = "${var.artifacts_dir}/x86_64"
  }
  assert {
    condition     = alltrue([for name, architecture in output.function_architectures : architecture == "x86_64"])
    error_message = "The architecture recorded by scripts/package in manifest.json must win over the topology's."
  }
  expect_failures = [check.architecture_matches_topology]
}

run "zips_needing_a_newer_glibc_are_refused" {
  command = plan
  variables {
    artifacts_dir = "${var.artifacts_dir}/glibc-2.35"
  }
  expect_failures = [terraform_data.topology_checks]
}

run "zips_needing_a_newer_glibc_pass_when_allowed" {
  command = plan
  variables {
    artifacts_dir     = "${var.artifacts_dir}/glibc-2.35"
    allow_newer_glibc = true
  }
  assert {
    condition     = output.function_architectures["PlaceOrderApi"] == "arm64"
    error_message = "allow_newer_glibc = true plans the zips anyway."
  }
}

run "architecture_override_wins" {
  command = plan
  variables {
    artifacts_dir         = "${var.artifacts_dir}/x86_64"
    architecture_override = "arm64"
  }
  assert {
    condition     = alltrue([for name, architecture in output.function_architectures : architecture == "arm64"])
    error_message = "architecture_override must win over the manifest."
  }
}

run "prefix_and_stage_name_everything" {
  command = plan
  variables {
    name_prefix                 = "shop"
    stage                       = "prod"
    enable_redrive_allow_policy = false
  }
  assert {
    condition = (
      output.table_names["commerce"] == "shop-prod-commerce" &&
      output.bus_names["commerce-bus"] == "shop-prod-commerce-bus" &&
      output.function_names["PlaceOrderApi"] == "shop-prod-PlaceOrderApi" &&
      module.queues.queues["SyncOrderWorker-Queue"].name == "shop-prod-SyncOrderWorker-Queue" &&
      module.function["PlaceOrderApi"].function.environment[0].variables.EVENT_STORE_TABLE_NAME == "shop-prod-commerce"
    )
    error_message = "name_prefix and stage must name every resource."
  }
  assert {
    condition     = length(module.queues.redrive_allow_policies) == 0 && length(module.queues.redrive_policies) == length([for name, q in jsondecode(file("../infra/topology.json")).queues : name if can(q.deadLetterQueue)])
    error_message = "enable_redrive_allow_policy = false drops the redrive-allow policies, not the redrive policies."
  }
}

run "reserved_concurrency_is_opt_in" {
  command = plan
  variables {
    apply_reserved_concurrency = true
  }
  assert {
    condition     = alltrue([for name, f in module.function : f.function.reserved_concurrent_executions == 10])
    error_message = "apply_reserved_concurrency = true reserves each function's maxConcurrency."
  }
}

run "bad_prefix_is_refused" {
  command = plan
  variables {
    name_prefix = "Commerce_Shop"
  }
  expect_failures = [var.name_prefix]
}

run "missing_zips_are_reported" {
  command = plan
  variables {
    artifacts_dir = "${var.artifacts_dir}/nowhere"
  }
  expect_failures = [terraform_data.topology_checks]
}
