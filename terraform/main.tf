# The whole system from ../infra/topology.json, the file the host runs: nothing here lists a function, queue, rule
# or route. Each topology entry is read with the host's defaults (Sources/Host/Topology/Topology+Decoding.swift),
# named <prefix>-<stage>-<topology name> within AWS's length limits, and handed to the module of its concern.

locals {
  topology_file = coalesce(var.topology_file, "${path.module}/../infra/topology.json")
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/../.build/lambda")
  topology      = jsondecode(file(local.topology_file))
  region        = coalesce(var.region, try(local.topology.region, null), "us-east-1")
  base          = "${var.name_prefix}-${var.stage}"

  # scripts/package records what it built; the zips' architecture is what Lambda must be told.
  manifest              = try(jsondecode(file("${local.artifacts_dir}/manifest.json")), {})
  packaged_architecture = try(local.manifest.architecture, null)
  # provided.al2023 has glibc 2.34; a binary asking for a newer symbol version does not start.
  packaged_glibc = try(local.manifest.glibc, null)

  # jsonencode escapes <, > and & (\u003c…): an input template keeps its <$.path> placeholders as written.

  # ---- The topology, every key with the host's default ----

  functions = {
    for name, f in try(local.topology.functions, {}) : name => {
      description                  = try(f.description, null)
      handler                      = try(f.handler, "bootstrap")
      memory_size                  = try(f.memorySize, 128)
      timeout                      = try(f.timeout, 3)
      max_concurrency              = try(f.maxConcurrency, 10)
      environment                  = { for key, value in try(f.environment, {}) : key => tostring(value) }
      log_format                   = try(f.logFormat, "Text")
      log_level                    = try(f.logLevel, null)
      log_group                    = try(f.logGroup, null)
      log_retention_in_days        = try(f.logRetentionInDays, null)
      architecture                 = try(f.architecture, "arm64")
      maximum_retry_attempts       = try(f.maximumRetryAttempts, 2)
      maximum_event_age_in_seconds = try(f.maximumEventAgeInSeconds, 21600)
      dead_letter_queue            = try(f.deadLetterQueue, null)
    }
  }

  tables = {
    for name, t in try(local.topology.tables, {}) : name => {
      partition_key = { name = t.partitionKey.name, type = try(t.partitionKey.type, "S") }
      sort_key      = try({ name = t.sortKey.name, type = try(t.sortKey.type, "S") }, null)
      global_secondary_indexes = {
        for index_name, index in try(t.globalSecondaryIndexes, {}) : index_name => {
          partition_key      = { name = index.partitionKey.name, type = try(index.partitionKey.type, "S") }
          sort_key           = try({ name = index.sortKey.name, type = try(index.sortKey.type, "S") }, null)
          projection         = try(index.projection, "ALL")
          non_key_attributes = try(index.nonKeyAttributes, [])
        }
      }
      local_secondary_indexes = {
        for index_name, index in try(t.localSecondaryIndexes, {}) : index_name => {
          sort_key           = { name = index.sortKey.name, type = try(index.sortKey.type, "S") }
          projection         = try(index.projection, "ALL")
          non_key_attributes = try(index.nonKeyAttributes, [])
        }
      }
      stream_view_type = try(t.stream, null)
      ttl_attribute    = try(t.timeToLiveAttribute, null)
    }
  }

  queues = {
    for name, q in try(local.topology.queues, {}) : name => {
      fifo                        = endswith(name, ".fifo")
      visibility_timeout          = try(q.visibilityTimeout, 30)
      message_retention_period    = try(q.messageRetentionPeriod, null)
      receive_wait_time           = try(q.receiveMessageWaitTime, null)
      content_based_deduplication = try(q.contentBasedDeduplication, false)
      dead_letter_queue           = try(q.deadLetterQueue, null)
      max_receive_count           = try(q.maxReceiveCount, 3)
    }
  }

  buses = keys(try(local.topology.buses, {}))

  pipes = {
    for name, p in try(local.topology.pipes, {}) : name => {
      description                        = try(p.description, null)
      table                              = p.source.table
      starting_position                  = try(p.source.startingPosition, "TRIM_HORIZON")
      batch_size                         = try(p.source.batchSize, 10)
      maximum_batching_window_in_seconds = try(p.source.maximumBatchingWindowInSeconds, 0)
      filters                            = [for filter in try(p.source.filters, []) : jsonencode(filter)]
      maximum_retry_attempts             = try(p.source.maximumRetryAttempts, null)
      maximum_record_age_in_seconds      = try(p.source.maximumRecordAgeInSeconds, null)
      dead_letter_queue                  = try(p.source.deadLetterQueue, null)
      target_bus                         = try(p.target.eventBus, "default")
      event_source                       = try(p.target.source, "Pipe ${name}")
      detail_type                        = try(p.target.detailType, "Event from aws:dynamodb")
      input_template = try(p.target.inputTemplate, null) == null ? null : try(
        tostring(p.target.inputTemplate),
        replace(replace(replace(jsonencode(p.target.inputTemplate), "\\u003c", "<"), "\\u003e", ">"), "\\u0026", "&"),
      )
    }
  }

  rules = {
    for name, r in try(local.topology.rules, {}) : name => {
      description = try(r.description, null)
      bus         = try(r.bus, "default")
      pattern     = try(r.schedule, null) == null ? jsonencode(r.pattern) : null
      schedule    = try(r.schedule, null)
      enabled     = try(r.enabled, true)
      targets = [
        for t in try(r.targets, []) : {
          id                           = try(t.id, t.queue, t.function, "log-group")
          queue                        = try(t.queue, null)
          function                     = try(t.function, null)
          log_group                    = try(t.logGroup, null)
          input_path                   = try(t.inputPath, null)
          maximum_retry_attempts       = try(t.retryPolicy.maximumRetryAttempts, null)
          maximum_event_age_in_seconds = try(t.retryPolicy.maximumEventAgeInSeconds, null)
          dead_letter_queue            = try(t.deadLetterQueue, null)
          message_group_id             = try(t.messageGroupId, null)
        }
      ]
    }
  }

  mappings = [
    for m in try(local.topology.eventSourceMappings, []) : {
      key                                = "${m.function}:${try(m.queue, m.table, "?")}"
      function                           = m.function
      queue                              = try(m.queue, null)
      table                              = try(m.table, null)
      enabled                            = try(m.enabled, true)
      batch_size                         = try(m.batchSize, try(m.queue, null) != null ? 10 : 100)
      maximum_batching_window_in_seconds = try(m.maximumBatchingWindowInSeconds, 0)
      report_batch_item_failures         = try(m.reportBatchItemFailures, false)
      maximum_concurrency                = try(m.maximumConcurrency, 2)
      filters                            = [for filter in try(m.filters, []) : jsonencode(filter)]
      starting_position                  = try(m.startingPosition, "TRIM_HORIZON")
      maximum_retry_attempts             = try(m.maximumRetryAttempts, -1)
      maximum_record_age_in_seconds      = try(m.maximumRecordAgeInSeconds, -1)
      bisect_batch_on_function_error     = try(m.bisectBatchOnFunctionError, false)
      on_failure                         = try(m.onFailure, null)
    }
  ]

  http_apis = {
    for name, api in try(local.topology.httpApis, {}) : name => {
      description = try(api.description, null)
      # A route is a function's name, or {function, authorizer}.
      routes            = { for key, route in api.routes : key => try(route.function, route) }
      route_authorizers = { for key, route in api.routes : key => try(route.authorizer, null) }
      authorizers = {
        for name, authorizer in try(api.authorizers, {}) : name => {
          function         = authorizer.function
          identity_sources = authorizer.identitySources
          ttl              = try(authorizer.resultTtlInSeconds, 300)
        }
      }
      cors = try(api.cors, null) == null ? null : {
        allow_origins     = try(api.cors.allowOrigins, [])
        allow_methods     = [for method in try(api.cors.allowMethods, []) : upper(method)]
        allow_headers     = [for header in try(api.cors.allowHeaders, []) : lower(header)]
        expose_headers    = [for header in try(api.cors.exposeHeaders, []) : lower(header)]
        max_age           = try(api.cors.maxAge, null)
        allow_credentials = try(api.cors.allowCredentials, false)
      }
    }
  }

  # ---- Deployed names: <prefix>-<stage>-<name>; past AWS's limit, cut and made unique with a hash ----

  function_names = {
    for name in keys(local.functions) : name => (
      length("${local.base}-${name}") <= 64 ? "${local.base}-${name}" :
      "${substr("${local.base}-${name}", 0, 55)}-${substr(sha1("${local.base}-${name}"), 0, 8)}"
    )
  }
  function_role_names = {
    for name in keys(local.functions) : name => (
      length("${local.base}-${name}-role") <= 64 ? "${local.base}-${name}-role" :
      "${substr("${local.base}-${name}-role", 0, 55)}-${substr(sha1("${local.base}-${name}-role"), 0, 8)}"
    )
  }
  # A FIFO queue keeps its .fifo suffix within the 80 characters.
  queue_names = {
    for name, queue in local.queues : name => (
      length("${local.base}-${name}") <= 80 ? "${local.base}-${name}" :
      "${substr("${local.base}-${trimsuffix(name, ".fifo")}", 0, queue.fifo ? 66 : 71)}-${substr(sha1("${local.base}-${name}"), 0, 8)}${queue.fifo ? ".fifo" : ""}"
    )
  }
  rule_names = {
    for name in keys(local.rules) : name => (
      length("${local.base}-${name}") <= 64 ? "${local.base}-${name}" :
      "${substr("${local.base}-${name}", 0, 55)}-${substr(sha1("${local.base}-${name}"), 0, 8)}"
    )
  }
  pipe_names = {
    for name in keys(local.pipes) : name => (
      length("${local.base}-${name}") <= 64 ? "${local.base}-${name}" :
      "${substr("${local.base}-${name}", 0, 55)}-${substr(sha1("${local.base}-${name}"), 0, 8)}"
    )
  }
  pipe_role_names = {
    for name in keys(local.pipes) : name => (
      length("${local.base}-${name}-pipe") <= 64 ? "${local.base}-${name}-pipe" :
      "${substr("${local.base}-${name}-pipe", 0, 55)}-${substr(sha1("${local.base}-${name}-pipe"), 0, 8)}"
    )
  }
  table_names = { for name in keys(local.tables) : name => "${local.base}-${name}" }    # 255
  bus_names   = { for name in local.buses : name => "${local.base}-${name}" }           # 256
  api_names   = { for name in keys(local.http_apis) : name => "${local.base}-${name}" } # 128
  log_group_names = {
    for name in distinct(compact(flatten([for rule in values(local.rules) : rule.targets[*].log_group]))) :
    name => "/aws/events/${local.base}/${trimprefix(trimprefix(name, "/aws/events/"), "/")}"
  }

  # ---- Cross-references (the host refuses these at start; a filtering for below would drop them silently) ----

  bus_keys     = concat(local.buses, ["default"])
  stream_table = [for name, table in local.tables : name if table.stream_view_type != null]
  topology_problems = concat(
    [for name, f in local.functions : "functions.${name}.deadLetterQueue names queue '${f.dead_letter_queue}', which is not in queues" if f.dead_letter_queue != null && !contains(keys(local.queues), coalesce(f.dead_letter_queue, "-"))],
    [for name, q in local.queues : "queues.${name}.deadLetterQueue names queue '${q.dead_letter_queue}', which is not in queues" if q.dead_letter_queue != null && !contains(keys(local.queues), coalesce(q.dead_letter_queue, "-"))],
    [for name, p in local.pipes : "pipes.${name}.source.table names table '${p.table}', which is not in tables with a stream" if !contains(local.stream_table, p.table)],
    [for name, p in local.pipes : "pipes.${name}.target.eventBus names bus '${p.target_bus}', which is not in buses" if !contains(local.bus_keys, p.target_bus)],
    [for name, p in local.pipes : "pipes.${name}.source.deadLetterQueue names queue '${p.dead_letter_queue}', which is not in queues" if p.dead_letter_queue != null && !contains(keys(local.queues), coalesce(p.dead_letter_queue, "-"))],
    # An event bus target takes at most 10 events a call: AWS refuses a larger batch.
    [for name, p in local.pipes : "pipes.${name}.source.batchSize is ${p.batch_size}, but a pipe whose target is an event bus takes batches of at most 10" if p.batch_size > 10],
    [for name, r in local.rules : "rules.${name}.bus names bus '${r.bus}', which is not in buses" if !contains(local.bus_keys, r.bus)],
    flatten([for name, r in local.rules : [for i, t in r.targets : "rules.${name}.targets[${i}] names ${length(compact([t.queue, t.function, t.log_group]))} of queue, function and logGroup; a target names exactly one" if length(compact([t.queue, t.function, t.log_group])) != 1]]),
    flatten([for name, r in local.rules : [for i, t in r.targets : "rules.${name}.targets[${i}].queue names queue '${t.queue}', which is not in queues" if t.queue != null && !contains(keys(local.queues), coalesce(t.queue, "-"))]]),
    flatten([for name, r in local.rules : [for i, t in r.targets : "rules.${name}.targets[${i}].function names function '${t.function}', which is not in functions" if t.function != null && !contains(keys(local.functions), coalesce(t.function, "-"))]]),
    flatten([for name, r in local.rules : [for i, t in r.targets : "rules.${name}.targets[${i}].deadLetterQueue names queue '${t.dead_letter_queue}', which is not in queues" if t.dead_letter_queue != null && !contains(keys(local.queues), coalesce(t.dead_letter_queue, "-"))]]),
    # EventBridge sends to a FIFO queue only with a message group, and only if the queue deduplicates by content.
    flatten([for name, r in local.rules : [for i, t in r.targets : "rules.${name}.targets[${i}].messageGroupId is required: '${t.queue}' is a FIFO queue" if t.queue != null && endswith(coalesce(t.queue, "-"), ".fifo") && t.message_group_id == null]]),
    flatten([for name, r in local.rules : [for i, t in r.targets : "queues.${t.queue}.contentBasedDeduplication must be true: rule ${name} sends to this FIFO queue" if t.queue != null && endswith(coalesce(t.queue, "-"), ".fifo") && !try(local.queues[t.queue].content_based_deduplication, true)]]),
    flatten([for name, r in local.rules : [for i, t in r.targets : "rules.${name}.targets[${i}].messageGroupId applies to a FIFO queue target only" if t.message_group_id != null && !endswith(coalesce(t.queue, "-"), ".fifo")]]),
    flatten([for name, api in local.http_apis : [for key, function in api.routes : "httpApis.${name}.routes.${key} names function '${function}', which is not in functions" if !contains(keys(local.functions), function)]]),
    [for i, m in local.mappings : "eventSourceMappings[${i}].function names function '${m.function}', which is not in functions" if !contains(keys(local.functions), m.function)],
    [for i, m in local.mappings : "eventSourceMappings[${i}] needs exactly one source: queue or table" if length(compact([m.queue, m.table])) != 1],
    [for i, m in local.mappings : "eventSourceMappings[${i}].queue names queue '${m.queue}', which is not in queues" if m.queue != null && !contains(keys(local.queues), coalesce(m.queue, "-"))],
    [for i, m in local.mappings : "eventSourceMappings[${i}].table names table '${m.table}', which is not in tables with a stream" if m.table != null && !contains(local.stream_table, coalesce(m.table, "-"))],
    [for i, m in local.mappings : "eventSourceMappings[${i}].onFailure names queue '${m.on_failure}', which is not in queues" if m.on_failure != null && !contains(keys(local.queues), coalesce(m.on_failure, "-"))],
    # Lambda refuses a queue mapping whose visibility timeout is shorter than the function's timeout.
    [for i, m in local.mappings : "eventSourceMappings[${i}]: queue '${m.queue}' has a visibility timeout of ${local.queues[m.queue].visibility_timeout} s, shorter than the ${local.functions[m.function].timeout} s timeout of function '${m.function}' (Lambda refuses the mapping)" if m.queue != null && contains(keys(local.queues), coalesce(m.queue, "-")) && contains(keys(local.functions), m.function) && try(local.queues[m.queue].visibility_timeout < local.functions[m.function].timeout, false)],
    length(distinct(local.mappings[*].key)) == length(local.mappings) ? [] : ["eventSourceMappings: a function is mapped twice to the same source"],
  )

  # ---- What the modules get: only entries whose references resolve (the precondition reports the rest) ----

  valid_mappings = {
    for m in local.mappings : m.key => m
    if contains(keys(local.functions), m.function) && length(compact([m.queue, m.table])) == 1 &&
    (m.queue == null || contains(keys(local.queues), coalesce(m.queue, "-"))) &&
    (m.table == null || contains(local.stream_table, coalesce(m.table, "-"))) &&
    (m.on_failure == null || contains(keys(local.queues), coalesce(m.on_failure, "-")))
  }

  # An environment value naming a table becomes the deployed table's name; the function may use that table.
  function_tables = {
    for name, f in local.functions : name => distinct([for value in values(f.environment) : value if contains(keys(local.tables), value)])
  }
  # An environment value naming a bus becomes the deployed bus's name; the function may put events on it.
  function_buses = {
    for name, f in local.functions : name => distinct([for value in values(f.environment) : value if contains(local.buses, value)])
  }
  missing_zips = [for name in keys(local.functions) : "${name}.zip" if !fileexists("${local.artifacts_dir}/${name}.zip")]
  architectures = {
    for name, f in local.functions : name => coalesce(var.architecture_override, local.packaged_architecture, f.architecture)
  }
}

