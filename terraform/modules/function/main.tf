# One Lambda function of the topology (provided.al2023, handler bootstrap, from a zip built by scripts/package):
# its log group, its role with a least-privilege policy (its own log group, the tables its environment names, the
# queues and streams it is mapped to, the queues it sends failures to) and its event source mappings.

variable "name" {
  description = "Deployed function name (at most 64 characters)."
  type        = string
}

variable "role_name" {
  type = string
}

variable "description" {
  type    = string
  default = null
}

variable "zip_file" {
  description = "Path of <Function>.zip holding an executable named bootstrap."
  type        = string
}

variable "handler" {
  type    = string
  default = "bootstrap"
}

variable "runtime" {
  type    = string
  default = "provided.al2023"
}

variable "architecture" {
  type = string
  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture is arm64 or x86_64."
  }
}

variable "memory_size" {
  type = number
}

variable "timeout" {
  type = number
}

variable "environment" {
  type    = map(string)
  default = {}
}

variable "log_format" {
  description = "Text or JSON."
  type        = string
  default     = "Text"
}

variable "log_level" {
  description = "Application and system log level (JSON format only)."
  type        = string
  default     = null
}

variable "log_retention_days" {
  type    = number
  default = 14
}

variable "log_group_name" {
  description = "The function's log group (LoggingConfig.LogGroup), or null for /aws/lambda/<name>."
  type        = string
  default     = null
}

variable "reserved_concurrency" {
  description = "Reserved concurrency, or null for the account's unreserved pool."
  type        = number
  default     = null
}

variable "maximum_retry_attempts" {
  description = "Asynchronous invocations: retries after an error (AWS default 2)."
  type        = number
  default     = 2
}

variable "maximum_event_age_in_seconds" {
  type    = number
  default = 21600
}

variable "dead_letter_queue_arn" {
  description = "Queue that receives asynchronous invocations given up, or null."
  type        = string
  default     = null
}

variable "table_arns" {
  description = "Tables the function reads and writes (with their indexes)."
  type        = list(string)
  default     = []
}

variable "bus_arns" {
  description = "Event buses the function puts events on (PutEvents)."
  type        = list(string)
  default     = []
}

variable "sqs_mappings" {
  description = "Event source mappings from SQS queues."
  type = map(object({
    queue_arn                          = string
    batch_size                         = number
    maximum_batching_window_in_seconds = number
    report_batch_item_failures         = bool
    maximum_concurrency                = number
    enabled                            = bool
    filters                            = list(string)
  }))
  default = {}
}

variable "stream_mappings" {
  description = "Event source mappings from DynamoDB streams."
  type = map(object({
    stream_arn                         = string
    starting_position                  = string
    batch_size                         = number
    maximum_batching_window_in_seconds = number
    maximum_retry_attempts             = number
    maximum_record_age_in_seconds      = number
    bisect_batch_on_function_error     = bool
    report_batch_item_failures         = bool
    on_failure_queue_arn               = optional(string)
    enabled                            = bool
    filters                            = list(string)
  }))
  default = {}
}

locals {
  send_queue_arns = distinct(compact(concat(
    [var.dead_letter_queue_arn],
    [for mapping in values(var.stream_mappings) : mapping.on_failure_queue_arn],
  )))
  statements = concat(
    [{
      Sid      = "OwnLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.this.arn}:*"
    }],
    length(var.table_arns) == 0 ? [] : [{
      Sid    = "ReadWriteItsTables"
      Effect = "Allow"
      Action = [
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ]
      Resource = flatten([for arn in var.table_arns : [arn, "${arn}/index/*"]])
    }],
    length(var.bus_arns) == 0 ? [] : [{
      Sid      = "PutEventsOnItsBuses"
      Effect   = "Allow"
      Action   = "events:PutEvents"
      Resource = var.bus_arns
    }],
    length(var.sqs_mappings) == 0 ? [] : [{
      Sid      = "ConsumeItsQueues"
      Effect   = "Allow"
      Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
      Resource = distinct([for mapping in values(var.sqs_mappings) : mapping.queue_arn])
    }],
    length(var.stream_mappings) == 0 ? [] : [{
      Sid      = "ReadItsStreams"
      Effect   = "Allow"
      Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
      Resource = distinct([for mapping in values(var.stream_mappings) : mapping.stream_arn])
    }],
    length(local.send_queue_arns) == 0 ? [] : [{
      Sid      = "SendFailuresToQueues"
      Effect   = "Allow"
      Action   = "sqs:SendMessage"
      Resource = local.send_queue_arns
    }],
  )
}

