# Topology features the commerce deployment does not use (tests/fixtures/rich-topology.json), and the
# cross-reference mistakes the host refuses (tests/fixtures/broken-topology.json): Terraform must refuse them too,
# not drop them silently.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "broken_cross_references_are_refused" {
  command = plan
  variables {
    topology_file = "tests/fixtures/broken-topology.json"
  }
  expect_failures = [terraform_data.topology_checks]
}

run "rich_topology" {
  command = apply
  variables {
    topology_file = "tests/fixtures/rich-topology.json"
    artifacts_dir = "${var.artifacts_dir}/rich"
  }

  # Defaults of the host's decoder and the topology's region.
  assert {
    condition = (
      module.function["Projector"].function.timeout == 60 && module.function["Projector"].function.memory_size == 512 &&
      one(module.function["Projector"].function.architectures) == "arm64" &&
      module.function["Projector"].function.logging_config[0].log_format == "Text" &&
      length(module.function["Projector"].function.environment) == 0
    )
    error_message = "A function without settings gets the host's defaults (arm64, Text logs, no environment)."
  }

  # A long function name is cut to 64 with a hash; JSON logs with levels; env rewrite of table names only;
  # asynchronous settings and DLQ with the permission to send there.
  assert {
    condition = (
      length(output.function_names["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"]) == 64 &&
      length(module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].role_name) == 64 &&
      one(module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].function.architectures) == "x86_64" &&
      module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].function.logging_config[0].log_format == "JSON" &&
      module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].function.logging_config[0].application_log_level == "TRACE" &&
      module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].function.logging_config[0].system_log_level == "DEBUG" &&
      jsonencode(module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].function.environment[0].variables) == jsonencode({ OTHER = "not-a-table", TABLE = "commerce-dev-events" }) &&
      module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].function.dead_letter_config[0].target_arn == module.queues.arns["failed"] &&
      module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].event_invoke_config[0].maximum_retry_attempts == 0 &&
      jsonencode([for s in module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].policy.Statement : s.Sid]) == jsonencode(["OwnLogGroup", "ReadWriteItsTables", "SendFailuresToQueues"]) &&
      length(module.function["Projector"].event_invoke_config) == 0
    )
    error_message = "Long names, logging, environment, asynchronous settings or the DLQ permission are wrong."
  }

  # Table: numeric sort key shared with the index, INCLUDE projection, a local index, stream, TTL.
  assert {
    condition = (
      toset([for a in module.table["events"].table.attribute : "${a.name}:${a.type}"]) == toset(["pk:S", "sk:N", "kind:S", "at:N"]) &&
      one(module.table["events"].table.global_secondary_index).non_key_attributes == toset(["a"]) &&
      [for index in module.table["events"].table.local_secondary_index : [index.name, index.range_key, index.projection_type]] == [["by-time", "at", "KEYS_ONLY"]] &&
      module.table["events"].table.stream_view_type == "NEW_AND_OLD_IMAGES" &&
      module.table["events"].table.ttl[0].attribute_name == "expiresAt"
    )
    error_message = "Table keys, index projection, stream or TTL are wrong."
  }

  # FIFO queues keep .fifo, even when cut to 80 characters; redrive between FIFO queues.
  assert {
    condition = (
      module.queues.queues["orders.fifo"].name == "commerce-dev-orders.fifo" && module.queues.queues["orders.fifo"].fifo_queue &&
      module.queues.queues["orders.fifo"].content_based_deduplication &&
      module.queues.redrive_policies["orders.fifo"].maxReceiveCount == 5 &&
      length(module.queues.names["a-queue-name-so-long-that-with-prefix-and-stage-it-passes-eighty-characters.fifo"]) == 80 &&
      endswith(module.queues.names["a-queue-name-so-long-that-with-prefix-and-stage-it-passes-eighty-characters.fifo"], ".fifo") &&
      module.queues.queues["failed"].visibility_timeout_seconds == 30
    )
    error_message = "FIFO queues, long queue names or queue defaults are wrong."
  }

  # Pipe to the default bus with filters and an input template whose placeholders survive jsonencode.
  assert {
    condition = (
      module.bus_pipe.pipes["to-default"].target == "arn:aws:events:eu-west-1:123456789012:event-bus/default" &&
      module.bus_pipe.pipes["to-default"].source_parameters[0].dynamodb_stream_parameters[0].starting_position == "LATEST" &&
      module.bus_pipe.pipes["to-default"].source_parameters[0].dynamodb_stream_parameters[0].batch_size == 10 &&
      module.bus_pipe.pipes["to-default"].source_parameters[0].dynamodb_stream_parameters[0].maximum_batching_window_in_seconds == 5 &&
      jsonencode([for f in module.bus_pipe.pipes["to-default"].source_parameters[0].filter_criteria[0].filter : jsondecode(f.pattern)]) == jsonencode([{ eventName = ["INSERT"] }]) &&
      module.bus_pipe.pipes["to-default"].target_parameters[0].input_template == "{\"id\":\"<$.dynamodb.Keys.pk.S>\",\"kind\":\"fixed\"}" &&
      module.bus_pipe.pipes["to-default"].target_parameters[0].eventbridge_event_bus_parameters[0].source == "Pipe to-default" &&
      module.bus_pipe.pipes["to-default"].target_parameters[0].eventbridge_event_bus_parameters[0].detail_type == "Event from aws:dynamodb"
    )
    error_message = "The pipe's defaults, filters or input template are wrong."
  }

  # The pipe's retry policy and dead-letter queue, and the permission to send there.
  assert {
    condition = (
      module.bus_pipe.pipes["to-default"].source_parameters[0].dynamodb_stream_parameters[0].maximum_retry_attempts == 3 &&
      module.bus_pipe.pipes["to-default"].source_parameters[0].dynamodb_stream_parameters[0].maximum_record_age_in_seconds == 3600 &&
      module.bus_pipe.pipes["to-default"].source_parameters[0].dynamodb_stream_parameters[0].dead_letter_config[0].arn == module.queues.arns["failed"] &&
      jsonencode([for s in module.bus_pipe.pipe_policies["to-default"].Statement : s.Sid]) == jsonencode(["ReadTheSourceStream", "ListStreams", "PutOnTheTargetBus", "SendDiscardedBatchesToTheDeadLetterQueue"]) &&
      module.bus_pipe.pipe_policies["to-default"].Statement[3].Resource == module.queues.arns["failed"]
    )
    error_message = "The pipe's retry settings, dead-letter queue or its permission are wrong."
  }

  # Rule on the default bus: a function target with its permission, a log group target, a retried queue target
  # with a DLQ (both queues' policies name the rule).
  assert {
    condition = (
      module.rules.rules["to-function-and-logs"].event_bus_name == "default" &&
      module.rules.targets["to-function-and-logs/Projector"].arn == module.function["Projector"].arn &&
      module.rules.targets["to-function-and-logs/Projector"].input_path == "$.detail" &&
      module.rules.lambda_permissions["to-function-and-logs/Projector"].source_arn == module.rules.rules["to-function-and-logs"].arn &&
      module.rules.targets["to-function-and-logs/retried"].retry_policy[0].maximum_retry_attempts == 5 &&
      module.rules.targets["to-function-and-logs/retried"].dead_letter_config[0].arn == module.queues.arns["failed"] &&
      module.rules.targets["to-function-and-logs/retried"].sqs_target[0].message_group_id == "orders" &&
      jsonencode(sort(keys(module.rules.queue_policies))) == jsonencode(["failed", "orders.fifo"])
    )
    error_message = "Function, log group or retried FIFO queue targets are wrong."
  }

  # Stream mapping with its failure destination; queue mapping defaults.
  assert {
    condition = (
      module.function["Projector"].stream_mappings["Projector:events"].starting_position == "LATEST" &&
      module.function["Projector"].stream_mappings["Projector:events"].batch_size == 100 &&
      module.function["Projector"].stream_mappings["Projector:events"].maximum_retry_attempts == 3 &&
      module.function["Projector"].stream_mappings["Projector:events"].bisect_batch_on_function_error &&
      module.function["Projector"].stream_mappings["Projector:events"].destination_config[0].on_failure[0].destination_arn == module.queues.arns["failed"] &&
      length(module.function["Projector"].sqs_mappings["Projector:orders.fifo"].function_response_types) == 0 &&
      jsonencode([for s in module.function["Projector"].policy.Statement : s.Sid]) == jsonencode(["OwnLogGroup", "ConsumeItsQueues", "ReadItsStreams", "SendFailuresToQueues"])
    )
    error_message = "Stream or queue mappings (or the permissions they need) are wrong."
  }

  # Routes: ANY, path parameters and $default become the right execute-api ARNs.
  assert {
    condition = (
      module.http_api["api"].permissions["ANY /files/{proxy+}"].source_arn == "${module.http_api["api"].api.execution_arn}/*/*/files/*" &&
      module.http_api["api"].permissions["GET /items/{id}"].source_arn == "${module.http_api["api"].api.execution_arn}/*/GET/items/*" &&
      module.http_api["api"].permissions["$default"].source_arn == "${module.http_api["api"].api.execution_arn}/*/$default" &&
      length(module.http_api["api"].integrations) == 1 &&
      length(module.http_api["api"].api.cors_configuration) == 0
    )
    error_message = "Route permissions or integrations are wrong."
  }

  # A Lambda REQUEST authorizer (payload 2.0, simple responses) guards the route that names it, and only it.
  assert {
    condition = (
      module.http_api["api"].authorizers.resources["session"].authorizer_type == "REQUEST" &&
      module.http_api["api"].authorizers.resources["session"].authorizer_payload_format_version == "2.0" &&
      module.http_api["api"].authorizers.resources["session"].enable_simple_responses &&
      module.http_api["api"].authorizers.resources["session"].authorizer_result_ttl_in_seconds == 60 &&
      module.http_api["api"].authorizers.resources["session"].identity_sources == toset(["$request.header.Authorization"]) &&
      module.http_api["api"].authorizers.resources["session"].authorizer_uri == module.function["AVeryLongFunctionNameThatWillNotFitWithThePrefixAndTheStageXYZ"].invoke_arn &&
      module.http_api["api"].routes["GET /items/{id}"].authorization_type == "CUSTOM" &&
      module.http_api["api"].routes["GET /items/{id}"].authorizer_id == module.http_api["api"].authorizers.resources["session"].id &&
      module.http_api["api"].routes["$default"].authorization_type == "NONE" &&
      module.http_api["api"].authorizers.permissions["session"].source_arn == "${module.http_api["api"].api.execution_arn}/authorizers/${module.http_api["api"].authorizers.resources["session"].id}"
    )
    error_message = "The authorizer, the route it guards or its invoke permission is wrong."
  }
}