resource "terraform_data" "topology_checks" {
  input = local.topology_problems

  lifecycle {
    precondition {
      condition     = length(local.topology_problems) == 0
      error_message = "${local.topology_file} does not hold together:\n${join("\n", local.topology_problems)}"
    }
    precondition {
      condition     = length(local.missing_zips) == 0
      error_message = "No ${join(", ", local.missing_zips)} in ${local.artifacts_dir}: run scripts/package (or set artifacts_dir to where the zips are)."
    }
    precondition {
      condition     = var.allow_newer_glibc || local.packaged_glibc == null || try(tonumber(split(".", local.packaged_glibc)[0]) * 1000 + tonumber(split(".", local.packaged_glibc)[1]) <= 2034, false)
      error_message = "The zips in ${local.artifacts_dir} need glibc ${coalesce(local.packaged_glibc, "?")} (manifest.json); provided.al2023 has 2.34, so they would not start. Package where glibc is at most 2.34 (README: Deploy to AWS), or set allow_newer_glibc = true."
    }
    precondition {
      condition     = local.packaged_architecture == null || contains(["arm64", "x86_64"], coalesce(local.packaged_architecture, "-"))
      error_message = "${local.artifacts_dir}/manifest.json: architecture must be arm64 or x86_64."
    }
  }
}