resource "aws_cloudwatch_log_group" "this" {
  name              = coalesce(var.log_group_name, "/aws/lambda/${var.name}")
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role" "this" {
  name = var.role_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  name   = "least-privilege"
  role   = aws_iam_role.this.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.statements })
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  runtime                        = var.runtime
  handler                        = var.handler
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  filename                       = var.zip_file
  source_code_hash               = fileexists(var.zip_file) ? filebase64sha256(var.zip_file) : null
  reserved_concurrent_executions = var.reserved_concurrency

  dynamic "environment" {
    for_each = length(var.environment) > 0 ? [var.environment] : []
    content {
      variables = environment.value
    }
  }

  logging_config {
    log_format            = var.log_format
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_format == "JSON" ? var.log_level : null
    # System logs know DEBUG, INFO and WARN only.
    system_log_level = var.log_format == "JSON" && var.log_level != null ? (
      contains(["TRACE", "DEBUG"], var.log_level) ? "DEBUG" : var.log_level == "INFO" ? "INFO" : "WARN"
    ) : null
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_queue_arn == null ? [] : [var.dead_letter_queue_arn]
    content {
      target_arn = dead_letter_config.value
    }
  }

  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  # Only when the topology departs from AWS's defaults.
  count                        = var.maximum_retry_attempts != 2 || var.maximum_event_age_in_seconds != 21600 ? 1 : 0
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
}

resource "aws_lambda_event_source_mapping" "sqs" {
  for_each                           = var.sqs_mappings
  function_name                      = aws_lambda_function.this.arn
  event_source_arn                   = each.value.queue_arn
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  function_response_types            = each.value.report_batch_item_failures ? ["ReportBatchItemFailures"] : []
  enabled                            = each.value.enabled

  scaling_config {
    maximum_concurrency = each.value.maximum_concurrency
  }

  dynamic "filter_criteria" {
    for_each = length(each.value.filters) > 0 ? [each.value.filters] : []
    content {
      dynamic "filter" {
        for_each = filter_criteria.value
        content {
          pattern = filter.value
        }
      }
    }
  }

  # AWS checks the role's permissions on the queue when the mapping is created.
  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_event_source_mapping" "stream" {
  for_each                           = var.stream_mappings
  function_name                      = aws_lambda_function.this.arn
  event_source_arn                   = each.value.stream_arn
  starting_position                  = each.value.starting_position
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  maximum_retry_attempts             = each.value.maximum_retry_attempts
  maximum_record_age_in_seconds      = each.value.maximum_record_age_in_seconds
  bisect_batch_on_function_error     = each.value.bisect_batch_on_function_error
  function_response_types            = each.value.report_batch_item_failures ? ["ReportBatchItemFailures"] : []
  enabled                            = each.value.enabled

  dynamic "destination_config" {
    for_each = each.value.on_failure_queue_arn == null ? [] : [each.value.on_failure_queue_arn]
    content {
      on_failure {
        destination_arn = destination_config.value
      }
    }
  }

  dynamic "filter_criteria" {
    for_each = length(each.value.filters) > 0 ? [each.value.filters] : []
    content {
      dynamic "filter" {
        for_each = filter_criteria.value
        content {
          pattern = filter.value
        }
      }
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

output "name" {
  value = aws_lambda_function.this.function_name
}

output "arn" {
  value = aws_lambda_function.this.arn
}

output "invoke_arn" {
  value = aws_lambda_function.this.invoke_arn
}

output "role_arn" {
  value = aws_iam_role.this.arn
}

output "function" {
  description = "The function resource (for tests)."
  value       = aws_lambda_function.this
}

output "role_name" {
  value = aws_iam_role.this.name
}

output "policy" {
  description = "The role's policy, decoded."
  value       = jsondecode(aws_iam_role_policy.this.policy)
}

output "sqs_mappings" {
  value = aws_lambda_event_source_mapping.sqs
}

output "stream_mappings" {
  value = aws_lambda_event_source_mapping.stream
}

output "event_invoke_config" {
  value = aws_lambda_function_event_invoke_config.this
}
