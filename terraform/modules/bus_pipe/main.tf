# The event buses of the topology and the pipes that put a table's stream records on them. Each pipe has its own
# role that may read that one stream and put events on that one bus, nothing else.

variable "buses" {
  description = "Topology bus name → deployed bus name (custom buses only; \"default\" always exists)."
  type        = map(string)
  default     = {}
}

variable "default_bus_needed" {
  description = "Whether a pipe targets the account's default bus (its ARN is then looked up)."
  type        = bool
  default     = false
}

variable "iam_propagation_seconds" {
  description = "How long to wait after a pipe's role and policy are created before creating the pipe: IAM is eventually consistent, and a pipe created at once can fail to assume its new role (hashicorp/terraform-provider-aws#40572). 0 skips the wait (moto, tests)."
  type        = number
  default     = 15
}

variable "pipes" {
  description = "Topology pipe name → deployed pipe, already resolved against tables and buses."
  type = map(object({
    name                               = string
    role_name                          = string
    description                        = optional(string)
    source_stream_arn                  = string
    starting_position                  = string
    batch_size                         = number
    maximum_batching_window_in_seconds = number
    filters                            = list(string)
    maximum_retry_attempts             = optional(number) # null: AWS's default, -1 (until the record expires)
    maximum_record_age_in_seconds      = optional(number) # null: AWS's default, -1 (no limit)
    dead_letter_queue_arn              = optional(string) # gets one message per batch the pipe gives up on
    target_bus                         = string           # topology bus name
    event_source                       = string
    detail_type                        = string
    input_template                     = optional(string)
  }))
  default = {}
}

resource "aws_cloudwatch_event_bus" "this" {
  for_each = var.buses
  name     = each.value
}

data "aws_cloudwatch_event_bus" "default" {
  count = var.default_bus_needed ? 1 : 0
  name  = "default"
}

locals {
  bus_arns = merge(
    { for name, bus in aws_cloudwatch_event_bus.this : name => bus.arn },
    var.default_bus_needed ? { default = data.aws_cloudwatch_event_bus.default[0].arn } : {},
  )
  bus_names = merge(
    { for name, bus in aws_cloudwatch_event_bus.this : name => bus.name },
    { default = "default" },
  )
}

resource "aws_iam_role" "pipe" {
  for_each = var.pipes
  name     = each.value.role_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pipes.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "pipe" {
  for_each = var.pipes
  name     = "read-stream-put-events"
  role     = aws_iam_role.pipe[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "ReadTheSourceStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        Resource = each.value.source_stream_arn
      },
      {
        # ListStreams has no resource-level permissions.
        Sid      = "ListStreams"
        Effect   = "Allow"
        Action   = "dynamodb:ListStreams"
        Resource = "*"
      },
      {
        Sid      = "PutOnTheTargetBus"
        Effect   = "Allow"
        Action   = "events:PutEvents"
        Resource = local.bus_arns[each.value.target_bus]
      },
      ], each.value.dead_letter_queue_arn == null ? [] : [
      {
        # The pipe sends the description of a batch it gives up on with the pipe's own role.
        Sid      = "SendDiscardedBatchesToTheDeadLetterQueue"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = each.value.dead_letter_queue_arn
      },
    ])
  })
}

# IAM changes take seconds to reach every service: the first apply's pipe would otherwise fail to assume the role
# it was just given. Waits again only when a role or its policy changes.
resource "terraform_data" "pipe_role_propagation" {
  for_each         = var.iam_propagation_seconds > 0 ? var.pipes : {}
  triggers_replace = [aws_iam_role.pipe[each.key].arn, aws_iam_role_policy.pipe[each.key].policy]

  provisioner "local-exec" {
    command = "sleep ${var.iam_propagation_seconds}"
  }
}

resource "aws_pipes_pipe" "this" {
  for_each      = var.pipes
  name          = each.value.name
  description   = each.value.description
  role_arn      = aws_iam_role.pipe[each.key].arn
  source        = each.value.source_stream_arn
  target        = local.bus_arns[each.value.target_bus]
  desired_state = "RUNNING"

  source_parameters {
    dynamodb_stream_parameters {
      starting_position                  = each.value.starting_position
      batch_size                         = each.value.batch_size
      maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
      maximum_retry_attempts             = each.value.maximum_retry_attempts
      maximum_record_age_in_seconds      = each.value.maximum_record_age_in_seconds

      dynamic "dead_letter_config" {
        for_each = each.value.dead_letter_queue_arn == null ? [] : [each.value.dead_letter_queue_arn]
        content {
          arn = dead_letter_config.value
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
  }

  target_parameters {
    input_template = each.value.input_template

    eventbridge_event_bus_parameters {
      detail_type = each.value.detail_type
      source      = each.value.event_source
    }
  }

  # The pipe checks its role when it is created: after the policy, and after IAM had time to propagate it.
  depends_on = [aws_iam_role_policy.pipe, terraform_data.pipe_role_propagation]
}

output "bus_arns" {
  description = "Topology bus name → ARN."
  value       = local.bus_arns
}

output "bus_names" {
  description = "Topology bus name → deployed name."
  value       = local.bus_names
}

output "pipe_arns" {
  value = { for name, pipe in aws_pipes_pipe.this : name => pipe.arn }
}

output "pipes" {
  description = "Pipe resources by topology name (for tests)."
  value       = aws_pipes_pipe.this
}

output "pipe_policies" {
  description = "Each pipe role's policy, decoded (for tests)."
  value       = { for name, policy in aws_iam_role_policy.pipe : name => jsondecode(policy.policy) }
}