check "architecture_matches_topology" {
  assert {
    condition     = alltrue([for name, f in local.functions : local.architectures[name] == f.architecture])
    error_message = "Deploying ${join(", ", distinct(values(local.architectures)))} zips, but the topology declares ${join(", ", distinct([for f in values(local.functions) : f.architecture]))}: build with `scripts/package --arch <arch>` on a machine of that architecture to deploy what the topology says."
  }
}

module "table" {
  source   = "./modules/table"
  for_each = local.tables

  name                     = local.table_names[each.key]
  partition_key            = each.value.partition_key
  sort_key                 = each.value.sort_key
  global_secondary_indexes = each.value.global_secondary_indexes
  local_secondary_indexes  = each.value.local_secondary_indexes
  stream_view_type         = each.value.stream_view_type
  ttl_attribute            = each.value.ttl_attribute
}

module "bus_pipe" {
  source = "./modules/bus_pipe"

  buses                   = local.bus_names
  default_bus_needed      = contains([for p in values(local.pipes) : p.target_bus], "default")
  iam_propagation_seconds = var.iam_propagation_seconds
  pipes = {
    for name, p in local.pipes : name => {
      name                               = local.pipe_names[name]
      role_name                          = local.pipe_role_names[name]
      description                        = p.description
      source_stream_arn                  = module.table[p.table].stream_arn
      starting_position                  = p.starting_position
      batch_size                         = p.batch_size
      maximum_batching_window_in_seconds = p.maximum_batching_window_in_seconds
      filters                            = p.filters
      maximum_retry_attempts             = p.maximum_retry_attempts
      maximum_record_age_in_seconds      = p.maximum_record_age_in_seconds
      dead_letter_queue_arn              = p.dead_letter_queue == null ? null : module.queues.arns[p.dead_letter_queue]
      target_bus                         = p.target_bus
      event_source                       = p.event_source
      detail_type                        = p.detail_type
      input_template                     = p.input_template
    } if contains(local.stream_table, p.table) && contains(local.bus_keys, p.target_bus) &&
    (p.dead_letter_queue == null || contains(keys(local.queues), coalesce(p.dead_letter_queue, "-")))
  }
}

