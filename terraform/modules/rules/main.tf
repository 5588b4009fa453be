# EventBridge rules with the topology's patterns and their targets: SQS queues (each queue's policy lets
# events.amazonaws.com send only from the rules that target it), Lambda functions (a permission per rule) and
# CloudWatch log groups (one resource policy for all of them).

variable "rules" {
  description = "Topology rule name → deployed rule, with targets resolved to topology queue names and deployed functions."
  type = map(object({
    name        = string
    bus_name    = string
    description = optional(string)
    pattern     = optional(string)
    schedule    = optional(string) # a ScheduleExpression (default bus only), instead of a pattern
    enabled     = bool
    targets = list(object({
      id                           = string
      queue                        = optional(string) # topology queue name
      function                     = optional(string) # topology function name
      log_group                    = optional(string) # deployed log group name
      input_path                   = optional(string)
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
      dead_letter_queue            = optional(string) # topology queue name
      message_group_id             = optional(string) # a FIFO queue target's message group
    }))
  }))
  default = {}
}

variable "queue_arns" {
  type = map(string)
}

variable "queue_urls" {
  type = map(string)
}

variable "function_arns" {
  description = "Topology function name → function ARN."
  type        = map(string)
}

variable "function_names" {
  description = "Topology function name → deployed function name."
  type        = map(string)
}

variable "log_retention_days" {
  type    = number
  default = 14
}

locals {
  targets = merge([
    for rule_key, rule in var.rules : {
      for target in rule.targets : "${rule_key}/${target.id}" => merge(target, { rule = rule_key })
    }
  ]...)

  # Queue → the rules that send to it, as a target or as a target's dead-letter queue.
  senders_by_queue = {
    for pair in distinct(flatten([
      for target in values(local.targets) : [
        for queue in compact([target.queue, target.dead_letter_queue]) : { queue = queue, rule = target.rule }
      ]
    ])) : pair.queue => pair.rule...
  }

  log_groups = toset(compact([for target in values(local.targets) : target.log_group]))
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each            = var.rules
  name                = each.value.name
  description         = each.value.description
  event_bus_name      = each.value.bus_name
  event_pattern       = each.value.pattern
  schedule_expression = each.value.schedule
  state               = each.value.enabled ? "ENABLED" : "DISABLED"
}

resource "aws_cloudwatch_log_group" "target" {
  for_each          = local.log_groups
  name              = each.value
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_event_target" "this" {
  for_each       = local.targets
  rule           = aws_cloudwatch_event_rule.this[each.value.rule].name
  event_bus_name = var.rules[each.value.rule].bus_name
  target_id      = each.value.id
  arn = (
    each.value.queue != null ? var.queue_arns[each.value.queue] :
    each.value.function != null ? var.function_arns[each.value.function] :
    aws_cloudwatch_log_group.target[each.value.log_group].arn
  )
  input_path = each.value.input_path

  # A FIFO queue takes events only in a message group.
  dynamic "sqs_target" {
    for_each = each.value.message_group_id == null ? [] : [each.value.message_group_id]
    content {
      message_group_id = sqs_target.value
    }
  }

  dynamic "retry_policy" {
    for_each = each.value.maximum_retry_attempts != null || each.value.maximum_event_age_in_seconds != null ? [1] : []
    content {
      maximum_retry_attempts       = each.value.maximum_retry_attempts
      maximum_event_age_in_seconds = each.value.maximum_event_age_in_seconds
    }
  }

  dynamic "dead_letter_config" {
    for_each = each.value.dead_letter_queue == null ? [] : [each.value.dead_letter_queue]
    content {
      arn = var.queue_arns[dead_letter_config.value]
    }
  }

  depends_on = [aws_sqs_queue_policy.this, aws_lambda_permission.this, aws_cloudwatch_log_resource_policy.this]
}

resource "aws_sqs_queue_policy" "this" {
  for_each  = local.senders_by_queue
  queue_url = var.queue_urls[each.key]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      for rule in distinct(each.value) : {
        Sid       = substr(replace("From${rule}", "/[^A-Za-z0-9]/", ""), 0, 100)
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = var.queue_arns[each.key]
        Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.this[rule].arn } }
      }
    ]
  })
}

resource "aws_lambda_permission" "this" {
  for_each      = { for key, target in local.targets : key => target if target.function != null }
  statement_id  = substr(replace("events-${each.key}", "/[^A-Za-z0-9_-]/", "-"), 0, 100)
  action        = "lambda:InvokeFunction"
  function_name = var.function_names[each.value.function]
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this[each.value.rule].arn
}

resource "aws_cloudwatch_log_resource_policy" "this" {
  count       = length(local.log_groups) > 0 ? 1 : 0
  policy_name = "eventbridge-to-logs-${substr(md5(join(",", sort(local.log_groups))), 0, 12)}"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = [for group in aws_cloudwatch_log_group.target : "${group.arn}:*"]
    }]
  })
}

output "rule_arns" {
  value = { for name, rule in aws_cloudwatch_event_rule.this : name => rule.arn }
}

output "rule_names" {
  value = { for name, rule in aws_cloudwatch_event_rule.this : name => rule.name }
}

output "rules" {
  description = "Rule resources by topology name (for tests)."
  value       = aws_cloudwatch_event_rule.this
}

output "targets" {
  description = "Target resources by \"<rule>/<target id>\" (for tests)."
  value       = aws_cloudwatch_event_target.this
}

output "queue_policies" {
  description = "Topology queue name → its queue policy, decoded."
  value       = { for name, policy in aws_sqs_queue_policy.this : name => jsondecode(policy.policy) }
}

output "lambda_permissions" {
  value = aws_lambda_permission.this
}