module "queues" {
  source = "./modules/queues"

  redrive_allow_policy = var.enable_redrive_allow_policy
  queues = {
    for name, q in local.queues : name => merge(q, {
      name              = local.queue_names[name]
      dead_letter_queue = q.dead_letter_queue != null && contains(keys(local.queues), coalesce(q.dead_letter_queue, "-")) ? q.dead_letter_queue : null
    })
  }
}

module "function" {
  source   = "./modules/function"
  for_each = local.functions

  name                         = local.function_names[each.key]
  role_name                    = local.function_role_names[each.key]
  description                  = each.value.description
  zip_file                     = "${local.artifacts_dir}/${each.key}.zip"
  handler                      = each.value.handler
  architecture                 = local.architectures[each.key]
  memory_size                  = each.value.memory_size
  timeout                      = each.value.timeout
  log_format                   = each.value.log_format
  log_level                    = each.value.log_level
  log_retention_days           = each.value.log_retention_in_days != null ? each.value.log_retention_in_days : var.log_retention_days
  log_group_name               = each.value.log_group
  reserved_concurrency         = var.apply_reserved_concurrency ? each.value.max_concurrency : null
  maximum_retry_attempts       = each.value.maximum_retry_attempts
  maximum_event_age_in_seconds = each.value.maximum_event_age_in_seconds
  dead_letter_queue_arn        = try(module.queues.arns[each.value.dead_letter_queue], null)
  environment = {
    for key, value in each.value.environment : key => (
      contains(keys(var.secret_environment), key) ? var.secret_environment[key] :
      contains(keys(local.tables), value) ? local.table_names[value] :
      contains(local.buses, value) ? module.bus_pipe.bus_names[value] : value
    )
  }
  table_arns = [for table in local.function_tables[each.key] : module.table[table].arn]
  bus_arns   = [for bus in local.function_buses[each.key] : module.bus_pipe.bus_arns[bus]]

  sqs_mappings = {
    for key, m in local.valid_mappings : key => {
      queue_arn                          = module.queues.arns[m.queue]
      batch_size                         = m.batch_size
      maximum_batching_window_in_seconds = m.maximum_batching_window_in_seconds
      report_batch_item_failures         = m.report_batch_item_failures
      maximum_concurrency                = m.maximum_concurrency
      enabled                            = m.enabled
      filters                            = m.filters
    } if m.function == each.key && m.queue != null
  }
  stream_mappings = {
    for key, m in local.valid_mappings : key => {
      stream_arn                         = module.table[m.table].stream_arn
      starting_position                  = m.starting_position
      batch_size                         = m.batch_size
      maximum_batching_window_in_seconds = m.maximum_batching_window_in_seconds
      maximum_retry_attempts             = m.maximum_retry_attempts
      maximum_record_age_in_seconds      = m.maximum_record_age_in_seconds
      bisect_batch_on_function_error     = m.bisect_batch_on_function_error
      report_batch_item_failures         = m.report_batch_item_failures
      on_failure_queue_arn               = try(module.queues.arns[m.on_failure], null)
      enabled                            = m.enabled
      filters                            = m.filters
    } if m.function == each.key && m.table != null
  }
}

module "rules" {
  source = "./modules/rules"

  queue_arns         = module.queues.arns
  queue_urls         = module.queues.urls
  function_arns      = { for name, f in module.function : name => f.arn }
  function_names     = { for name, f in module.function : name => f.name }
  log_retention_days = var.log_retention_days
  rules = {
    for name, r in local.rules : name => {
      name        = local.rule_names[name]
      bus_name    = module.bus_pipe.bus_names[r.bus]
      description = r.description
      pattern     = r.pattern
      schedule    = r.schedule
      enabled     = r.enabled
      targets = [
        for t in r.targets : merge(t, { log_group = t.log_group == null ? null : local.log_group_names[t.log_group] })
        if length(compact([t.queue, t.function, t.log_group])) == 1 &&
        (t.queue == null || contains(keys(local.queues), coalesce(t.queue, "-"))) &&
        (t.function == null || contains(keys(local.functions), coalesce(t.function, "-"))) &&
        (t.dead_letter_queue == null || contains(keys(local.queues), coalesce(t.dead_letter_queue, "-")))
      ]
    } if contains(local.bus_keys, r.bus)
  }
}

module "http_api" {
  source   = "./modules/http_api"
  for_each = local.http_apis

  name                   = local.api_names[each.key]
  description            = each.value.description
  cors                   = each.value.cors
  log_retention_days     = var.log_retention_days
  throttling_rate_limit  = var.api_throttling_rate_limit
  throttling_burst_limit = var.api_throttling_burst_limit
  routes = {
    for key, function in each.value.routes : key => {
      function_name       = module.function[function].name
      function_invoke_arn = module.function[function].invoke_arn
      authorizer          = each.value.route_authorizers[key]
    } if contains(keys(local.functions), function)
  }
  authorizers = {
    for name, authorizer in each.value.authorizers : name => {
      function_name       = module.function[authorizer.function].name
      function_invoke_arn = module.function[authorizer.function].invoke_arn
      identity_sources    = authorizer.identity_sources
      ttl                 = authorizer.ttl
    } if contains(keys(local.functions), authorizer.function)
  }
}
